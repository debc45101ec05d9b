"""Dashboards: the document model, variables, Grafana import/export."""

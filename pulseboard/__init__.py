"""Pulseboard: a self-hosted real-time KPI and observability dashboard server."""

__version__ = "0.1.0"

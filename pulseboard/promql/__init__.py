"""PromQL: parse (promql-parser) and evaluate on numpy matrices of series x steps."""

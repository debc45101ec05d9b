"""PromQL functions, grouped by what they consume: range vectors, instant vectors, labels."""

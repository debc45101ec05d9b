"""A simulated product and its platform writing realistic, continuously updating metrics.

`DemoWorkload` is the service `pulseboard demo` runs; `catalogue` lists every metric it writes.
"""

from pulseboard.demo.workload import DemoWorkload, WorkloadStats

__all__ = ["DemoWorkload", "WorkloadStats"]

"""Give memory freed by a large load back to the system before the next stage of the run."""

import gc

import pyarrow as pa


def release_freed_memory() -> None:
    """Arrow's allocator keeps freed blocks for reuse: after a large export it held memory that nothing used, which
    counted against every later stage of the run (dbt, the checks; docs/performance.md)."""
    gc.collect()
    pa.default_memory_pool().release_unused()

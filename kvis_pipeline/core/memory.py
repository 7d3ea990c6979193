"""How much memory a run's DuckDB connections may take, and giving memory freed by a large load back to the system."""

import ctypes
import gc
import os

import pyarrow as pa

# DuckDB takes most of the machine's memory by default and spills to disk under a cap. Every DuckDB connection of a
# run has the same cap, dbt's too (dbt_project/profiles.yml reads the same variable with the same default). At the
# default a 10^6-respondent run keeps its processes under 2 GB together, and was as fast as at 1 GB; a cap too small
# for a wave fails the run with DuckDB's "Out of Memory Error" (docs/performance.md).
MEMORY_LIMIT_VARIABLE = "KVIS_DUCKDB_MEMORY_LIMIT"
DEFAULT_MEMORY_LIMIT = "600MB"


def duckdb_memory_limit() -> str:
    return os.environ.get(MEMORY_LIMIT_VARIABLE) or DEFAULT_MEMORY_LIMIT


def check_memory_limit(value: str) -> None:
    """A cap DuckDB cannot read is refused before a run starts; DuckDB itself says what it reads."""
    import duckdb

    try:
        duckdb.connect(config={"memory_limit": value}).close()
    except duckdb.Error:
        raise ValueError(
            f"{MEMORY_LIMIT_VARIABLE} must be an amount of memory such as 1GB or 700MB, got {value!r}"
        ) from None


def duckdb_config(**settings: object) -> dict[str, object]:
    """A run's configuration for duckdb.connect: the memory cap, and any other settings given."""
    return {"memory_limit": duckdb_memory_limit(), **settings}


def release_freed_memory() -> None:
    """Arrow's allocator keeps freed blocks for reuse, and so does the C library's: after a large export they held
    memory that nothing used, which counted against every later stage of the run (dbt, the checks;
    docs/performance.md)."""
    gc.collect()
    pa.default_memory_pool().release_unused()
    _trim_c_heap()


def _trim_c_heap() -> None:
    """glibc's malloc_trim, looked up among the symbols the process already has (ctypes.util.find_library would start
    `ldconfig -p` to find the C library); nothing where the C library has none (musl, macOS) or on Windows."""
    trim = getattr(ctypes.CDLL(None), "malloc_trim", None) if os.name == "posix" else None
    if trim is not None:
        trim(0)

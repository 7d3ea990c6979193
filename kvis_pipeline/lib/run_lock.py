"""One kvis run at a time writes the warehouse and the publication; a second one stops with a clear message."""

import time
from pathlib import Path

import duckdb
from filelock import FileLock, Timeout

from kvis_pipeline.lib.settings import Settings


class WarehouseBusy(Exception):
    """Another run holds the warehouse; this one changed nothing."""


def lock_path(settings: Settings) -> Path:
    return settings.warehouse.with_name(settings.warehouse.name + ".lock")


def acquire_run_lock(settings: Settings, timeout: float) -> FileLock:
    """An OS lock (flock): a run that is killed releases it with its process, so a crash never leaves it stuck."""
    path = lock_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(path))
    try:
        lock.acquire(timeout=timeout)
    except Timeout:
        raise WarehouseBusy(
            f"{settings.warehouse}: another kvis run is writing the warehouse (lock {path}); "
            f"this run stopped after waiting {timeout:g} s and changed nothing"
        ) from None
    return lock


def wait_for_warehouse(settings: Settings, timeout: float) -> None:
    """Wait until no other process has the DuckDB file open.

    A run killed with SIGKILL releases the run lock at once, but its dbt subprocess lives on until dbt finishes
    and keeps the warehouse open until then.
    """
    deadline = time.monotonic() + timeout
    while True:
        try:
            duckdb.connect(str(settings.warehouse)).close()
            return
        except duckdb.IOException as error:
            if "lock" not in str(error).lower():
                raise
            if time.monotonic() > deadline:
                raise WarehouseBusy(f"{settings.warehouse}: still open in another process after {timeout:g} s: "
                                    f"{error}") from None
            time.sleep(0.5)

"""One kvis run at a time writes the warehouse and the publication; a second one stops with a clear message."""

import time
from pathlib import Path

import duckdb
from filelock import FileLock, Timeout

from kvis_pipeline.core.settings import Settings
from kvis_pipeline.warehouse.store import connect


class WarehouseBusy(Exception):
    """Another run holds the warehouse; this one changed nothing."""


def lock_path(settings: Settings) -> Path:
    return settings.warehouse.with_name(settings.warehouse.name + ".lock")


class RunLocks:
    """The warehouse's lock and the publish folder's, held together for a whole run."""

    def __init__(self, locks: list[FileLock]):
        self.locks = locks

    def release(self) -> None:
        for lock in reversed(self.locks):
            lock.release()


def publish_lock_path(settings: Settings) -> Path:
    """Beside the publish folder, not in it: the folder holds the publication and nothing else."""
    return settings.publish_dir.with_name(settings.publish_dir.name + ".lock")


def acquire_run_lock(settings: Settings, timeout: float) -> RunLocks:
    """OS locks (flock) on the warehouse and on the publish folder (two warehouses may share one): a run that is
    killed releases them with its process, so a crash never leaves them stuck."""
    held: list[FileLock] = []
    for path, what in (
        (lock_path(settings), "writing the warehouse"),
        (publish_lock_path(settings), "writing the publish folder"),
    ):
        path.parent.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(path))
        try:
            lock.acquire(timeout=timeout)
        except Timeout:
            RunLocks(held).release()
            raise WarehouseBusy(
                f"{settings.warehouse}: another kvis run is {what} (lock {path}); "
                f"this run stopped after waiting {timeout:g} s and changed nothing"
            ) from None
        held.append(lock)
    return RunLocks(held)


def wait_for_warehouse(settings: Settings, timeout: float) -> None:
    """Wait until no other process has the DuckDB file open.

    A run killed with SIGKILL releases the run lock at once, but its dbt subprocess lives on until dbt finishes
    and keeps the warehouse open until then.
    """
    deadline = time.monotonic() + timeout
    while True:
        try:
            with connect(settings.warehouse):  # as every connection of this process opens it (one configuration)
                return
        except duckdb.IOException as error:
            if "lock" not in str(error).lower():
                raise
            if time.monotonic() > deadline:
                raise WarehouseBusy(
                    f"{settings.warehouse}: still open in another process after {timeout:g} s: {error}"
                ) from None
            time.sleep(0.5)

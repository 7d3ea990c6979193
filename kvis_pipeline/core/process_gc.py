"""Python's garbage collector set for kvis' processes: each builds a large graph of objects that live until it exits
(Dagster's definitions, dbt's manifest), does one job and exits."""

import gc
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

# Python's default (700, 10, 10) walks those graphs again every few thousand allocations ("The forenoon" in
# docs/performance.md has what that cost and what these save).
THRESHOLDS = (50_000, 20, 100)


@contextmanager
def existing_objects_spared() -> Iterator[None]:
    """While the block runs, collections leave out the objects made before it (imports, Dagster's definitions): a
    run's full collections after large loads (kvis_pipeline.core.memory) walk only the objects made since. Reference
    counting frees what it frees as before."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def run_and_exit(job: Callable[[], int | str | None]) -> None:
    """Run `job` (a command's main; it may also raise SystemExit) and exit with its code, without the collection
    Python makes on the way out. Frozen objects are left out of it; everything else at exit (atexit handlers,
    closing files) still runs."""
    gc.set_threshold(*THRESHOLDS)
    try:
        code = job()
    except SystemExit as stop:
        code = stop.code
    gc.freeze()
    sys.exit(code)

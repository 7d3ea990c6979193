"""Worker processes for work done beside a run, which end with the process that started them."""

import multiprocessing
import os
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from multiprocessing.connection import wait


def spawned_workers(workers: int, initializer: Callable | None = None, initargs: tuple = ()) -> ProcessPoolExecutor:
    """A process pool whose workers are spawned, not forked (the parent may hold DuckDB and Dagster threads that a
    forked child must not inherit), and exit as soon as their parent is gone: a run killed outright (SIGKILL runs
    no clean-up) would otherwise leave them, and their resource tracker, waiting for work for ever."""
    return ProcessPoolExecutor(
        workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_start_worker,
        initargs=(initializer, initargs),
    )


def _start_worker(initializer: Callable | None, initargs: tuple) -> None:
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_when_gone, args=(parent.sentinel,), daemon=True).start()
    if initializer is not None:
        initializer(*initargs)


def _exit_when_gone(parent_sentinel: int) -> None:
    wait([parent_sentinel])
    os._exit(1)

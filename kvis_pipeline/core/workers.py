"""Worker processes for work done beside a run, which end with the process that started them."""

import multiprocessing
import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
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


@contextmanager
def left_to_exit(pool: ProcessPoolExecutor) -> Iterator[ProcessPoolExecutor]:
    """`with pool`, except that after a block that succeeds (its work all done) the workers are left to exit on
    their own while this process goes on, instead of being waited for; after one that fails they are waited for."""
    try:
        yield pool
    except BaseException:
        pool.shutdown(wait=True)
        raise
    pool.shutdown(wait=False)


def _start_worker(initializer: Callable | None, initargs: tuple) -> None:
    parent = multiprocessing.parent_process()
    if parent is not None:
        exit_when_parent_gone(parent.sentinel)
    if initializer is not None:
        initializer(*initargs)


def exit_when_parent_gone(sentinel: int) -> None:
    """End this process at once when `sentinel`, a descriptor that becomes readable when the parent is gone (EOF of
    a pipe only the parent writes, multiprocessing's parent sentinel), is readable; watched by a daemon thread."""
    threading.Thread(target=_exit_when_readable, args=(sentinel,), daemon=True).start()


def _exit_when_readable(sentinel: int) -> None:
    wait([sentinel])
    os._exit(1)

"""Workers started beside a run end with it, even when the run is killed outright."""

import os
import signal
import subprocess
import sys
import textwrap

import psutil
import pytest

from kvis_pipeline.core.workers import left_to_exit, spawned_workers


def _mark(value: str) -> None:
    os.environ["KVIS_WORKER_MARK"] = value


def _read_mark(_: int) -> str | None:
    return os.environ.get("KVIS_WORKER_MARK")


def test_workers_do_their_work_and_run_their_initializer():
    with spawned_workers(2, _mark, ("set",)) as pool:
        assert list(pool.map(_read_mark, range(4))) == ["set"] * 4
        assert pool.submit(os.getpid).result() != os.getpid()


def test_a_parent_killed_outright_leaves_no_worker_behind(tmp_path):
    script = tmp_path / "parent.py"
    script.write_text(
        textwrap.dedent("""
            import time
            from kvis_pipeline.core.workers import spawned_workers
            if __name__ == "__main__":
                pool = spawned_workers(2)
                pool.submit(time.sleep, 0).result()  # the workers are up
                print("ready", flush=True)
                time.sleep(600)
        """)
    )
    parent = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    assert parent.stdout.readline().strip() == "ready"
    children = psutil.Process(parent.pid).children(recursive=True)
    assert len(children) >= 2  # a worker (started on demand) and multiprocessing's resource tracker
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    _, alive = psutil.wait_procs(children, timeout=20)
    assert not alive, [" ".join(p.cmdline())[-80:] for p in alive]


def test_workers_left_to_exit_end_on_their_own_after_success_and_are_waited_for_after_a_failure():
    with left_to_exit(spawned_workers(1)) as pool:
        worker = psutil.Process(pool.submit(os.getpid).result())
    with pytest.raises(RuntimeError):  # shut down: it takes no more work
        pool.submit(os.getpid)
    worker.wait(timeout=20)  # the worker exits of itself

    with pytest.raises(ValueError), left_to_exit(spawned_workers(1)) as pool:
        worker = psutil.Process(pool.submit(os.getpid).result())
        raise ValueError("the block failed")
    assert not worker.is_running()  # already waited for

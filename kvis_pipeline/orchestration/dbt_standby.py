"""A dbt process started before a run's dbt step, dbt already imported, that the step's dbt command hands its work to.

dagster-dbt starts the dbt process when the dbt step begins, and importing dbt costs that process about 2 s before
it does anything (docs/performance.md, "Afternoon"). `kvis run` starts a standby at the start of each wave's run, so
the import happens while the run reads and stages the wave. The dbt command dagster-dbt starts (dbt_process.py)
finds the standby's address in its environment and hands over its arguments, environment, working folder and
standard streams: the standby runs dbt's command line as that process would have, and sends back the exit code.
Without a standby (a run launched from Dagster's UI, a second dbt command in one run) the command runs dbt itself.

Written by hand because the standard library has what it needs (Unix sockets that pass file descriptors), and no
well-kept library keeps a Python command warm for a process it does not start.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from types import MappingProxyType

from kvis_pipeline.core.environment import variables_set
from kvis_pipeline.core.workers import exit_when_parent_gone

STANDBY_VARIABLE = "KVIS_DBT_STANDBY"  # the standby's address, in the environment the dbt command inherits
STANDBY_FLAG = "--kvis-standby"
_STREAMS = (0, 1, 2)
_FORWARDED_SIGNALS = (signal.SIGINT, signal.SIGTERM)  # dagster-dbt stops dbt with SIGINT; an operator may send SIGTERM


def standby_supported() -> bool:
    return hasattr(socket, "AF_UNIX") and hasattr(socket, "send_fds")


@contextmanager
def dbt_standby(
    command: list[str], environment: Mapping[str, str] = MappingProxyType({})
) -> Iterator[subprocess.Popen | None]:
    """While the block runs, a standby dbt process (`command` + its flag, with `environment` added to this process's)
    takes the first dbt command started from this process. It ends with the block, and with this process if that is
    killed, used or not."""
    if not standby_supported():
        yield None
        return
    with tempfile.TemporaryDirectory(prefix="kvis-dbt-") as folder:
        address = os.path.join(folder, "standby")
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            listener.bind(address)  # here, so that a command started before the standby is up waits for it
        except OSError:  # a temporary folder whose path is too long for a socket's address: dbt starts as before
            listener.close()
            yield None
            return
        listener.listen(1)
        parent_alive, parent_gone = os.pipe()  # the standby reads EOF once this process has closed (or lost) its end
        standby_environment = {**os.environ, "PYTHONUNBUFFERED": "1", **environment}
        standby_environment.pop(STANDBY_VARIABLE, None)
        standby = subprocess.Popen(
            [*command, STANDBY_FLAG, str(listener.fileno()), str(parent_alive)],
            pass_fds=(listener.fileno(), parent_alive),
            env=standby_environment,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,  # until a dbt command hands over its own streams
            stderr=subprocess.DEVNULL,
        )
        listener.close()  # the standby's now: should it end early, a command finds the address refusing and runs dbt
        os.close(parent_alive)
        try:
            with variables_set({STANDBY_VARIABLE: address}):
                yield standby
        finally:
            os.close(parent_gone)
            try:
                standby.wait(timeout=5)  # a used standby has exited with its dbt command; an unused one now exits
            except subprocess.TimeoutExpired:
                standby.kill()
                standby.wait()


def standby_waiting() -> bool:
    """Whether a standby started by this process waits for a dbt command (one that took a command is gone)."""
    address = os.environ.get(STANDBY_VARIABLE)
    return bool(address) and os.path.exists(address)


def hand_over(args: list[str]) -> int | None:
    """Run dbt with `args` in the standby named by the environment: its exit code, or None when no standby took
    the command (there is none, it is gone, or another command took it) and the caller should run dbt itself."""
    address = os.environ.get(STANDBY_VARIABLE)
    if not address or not standby_supported():
        return None
    received: list[int] = []  # a stop may come before the standby has said who it is; it is passed on then
    for signum in _FORWARDED_SIGNALS:
        signal.signal(signum, lambda signum, _frame: received.append(signum))
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        connection.connect(address)
        request = json.dumps({"args": args, "cwd": os.getcwd(), "env": dict(os.environ)}).encode()
        socket.send_fds(connection, [request], list(_STREAMS))
        connection.shutdown(socket.SHUT_WR)
        replies = connection.makefile("r", encoding="utf-8")
        started = replies.readline().split()
    except OSError:
        started = []
    if started[:1] != ["started"]:  # no standby took the command: nothing ran, and it runs here
        connection.close()
        for signum in _FORWARDED_SIGNALS:
            signal.signal(signum, signal.default_int_handler if signum == signal.SIGINT else signal.SIG_DFL)
        for signum in received:
            signal.raise_signal(signum)
        return None
    standby = int(started[1])
    for signum in _FORWARDED_SIGNALS:
        signal.signal(signum, lambda signum, _frame: _forward(standby, signum))
    for signum in received:
        _forward(standby, signum)
    with connection:
        ended = replies.readline().split()
    if ended[:1] == ["exit"]:
        return int(ended[1])
    print("kvis: the dbt process ended without an exit code (it was stopped or ran out of memory)", file=sys.stderr)
    return 1


def _forward(pid: int, signum: int) -> None:
    with suppress(ProcessLookupError):
        os.kill(pid, signum)


def serve_once(listening: int, parent_alive: int, prepare: Callable[[], Callable[[list[str]], int | None]]) -> int:
    """The standby: `prepare` (import dbt; it returns the function that runs dbt's command line), take one dbt
    command from the `listening` socket and run it as that command's process. Exits when its parent is gone."""
    exit_when_parent_gone(parent_alive)
    listener = socket.socket(fileno=listening)
    run_dbt = prepare()
    connection, _ = listener.accept()
    os.unlink(listener.getsockname())  # a later command finds no standby and runs dbt itself
    listener.close()
    request, streams = _receive(connection)
    for received, stream in zip(streams, _STREAMS, strict=True):
        os.dup2(received, stream)
        os.close(received)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    connection.sendall(f"started {os.getpid()}\n".encode())
    try:
        code = run_dbt(request["args"])
    except SystemExit as stop:
        code = stop.code
    except KeyboardInterrupt:  # a stop dbt did not catch; 130 as a shell reports a command stopped so
        code = 130
    code = code if isinstance(code, int) else (0 if code is None else 1)
    sys.stdout.flush()
    sys.stderr.flush()
    connection.sendall(f"exit {code}\n".encode())
    return code


def _receive(connection: socket.socket) -> tuple[dict, list[int]]:
    message, streams, _flags, _address = socket.recv_fds(connection, 1 << 16, len(_STREAMS))
    chunks = [message]
    while chunk := connection.recv(1 << 16):
        chunks.append(chunk)
    if len(streams) != len(_STREAMS):
        raise RuntimeError("a dbt command handed over without its standard streams")
    return json.loads(b"".join(chunks)), streams

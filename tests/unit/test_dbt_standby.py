"""A standby dbt process runs the first dbt command of a run as that command's own process would, and no more."""

import os
import signal
import subprocess
import sys
import tempfile
import textwrap

import psutil

from kvis_pipeline.orchestration.dbt_process import DBT_COMMAND
from kvis_pipeline.orchestration.dbt_standby import STANDBY_VARIABLE, dbt_standby, standby_waiting

# A stand-in for dbt's command line, so that these tests see what ran where; the last test uses dbt itself.
FAKE_DBT = textwrap.dedent("""
    import os, sys, time
    from kvis_pipeline.orchestration.dbt_standby import STANDBY_FLAG, hand_over, serve_once

    def run(args):
        if args == ["sleep"]:
            try:
                print("sleeping", flush=True)
                time.sleep(60)
            except KeyboardInterrupt:
                print("interrupted", flush=True)
                return 130
        print("ran", args, os.getcwd(), os.environ.get("PROBE"), os.getpid(), flush=True)
        print("on stderr", file=sys.stderr)
        return int(args[0])

    if sys.argv[1:2] == [STANDBY_FLAG]:
        sys.exit(serve_once(int(sys.argv[2]), int(sys.argv[3]), lambda: run))
    code = hand_over(sys.argv[1:])
    if code is None:
        print("ran itself", flush=True)
        code = 0
    sys.exit(code)
""")
FAKE_COMMAND = [sys.executable, "-c", FAKE_DBT]


def _command(*args: str, cwd=None, **env: str) -> subprocess.Popen:
    return subprocess.Popen(
        [*FAKE_COMMAND, *args],
        cwd=cwd,
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_the_first_command_runs_in_the_standby_with_its_own_arguments_folder_environment_and_streams(tmp_path):
    with dbt_standby(FAKE_COMMAND) as standby:
        assert standby_waiting()
        command = _command("3", "a b", cwd=tmp_path, PROBE="the command's")
        out, err = command.communicate(timeout=60)
        assert command.returncode == 3
        assert out == f"ran ['3', 'a b'] {tmp_path} the command's {standby.pid}\n"
        assert err == "on stderr\n"
        assert not standby_waiting()
        again = _command("0")
        assert again.communicate(timeout=60) == ("ran itself\n", "")  # a second command runs dbt itself
    assert standby.wait(timeout=10) == 3
    assert STANDBY_VARIABLE not in os.environ


def test_without_a_standby_the_command_runs_dbt_itself():
    assert _command("5").communicate(timeout=60) == ("ran itself\n", "")
    gone = _command("5", **{STANDBY_VARIABLE: "/nonexistent/standby"})
    assert gone.communicate(timeout=60) == ("ran itself\n", "")


def test_where_no_socket_can_be_made_dbt_starts_as_before(monkeypatch, tmp_path):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / ("long-" * 30)))  # past a socket address's 108 bytes
    (tmp_path / ("long-" * 30)).mkdir()
    with dbt_standby(FAKE_COMMAND) as standby:
        assert standby is None and STANDBY_VARIABLE not in os.environ
        assert _command("4").communicate(timeout=60) == ("ran itself\n", "")


def test_an_unused_standby_ends_with_its_block():
    with dbt_standby(FAKE_COMMAND) as standby:
        assert standby.poll() is None
    assert standby.poll() is not None and not standby_waiting()


def test_stopping_the_command_stops_the_dbt_it_handed_over():
    with dbt_standby(FAKE_COMMAND) as standby:
        command = _command("sleep")
        assert command.stdout.readline() == "sleeping\n"
        command.send_signal(signal.SIGINT)  # as dagster-dbt stops a dbt process when its run is cancelled
        out, err = command.communicate(timeout=30)
        assert (command.returncode, out, err) == (130, "interrupted\n", "")
        assert standby.wait(timeout=10) == 130


def test_a_run_killed_outright_leaves_neither_a_standby_nor_the_dbt_it_runs_behind(tmp_path):
    script = tmp_path / "run.py"
    script.write_text(
        textwrap.dedent(f"""
            import subprocess, sys, time
            from kvis_pipeline.orchestration.dbt_standby import dbt_standby
            with dbt_standby({FAKE_COMMAND!r}) as idle, dbt_standby({FAKE_COMMAND!r}) as working:
                command = subprocess.Popen([*{FAKE_COMMAND!r}, "sleep"], stdout=subprocess.PIPE, text=True)
                assert command.stdout.readline() == "sleeping\\n"
                print(idle.pid, working.pid, command.pid, flush=True)
                time.sleep(600)
        """)
    )
    run = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    processes = [psutil.Process(int(pid)) for pid in run.stdout.readline().split()]
    assert len(processes) == 3 and all(p.is_running() for p in processes)
    run.send_signal(signal.SIGKILL)
    run.wait()
    _, alive = psutil.wait_procs(processes, timeout=20)
    assert not alive, [" ".join(p.cmdline())[-80:] for p in alive]


def test_dbt_itself_runs_in_the_standby_as_its_own_command_line():
    with dbt_standby(DBT_COMMAND) as standby:
        unknown = subprocess.run([*DBT_COMMAND, "no-such-command"], capture_output=True, text=True, timeout=120)
        assert standby.wait(timeout=30) == 2  # the standby ran it, and ended with its exit code
    assert unknown.returncode == 2
    assert "Usage: dbt [OPTIONS] [COMMAND]" in unknown.stderr and "No such command 'no-such-command'" in unknown.stderr

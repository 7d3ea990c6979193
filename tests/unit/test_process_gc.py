"""kvis' processes exit with their command's code under the collector settings of kvis_pipeline.core.process_gc."""

import subprocess
import sys

from kvis_pipeline.core.process_gc import THRESHOLDS


def python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)


def test_a_job_runs_under_the_thresholds_and_its_code_is_the_exit_code():
    job = "import gc; from kvis_pipeline.core.process_gc import run_and_exit; "
    returned = python(job + "run_and_exit(lambda: print(gc.get_threshold()) or 3)")
    assert (returned.returncode, returned.stdout.strip()) == (3, str(THRESHOLDS))
    raised = python(job + "import sys; run_and_exit(lambda: sys.exit(2))")
    assert raised.returncode == 2
    atexit = python(job + "import atexit; atexit.register(print, 'atexit ran'); run_and_exit(lambda: None)")
    assert (atexit.returncode, atexit.stdout) == (0, "atexit ran\n")


def test_the_dbt_process_is_dbts_own_command_line():
    dbt = [sys.executable, "-m", "kvis_pipeline.orchestration.dbt_process"]
    unknown = subprocess.run([*dbt, "no-such-command"], capture_output=True, text=True, timeout=120)
    assert unknown.returncode == 2
    assert "Usage: dbt [OPTIONS] [COMMAND]" in unknown.stderr and "No such command 'no-such-command'" in unknown.stderr
    listed = subprocess.run([*dbt, "--help"], capture_output=True, text=True, timeout=120)
    assert listed.returncode == 0 and "build" in listed.stdout and "parse" in listed.stdout


def test_collections_spare_the_objects_made_before_a_run_only_while_it_runs():
    spared = python(
        "import gc; from kvis_pipeline.core.process_gc import existing_objects_spared\n"
        "made = [[] for _ in range(1000)]\n"
        "with existing_objects_spared():\n"
        "    during = gc.get_freeze_count(); gc.collect(); gc.collect(); still = gc.get_freeze_count()\n"
        "print(during >= 1000, still == during, gc.get_freeze_count())"
    )
    assert spared.stdout.split() == ["True", "True", "0"], spared.stderr

"""kvis' processes exit with their command's code under the collector settings of kvis_pipeline.core.process_gc."""

import os
import subprocess
import sys
from pathlib import Path

from helpers import DBT_PROJECT

from kvis_pipeline.core.process_gc import THRESHOLDS
from kvis_pipeline.orchestration.dbt_build import KEPT_PARSES
from kvis_pipeline.orchestration.dbt_process import DBT_COMMAND
from kvis_pipeline.orchestration.kept_parse import KEPT_PARSES_VARIABLE


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


def test_a_dbt_module_in_the_working_folder_is_not_imported_by_dbts_plugin_search(tmp_path):
    """dbt imports every module on the module path whose name starts with dbt_ as a plugin; `python -m` puts the
    working folder on that path, and a user's working folder is data, never code."""
    trap = tmp_path / "dbt_trap.py"
    trap.write_text(f"open({str(tmp_path / 'imported')!r}, 'w').close()\nraise SystemExit(7)\n")
    listing = ["ls", "--resource-type", "seed", "--project-dir", str(DBT_PROJECT), "--profiles-dir", str(DBT_PROJECT)]
    listing += ["--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "target")]
    environment = {
        **os.environ,
        "KVIS_WAREHOUSE": str(tmp_path / "kvis.duckdb"),
        KEPT_PARSES_VARIABLE: str(KEPT_PARSES),
    }
    # a relative PYTHONPATH entry (PYTHONPATH=.) would name the working folder itself
    search = [str(Path(entry).resolve()) for entry in os.environ.get("PYTHONPATH", "").split(os.pathsep) if entry]
    environment["PYTHONPATH"] = os.pathsep.join(search)

    def run(command: list[str]) -> subprocess.CompletedProcess:
        return subprocess.run(
            command + listing, cwd=tmp_path, env=environment, capture_output=True, text=True, timeout=300
        )

    listed = run(DBT_COMMAND)
    assert listed.returncode == 0 and "kvis.item_equivalence" in listed.stdout, listed.stdout[-2000:]
    assert not (tmp_path / "imported").exists()
    without_the_flag = run([c for c in DBT_COMMAND if c != "-P"])  # what the flag prevents
    assert (tmp_path / "imported").exists() and without_the_flag.returncode != 0

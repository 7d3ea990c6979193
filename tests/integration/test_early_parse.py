"""dbt's standby parses the project for the build it expects before the command comes; the build runs on that parse
only when the command parses as the expected build did, and builds the same marts as a build that parses itself."""

import json
import os
import shutil
import subprocess
import sys

import pytest
from helpers import database_tables, dbt_build_as_a_run

from kvis_pipeline.core.settings import Settings
from kvis_pipeline.orchestration.dbt_build import build_arguments, build_vars, expected_build
from kvis_pipeline.orchestration.early_parse import EXPECTED_VARIABLE, parse_inputs

# In a process of its own, as the standby: parse early with the expected build's environment, then run the build's
# command line, in the environment the command brings, on that parse. Prints whether the parse was used.
STANDBY = """
import json, os, sys, threading
from dbt_common.clients.jinja import template_cache
from kvis_pipeline.orchestration.dbt_process import dbt_runner
from kvis_pipeline.orchestration.early_parse import early_parse
from kvis_pipeline.orchestration.macro_warmup import compile_until, macros_a_build_calls
parsed = early_parse()
args, command_environment = json.loads(sys.argv[1]), json.loads(sys.argv[2])
os.chdir(command_environment["DBT_PROJECT_DIR"])
os.environ.clear()
os.environ.update(command_environment)
planned = [macro.name for macro in macros_a_build_calls(parsed.manifest)] if parsed is not None else []
if parsed is not None:  # as if the command came only once every macro the build calls was compiled
    compile_until(parsed.manifest, threading.Event())
done = {"parsed": parsed is not None, "used": parsed.manifest_for(args) is not None}
print(json.dumps({**done, "planned": planned, "warmed": len(template_cache.file_cache)}))
sys.stdout.flush()
dbt_runner(parsed)(args)
"""


def build_in_standby(settings: Settings, command_settings: Settings, target) -> tuple[dict, list[str]]:
    """What the standby did with the expected build of `settings` and the build command of `command_settings`, and
    the names of the events dbt logged."""
    args = build_arguments(build_vars(command_settings))
    args += ["--log-level", "debug", "--log-path", str(target)]  # dbt logs its parse at debug level
    standby = {**os.environ, **expected_build(settings)}
    command = {
        **os.environ,
        **expected_build(command_settings),
        "DBT_TARGET_PATH": str(target),
        "DBT_LOG_FORMAT": "json",
    }
    command.pop(EXPECTED_VARIABLE)  # the standby's, not the command's
    result = subprocess.run(
        [sys.executable, "-c", STANDBY, json.dumps(args), json.dumps(command)],
        env=standby,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    first, *logged = result.stdout.splitlines()
    return json.loads(first), [json.loads(line)["info"]["name"] for line in logged if line.startswith("{")]


def test_the_build_runs_on_the_early_parse_and_builds_the_marts_a_build_that_parses_itself_builds(
    published_reference, settings, tmp_path
):
    published_reference("2025")
    early = tmp_path / "early" / "kvis.duckdb"
    shutil.copytree(settings.warehouse.parent, early.parent)
    on_early_parse = Settings.from_env({**os.environ, "KVIS_WAREHOUSE": str(early)})

    done, events = build_in_standby(on_early_parse, on_early_parse, tmp_path / "target")
    assert done["parsed"] and done["used"]
    # the build ran on the macros compiled before it (macro_warmup.py): its materializations, its tests', and theirs
    assert {"materialization_incremental_duckdb", "test_row_rules", "levels_from_clusters"} <= set(done["planned"])
    assert done["warmed"] > 100
    assert "CommandCompleted" in events and events.count("LogModelResult") == 36
    assert "PartialParsingEnabled" not in events and "UnableToPartialParse" not in events  # no parse of its own
    dbt_build_as_a_run(settings.warehouse, build_vars(settings))  # parses, as dbt does without a standby

    marts = {name: t for name, t in database_tables(settings.warehouse).items() if name.startswith("marts.")}
    assert len(marts) == 18 and len(marts["marts.cluster_results"]) == 73 * 38
    early_marts = {name: t for name, t in database_tables(early).items() if name.startswith("marts.")}
    assert early_marts.keys() == marts.keys()
    for name, table in marts.items():
        assert early_marts[name].equals(table), name


def test_a_command_that_parses_otherwise_parses_itself(published_reference, settings, tmp_path):
    published_reference("2025")
    other = Settings.from_env({**os.environ, "KVIS_MIN_CELL": "3"})
    done, events = build_in_standby(settings, other, tmp_path / "target")
    assert (done["parsed"], done["used"]) == (True, False)
    assert "PartialParsingEnabled" in events or "UnableToPartialParse" in events


@pytest.mark.parametrize(
    "changed",
    [
        {"KVIS_MIN_CELL": "3"},  # a variable the project reads
        {"KVIS_WAREHOUSE": "/elsewhere/kvis.duckdb"},  # the profile's path
        {"KVIS_DUCKDB_MEMORY_LIMIT": "900MB"},  # the profile's settings
    ],
)
def test_what_makes_a_parse_tells_commands_apart(settings, monkeypatch, changed):
    args = ["parse", "--vars", json.dumps(build_vars(settings))]
    for name, value in expected_build(settings).items():
        monkeypatch.setenv(name, value)
    inputs = parse_inputs(args)
    assert inputs is not None
    monkeypatch.setenv("KVIS_DBT_STANDBY", "/tmp/another-standby")  # the standby's own address is no input
    assert parse_inputs(args) == inputs
    for name, value in changed.items():
        monkeypatch.setenv(name, value)
    assert parse_inputs(args) != inputs
    assert parse_inputs(["parse", "--vars", json.dumps({**build_vars(settings), "min_cell": 3})]) != inputs

"""Which rules a failed dbt build found broken: read back from its `row_rules` tests, for the run's one line.

A `row_rules` test (dbt_project/tests/generic/row_rules.sql) returns one row per broken rule: the rule as written
in the project's YAML and how many rows break it, never a value from the data, so it may be shown. Other tests
return the failing rows themselves and are named only.
"""

import json
import re
from pathlib import Path

from dagster_dbt import DagsterDbtCliRuntimeError

from kvis_pipeline.warehouse.store import connect

BROKEN = "Broken in "  # how a line of broken rules starts in the error's message
# dbt's line for a failed test, as the error's message carries it (without its colours): its name and its file
FAILED_ROW_RULES = re.compile(r"Failure in test (row_rules_\S*) \(([^)]+)\)")
_COLOURS = re.compile(r"\x1b\[[0-9;]*m")


def broken_rules(message: str, build_target: Path, manifest: Path, warehouse: Path) -> list[str]:
    """One line per failed `row_rules` test the message of dbt's failed build names: its name, then each broken
    rule. The test's SQL is read from the build's target, where dbt compiled it, at the path the project's
    `manifest` gives it."""
    failed = dict.fromkeys(FAILED_ROW_RULES.findall(_COLOURS.sub("", message)))
    if not failed:
        return []
    tests = {
        (node["name"], node["original_file_path"]): node
        for node in json.loads(manifest.read_text())["nodes"].values()
        if node["resource_type"] == "test"
    }
    lines = []
    with connect(warehouse, read_only=True) as con:
        for name, file in failed:
            node = tests[(name, file)]
            sql = (build_target / "compiled" / node["package_name"] / _compiled_path(node)).read_text()
            rules = sorted(con.execute(sql).fetchall())  # union all keeps no order
            broken = "; ".join(f"{rule} ({rows:,} row{'s' if rows != 1 else ''})" for rule, rows in rules)
            lines.append(f"{BROKEN}{name}: {broken}")
    return lines


def _compiled_path(node: dict) -> Path:
    """Where dbt writes a node's compiled SQL in the target's compiled/<package> folder: a test declared in a YAML
    file goes in a folder named as that file."""
    if Path(node["path"]).name == Path(node["original_file_path"]).name:
        return Path(node["original_file_path"])
    return Path(node["original_file_path"]) / node["path"]


def with_broken_rules(
    error: DagsterDbtCliRuntimeError, build_target: Path, manifest: Path, warehouse: Path
) -> Exception:
    """dbt's error with the broken rules added to its message, or the error as it was when none can be read."""
    try:
        lines = broken_rules(str(error), build_target, manifest, warehouse)
    except Exception:  # the rules are an aid to the message; the build's failure stands without them
        return error
    return DagsterDbtCliRuntimeError("\n".join([str(error), *lines])) if lines else error

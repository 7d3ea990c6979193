"""Which rules a failed dbt build found broken: read back from its `row_rules` tests, for the run's one line.

A `row_rules` test (dbt_project/tests/generic/row_rules.sql) returns one row per broken rule: the rule as written
in the project's YAML and how many rows break it, never a value from the data, so it may be shown. Other tests
return the failing rows themselves and are named only.
"""

import json
from pathlib import Path

from dagster_dbt import DagsterDbtCliRuntimeError

from kvis_pipeline.warehouse.store import connect

ROW_RULES_TEST = "test.kvis.row_rules_"
BROKEN = "Broken in "  # how a line of broken rules starts in the error's message


def broken_rules(build_target: Path, warehouse: Path) -> list[str]:
    """One line per failed `row_rules` test of the build in `build_target`: its name, then each broken rule."""
    results = build_target / "run_results.json"
    if not results.exists():
        return []
    failed = [
        result
        for result in json.loads(results.read_text())["results"]
        if result["status"] == "fail" and result["unique_id"].startswith(ROW_RULES_TEST)
    ]
    if not failed:
        return []
    lines = []
    with connect(warehouse, read_only=True) as con:
        for result in failed:
            rules = sorted(con.execute(result["compiled_code"]).fetchall())  # union all keeps no order
            broken = "; ".join(f"{rule} ({rows:,} row{'s' if rows != 1 else ''})" for rule, rows in rules)
            lines.append(f"{BROKEN}{result['unique_id'].split('.')[2]}: {broken}")
    return lines


def with_broken_rules(error: DagsterDbtCliRuntimeError, build_target: Path, warehouse: Path) -> Exception:
    """dbt's error with the broken rules added to its message, or the error as it was when none can be read."""
    try:
        lines = broken_rules(build_target, warehouse)
    except Exception:  # the rules are an aid to the message; the build's failure stands without them
        return error
    return DagsterDbtCliRuntimeError("\n".join([str(error), *lines])) if lines else error

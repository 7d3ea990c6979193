"""The rules a failed dbt build found broken reach the run's one line; other failed tests are only named."""

import json

import duckdb
from dagster_dbt import DagsterDbtCliRuntimeError

from kvis_pipeline.orchestration.broken_rules import broken_rules, with_broken_rules
from kvis_pipeline.orchestration.runner import _dbt_failures

MARTS_YAML = "models/marts/_marts.yml"
FAILED = (
    f"\x1b[31mFailure in test row_rules_cluster_response ({MARTS_YAML})\x1b[0m\n"
    "Failure in test every_item_at_every_level (tests/singular/every_item_at_every_level.sql)"
)


def compiled_build(tmp_path, tests: dict[str, str]) -> tuple:
    """A build's target with each test's compiled SQL where dbt writes it, and the project's manifest naming them
    (a generic test declared in _marts.yml; a singular test in a file of its own)."""
    target, nodes = tmp_path / "target", {}
    for name, sql in tests.items():
        if name.startswith("row_rules_"):
            original, compiled = MARTS_YAML, target / "compiled" / "kvis" / MARTS_YAML / f"{name}.sql"
        else:
            original = f"tests/singular/{name}.sql"
            compiled = target / "compiled" / "kvis" / original
        compiled.parent.mkdir(parents=True, exist_ok=True)
        compiled.write_text(sql)
        nodes[f"test.kvis.{name}.0"] = {
            "resource_type": "test",
            "name": name,
            "package_name": "kvis",
            "original_file_path": original,
            "path": f"{name}.sql",
        }
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({"nodes": nodes}))
    warehouse = tmp_path / "kvis.duckdb"
    duckdb.connect(str(warehouse)).close()
    return target, manifest, warehouse


def test_each_failed_row_rules_test_gives_its_broken_rules_and_their_rows(tmp_path):
    broken = "select 'response_rate within [0, 1]', 1 union all select 'members >= respondents', 3"
    target, manifest, warehouse = compiled_build(
        tmp_path,
        {
            "row_rules_cluster_response": broken,
            "row_rules_national_response": "select 1/0",  # passed: not named in the message
            "every_item_at_every_level": "select 1/0",  # failed, but returns rows of data: named only
        },
    )
    assert broken_rules(FAILED, target, manifest, warehouse) == [
        "Broken in row_rules_cluster_response: members >= respondents (3 rows); response_rate within [0, 1] (1 row)"
    ]


def test_without_readable_rules_the_error_stays_as_dbt_gave_it(tmp_path):
    error = DagsterDbtCliRuntimeError(FAILED)
    target, manifest, warehouse = compiled_build(tmp_path, {"every_item_at_every_level": "select 1"})
    assert with_broken_rules(error, target, manifest, warehouse) is error  # no SQL compiled for the failed test
    assert with_broken_rules(error, tmp_path / "no-target", tmp_path / "no-manifest.json", warehouse) is error
    passed = DagsterDbtCliRuntimeError("dbt failed")
    assert with_broken_rules(passed, target, manifest, warehouse) is passed


def test_the_broken_rules_follow_their_tests_name_in_the_runs_line():
    message = "\n".join(
        [
            "\x1b[31mFailure in test row_rules_cluster_response (models/marts/_marts.yml)\x1b[0m",
            "Failure in test every_item_at_every_level (tests/singular/every_item_at_every_level.sql)",
            "Broken in row_rules_cluster_response: members >= respondents (1 row)",
        ]
    )
    assert _dbt_failures(message) == (
        "Failure in test row_rules_cluster_response (models/marts/_marts.yml): members >= respondents (1 row); "
        "Failure in test every_item_at_every_level (tests/singular/every_item_at_every_level.sql)"
    )

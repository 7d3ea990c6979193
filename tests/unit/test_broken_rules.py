"""The rules a failed dbt build found broken reach the run's one line; other failed tests are only named."""

import json

import duckdb
from dagster_dbt import DagsterDbtCliRuntimeError

from kvis_pipeline.orchestration.broken_rules import broken_rules, with_broken_rules
from kvis_pipeline.orchestration.runner import _dbt_failures


def write_results(target, results):
    target.mkdir()
    (target / "run_results.json").write_text(json.dumps({"results": results}))


def test_each_failed_row_rules_test_gives_its_broken_rules_and_their_rows(tmp_path):
    warehouse = tmp_path / "kvis.duckdb"
    duckdb.connect(str(warehouse)).close()
    broken = "select 'response_rate within [0, 1]', 1 union all select 'members >= respondents', 3"
    write_results(
        tmp_path / "target",
        [
            {"unique_id": "test.kvis.row_rules_cluster_response", "status": "fail", "compiled_code": broken},
            {"unique_id": "test.kvis.row_rules_national_response", "status": "pass", "compiled_code": "select 1/0"},
            {"unique_id": "test.kvis.every_item_at_every_level", "status": "fail", "compiled_code": "select 1/0"},
        ],
    )
    assert broken_rules(tmp_path / "target", warehouse) == [
        "Broken in row_rules_cluster_response: members >= respondents (3 rows); response_rate within [0, 1] (1 row)"
    ]


def test_without_readable_results_the_error_stays_as_dbt_gave_it(tmp_path):
    error = DagsterDbtCliRuntimeError("dbt failed")
    assert with_broken_rules(error, tmp_path / "no-target", tmp_path / "kvis.duckdb") is error
    write_results(tmp_path / "target", [{"unique_id": "test.kvis.row_rules_x", "status": "fail"}])  # no SQL
    assert with_broken_rules(error, tmp_path / "target", tmp_path / "kvis.duckdb") is error


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

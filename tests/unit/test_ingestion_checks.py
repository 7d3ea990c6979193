"""The pandera schemas run as blocking asset checks; failures carry their cases in the check's metadata."""

import duckdb
from conftest import TEST_KEY, land_reference

from kvis_pipeline.ingest.wave_load import load_survey
from kvis_pipeline.orchestration.defs.ingestion.checks import run_ingestion_checks


def load_reference(settings):
    land_reference(settings)
    load_survey(settings, "2025", TEST_KEY)


def test_checks_pass_on_a_clean_load(settings):
    load_reference(settings)
    results = {r.check_name: r for r in run_ingestion_checks(settings, "2025")}
    assert set(results) == {
        "respondents_schema",
        "answer_codes_listed_in_labels",
        "every_row_accounted_for",
        "quarantine_schema",
    }
    assert all(r.passed for r in results.values())
    assert results["respondents_schema"].metadata["rows_checked"].value == 984


def test_unbalanced_load_summary_and_unlisted_code_fail_with_their_cases(settings):
    load_reference(settings)
    with duckdb.connect(str(settings.warehouse)) as con:
        con.execute("UPDATE raw.load_summary SET rows_accepted = rows_accepted - 1 WHERE source_file LIKE '%dataset%'")
        con.execute("UPDATE raw.survey_answers SET code = 9 WHERE rowid = (SELECT min(rowid) FROM raw.survey_answers)")
    results = {r.check_name: r for r in run_ingestion_checks(settings, "2025")}

    balance = results["every_row_accounted_for"]
    assert not balance.passed
    cases = balance.metadata["failure_cases"].value
    assert cases and cases[0]["check"] == "every_row_accounted_for"

    codes = results["answer_codes_listed_in_labels"]
    assert not codes.passed and codes.metadata["failure_count"].value == 1
    assert results["respondents_schema"].passed

"""Great Expectations stand between a new publication and the readers: a failed expectation keeps the old one."""

import subprocess
import sys

import great_expectations.expectations as gxe
from helpers import database_tables

from kvis_pipeline.orchestration.runner import materialise_waves
from kvis_pipeline.publish import expectations as publication_expectations
from kvis_pipeline.publish.publication import read_record


def test_a_failed_expectation_keeps_the_old_publication_and_says_so(settings, monkeypatch, published_reference):
    published_reference("2025")
    before = database_tables(settings.publish_dir / "kvis.duckdb")
    record = read_record(settings.publish_dir)
    assert record["checks"]["great_expectations"]["failed"] == 0
    assert record["waves"] == {"2025": {"respondents": 660}}

    suites = publication_expectations.suites
    monkeypatch.setattr(
        publication_expectations,
        "suites",
        lambda: {
            **suites(),
            "level_totals": [gxe.ExpectColumnValuesToBeBetween(column="respondents_national", max_value=500)],
        },
    )
    failures = materialise_waves(["2025"])

    assert "published/staged_marts:great_expectations" in str(failures["2025"])
    after = database_tables(settings.publish_dir / "kvis.duckdb")
    assert before.keys() == after.keys() and all(before[t].equals(after[t]) for t in before)
    assert read_record(settings.publish_dir) == record
    docs = settings.publish_dir / "data_docs"
    assert (docs / "index.html").exists() and any((docs / "validations").rglob("*.html"))

    status = subprocess.run([sys.executable, "-m", "kvis_pipeline.cli", "status"], capture_output=True, text=True)
    assert status.returncode == 0, status.stderr
    assert f"version {record['version']}" in status.stdout
    assert "check great_expectations: passed" in status.stdout
    assert "2025 (660 respondents)" in status.stdout

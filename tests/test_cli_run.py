"""`kvis run` end to end, as an operator runs it."""

import shutil
import subprocess
import sys

from conftest import land_reference
from helpers import database_tables, warehouse_tables


def kvis(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kvis_pipeline.cli", *args], capture_output=True, text=True,
                          timeout=600)


def test_run_loads_the_reference_wave_and_prints_a_summary_per_file(settings):
    land_reference(settings)
    result = kvis("run", "--no-reports")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["wave", "file", "received", "accepted", "quarantined", "duplicates"]
    assert lines[1].split() == ["2025", "2025/survey/dataset.csv", "984", "984", "0", "0"]
    assert lines[2].split() == ["2025", "2025/klyngeoversigt.csv", "73", "73", "0", "0"]
    first = warehouse_tables(settings)
    first_published = database_tables(settings.publish_dir / "kvis.duckdb")
    assert len(first["raw.survey_respondents"]) == 984

    again = kvis("run", "--no-reports")
    assert again.returncode == 0, again.stderr
    second = warehouse_tables(settings)
    for table in first:
        assert first[table].equals(second[table]), table
        assert not second[table].duplicated().any(), table
    second_published = database_tables(settings.publish_dir / "kvis.duckdb")
    assert first_published.keys() == second_published.keys()
    for table in first_published:
        assert first_published[table].equals(second_published[table]), table


def test_run_without_waves_says_so(settings):
    result = kvis("run", "--no-reports")
    assert result.returncode == 2
    assert f"kvis: no wave folders in {settings.landing_dir}" in result.stderr


def test_rerunning_one_wave_replaces_only_that_waves_published_rows(settings):
    land_reference(settings, "2025")
    land_reference(settings, "2026")
    assert kvis("run", "--no-reports").returncode == 0
    published = settings.publish_dir / "kvis.duckdb"
    both = database_tables(published)
    results = both["marts.specialty_results"]
    assert set(results.wave) == {"2025", "2026"}
    first, second = (results[results.wave == w].drop(columns="wave").reset_index(drop=True) for w in ("2025", "2026"))
    assert first.equals(second)  # the same export gives the same results whatever the wave is called

    shutil.rmtree(settings.wave_dir("2026") / "survey")
    rerun = kvis("run", "--no-reports", "--wave", "2026")
    assert rerun.returncode == 1 and "2026" in rerun.stderr  # a wave whose export is gone fails ...
    assert database_tables(published)["marts.specialty_results"].equals(results)  # ... and publishes nothing

    only_2025 = kvis("run", "--no-reports", "--wave", "2025")
    assert only_2025.returncode == 0, only_2025.stderr
    after = database_tables(published)
    for table, frame in both.items():
        assert frame.equals(after[table]), table

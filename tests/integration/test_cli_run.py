"""`kvis run` end to end, as an operator runs it."""

import os
import shutil
import subprocess
import sys

import pandas as pd
from conftest import TEST_KEY, land_reference, land_sample
from helpers import database_tables, read_eu_dataset, warehouse_tables, write_eu_dataset

from kvis_pipeline.ingest.pseudonym import hmac_pseudonym
from kvis_pipeline.publish.publication import read_record


def kvis(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kvis_pipeline.cli", *args], capture_output=True, text=True, timeout=600
    )


def test_run_loads_the_reference_wave_and_prints_a_summary_per_file(settings, built_sites, published_reference):
    published_reference("2025")  # a copy of the site where a first `kvis run` loaded the reference wave
    lines = (built_sites(("2025",)) / "run.out").read_text().splitlines()
    assert lines[0].split() == ["wave", "file", "received", "accepted", "quarantined", "duplicates"]
    assert lines[1].split() == ["2025", "2025/survey/dataset.csv", "984", "984", "0", "0"]
    assert lines[2].split() == ["2025", "2025/klyngeoversigt.csv", "73", "73", "0", "0"]
    assert len(warehouse_tables(settings)["raw.survey_respondents"]) == 984
    # A forced rerun loads and publishes the same rows again: test_unattended's final run, after runs killed at four
    # points, asserts it against this first run's warehouse and publication.


def test_run_without_waves_says_so(settings):
    result = kvis("run", "--no-reports")
    assert result.returncode == 2
    assert f"kvis: no wave folders in {settings.landing_dir}" in result.stderr


def test_a_memory_cap_too_small_for_the_wave_fails_it_in_one_line_naming_the_setting(settings, monkeypatch):
    land_sample(settings, "eu")
    monkeypatch.setenv("KVIS_DUCKDB_MEMORY_LIMIT", "8MB")
    result = kvis("run", "--no-reports")
    assert result.returncode == 1
    errors = result.stderr.splitlines()
    assert len(errors) == 1 and errors[0].startswith("kvis: wave 2025: step survey_export failed:"), result.stderr
    assert "(out of memory: DuckDB may take 8MB; set KVIS_DUCKDB_MEMORY_LIMIT higher)" in errors[0]
    assert not (settings.publish_dir / "kvis.duckdb").exists()


def test_rerunning_one_wave_replaces_only_that_waves_published_rows(settings, published_reference):
    published_reference("2025", "2026")
    published = settings.publish_dir / "kvis.duckdb"
    both = database_tables(published)
    results = both["marts.specialty_results"]
    assert set(results.wave) == {"2025", "2026"}
    first, second = (
        results[results.wave == w].drop(columns=["wave", "wave_order"]).reset_index(drop=True) for w in ("2025", "2026")
    )
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


def test_a_rerun_with_nothing_changed_does_nothing_and_a_touched_wave_runs_again(settings, published_reference):
    published_reference("2025", "2026")
    first = read_record(settings.publish_dir)["version"]

    unchanged = kvis("run", "--no-reports")
    assert unchanged.returncode == 0, unchanged.stderr
    assert "unchanged since the last run, not loaded again: 2025, 2026" in unchanged.stdout
    assert "2026 2026/survey/dataset.csv       984" in unchanged.stdout  # the load summary is still shown
    assert read_record(settings.publish_dir)["version"] == first

    roster = settings.wave_dir("2026") / "klyngeoversigt.csv"
    os.utime(roster, ns=(roster.stat().st_atime_ns, roster.stat().st_mtime_ns + 10**9))
    touched = kvis("run", "--no-reports")
    assert "unchanged since the last run, not loaded again: 2025 " in touched.stdout
    assert "1 of 1 wave(s) loaded and published" in touched.stdout
    second = read_record(settings.publish_dir)["version"]
    assert second != first and set(read_record(settings.publish_dir)["waves"]) == {"2025", "2026"}

    (settings.publish_dir / "kvis.duckdb").unlink()  # a publication that is not the one the last run made
    assert "2 of 2 wave(s) loaded and published" in kvis("run", "--no-reports").stdout


def test_rows_repeated_mid_file_load_and_publish_the_figures_of_the_file_without_them(settings):
    land_reference(settings, "2025")
    survey = land_reference(settings, "2026")
    dataset = read_eu_dataset(survey / "dataset.csv")
    completed = dataset.index[dataset.statoverall_4 == "1"]
    repeated = [completed[3], completed[200], dataset.index[50]]  # as a merge of two downloads leaves them
    with_repeats = pd.concat(
        [
            dataset.iloc[:10],
            dataset.loc[repeated[:1]],
            dataset.iloc[10:500],
            dataset.loc[repeated[1:]],
            dataset.iloc[500:],
        ],
        ignore_index=True,
    )
    write_eu_dataset(survey / "dataset.csv", with_repeats)

    result = kvis("run", "--no-reports")
    assert result.returncode == 0, result.stderr
    assert "2026 2026/survey/dataset.csv       987       984            0           3" in result.stdout
    published = database_tables(settings.publish_dir / "kvis.duckdb")
    for table, frame in published.items():
        if table == "marts.load_summary":
            continue
        if table == "marts.questionnaire_changes":
            assert frame.empty  # the same questionnaire
            continue
        if "previous_wave" in frame:  # the trends of 2026 against 2025: the same figures, so no change at all
            assert set(frame.wave) == {"2026"} and (frame.change == 0).all(), table
            assert (frame.change_direction == "not_different").all(), table
            continue
        frame = frame.drop(columns=[c for c in ("wave_order",) if c in frame])  # 2025 comes first
        clean, repeats = (frame[frame.wave == w].drop(columns="wave").reset_index(drop=True) for w in ("2025", "2026"))
        assert len(clean) and clean.equals(repeats), table

    respondents = warehouse_tables(settings)["raw.survey_respondents"].query("wave == '2026'")
    ids = with_repeats.respondentid.to_numpy()[respondents.source_row.to_numpy() - 2]
    assert list(respondents.respondent_key) == [hmac_pseudonym(i, TEST_KEY) for i in ids]

"""Hostile and careless input (issue 12): names are data, bounded work per cell, refusals instead of surprises,
nothing personal in any by-product. Each test is named after the case it covers."""

import os
import shutil
import stat
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest
from conftest import REFERENCE_LANDING, SAMPLE_FORMS, TEST_KEY, land_reference, land_sample
from helpers import read_eu_dataset, warehouse_tables, write_eu_dataset

from kvis_pipeline.core.errors import InputFileError, WaveRefused
from kvis_pipeline.core.personal_data import looks_personal, shown
from kvis_pipeline.core.settings import Settings
from kvis_pipeline.ingest.export_bundle import read_export_bundle
from kvis_pipeline.ingest.pseudonym import load_pseudonym_key
from kvis_pipeline.ingest.questionnaire import Questionnaire
from kvis_pipeline.ingest.roster import read_roster
from kvis_pipeline.ingest.survey_load import prepare_survey_load
from kvis_pipeline.ingest.wave_load import load_survey

REPO = Path(__file__).parents[2]


def kvis(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kvis_pipeline.cli", *args], capture_output=True, text=True, timeout=600, env=env
    )


def test_case_01_jinja_and_sql_in_folder_names_and_labels_are_never_rendered(settings, tmp_path):
    """One run, two ways in: a wave folder named as Jinja is skipped, and Jinja and SQL in the roster's names and
    the labels of a wave that loads are published as text."""
    leak = tmp_path / "leak.csv"
    jinja = f"{{{{ run_query(\"COPY (SELECT 1 AS x) TO '{leak}'\") }}}}"
    sql = "x') OR '1'='1' -- DROP TABLE raw.survey_answers"
    shutil.copytree(REFERENCE_LANDING, settings.landing_dir / jinja.replace("/", "_"))
    survey = land_sample(settings, "eu")
    roster_file = settings.wave_dir("2025") / "klyngeoversigt.csv"
    text = roster_file.read_text(encoding="utf-8-sig").replace("Psykiatri", jinja).replace("Hillerød", sql)
    roster_file.write_text(text, encoding="utf-8-sig")
    labels = survey / "labels.csv"
    labels.write_bytes(labels.read_bytes().replace(b"I nogen grad", f"{sql} {{{{ 7 * 7 }}}}".encode("cp1252")))

    result = kvis("run", "--no-reports")

    assert result.returncode == 2, result.stderr  # the skipped folder; the wave itself loads
    assert "landing folder '{{ run_query(" in result.stderr and "a wave name is 1 to 40 ASCII letters" in result.stderr
    assert "1 of 1 wave(s) loaded and published" in result.stdout
    assert not leak.exists()
    with duckdb.connect(str(settings.publish_dir / "kvis.duckdb"), read_only=True) as con:
        specialties = {row[0] for row in con.execute("SELECT specialty_name FROM marts.specialty_response").fetchall()}
        clusters = {row[0] for row in con.execute("SELECT cluster_name FROM marts.cluster_response").fetchall()}
        labels = {row[0] for row in con.execute("SELECT label FROM marts.national_distribution").fetchall()}
    assert jinja in specialties and "Psyk – Hovedstad – " + sql in clusters and f"{sql} {{{{ 7 * 7 }}}}" in labels


def test_case_01_a_variable_name_with_quotes_reaches_duckdb_as_a_value(settings):
    survey = land_sample(settings, "eu")
    hostile = 's_13"; DROP TABLE raw.quarantine; --'
    for name in ("structure.csv", "dataset.csv"):
        path = survey / name
        path.write_bytes(path.read_bytes().replace(b"s_13", f'"{hostile.replace(chr(34), chr(34) * 2)}"'.encode()))
    load_survey(settings, "2025", TEST_KEY)
    tables = warehouse_tables(settings)
    assert "raw.quarantine" in tables
    assert hostile.lower() in set(tables["raw.survey_structure"].variable)  # long names are lower case


def test_case_02_a_ten_megabyte_cell_is_quarantined_in_linear_time_and_never_shown():
    bundle = read_export_bundle(SAMPLE_FORMS["eu"])
    dataset = bundle.dataset.copy()
    dataset.loc[3, "s_3"] = "a@" * 5_000_000
    started = time.perf_counter()
    load = prepare_survey_load(
        replace(bundle, dataset=dataset),
        read_roster(REFERENCE_LANDING / "klyngeoversigt.csv"),
        TEST_KEY,
        "2025/survey/dataset.csv",
    )
    assert time.perf_counter() - started < 10
    (record,) = load.quarantine.itertuples()
    assert record.value == "[a value of 10000000 characters, not shown]"
    assert len(record.reason) < 200
    started = time.perf_counter()
    assert looks_personal("x" * 10_000_000 + "@") is False and time.perf_counter() - started < 1


def test_case_05_an_export_whose_every_row_is_rejected_is_refused_unless_accepted(settings, monkeypatch):
    survey = land_sample(settings, "eu")
    dataset = read_eu_dataset(survey / "dataset.csv")
    dataset[[f"statoverall_{i}" for i in range(1, 6)]] = "0"
    write_eu_dataset(survey / "dataset.csv", dataset)
    with pytest.raises(WaveRefused) as refused:
        load_survey(settings, "2025", TEST_KEY)
    assert str(refused.value) == (
        f"{survey / 'dataset.csv'}: no accepted row is a completed response; top reasons: status flags "
        "statoverall_1, statoverall_2, statoverall_3, statoverall_4, statoverall_5 "
        "must hold exactly one 1, found 0 (40 rows); nothing was loaded. To load it anyway: kvis run --accept 2025"
    )
    assert not settings.warehouse.exists()
    monkeypatch.setenv("KVIS_ACCEPT_WAVES", "2025")
    load_survey(Settings.from_env(), "2025", TEST_KEY)
    assert len(warehouse_tables(settings)["raw.quarantine"]) == 40


def test_case_05_more_quarantined_than_allowed_is_refused(settings, monkeypatch):
    survey = land_sample(settings, "eu")
    dataset = read_eu_dataset(survey / "dataset.csv")
    dataset.loc[:4, "klynge"] = "999"  # 5 of 40 rows: 12.5 %
    write_eu_dataset(survey / "dataset.csv", dataset)
    with pytest.raises(WaveRefused, match=r"5 of 40 rows \(12%\) quarantined"):
        load_survey(settings, "2025", TEST_KEY)
    monkeypatch.setenv("KVIS_MAX_QUARANTINED_SHARE", "0.2")
    load_survey(Settings.from_env(), "2025", TEST_KEY)


def test_case_06_a_code_listed_twice_in_labels_with_another_label_is_a_file_problem(tmp_path):
    for path in SAMPLE_FORMS["eu"].iterdir():
        shutil.copy(path, tmp_path)
    labels = tmp_path / "labels.csv"
    labels.write_bytes(labels.read_bytes() + b"s_3;1;Ved ikke\r\n")
    bundle = read_export_bundle(tmp_path)
    with pytest.raises(InputFileError) as problem:
        Questionnaire.from_export(bundle)
    rows = len(labels.read_bytes().strip().split(b"\r\n"))
    assert str(problem.value) == (
        f"{labels}: row {rows}: code 1 of s_3 is listed again with another label (which one holds cannot be told)"
    )


def test_case_07_values_that_look_personal_are_masked_whatever_their_column():
    assert shown("jens.hansen@example.dk") == "[masked: looks like personal data]"
    assert shown("010203-1234") == "[masked: looks like personal data]"
    assert shown("0102031234") == "[masked: looks like personal data]"
    assert shown("44") == "44" and shown("2025-09-17 10:00:00") == "2025-09-17 10:00:00"


PLANTED = {"email": "jens.hansen@example.dk", "cpr": "0102031234", "extra": "karen.jensen@example.dk"}


def scan_for_planted(paths: list[Path]) -> list[str]:
    found = []
    for root in paths:
        for path in [root] if root.is_file() else [p for p in root.rglob("*") if p.is_file()]:
            data = path.read_bytes()
            found += [
                f"{path}: {name}"
                for name, value in PLANTED.items()
                if value.encode() in data or value.encode("utf-16-le") in data
            ]
    return found


def test_case_07_personal_values_reach_no_message_log_run_history_or_publication(settings):
    survey = land_reference(settings)
    dataset = read_eu_dataset(survey / "dataset.csv")
    dataset.loc[5, "klynge"] = PLANTED["email"]
    dataset.loc[6, "s_10"] = PLANTED["cpr"]
    write_eu_dataset(survey / "dataset.csv", dataset)
    first = kvis("run", "--no-reports")
    assert first.returncode == 0, first.stderr
    quarantine = warehouse_tables(settings)["raw.quarantine"]
    assert set(quarantine.source_row) == {7, 8}
    assert set(quarantine.value) == {"[masked: looks like personal data]"}

    text = (survey / "dataset.csv").read_bytes().decode("cp1252").split("\r\n")
    text[20] = text[20] + ";" + PLANTED["extra"]  # a row with one field too many, carrying an e-mail
    (survey / "dataset.csv").write_bytes("\r\n".join(text).encode("cp1252"))
    second = kvis("run", "--no-reports")
    assert second.returncode == 1
    assert "rows have more fields than the header: row 21 (the header is row 1) has" in second.stderr

    outputs = first.stdout + first.stderr + second.stdout + second.stderr
    assert not [name for name, value in PLANTED.items() if value in outputs]
    assert not scan_for_planted(
        [
            Path(os.environ["DAGSTER_HOME"]),
            settings.publish_dir,
            REPO / "dbt_project" / "target",
            REPO / "dbt_project" / "logs",
        ]
    )
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        tables = con.execute(
            "SELECT schema_name, table_name FROM duckdb_tables() WHERE schema_name <> 'restricted'"
        ).fetchall()
        for schema, table in tables:
            text = str(con.execute(f'SELECT * FROM {schema}."{table}"').fetchall())
            assert not [name for name, value in PLANTED.items() if value in text], table


def test_case_07_a_data_file_linked_to_a_system_file_is_refused_without_echoing_it(settings):
    survey = land_reference(settings)
    (survey / "dataset.csv").unlink()
    (survey / "dataset.csv").symlink_to("/etc/passwd")
    result = kvis("run", "--no-reports")
    assert result.returncode == 1
    assert "dataset.csv: is a symbolic link leading out of the landing folder" in result.stderr
    assert "root:" not in result.stderr + result.stdout


def test_case_08_a_weak_key_is_refused(settings, monkeypatch):
    land_reference(settings)
    monkeypatch.setenv("KVIS_PSEUDONYM_KEY", "x")
    result = kvis("run", "--no-reports")
    assert result.returncode == 2
    assert "KVIS_PSEUDONYM_KEY is shorter than 32 characters" in result.stderr
    assert not settings.warehouse.exists()


def test_case_09_a_roster_mixing_utf8_and_windows_1252_is_a_file_problem(tmp_path):
    roster = tmp_path / "klyngeoversigt.csv"
    text = (REFERENCE_LANDING / "klyngeoversigt.csv").read_bytes()
    lines = text.split(b"\r\n") if b"\r\n" in text else text.split(b"\n")
    lines[5] = lines[5].decode("utf-8").encode("cp1252")
    roster.write_bytes(b"\n".join(lines))
    assert "ø".encode() in roster.read_bytes()
    with pytest.raises(
        InputFileError, match="the file mixes encodings: it starts with a UTF-8 byte-order mark but line 6 is not UTF-8"
    ):
        read_roster(roster)


@pytest.mark.parametrize("name", ["2025 ", ".hidden", "2025\u200b", "\u202e5202", "a" * 41, "{{ x }}", "2025/../x"])
def test_case_10_odd_wave_names_are_skipped_with_a_reason(settings, name):
    land_reference(settings)
    folder = settings.landing_dir / name.replace("/", "_")
    shutil.copytree(REFERENCE_LANDING, folder)
    assert settings.discover_waves() == ["2025"]
    ((skipped_name, why),) = settings.skipped_folders()
    assert skipped_name == ascii(folder.name) and "a wave name is" in why


def test_case_10_a_wave_folder_linked_from_outside_the_landing_folder_is_skipped(settings, tmp_path):
    shutil.copytree(REFERENCE_LANDING, tmp_path / "elsewhere")
    settings.landing_dir.mkdir(parents=True)
    (settings.landing_dir / "2026").symlink_to(tmp_path / "elsewhere")
    assert settings.discover_waves() == []
    assert settings.skipped_folders() == [("'2026'", "the folder is a symbolic link leading out of the landing folder")]


def test_case_10_a_case_variant_duplicate_file_is_a_file_problem(tmp_path):
    for path in SAMPLE_FORMS["eu"].iterdir():
        shutil.copy(path, tmp_path)
    shutil.copy(tmp_path / "dataset.csv", tmp_path / "Dataset.csv")
    with pytest.raises(InputFileError, match="is the same file name as Dataset.csv but for case"):
        read_export_bundle(tmp_path)


def test_case_10_the_roster_is_not_loaded_when_the_export_fails(settings):
    survey = land_sample(settings, "eu")
    (survey / "labels.csv").unlink()
    with pytest.raises(InputFileError):
        load_survey(settings, "2025", TEST_KEY)
    assert not settings.warehouse.exists()


def test_case_10_the_key_folder_is_made_private_whatever_the_umask(tmp_path):
    previous = os.umask(0)
    try:
        load_pseudonym_key({"KVIS_PSEUDONYM_KEY_FILE": str(tmp_path / "conf" / "kvis" / "pseudonym.key")})
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "conf" / "kvis").stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "conf" / "kvis" / "pseudonym.key").stat().st_mode) == 0o600


def test_case_10_specialties_named_alike_get_report_names_of_their_own():
    from kvis_pipeline.reports.produce import _unique_stem

    slugs = ["psykiatri", "", "", "oejne", "oejne"]
    stems = [_unique_stem(slug, slugs, f"speciale-{code}") for code, slug in enumerate(slugs, start=1)]
    assert stems == ["psykiatri", "speciale-2", "speciale-3", "oejne-speciale-4", "oejne-speciale-5"]

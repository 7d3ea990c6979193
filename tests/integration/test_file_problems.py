"""File problems stop the run with one line naming the file and the problem; the warehouse keeps what it had."""

import shutil
import subprocess
import sys

import pytest
from conftest import SAMPLE_FORMS, TEST_KEY, land_reference, land_sample
from helpers import warehouse_tables

from kvis_pipeline.ingest.wave_load import load_survey


def run_kvis(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kvis_pipeline.cli", *args], capture_output=True, text=True, timeout=300
    )


def published_files(settings) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in settings.publish_dir.iterdir()}


def replace_bytes(path, data: bytes) -> None:
    path.write_bytes(data)


def drop_column(path, column: str) -> None:
    lines = path.read_bytes().decode("cp1252").split("\r\n")
    header = lines[0].split(";")
    index = header.index(column)
    # the sample's rows have no quoted delimiters before this column, so a plain split is exact
    path.write_bytes(
        "\r\n".join(";".join(c for i, c in enumerate(line.split(";")) if i != index) for line in lines if line).encode(
            "cp1252"
        )
    )


BROKEN = {
    "missing-dataset": (
        lambda s: (s / "dataset.csv").unlink(),
        "dataset.csv",
        "the Dataset file of the export is missing",
    ),
    "missing-labels": (lambda s: (s / "labels.csv").unlink(), "labels.csv", "the Labels file of the export is missing"),
    "undecodable-bytes": (
        lambda s: replace_bytes(s / "labels.csv", (s / "labels.csv").read_bytes() + b"\x81\x8d"),
        "labels.csv",
        "the encoding cannot be read: byte 0x81",
    ),
    "binary-garbage": (
        lambda s: replace_bytes(s / "dataset.csv", bytes(range(256)) * 4),
        "dataset.csv",
        "the encoding cannot be read",
    ),
    "empty-dataset": (lambda s: replace_bytes(s / "dataset.csv", b""), "dataset.csv", "the file is empty"),
    "header-only": (
        lambda s: replace_bytes(s / "dataset.csv", (s / "dataset.csv").read_bytes().split(b"\r\n")[0]),
        "dataset.csv",
        "the Dataset holds a header but no rows",
    ),
    "undescribed-column": (
        lambda s: replace_bytes(s / "dataset.csv", (s / "dataset.csv").read_bytes().replace(b"s_13;", b"s_14;", 1)),
        "dataset.csv",
        "Dataset column(s) that the Structure does not describe: s_14",
    ),
    "described-variable-missing": (
        lambda s: drop_column(s / "dataset.csv", "s_12_7"),
        "dataset.csv",
        "missing from the Dataset: s_12_7",
    ),
    "truncated-structure": (  # cut inside a row: that row is short
        lambda s: replace_bytes(s / "structure.csv", (s / "structure.csv").read_bytes()[:2000]),
        "structure.csv",
        "rows have fewer fields than the header: row 24 (the header is row 1) has 5 fields where the header has 8",
    ),
    "structure-cut-after-a-row": (
        lambda s: replace_bytes(s / "structure.csv", (s / "structure.csv").read_bytes()[:2000].rsplit(b"\r\n", 1)[0]),
        "dataset.csv",
        "Dataset column(s) that the Structure does not describe: s_4_4, s_4_5,",
    ),
    "utf16-without-bom": (
        lambda s: replace_bytes(s / "labels.csv", (s / "labels.csv").read_bytes().decode("cp1252").encode("utf-16-le")),
        "labels.csv",
        "NUL bytes",
    ),
    "labels-without-codes": (
        lambda s: replace_bytes(
            s / "labels.csv",
            b"\r\n".join(
                line for line in (s / "labels.csv").read_bytes().split(b"\r\n") if not line.startswith(b"s_3;")
            ),
        ),
        "labels.csv",
        "Labels lists no answer codes for s_3",
    ),
    "surplus-fields": (
        lambda s: replace_bytes(s / "dataset.csv", (s / "dataset.csv").read_bytes().replace(b"\r\n", b"\r\n;", 1)),
        "dataset.csv",
        "rows have more fields than the header",
    ),
    "missing-roster": (
        lambda s: (s.parent / "klyngeoversigt.csv").unlink(),
        "klyngeoversigt.csv",
        "the file is missing",
    ),
    "roster-wrong-header": (
        lambda s: replace_bytes(s.parent / "klyngeoversigt.csv", "\ufeffid;navn\r\n1;x\r\n".encode()),
        "klyngeoversigt.csv",
        "the roster header must be klynge_id;klynge_navn",
    ),
    "roster-header-only": (
        lambda s: replace_bytes(
            s.parent / "klyngeoversigt.csv",
            "\ufeffklynge_id;klynge_navn;speciale_kode;speciale;region;antal_medlemmer\r\n".encode(),
        ),
        "klyngeoversigt.csv",
        "the roster lists no clusters",
    ),
    "roster-bad-number": (
        lambda s: replace_bytes(
            s.parent / "klyngeoversigt.csv",
            (s.parent / "klyngeoversigt.csv").read_bytes().replace(b";8\r\n", b";otte\r\n", 1),
        ),
        "klyngeoversigt.csv",
        "row 2, column antal_medlemmer: 'otte' is not a whole number",
    ),
}


def test_each_file_problem_stops_its_wave_with_one_clear_line(settings):
    """Every case of BROKEN in a wave of its own, all in one run: one run costs what nineteen did, and each wave
    must still fail alone, with one line, keeping its warehouse rows and the publication as they were."""
    for case in BROKEN:
        land_reference(settings, case)
        load_survey(settings, case, TEST_KEY)
    before = warehouse_tables(settings)
    settings.publish_dir.mkdir()
    (settings.publish_dir / "kvis.duckdb").write_bytes(b"the previous publication")
    publication = published_files(settings)

    for case, (break_it, _, _) in BROKEN.items():
        break_it(settings.wave_dir(case) / "survey")
    result = run_kvis("run", "--no-reports")

    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    errors = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(errors) == len(BROKEN), result.stderr
    for case, (_, file_name, problem) in BROKEN.items():
        lines = [line for line in errors if f"/{case}/" in line]
        assert len(lines) == 1, (case, result.stderr)
        assert lines[0].startswith("kvis: ") and file_name in lines[0] and problem in lines[0], (case, lines[0])
    assert published_files(settings) == publication, "the publication changed"
    after = warehouse_tables(settings)
    assert before.keys() == after.keys()
    for table in before:
        assert before[table].equals(after[table]), table


def test_missing_excel_sheet_names_the_workbook_and_sheet(settings):
    survey = land_sample(settings, "xlsx")
    workbook = survey / "export.xlsx"
    import openpyxl

    book = openpyxl.load_workbook(workbook)
    del book["Structure"]
    book.save(workbook)
    result = run_kvis("run", "--no-reports")
    assert result.returncode == 1
    assert f"{workbook}: the sheet 'Structure' is missing" in result.stderr


def test_a_file_that_is_not_a_workbook_is_reported(settings):
    survey = land_sample(settings, "xlsx")
    (survey / "export.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    result = run_kvis("run", "--no-reports")
    assert result.returncode == 1
    assert "export.xlsx: is not a readable Excel workbook" in result.stderr


def test_csv_and_excel_side_by_side_is_refused(settings):
    survey = land_sample(settings, "eu")
    shutil.copy(SAMPLE_FORMS["xlsx"], survey)
    result = run_kvis("run", "--no-reports")
    assert result.returncode == 1
    assert "holds both an Excel export and CSV files" in result.stderr


def test_one_broken_wave_does_not_stop_the_others(settings):
    land_reference(settings, "2025")
    land_sample(settings, "eu", "2026")
    (settings.wave_dir("2026") / "survey" / "structure.csv").unlink()
    result = run_kvis("run", "--no-reports")
    assert result.returncode == 1
    assert "2026/survey/structure.csv: the Structure file of the export is missing" in result.stderr
    assert "2025/survey/dataset.csv       984       984" in result.stdout


VARIANTS = {
    "utf8-bom": lambda data: b"\xef\xbb\xbf" + data.decode("cp1252").encode("utf-8"),
    "lf-line-endings": lambda data: data.replace(b"\r\n", b"\n"),
    "utf16-bom-crlf": lambda data: data.decode("cp1252").encode("utf-16"),
    "no-final-newline": lambda data: data.rstrip(b"\r\n"),
}


@pytest.mark.parametrize("variant", VARIANTS)
def test_encoding_and_line_ending_variants_load_the_same_rows(settings, variant):
    survey = land_reference(settings)
    load_survey(settings, "2025", TEST_KEY)
    expected = warehouse_tables(settings)
    for name in ("dataset.csv", "labels.csv", "structure.csv"):
        path = survey / name
        path.write_bytes(VARIANTS[variant](path.read_bytes()))
    load_survey(settings, "2025", TEST_KEY)
    actual = warehouse_tables(settings)
    for table in (
        "raw.survey_respondents",
        "raw.survey_answers",
        "raw.survey_labels",
        "raw.survey_structure",
        "restricted.free_text_answers",
    ):
        assert (
            expected[table]
            .drop(columns=["source_file"], errors="ignore")
            .equals(actual[table].drop(columns=["source_file"], errors="ignore"))
        ), table

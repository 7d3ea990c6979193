"""SurveyXact's own export faults load to the same tables as the clean export, in every form.

Each fixture is written with the project's export writer from the EU sample, then damaged as real exports are
damaged: a trailing delimiter on the Structure rows that the header lacks, stray NUL bytes, blank lines, trailing
spaces in labels and choice texts, empty cells written as "", LF line ends, a wide Dataset split over sheets.
"""

import re
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from conftest import REFERENCE_LANDING, SAMPLE_FORMS
from test_export_forms import load_tables

from kvis_pipeline.core.errors import InputFileError
from kvis_pipeline.devtools.export_writer import write_bundle
from kvis_pipeline.ingest.export_bundle import read_export_bundle

SAMPLE = read_export_bundle(SAMPLE_FORMS["eu"])
ENCODINGS = {"eu": "cp1252", "comma": "cp1252", "intl": "utf-16"}
DELIMITERS = {"eu": ";", "comma": ",", "intl": "\t"}


def write_clean(
    survey: Path, form: str, labels: pd.DataFrame = SAMPLE.labels, structure: pd.DataFrame = SAMPLE.structure
) -> None:
    write_bundle(survey, SAMPLE.dataset.astype(object), labels, structure, form)


def rewrite(path: Path, form: str, change) -> None:
    encoding = ENCODINGS[form]
    text = path.read_bytes().decode(encoding)
    path.write_bytes(change(text).encode(encoding))


def header_without_trailing_delimiter(survey: Path, form: str) -> None:
    delimiter = DELIMITERS[form]

    def change(text: str) -> str:
        header, rest = text.split("\r\n", 1)
        trimmed = re.sub(rf'{re.escape(delimiter)}(""|)$', "", header)
        assert trimmed != header
        return f"{trimmed}\r\n{rest}"

    rewrite(survey / "structure.csv", form, change)


def stray_nul_bytes(survey: Path, form: str) -> None:
    for name in ("dataset.csv", "labels.csv", "structure.csv"):  # three at line ends in each file
        rewrite(survey / name, form, lambda text: text.replace("\r\n", "\x00\r\n", 3))
    rewrite(survey / "labels.csv", form, lambda text: text.replace("Ved ikke", "Ved\x00 ikke", 1))  # one in a label


def blank_lines(survey: Path, form: str) -> None:
    rewrite(survey / "dataset.csv", form, lambda text: text.replace("\r\n", "\r\n\r\n", 1) + "\r\n\r\n")
    rewrite(
        survey / "labels.csv",
        form,
        lambda text: "\r\n".join(line + ("\r\n" if i % 10 == 9 else "") for i, line in enumerate(text.split("\r\n"))),
    )


def empty_cells_quoted(survey: Path, form: str) -> None:
    delimiter = DELIMITERS[form]
    if form == "intl":  # already quotes every field, "" included
        assert '\t""\t' in (survey / "dataset.csv").read_bytes().decode("utf-16")
        return

    def change(text: str) -> str:
        header, rest = text.split("\r\n", 1)
        return header + "\r\n" + re.sub(rf"(?<={re.escape(delimiter)})(?={re.escape(delimiter)}|\r\n)", '""', rest)

    rewrite(survey / "dataset.csv", form, change)


def lf_line_ends(survey: Path, form: str) -> None:
    for name in ("dataset.csv", "labels.csv", "structure.csv"):
        rewrite(survey / name, form, lambda text: text.replace("\r\n", "\n"))


QUIRKS = {
    "structure-trailing-field": header_without_trailing_delimiter,
    "nul-bytes": stray_nul_bytes,
    "blank-lines": blank_lines,
    "empty-cells-quoted": empty_cells_quoted,
    "lf-line-ends": lf_line_ends,
}


def land(settings, write) -> None:
    wave = settings.wave_dir("2025")
    (wave / "survey").mkdir(parents=True)
    shutil.copy(REFERENCE_LANDING / "klyngeoversigt.csv", wave)
    write(wave / "survey")


def comparable(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The tables without what depends on the bytes (the file's hash, NULs dropped) or on line ends in free text."""
    tables = dict(tables)
    tables["raw.load_summary"] = tables["raw.load_summary"].drop(columns="nul_bytes_dropped")
    free_text = tables["restricted.free_text_answers"]
    tables["restricted.free_text_answers"] = free_text.assign(
        answer_text=free_text.answer_text.str.replace("\r\n", "\n")
    )
    return tables


def clean_and_damaged(tmp_path, monkeypatch, form: str, damage) -> tuple[dict, dict]:
    from kvis_pipeline.core.settings import Settings

    loaded = []
    for variant in ("clean", "damaged"):
        monkeypatch.setenv("KVIS_LANDING_DIR", str(tmp_path / variant / "landing"))
        monkeypatch.setenv("KVIS_WAREHOUSE", str(tmp_path / variant / "kvis.duckdb"))
        settings = Settings.from_env()
        land(settings, lambda survey, v=variant: damage(survey) if v == "damaged" else write_clean(survey, form))
        loaded.append(load_tables(settings))
    return loaded[0], loaded[1]


def assert_same_tables(clean: dict, damaged: dict) -> None:
    clean, damaged = comparable(clean), comparable(damaged)
    assert clean.keys() == damaged.keys()
    for table in clean:
        pd.testing.assert_frame_equal(clean[table], damaged[table], obj=table)


@pytest.mark.parametrize("form", ["eu", "comma", "intl"])
@pytest.mark.parametrize("quirk", sorted(QUIRKS))
def test_csv_quirk_loads_like_the_clean_export(tmp_path, monkeypatch, form, quirk):
    def damage(survey):
        write_clean(survey, form)
        QUIRKS[quirk](survey, form)

    clean, damaged = clean_and_damaged(tmp_path, monkeypatch, form, damage)
    assert_same_tables(clean, damaged)
    dropped = sorted(damaged["raw.load_summary"]["nul_bytes_dropped"])  # the roster's and the export's
    assert dropped == [0, 3 * 3 + 1 if quirk == "nul-bytes" else 0]


@pytest.mark.parametrize("form", ["eu", "comma", "intl", "xlsx"])
def test_trailing_spaces_in_labels_and_choice_texts_are_trimmed(tmp_path, monkeypatch, form):
    def damage(survey):
        labels = SAMPLE.labels.assign(label=SAMPLE.labels.label + "  ")
        structure = SAMPLE.structure.assign(
            choiceText=SAMPLE.structure.choiceText.where(
                SAMPLE.structure.choiceText == "", SAMPLE.structure.choiceText + " "
            )
        )
        write_clean(survey, form, labels, structure)

    assert_same_tables(*clean_and_damaged(tmp_path, monkeypatch, form, damage))


def split_dataset_sheets(survey: Path, at: int, rows_dropped_from_second: int = 0) -> Path:
    """The xlsx export with its Dataset cut into `Dataset(1)` (the first `at` columns) and `Dataset(2)`."""
    write_clean(survey, "xlsx")
    path = survey / "export.xlsx"
    book = openpyxl.load_workbook(path)
    whole = book["Dataset"]
    rows = [[cell.value for cell in row] for row in whole.iter_rows()]
    position = book.sheetnames.index("Dataset")
    book.remove(whole)
    for number, (start, end) in enumerate([(0, at), (at, len(rows[0]))], start=1):
        sheet = book.create_sheet(f"Dataset({number})", position + number - 1)
        kept = rows if number == 1 else rows[: len(rows) - rows_dropped_from_second]
        for row in kept:
            sheet.append(row[start:end])
        sheet.append([None] * (end - start))  # a blank row at the end, as Excel leaves them
    book.save(path)
    return path


def test_dataset_split_over_sheets_loads_like_one_sheet(tmp_path, monkeypatch):
    clean, damaged = clean_and_damaged(tmp_path, monkeypatch, "xlsx", lambda survey: split_dataset_sheets(survey, 30))
    assert_same_tables(clean, damaged)


def test_dataset_sheets_of_unequal_length_are_a_file_problem(tmp_path):
    path = split_dataset_sheets(tmp_path, 30, rows_dropped_from_second=2)
    with pytest.raises(InputFileError) as problem:
        read_export_bundle(tmp_path)
    assert str(problem.value) == (
        f"{path}: the Dataset sheets 'Dataset(1)' and 'Dataset(2)' hold different numbers "
        "of rows (40 and 38), so their rows cannot be matched"
    )


def test_a_trailing_field_that_is_not_empty_stays_a_file_problem(tmp_path):
    write_clean(tmp_path, "eu")
    header_without_trailing_delimiter(tmp_path, "eu")
    rewrite(tmp_path / "structure.csv", "eu", lambda text: text.replace(";\r\n", ";x\r\n", 1))
    with pytest.raises(InputFileError, match="rows have more fields than the header"):
        read_export_bundle(tmp_path)


def test_a_file_mostly_of_nul_bytes_is_refused(tmp_path):
    write_clean(tmp_path, "eu")
    (tmp_path / "labels.csv").write_bytes("s_3;1;Ved ikke\r\n".encode("utf-16-le"))  # UTF-16 without its BOM
    with pytest.raises(InputFileError, match="UTF-16 without a byte-order mark"):
        read_export_bundle(tmp_path)

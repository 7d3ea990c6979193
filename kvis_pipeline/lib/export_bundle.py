"""Read a SurveyXact export bundle (Dataset, Labels, Structure) in any of its four forms.

Every cell comes back as text exactly as exported ("" for an empty cell), so that the
validation sees what SurveyXact wrote and every form gives the same tables. The Dataset's text is held in Arrow
strings: at 10^6 respondents Python string objects took gigabytes and every rule ran slower over them.
"""

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from kvis_pipeline.lib.errors import InputFileError
from kvis_pipeline.lib.text_decoding import read_text

TABLES = ("Dataset", "Labels", "Structure")
CSV_NAMES = {table: f"{table.lower()}.csv" for table in TABLES}
STRUCTURE_COLUMNS = ["questionName", "variableName", "questionType", "subType", "questionText", "choiceValue", "choiceText"]
DELIMITERS = (";", "\t", ",")
DATASET_TEXT = "string[pyarrow]"


@dataclass(frozen=True)
class ExportBundle:
    dataset: pd.DataFrame
    labels: pd.DataFrame  # columns variableName, value, label
    structure: pd.DataFrame  # STRUCTURE_COLUMNS
    paths: dict[str, Path]  # table -> the file it came from (the same .xlsx for all three in Excel form)
    form: str

    @property
    def dataset_path(self) -> Path:
        return self.paths["Dataset"]


def read_export_bundle(survey_dir: Path) -> ExportBundle:
    if not survey_dir.is_dir():
        raise InputFileError(survey_dir, "the survey export folder is missing")
    files = {p.name.lower(): p for p in survey_dir.iterdir() if p.is_file() and not p.name.startswith((".", "~$"))}
    workbooks = [p for name, p in files.items() if name.endswith(".xlsx")]
    csvs = {table: files.get(name) for table, name in CSV_NAMES.items()}
    if workbooks and any(csvs.values()):
        raise InputFileError(survey_dir, "holds both an Excel export and CSV files; keep only one export form")
    if len(workbooks) > 1:
        raise InputFileError(survey_dir, f"holds {len(workbooks)} Excel files; expected one export")
    if workbooks:
        return _read_workbook(workbooks[0])
    if not any(csvs.values()):
        raise InputFileError(survey_dir, "holds no export: expected dataset.csv, labels.csv and structure.csv, or one .xlsx")
    for table, path in csvs.items():
        if path is None:
            raise InputFileError(survey_dir / CSV_NAMES[table], f"the {table} file of the export is missing")
    return _read_csv_bundle(csvs)


def _read_csv_bundle(paths: dict[str, Path]) -> ExportBundle:
    texts = {table: read_text(path) for table, path in paths.items()}
    delimiter = _delimiter_from_header(paths["Structure"], texts["Structure"], "questionName")
    frames = {table: parse_delimited(paths[table], texts.pop(table), delimiter, header=table != "Labels",
                                     text_type=DATASET_TEXT if table == "Dataset" else str) for table in TABLES}
    form = {";": "EU CSV", "\t": "INTL CSV", ",": "comma CSV"}[delimiter]
    return _bundle(frames, paths, form)


def _delimiter_from_header(path: Path, text: str, first_column: str) -> str:
    first_line = text.lstrip("\ufeff").split("\n", 1)[0]
    match = re.match(rf'("?){first_column}\1(.?)', first_line)
    if not match:
        raise InputFileError(path, f"the header must start with {first_column!r}, found {first_line[:40]!r}")
    follower = match.group(2)
    if follower not in DELIMITERS:
        raise InputFileError(path, f"cannot tell the delimiter: {first_column!r} is followed by {follower!r}")
    return follower


def parse_delimited(path: Path, text: str, delimiter: str, header: bool, text_type: object = str) -> pd.DataFrame:
    # handed over as UTF-8 bytes, not a StringIO, which holds 4 bytes per character (1 GB for a 10^6-row export)
    data = text.lstrip("\ufeff").encode("utf-8")
    del text
    try:
        frame = pd.read_csv(
            io.BytesIO(data),
            encoding="utf-8",
            sep=delimiter,
            dtype=text_type,
            keep_default_na=False,
            header=0 if header else None,
            quotechar='"',
            skip_blank_lines=True,
        )
    except pd.errors.EmptyDataError:
        raise InputFileError(path, "the file is empty") from None
    except (pd.errors.ParserError, ValueError) as exc:
        raise InputFileError(path, f"the file is not valid delimited text: {_first_line(exc)}") from None
    if not isinstance(frame.index, pd.RangeIndex):
        # pandas takes surplus leading fields of every row as an index instead of failing
        raise InputFileError(path, "the file is not valid delimited text: rows have more fields than the header")
    return frame


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _read_workbook(path: Path) -> ExportBundle:
    try:
        sheets = pd.read_excel(path, sheet_name=None, header=None, dtype=object, engine="openpyxl")
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise InputFileError(path, f"is not a readable Excel workbook ({_first_line(exc)})") from None
    by_name = {name.strip().lower(): frame for name, frame in sheets.items()}
    frames = {}
    for table in TABLES:
        sheet = by_name.get(table.lower())
        if sheet is None:
            raise InputFileError(path, f"the sheet {table!r} is missing (found: {', '.join(sheets) or 'none'})")
        cells = sheet.map(_cell_text)
        if table == "Labels":
            frames[table] = cells
        elif cells.empty:
            raise InputFileError(path, f"the sheet {table!r} is empty")
        else:
            frames[table] = cells.iloc[1:].set_axis(list(cells.iloc[0]), axis=1).reset_index(drop=True)
    return _bundle(frames, {table: path for table in TABLES}, "Excel")


def _cell_text(value: object) -> str:
    """Render an Excel cell the way SurveyXact writes it in CSV."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, pd.Timestamp)):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return str(value)


def _bundle(frames: dict[str, pd.DataFrame], paths: dict[str, Path], form: str) -> ExportBundle:
    dataset = _drop_empty_unnamed(frames["Dataset"]).astype(DATASET_TEXT)
    dataset.columns = [str(c).strip() for c in dataset.columns]
    if dataset.empty:
        raise InputFileError(paths["Dataset"], "the Dataset holds a header but no rows")

    structure = _drop_empty_unnamed(frames["Structure"])
    missing = [c for c in STRUCTURE_COLUMNS if c not in structure.columns]
    if missing:
        raise InputFileError(paths["Structure"], f"the Structure lacks the column(s) {', '.join(missing)}")
    structure = structure[STRUCTURE_COLUMNS].apply(lambda col: col.str.strip())

    labels = frames["Labels"]
    labels = labels.loc[:, [c for c in labels.columns if not (labels[c] == "").all()]]
    if labels.shape[1] != 3:
        raise InputFileError(
            paths["Labels"], f"each Labels row must be 'variableName, value, label'; found {labels.shape[1]} columns"
        )
    labels = labels.set_axis(["variableName", "value", "label"], axis=1).apply(lambda col: col.str.strip())
    return ExportBundle(dataset=dataset.reset_index(drop=True), labels=labels, structure=structure, paths=paths, form=form)


def _drop_empty_unnamed(frame: pd.DataFrame) -> pd.DataFrame:
    """CSV exports end each line with a delimiter, which gives an unnamed, empty trailing column."""
    empty_unnamed = [
        c for c in frame.columns if (str(c).startswith("Unnamed:") or str(c).strip() == "") and (frame[c] == "").all()
    ]
    return frame.drop(columns=empty_unnamed)

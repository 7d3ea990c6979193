"""Read a SurveyXact export bundle (Dataset, Labels, Structure) in any of its four forms.

Every cell comes back as text exactly as exported ("" for an empty cell), so that the
validation sees what SurveyXact wrote and every form gives the same tables. The Dataset's text is held in Arrow
strings: at 10^6 respondents Python string objects took gigabytes and every rule ran slower over them.
"""

import codecs
import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from kvis_pipeline.core.errors import InputFileError
from kvis_pipeline.ingest.text_decoding import decode_text

TABLES = ("Dataset", "Labels", "Structure")
CSV_NAMES = {table: f"{table.lower()}.csv" for table in TABLES}
STRUCTURE_COLUMNS = [
    "questionName",
    "variableName",
    "questionType",
    "subType",
    "questionText",
    "choiceValue",
    "choiceText",
]
DELIMITERS = (";", "\t", ",")
DATASET_TEXT = "string[pyarrow]"
DATASET_SHEET = re.compile(r"dataset\s*(\(\d+\)|\d+)?", re.IGNORECASE)


@dataclass(frozen=True)
class ExportBundle:
    dataset: pd.DataFrame
    labels: pd.DataFrame  # columns variableName, value, label
    structure: pd.DataFrame  # STRUCTURE_COLUMNS
    paths: dict[str, Path]  # table -> the file it came from (the same .xlsx for all three in Excel form)
    form: str
    encodings: dict[str, str] = field(default_factory=dict)  # table -> the encoding it was read in (CSV forms)
    nul_bytes_dropped: int = 0  # stray NUL characters removed from the bundle's files
    quirks: tuple[str, ...] = ()  # SurveyXact's known export faults that were read around, one line each

    @property
    def dataset_path(self) -> Path:
        return self.paths["Dataset"]


def read_export_bundle(survey_dir: Path) -> ExportBundle:
    if not survey_dir.is_dir():
        raise InputFileError(survey_dir, "the survey export folder is missing")
    present = sorted(p for p in survey_dir.iterdir() if p.is_file() and not p.name.startswith((".", "~$")))
    files: dict[str, Path] = {}
    for path in present:
        if path.name.lower() in files:
            raise InputFileError(
                path, f"is the same file name as {files[path.name.lower()].name} but for case; keep one of them"
            )
        files[path.name.lower()] = path
    workbooks = [p for name, p in files.items() if name.endswith(".xlsx")]
    csvs = {table: files.get(name) for table, name in CSV_NAMES.items()}
    if workbooks and any(csvs.values()):
        raise InputFileError(survey_dir, "holds both an Excel export and CSV files; keep only one export form")
    if len(workbooks) > 1:
        raise InputFileError(survey_dir, f"holds {len(workbooks)} Excel files; expected one export")
    if workbooks:
        return _read_workbook(workbooks[0])
    if not any(csvs.values()):
        raise InputFileError(
            survey_dir, "holds no export: expected dataset.csv, labels.csv and structure.csv, or one .xlsx"
        )
    for table, path in csvs.items():
        if path is None:
            raise InputFileError(survey_dir / CSV_NAMES[table], f"the {table} file of the export is missing")
    return _read_csv_bundle(csvs)


def _read_csv_bundle(paths: dict[str, Path]) -> ExportBundle:
    decoded = {table: decode_text(path) for table, path in paths.items()}
    encodings = {table: text.encoding for table, text in decoded.items()}
    nul_bytes = sum(text.nul_bytes_dropped for text in decoded.values())
    quirks = [
        f"{paths[table].name}: {text.nul_bytes_dropped} NUL byte(s) dropped"
        for table, text in decoded.items()
        if text.nul_bytes_dropped
    ]
    delimiter = _delimiter_from_header(paths["Structure"], decoded["Structure"].utf8, "questionName")
    frames = {
        table: parse_delimited(
            paths[table],
            decoded.pop(table).utf8,
            delimiter,
            header=table != "Labels",
            text_type=DATASET_TEXT if table == "Dataset" else str,
            quirks=quirks,
        )
        for table in TABLES
    }
    form = {";": "EU CSV", "\t": "INTL CSV", ",": "comma CSV"}[delimiter]
    return replace(_bundle(frames, paths, form), encodings=encodings, nul_bytes_dropped=nul_bytes, quirks=tuple(quirks))


def _delimiter_from_header(path: Path, utf8: bytes, first_column: str) -> str:
    first_line = _without_byte_order_marks(utf8[: 1 << 16]).decode("utf-8", errors="ignore").split("\n", 1)[0]
    match = re.match(rf'("?){first_column}\1(.?)', first_line)
    if not match:
        raise InputFileError(path, f"the header must start with {first_column!r}")
    follower = match.group(2)
    if follower not in DELIMITERS:
        raise InputFileError(path, f"cannot tell the delimiter: {first_column!r} is followed by {follower!r}")
    return follower


def parse_delimited(
    path: Path, utf8: bytes, delimiter: str, header: bool, text_type: object = str, quirks: list[str] | None = None
) -> pd.DataFrame:
    """Every cell as text, "" where empty; blank lines skipped. Read from UTF-8 bytes by pyarrow's CSV reader, faster
    than pandas' (docs/performance.md), into the large strings that pandas' Arrow-backed text holds (read as Arrow's
    plain strings, every cell was copied once more on the way to pandas).

    SurveyXact sometimes ends every data row with a delimiter its header lacks: such a file is read with that empty
    trailing field dropped, and the fact appended to `quirks`; a trailing field that is not empty on every row is a
    file problem.
    """
    data = _without_byte_order_marks(utf8).lstrip(b"\r\n")
    names = _header(path, data, delimiter)
    if not header:
        names = [str(position) for position in range(len(names))]
    try:
        table = _read_table(data, names, header, delimiter)
    except pa.ArrowInvalid as exc:
        if header and "Could not skip initial" in str(exc):  # the header and nothing after it
            return pd.DataFrame({name: pd.Series([], dtype=text_type) for name in names})
        table = _read_with_trailing_field(data, names, header, delimiter, exc)
        if table is None:
            raise InputFileError(
                path, f"the file is not valid delimited text: {_field_count_problem(exc, data, delimiter, len(names))}"
            ) from None
        if quirks is not None:
            quirks.append(f"{path.name}: every row ends with an empty field the header lacks (dropped)")
    if text_type is str:
        return table.to_pandas()
    return table.to_pandas(types_mapper={pa.large_string(): pd.StringDtype("pyarrow")}.get)


def _without_byte_order_marks(utf8: bytes) -> bytes:
    """The text without the byte-order marks a file may repeat after its own (the decoder drops the first)."""
    while utf8.startswith(codecs.BOM_UTF8):
        utf8 = utf8[len(codecs.BOM_UTF8) :]
    return utf8


def _read_table(data: bytes, names: list[str], header: bool, delimiter: str) -> pa.Table:
    return pcsv.read_csv(
        pa.BufferReader(data),
        read_options=pcsv.ReadOptions(column_names=names, skip_rows=1 if header else 0, block_size=1 << 24),
        parse_options=pcsv.ParseOptions(
            delimiter=delimiter, quote_char='"', double_quote=True, newlines_in_values=True, ignore_empty_lines=True
        ),
        convert_options=pcsv.ConvertOptions(
            column_types={name: pa.large_string() for name in names},
            null_values=[],
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )


def _read_with_trailing_field(
    data: bytes, names: list[str], header: bool, delimiter: str, failure: pa.ArrowInvalid
) -> pa.Table | None:
    """The table when every row has exactly one more field than the header and that field is empty, else None."""
    counts = re.search(r"Expected (\d+) columns, got (\d+)", str(failure))
    if not header or counts is None or int(counts[2]) != int(counts[1]) + 1:
        return None
    trailing = "\0trailing"
    try:
        table = _read_table(data, [*names, trailing], header, delimiter)
    except pa.ArrowInvalid:
        return None
    if pc.any(pc.not_equal(table.column(trailing), "")).as_py():
        return None
    return table.drop_columns([trailing])


def _header(path: Path, data: bytes, delimiter: str) -> list[str]:
    """The first record's fields, named as pandas names them (a repeated name gets .1, .2, ...)."""
    if not data.strip():
        raise InputFileError(path, "the file is empty")
    first = data[: 1 << 20].decode("utf-8", errors="ignore")
    try:
        fields = next(csv.reader(io.StringIO(first, newline=""), delimiter=delimiter, quotechar='"'))
    except (csv.Error, StopIteration) as exc:
        raise InputFileError(path, f"the file is not valid delimited text: {_first_line(exc)}") from None
    names, seen = [], {}
    for header in fields:
        name = header or f"Unnamed: {len(names)}"
        count = seen.get(name, 0)
        seen[name] = count + 1
        names.append(f"{name}.{count}" if count else name)
    return names


def _field_count_problem(exc: Exception, data: bytes, delimiter: str, fields: int) -> str:
    """Which row has how many fields, never what it holds (a row may carry a name or an e-mail)."""
    counts = re.search(r"Expected (\d+) columns, got (\d+)", str(exc))
    if counts is None:
        return "the parser stopped at a malformed row"
    got = int(counts[2])
    row = _first_row_with_field_count(data, delimiter, fields)
    where = f"row {row} (the header is row 1)" if row else "a row"
    return (
        f"rows have {'more' if got > fields else 'fewer'} fields than the header: {where} has {got} fields "
        f"where the header has {fields}"
    )


def _first_row_with_field_count(data: bytes, delimiter: str, fields: int) -> int | None:
    """The number of the first record whose field count differs from the header's (only on the error path)."""
    text = io.StringIO(data.decode("utf-8", errors="replace"), newline="")
    records = (record for record in csv.reader(text, delimiter=delimiter, quotechar='"') if record)  # blank lines
    for number, record in enumerate(records, start=1):
        if len(record) != fields:
            return number
    return None


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _read_workbook(path: Path) -> ExportBundle:
    try:
        sheets = pd.read_excel(path, sheet_name=None, header=None, dtype=object, engine="openpyxl")
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise InputFileError(path, f"is not a readable Excel workbook ({_first_line(exc)})") from None
    by_name = {name.strip().lower(): frame for name, frame in sheets.items()}
    frames, quirks = {}, []
    for table in ("Labels", "Structure"):
        sheet = by_name.get(table.lower())
        if sheet is None:
            raise InputFileError(path, f"the sheet {table!r} is missing (found: {', '.join(sheets) or 'none'})")
        cells = _without_blank_rows(sheet.map(_cell_text))
        if table == "Labels":
            frames[table] = cells
        elif cells.empty:
            raise InputFileError(path, f"the sheet {table!r} is empty")
        else:
            frames[table] = _with_header(cells)
    dataset_sheets = [name for name in sheets if DATASET_SHEET.fullmatch(name.strip())]
    if not dataset_sheets:
        raise InputFileError(path, f"the sheet 'Dataset' is missing (found: {', '.join(sheets) or 'none'})")
    frames["Dataset"] = _joined_dataset_sheets(path, {name: sheets[name] for name in dataset_sheets})
    if len(dataset_sheets) > 1:
        quirks.append(f"{path.name}: the Dataset is split over the sheets {', '.join(dataset_sheets)} (joined)")
    return replace(_bundle(frames, {table: path for table in TABLES}, "Excel"), quirks=tuple(quirks))


def _joined_dataset_sheets(path: Path, sheets: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """A wide Dataset that SurveyXact split over `Dataset(1)`, `Dataset(2)`, ...: its columns continue from one sheet
    to the next, in sheet order, every sheet with a header row and the same rows."""
    parts: list[tuple[str, pd.DataFrame]] = []
    for name, sheet in sheets.items():
        cells = _without_blank_rows(sheet.map(_cell_text))
        if cells.empty:
            raise InputFileError(path, f"the sheet {name!r} is empty")
        part = _with_header(cells)
        if parts and len(part) != len(parts[0][1]):
            first_name, first = parts[0]
            raise InputFileError(
                path,
                f"the Dataset sheets {first_name!r} and {name!r} hold different numbers of "
                f"rows ({len(first)} and {len(part)}), so their rows cannot be matched",
            )
        parts.append((name, part))
    joined = parts[0][1]
    for name, part in parts[1:]:
        repeated = [column for column in part.columns if column in joined.columns]
        if repeated:
            raise InputFileError(path, f"the Dataset sheet {name!r} repeats the column(s) {', '.join(repeated)}")
        joined = pd.concat([joined, part], axis=1)
    return joined


def _with_header(cells: pd.DataFrame) -> pd.DataFrame:
    return cells.iloc[1:].set_axis(list(cells.iloc[0]), axis=1).reset_index(drop=True)


def _without_blank_rows(cells: pd.DataFrame) -> pd.DataFrame:
    """Rows whose every cell is empty are layout, not data (as blank lines in the CSV forms)."""
    return cells[cells.ne("").any(axis=1)].reset_index(drop=True)


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
    return ExportBundle(
        dataset=dataset.reset_index(drop=True), labels=labels, structure=structure, paths=paths, form=form
    )


def _drop_empty_unnamed(frame: pd.DataFrame) -> pd.DataFrame:
    """CSV exports end each line with a delimiter, which gives an unnamed, empty trailing column."""
    empty_unnamed = [
        c for c in frame.columns if (str(c).startswith("Unnamed:") or str(c).strip() == "") and (frame[c] == "").all()
    ]
    return frame.drop(columns=empty_unnamed)

"""Write an export bundle in any of SurveyXact's four forms (for the reference wave, benchmarks and tests)."""

import csv
import io
from pathlib import Path

import pandas as pd

FORMS = {
    # form -> (delimiter, encoding, quote every field)
    "eu": (";", "cp1252", False),
    "comma": (",", "cp1252", False),
    "intl": ("\t", "utf-16", True),
}


def write_bundle(
    survey_dir: Path,
    dataset: pd.DataFrame,
    labels: pd.DataFrame,
    structure: pd.DataFrame,
    form: str,
    short_names: dict[str, str] | None = None,
) -> list[Path]:
    """Write Dataset/Labels/Structure (long names) in `form`; INTL uses SurveyXact's short names."""
    survey_dir.mkdir(parents=True, exist_ok=True)
    if form == "intl" and short_names:
        dataset = dataset.rename(columns=short_names)
        labels = labels.assign(variableName=labels["variableName"].replace(short_names))
        structure = structure.assign(variableName=structure["variableName"].replace(short_names))
    if form == "xlsx":
        path = survey_dir / "export.xlsx"
        with pd.ExcelWriter(path, engine="openpyxl") as writer:
            _numeric(labels).to_excel(writer, sheet_name="Labels", header=False, index=False)
            _numeric(dataset).to_excel(writer, sheet_name="Dataset", index=False)
            _numeric(structure).to_excel(writer, sheet_name="Structure", index=False)
        return [path]
    delimiter, encoding, quote_all = FORMS[form]
    written = []
    for name, frame, header, trailing in (
        ("dataset.csv", dataset, True, False),
        ("labels.csv", labels, False, False),
        ("structure.csv", structure, True, True),
    ):
        buffer = io.StringIO()
        writer = csv.writer(
            buffer,
            delimiter=delimiter,
            lineterminator="\r\n",
            quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL,
        )
        if header:
            writer.writerow(list(frame.columns) + ([""] if trailing else []))
        for row in frame.itertuples(index=False):
            writer.writerow(list(row) + ([""] if trailing else []))
        path = survey_dir / name
        path.write_bytes(buffer.getvalue().encode(encoding))
        written.append(path)
    return written


def _numeric(frame: pd.DataFrame) -> pd.DataFrame:
    """Excel exports hold numbers as numbers: turn whole-number text back into integers."""
    return frame.apply(
        lambda col: col.map(
            lambda v: int(v) if isinstance(v, str) and v.isdigit() and len(v) < 16 else (None if v == "" else v)
        )
    )

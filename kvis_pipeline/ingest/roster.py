"""Read the cluster roster (klyngeoversigt.csv): eKVIS' register of clusters and their members."""

from pathlib import Path

import pandas as pd

from kvis_pipeline.core.errors import InputFileError
from kvis_pipeline.core.personal_data import shown
from kvis_pipeline.ingest.export_bundle import parse_delimited
from kvis_pipeline.ingest.text_decoding import decode_text

ROSTER_FILE = "klyngeoversigt.csv"
ROSTER_COLUMNS = ["klynge_id", "klynge_navn", "speciale_kode", "speciale", "region", "antal_medlemmer"]
INTEGER_COLUMNS = ("klynge_id", "speciale_kode", "antal_medlemmer")


def read_roster(path: Path) -> pd.DataFrame:
    decoded = decode_text(path)
    roster = parse_delimited(path, decoded.utf8, ";", header=True)
    roster.columns = [str(c).strip() for c in roster.columns]
    if list(roster.columns) != ROSTER_COLUMNS:
        raise InputFileError(
            path, f"the roster header must be {';'.join(ROSTER_COLUMNS)}, found {';'.join(map(str, roster.columns))}"
        )
    if roster.empty:
        raise InputFileError(path, "the roster lists no clusters")
    roster = roster.apply(lambda col: col.str.strip())
    for column in INTEGER_COLUMNS:
        bad = roster.index[~roster[column].str.fullmatch(r"\d+")]
        if len(bad):
            row = bad[0]
            raise InputFileError(
                path, f"row {row + 2}, column {column}: {shown(roster.at[row, column])!r} is not a whole number"
            )
        roster[column] = roster[column].astype("int64")
    for column in ("klynge_navn", "speciale", "region"):
        blank = roster.index[roster[column] == ""]
        if len(blank):
            raise InputFileError(path, f"row {blank[0] + 2}, column {column}: the value is empty")
    repeated = roster.index[roster["klynge_id"].duplicated()]
    if len(repeated):
        row = repeated[0]
        raise InputFileError(
            path, f"row {row + 2}, column klynge_id: cluster {roster.at[row, 'klynge_id']} is listed twice"
        )
    empty = roster.index[roster["antal_medlemmer"] == 0]
    if len(empty):
        raise InputFileError(path, f"row {empty[0] + 2}, column antal_medlemmer: a cluster must have members")
    specialty_names = roster.groupby("speciale_kode")["speciale"].nunique()
    if (specialty_names > 1).any():
        code = specialty_names[specialty_names > 1].index[0]
        raise InputFileError(path, f"column speciale: specialty code {code} carries more than one name")
    roster.attrs["nul_bytes_dropped"] = decoded.nul_bytes_dropped
    return roster

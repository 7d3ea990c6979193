"""The warehouse's raw tables, defined once: their DuckDB DDL and their pandera checks are both made from here.

As PUDL generates its checks from one metadata source, each column is written once with its SQL type, whether it
may be NULL, and the rules its values obey; a table adds the rules that span columns. The blocking ingestion
checks validate the rows a load wrote against `Table.schema()`; `ensure_tables` creates the tables from
`Table.ddl()`. dbt builds its own schemas on top of `raw`.
"""

from dataclasses import dataclass, replace

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from kvis_pipeline.core.personal_data import looks_personal

# The pandera dtype each DuckDB type is coerced to (DuckDB hands INTEGER columns over as int32); a nullable or
# timestamp column is checked without coercion, as pandas holds it.
_DTYPES = {"VARCHAR": str, "INTEGER": int, "DOUBLE": float}
POSITIVE = pa.Check.gt(0)
NOT_EMPTY = pa.Check.str_length(min_value=1)
DATA_ROW = pa.Check.ge(2)  # row 1 of a landing file is its header
COUNT = pa.Check.ge(0)


@dataclass(frozen=True)
class Column:
    name: str
    sql_type: str
    nullable: bool = False
    checks: tuple[pa.Check, ...] = ()
    unique: bool = False  # within the wave's rows
    default: str | None = None  # for a column added after a release: earlier warehouses gain it with this value

    def ddl(self) -> str:
        return (
            f"{self.name} {self.sql_type}"
            + ("" if self.nullable else " NOT NULL")
            + (f" DEFAULT {self.default}" if self.default is not None else "")
        )

    def pandera(self) -> pa.Column:
        dtype = None if self.nullable else _DTYPES.get(self.sql_type)
        return pa.Column(dtype, list(self.checks), nullable=self.nullable, unique=self.unique, coerce=dtype is not None)


@dataclass(frozen=True)
class Table:
    name: str  # schema.table
    description: str
    columns: tuple[Column, ...]
    checks: tuple[pa.Check, ...] = ()

    @property
    def key(self) -> tuple[str, str]:
        schema, table = self.name.split(".")
        return schema, table

    def ddl(self) -> str:
        return ", ".join(column.ddl() for column in self.columns)

    def schema(self, columns: list[str] | None = None) -> pa.DataFrameSchema:
        """The pandera schema of the table, or of the given columns of it (what a check's query selects)."""
        chosen = [c for c in self.columns if columns is None or c.name in columns]
        return pa.DataFrameSchema({c.name: c.pandera() for c in chosen}, checks=list(self.checks), name=self.name)


def _every_row_accounted_for(df: pd.DataFrame) -> pd.Series:
    return df["rows_received"] == df["rows_accepted"] + df["rows_quarantined"] + df["rows_duplicate"]


def _completed_rows_have_a_close_time(df: pd.DataFrame) -> pd.Series:
    return (df["statoverall"] != 4) | df["closetime"].notna()


def _no_personal_data_in_values_or_reasons(df: pd.DataFrame) -> pd.Series:
    """The load masks such values; this holds it to that (linear scans, see personal_data)."""
    return ~(df["value"].fillna("").map(looks_personal) | df["reason"].map(looks_personal)).astype(bool)


WAVE = Column("wave", "VARCHAR")
RESPONDENT_KEY = Column("respondent_key", "VARCHAR", checks=(pa.Check.str_matches(r"^[0-9a-f]{32}$"),))

CLUSTER_ROSTER = Table(
    "raw.cluster_roster",
    "The wave's cluster roster, validated; written with the export in one transaction.",
    (
        WAVE,
        Column("klynge_id", "INTEGER", checks=(POSITIVE,), unique=True),
        Column("klynge_navn", "VARCHAR", checks=(NOT_EMPTY,)),
        Column("speciale_kode", "INTEGER", checks=(POSITIVE,)),
        Column("speciale", "VARCHAR", checks=(NOT_EMPTY,)),
        Column("region", "VARCHAR", checks=(NOT_EMPTY,)),
        Column("antal_medlemmer", "INTEGER", checks=(POSITIVE,)),
    ),
)
SURVEY_STRUCTURE = Table(
    "raw.survey_structure",
    "The export's Structure: one row per variable, with long and short names.",
    (
        WAVE,
        Column("variable", "VARCHAR"),
        Column("question_name", "VARCHAR"),
        Column("question_type", "VARCHAR"),
        Column("sub_type", "VARCHAR"),
        Column("question_text", "VARCHAR", nullable=True),
        Column("choice_value", "INTEGER", nullable=True),
        Column("choice_text", "VARCHAR", nullable=True),
        Column("position", "INTEGER"),
    ),
)
SURVEY_LABELS = Table(
    "raw.survey_labels",
    "The export's Labels: answer codes and their Danish labels per variable.",
    (
        WAVE,
        Column("variable", "VARCHAR"),
        Column("code", "INTEGER"),
        Column("label", "VARCHAR"),
        Column("position", "INTEGER"),
    ),
)
SURVEY_RESPONDENTS = Table(
    "raw.survey_respondents",
    "One row per accepted export row: pseudonymised key, background, status, times.",
    (
        WAVE,
        replace(RESPONDENT_KEY, unique=True),
        Column("source_file", "VARCHAR"),
        Column("source_row", "INTEGER", checks=(DATA_ROW,)),
        Column("created", "TIMESTAMP", nullable=True),
        Column("modified", "TIMESTAMP", nullable=True),
        Column("starttime", "TIMESTAMP", nullable=True),
        Column("closetime", "TIMESTAMP", nullable=True),
        Column("difftime", "DOUBLE", nullable=True),
        Column("lang", "INTEGER", nullable=True),
        Column("klynge", "INTEGER", checks=(POSITIVE,)),
        Column("speciale", "INTEGER", checks=(POSITIVE,)),
        Column("region", "INTEGER", checks=(POSITIVE,)),
        Column("statoverall", "INTEGER", checks=(pa.Check.isin([1, 2, 3, 4, 5]),)),
    ),
    checks=(pa.Check(_completed_rows_have_a_close_time, name="completed_rows_have_a_close_time"),),
)
SURVEY_ANSWERS = Table(
    "raw.survey_answers",
    "Closed answers in long form: one row per respondent (by its row in the export) and answered variable.",
    (
        WAVE,
        Column("source_row", "INTEGER", checks=(DATA_ROW,)),
        Column("variable", "VARCHAR"),
        Column("code", "INTEGER"),
    ),
)
QUARANTINE = Table(
    "raw.quarantine",
    "Rows held back, one record per broken rule: file, row, column, value, reason.",
    (
        WAVE,
        Column("source_file", "VARCHAR"),
        Column("source_row", "INTEGER", checks=(DATA_ROW,)),
        Column("respondent_key", "VARCHAR", nullable=True),
        Column("column_name", "VARCHAR"),
        Column("value", "VARCHAR", nullable=True),
        Column("reason", "VARCHAR", checks=(NOT_EMPTY,)),
    ),
    checks=(pa.Check(_no_personal_data_in_values_or_reasons, name="no_personal_data_in_values_or_reasons"),),
)
LOAD_SUMMARY = Table(
    "raw.load_summary",
    "Rows received, accepted, quarantined and duplicate per landing file.",
    (
        WAVE,
        Column("source_file", "VARCHAR", unique=True),
        Column("file_sha256", "VARCHAR"),
        Column("rows_received", "INTEGER", checks=(COUNT,)),
        Column("rows_accepted", "INTEGER", checks=(COUNT,)),
        Column("rows_quarantined", "INTEGER", checks=(COUNT,)),
        Column("rows_duplicate", "INTEGER", checks=(COUNT,)),
        Column("nul_bytes_dropped", "INTEGER", checks=(COUNT,), default="0"),
    ),
    checks=(pa.Check(_every_row_accounted_for, name="every_row_accounted_for"),),
)
FREE_TEXT_ANSWERS = Table(
    "restricted.free_text_answers",
    "Free-text answers; restricted, never published.",
    (WAVE, RESPONDENT_KEY, Column("variable", "VARCHAR"), Column("answer_text", "VARCHAR")),
)

TABLES: dict[str, Table] = {
    table.name: table
    for table in (
        CLUSTER_ROSTER,
        SURVEY_STRUCTURE,
        SURVEY_LABELS,
        SURVEY_RESPONDENTS,
        SURVEY_ANSWERS,
        QUARANTINE,
        LOAD_SUMMARY,
        FREE_TEXT_ANSWERS,
    )
}


class AnswerCodesListed(pa.DataFrameModel):
    """The answer codes given per variable, joined to Labels: a code Labels does not list has no label."""

    variable: Series[str]
    code: Series[int]
    label: Series[str] = pa.Field(nullable=False)
    answers: Series[int] = pa.Field(gt=0)

    class Config:
        coerce = True  # DuckDB hands INTEGER columns over as int32


def failure_cases(schema: pa.DataFrameSchema | type[pa.DataFrameModel], frame: pd.DataFrame) -> pd.DataFrame:
    """The failure cases of validating `frame`; empty when it passes."""
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        return errors.failure_cases
    return pd.DataFrame(columns=["schema_context", "column", "check", "check_number", "failure_case", "index"])

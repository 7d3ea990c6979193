"""pandera schemas of what the warehouse must hold after a load: run as blocking Dagster asset checks."""

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from kvis_pipeline.lib.personal_data import looks_personal



class WarehouseModel(pa.DataFrameModel):
    class Config:
        coerce = True  # DuckDB hands INTEGER columns over as int32


class ClusterRoster(WarehouseModel):
    klynge_id: Series[int] = pa.Field(gt=0, unique=True)
    klynge_navn: Series[str] = pa.Field(str_length={"min_value": 1})
    speciale_kode: Series[int] = pa.Field(gt=0)
    speciale: Series[str] = pa.Field(str_length={"min_value": 1})
    region: Series[str] = pa.Field(str_length={"min_value": 1})
    antal_medlemmer: Series[int] = pa.Field(gt=0)


class SurveyRespondents(WarehouseModel):
    respondent_key: Series[str] = pa.Field(str_matches=r"^[0-9a-f]{32}$", unique=True)
    source_row: Series[int] = pa.Field(ge=2)
    statoverall: Series[int] = pa.Field(isin=[1, 2, 3, 4, 5])
    klynge: Series[int] = pa.Field(gt=0)
    speciale: Series[int] = pa.Field(gt=0)
    region: Series[int] = pa.Field(gt=0)

    @pa.dataframe_check(name="completed_rows_have_a_close_time")
    def completed_rows_have_a_close_time(cls, df: pd.DataFrame) -> Series[bool]:
        return (df["statoverall"] != 4) | df["closetime"].notna()


class LoadSummary(WarehouseModel):
    source_file: Series[str] = pa.Field(unique=True)
    rows_received: Series[int] = pa.Field(ge=0)
    rows_accepted: Series[int] = pa.Field(ge=0)
    rows_quarantined: Series[int] = pa.Field(ge=0)
    rows_duplicate: Series[int] = pa.Field(ge=0)

    @pa.dataframe_check(name="every_row_accounted_for")
    def every_row_accounted_for(cls, df: pd.DataFrame) -> Series[bool]:
        return df["rows_received"] == df["rows_accepted"] + df["rows_quarantined"] + df["rows_duplicate"]


class Quarantine(WarehouseModel):
    source_row: Series[int] = pa.Field(ge=2)
    column_name: Series[str]
    value: Series[str] = pa.Field(nullable=True)
    reason: Series[str] = pa.Field(str_length={"min_value": 1})

    @pa.dataframe_check(name="no_personal_data_in_values_or_reasons")
    def no_personal_data_in_values_or_reasons(cls, df: pd.DataFrame) -> Series[bool]:
        """The load masks such values; this holds it to that (linear scans, see personal_data)."""
        return ~(df["value"].fillna("").map(looks_personal) | df["reason"].map(looks_personal)).astype(bool)


class AnswerCodesListed(WarehouseModel):
    """The answer codes given per variable, joined to Labels: a code Labels does not list has no label."""

    variable: Series[str]
    code: Series[int]
    label: Series[str] = pa.Field(nullable=False)
    answers: Series[int] = pa.Field(gt=0)


def failure_cases(schema: type[pa.DataFrameModel], frame: pd.DataFrame) -> pd.DataFrame:
    """The failure cases of validating `frame`; empty when it passes."""
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        return errors.failure_cases
    return pd.DataFrame(columns=["schema_context", "column", "check", "check_number", "failure_case", "index"])

"""Blocking checks on what a load wrote: pandera schemas over the warehouse rows of the wave."""

from collections.abc import Iterator

import dagster as dg
import pandas as pd
import pandera.pandas as pa

from kvis_pipeline.core.memory import release_freed_memory
from kvis_pipeline.core.personal_data import shown
from kvis_pipeline.core.settings import Settings
from kvis_pipeline.core.stage_timings import timed
from kvis_pipeline.warehouse.store import connect
from kvis_pipeline.warehouse.tables import (
    LOAD_SUMMARY,
    QUARANTINE,
    SURVEY_ANSWERS,
    SURVEY_RESPONDENTS,
    AnswerCodesListed,
    failure_cases,
)

MAX_FAILURE_CASES_SHOWN = 50

# check name -> (checked asset, pandera schema, query returning the wave's rows)
_CHECKS: dict[str, tuple[tuple[str, str], pa.DataFrameSchema | type[pa.DataFrameModel], str]] = {
    "respondents_schema": (
        SURVEY_RESPONDENTS.key,
        SURVEY_RESPONDENTS.schema(
            ["respondent_key", "source_row", "statoverall", "klynge", "speciale", "region", "closetime"]
        ),
        "SELECT respondent_key, source_row, statoverall, klynge, speciale, region, closetime "
        "FROM raw.survey_respondents WHERE wave = $wave",
    ),
    "answer_codes_listed_in_labels": (
        SURVEY_ANSWERS.key,
        AnswerCodesListed,
        # one row per distinct answer code with how many answers gave it: the rule is the same, 10^7 rows fewer
        """SELECT a.variable, a.code, l.label, count(*) AS answers FROM raw.survey_answers a
           LEFT JOIN raw.survey_labels l USING (wave, variable, code) WHERE a.wave = $wave GROUP BY ALL""",
    ),
    "every_row_accounted_for": (
        LOAD_SUMMARY.key,
        LOAD_SUMMARY.schema(),
        "SELECT * FROM raw.load_summary WHERE wave = $wave",
    ),
    "quarantine_schema": (
        QUARANTINE.key,
        QUARANTINE.schema(),
        "SELECT * FROM raw.quarantine WHERE wave = $wave",
    ),
}


def _description(schema: pa.DataFrameSchema | type[pa.DataFrameModel]) -> str:
    if isinstance(schema, pa.DataFrameSchema):
        return f"The wave's rows of {schema.name} against its definition in kvis_pipeline/warehouse/tables.py."
    return schema.__doc__ or ""


INGESTION_CHECKS = [
    dg.AssetCheckSpec(name, asset=dg.AssetKey(list(asset)), blocking=True, description=_description(schema))
    for name, (asset, schema, _) in _CHECKS.items()
]


def run_ingestion_checks(settings: Settings, wave: str) -> Iterator[dg.AssetCheckResult]:
    with timed("checks"):
        with connect(settings.warehouse, read_only=True) as con:
            frames = {name: con.execute(query, {"wave": wave}).df() for name, (_, _, query) in _CHECKS.items()}
        results = [
            _result(name, asset, failure_cases(schema, frames[name]), len(frames[name]))
            for name, (asset, schema, _) in _CHECKS.items()
        ]
        del frames
        release_freed_memory()  # the wave's respondents read back as Python text: held through dbt's build otherwise
    yield from results


def _result(name: str, asset: tuple[str, str], failures: pd.DataFrame, rows: int) -> dg.AssetCheckResult:
    shown_cases = failures.head(MAX_FAILURE_CASES_SHOWN).astype(str).map(shown)  # never personal data in metadata
    return dg.AssetCheckResult(
        check_name=name,
        asset_key=dg.AssetKey(list(asset)),
        passed=failures.empty,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={
            "rows_checked": rows,
            "failure_count": len(failures),
            "failure_cases": dg.MetadataValue.json(shown_cases.to_dict("records")),
        },
    )

"""Turn a read export into the warehouse's tables: every row accepted, quarantined or counted as a duplicate."""

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from kvis_pipeline.core.contract import BACKGROUND_VARIABLES
from kvis_pipeline.core.stage_timings import timed
from kvis_pipeline.ingest.export_bundle import ExportBundle
from kvis_pipeline.ingest.pseudonym import check_pseudonyms, pseudonymise
from kvis_pipeline.ingest.questionnaire import (
    DURATION_VARIABLE,
    RESPONDENT_ID,
    TIMESTAMP_VARIABLES,
    Questionnaire,
)
from kvis_pipeline.ingest.row_rules import build_row_rules, find_row_problems
from kvis_pipeline.warehouse.store import LongForm

# Spreadsheet-style row numbers: the header is row 1, the first data row is row 2.
FIRST_DATA_ROW = 2


@dataclass(frozen=True)
class SurveyLoad:
    respondents: pd.DataFrame
    answers: LongForm
    free_text: LongForm
    quarantine: pd.DataFrame
    summary: pd.DataFrame
    structure: pd.DataFrame
    labels: pd.DataFrame
    duplicate_source_rows: np.ndarray  # row numbers of the exact repeats left out

    def warehouse_frames(self) -> dict[str, pd.DataFrame]:
        return {
            "raw.survey_structure": self.structure,
            "raw.survey_labels": self.labels,
            "raw.survey_respondents": self.respondents,
            "raw.survey_answers": self.answers,
            "raw.quarantine": self.quarantine,
            "raw.load_summary": self.summary,
            "restricted.free_text_answers": self.free_text,
        }


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def prepare_survey_load(bundle: ExportBundle, roster: pd.DataFrame, key: bytes, source_file: str) -> SurveyLoad:
    with timed("validate"):
        questionnaire = Questionnaire.from_export(bundle)
        rows = questionnaire.rename_to_long_names(bundle.dataset)
        is_duplicate = rows.duplicated(keep="first")
        # filtered only when something is left out: each filter copies every column (gigabytes at 10^6 rows)
        candidates = rows[~is_duplicate] if is_duplicate.any() else rows
        problems = find_row_problems(candidates, build_row_rules(questionnaire, roster))
        accepted = candidates.drop(index=problems.index.unique()) if len(problems) else candidates
    with timed("stage"):
        return _warehouse_rows(
            bundle, questionnaire, rows, is_duplicate, candidates, problems, accepted, key, source_file
        )


def _warehouse_rows(bundle, questionnaire, rows, is_duplicate, candidates, problems, accepted, key, source_file):
    keys = pseudonymise(candidates[RESPONDENT_ID].where(candidates[RESPONDENT_ID].str.fullmatch(r"\d+"), ""), key)

    quarantine = problems.join(keys.rename("respondent_key")).assign(
        source_file=source_file, source_row=lambda df: df.index + FIRST_DATA_ROW
    )
    summary = pd.DataFrame(
        [
            {
                "source_file": source_file,
                "file_sha256": file_sha256(bundle.dataset_path),
                "rows_received": len(rows),
                "rows_accepted": len(accepted),
                "rows_quarantined": problems.index.nunique(),
                "rows_duplicate": int(is_duplicate.sum()),
                "nul_bytes_dropped": bundle.nul_bytes_dropped,
            }
        ]
    )
    accepted_keys = keys.loc[accepted.index]
    respondents = _respondents(accepted, accepted_keys, questionnaire, source_file)
    quarantine = quarantine.reset_index(drop=True)
    check_pseudonyms(_ids_at(rows, respondents["source_row"]), respondents["respondent_key"], key)
    check_pseudonyms(_ids_at(rows, quarantine["source_row"]), quarantine["respondent_key"], key)
    return SurveyLoad(
        respondents=respondents,
        # answers name their respondent by its row (an integer, 25 million times at 10^6 respondents), free text by
        # its pseudonym: raw.survey_respondents holds both
        answers=_long_form(
            accepted,
            "source_row",
            accepted.index + FIRST_DATA_ROW,
            [v.name for v in questionnaire.items],
            "code",
            "INTEGER",
        ),
        free_text=_long_form(
            accepted,
            "respondent_key",
            accepted_keys,
            [v.name for v in questionnaire.free_text],
            "answer_text",
            "VARCHAR",
        ),
        quarantine=quarantine,
        summary=summary,
        structure=questionnaire.structure_table(),
        labels=questionnaire.labels_table(),
        duplicate_source_rows=np.flatnonzero(is_duplicate.to_numpy()) + FIRST_DATA_ROW,
    )


def _ids_at(rows: pd.DataFrame, source_rows: pd.Series) -> pd.Series:
    """The respondentid of each written row, looked up by its row number in the file, numeric ids only."""
    ids = rows[RESPONDENT_ID].to_numpy()[source_rows.to_numpy(dtype="int64") - FIRST_DATA_ROW]
    return pd.Series(ids, dtype="string").where(lambda s: s.str.fullmatch(r"\d+"), "")


def _respondents(
    accepted: pd.DataFrame, keys: pd.Series, questionnaire: Questionnaire, source_file: str
) -> pd.DataFrame:
    flags = questionnaire.status_flags
    flag_values = accepted[[f.name for f in flags]].eq("1").to_numpy(dtype=bool)
    status_codes = np.array([int(flag.choice_value) for flag in flags])
    frame = pd.DataFrame(
        {
            "respondent_key": keys,
            "source_file": source_file,
            "source_row": accepted.index + FIRST_DATA_ROW,
            "statoverall": status_codes[flag_values.argmax(axis=1)] if len(accepted) else [],
        },
        index=accepted.index,
    )
    # Kept as text, empty as missing: DuckDB casts each to its column's type as it is written, and the row rules
    # have checked their form; pandas' to_datetime and to_numeric would parse them twice.
    for name in (*TIMESTAMP_VARIABLES, DURATION_VARIABLE, *BACKGROUND_VARIABLES):
        if name in accepted:
            frame[name] = accepted[name].mask(accepted[name] == "")
    return frame.reset_index(drop=True)


def _long_form(
    accepted: pd.DataFrame,
    respondent: str,
    respondents: pd.Series | pd.Index,
    variables: list[str],
    value_name: str,
    value_type: str,
) -> LongForm:
    return LongForm(
        accepted[variables].assign(**{respondent: respondents}), variables, value_name, value_type, respondent
    )

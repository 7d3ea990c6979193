"""A generated follow-up wave 2026 after the reference wave, for demonstrations and tests of trends. It is made-up
data, not a survey: the roster changes (a psychiatry cluster closes and a new one opens), s_7 is reworded, and a
few items really move (the main question s_3 and data use s_6 up, s_5_5 down); the rest differ by chance only."""

import datetime as dt
from pathlib import Path

import pandas as pd

from kvis_pipeline.devtools.reference_wave import (
    ITEM_EFFECT,
    WaveDesign,
    reference_questionnaire,
    reference_roster,
    write_wave,
)

FOLLOW_UP_WAVE = "2026"
CLOSED_CLUSTER = 59  # Psyk – Sjælland – Sydvest
NEW_CLUSTER = {
    "klynge_id": 74,
    "klynge_navn": "Psyk – Sjælland – Vest",
    "speciale_kode": 11,
    "speciale": "Psykiatri",
    "region": "Region Sjælland",
    "antal_medlemmer": 12,
}
ITEM_SHIFT = {"s_3": 1.4, "s_6": 1.0, "s_5_5": -0.8}
# reworded, s_7 has no trend unless dbt_project/seeds/item_equivalence.csv declares it comparable
REWORDED = {"s_7": "Ønsker du, at der inddrages flere data i klyngearbejdet?"}


def follow_up_design() -> WaveDesign:
    structure, labels = reference_questionnaire()
    structure = structure.copy()
    for variable, text in REWORDED.items():
        structure.loc[structure["variableName"] == variable, "questionText"] = text
    roster = reference_roster()
    roster = pd.concat([roster[roster["klynge_id"] != CLOSED_CLUSTER], pd.DataFrame([NEW_CLUSTER])], ignore_index=True)
    effects = {item: effect + ITEM_SHIFT.get(item, 0.0) for item, effect in ITEM_EFFECT.items()}
    return WaveDesign(
        2026, dt.datetime(2026, 9, 1, 8), "2026-08-28 08:00:00", roster, structure, labels, effects, False
    )


def write_follow_up_wave(wave_dir: Path, form: str = "eu") -> list[Path]:
    return write_wave(wave_dir, follow_up_design(), form)

"""The reference wave: reproducible, and shaped as the data contract says (read from the raw export)."""

import pandas as pd
from conftest import REFERENCE_LANDING
from helpers import read_eu_dataset

from kvis_pipeline.devtools.reference_wave import generate_reference_wave, write_reference_wave

POSITIVE = ["1", "2"]


def status(dataset: pd.DataFrame) -> pd.Series:
    flags = dataset[[f"statoverall_{i}" for i in range(1, 6)]]
    return flags.eq("1").to_numpy().argmax(axis=1) + 1


def test_committed_reference_wave_is_what_the_generator_writes(tmp_path):
    written = write_reference_wave(tmp_path / "2025", "eu")
    for path in written:
        committed = REFERENCE_LANDING / path.relative_to(tmp_path / "2025")
        assert committed.read_bytes() == path.read_bytes(), committed


def test_reference_wave_covers_the_roster_with_every_kind_of_row():
    dataset, _, _, roster = generate_reference_wave()
    assert (len(roster), roster.speciale_kode.nunique(), roster.antal_medlemmer.sum()) == (73, 14, 984)
    assert len(dataset) == 984
    counts = pd.Series(status(dataset)).value_counts()
    assert set(counts.index) >= {2, 3, 4, 5}  # never opened, partial, completed, declined
    per_cluster = dataset.groupby("klynge").size()
    assert per_cluster.to_dict() == {str(k): v for k, v in zip(roster.klynge_id, roster.antal_medlemmer)}


def test_reference_wave_export_carries_the_fact_sheet_figures():
    dataset = read_eu_dataset(REFERENCE_LANDING / "survey" / "dataset.csv")
    respondents = dataset[status(dataset) == 4]
    psychiatry = respondents[respondents.speciale == "11"]
    assert len(psychiatry) == 100
    assert psychiatry.s_3.isin(POSITIVE).sum() == 64 and (psychiatry.s_3 == "3").sum() == 26
    assert (psychiatry.s_10 == "1").sum() == 53 and psychiatry.s_10.isin(["1", "2"]).all()
    by_cluster = psychiatry.groupby("klynge").s_3.apply(lambda s: s.isin(POSITIVE).mean())
    assert (round(by_cluster.min() * 100), round(by_cluster.max() * 100)) == (36, 90)
    valid_s3 = respondents[respondents.s_3.isin(list("12345"))]
    assert round(valid_s3.s_3.isin(POSITIVE).mean() * 100, 1) == 65.7
    valid_s10 = respondents[respondents.s_10.isin(["1", "2"])]
    assert round((valid_s10.s_10 == "1").mean() * 100) == 48
    # clusters really differ across items, not just on s_3
    spread = respondents.groupby("klynge").s_2_1.apply(lambda s: s.isin(POSITIVE).mean())
    assert spread.max() - spread.min() > 0.4

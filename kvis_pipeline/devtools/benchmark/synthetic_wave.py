"""A synthetic wave of any size, for the benchmark: the reference questionnaire over a proportionally larger roster.

Written as SurveyXact's EU CSV form (semicolons, Windows-1252, CRLF), with personal data and free text with
delimiters, quotes and line breaks, like the reference wave. Answers follow the reference generator's ordered-logit
model, drawn with numpy over whole columns (the reference generator's per-person loop would take minutes at 10^6).
Rows are generated and written a block of clusters at a time, so memory stays flat however large the wave is.
"""

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from kvis_pipeline.devtools.export_writer import write_bundle
from kvis_pipeline.devtools.reference_wave import (
    BARRIER_RATES,
    DEFAULT_DONT_KNOW_RATE,
    DONT_KNOW_RATE,
    FIRST_NAMES,
    ITEM_EFFECT,
    LAST_NAMES,
    TEXT_BARRIERS,
    TEXT_COMMENTS,
    TEXT_IMPROVEMENTS,
    reference_questionnaire,
    reference_roster,
    scales,
)
from kvis_pipeline.ingest.roster import ROSTER_COLUMNS, ROSTER_FILE

ROWS_PER_BLOCK = 50_000
ENCODING = "cp1252"
STATUSES = np.array([1, 2, 3, 4, 5])
FREE_TEXT_COLUMNS = ("s_9", "s_11", "s_13")


@dataclass(frozen=True)
class SyntheticWave:
    wave_dir: Path
    rows: int  # export rows: every invited member, of whom about two in three complete
    clusters: int
    specialties: int


def synthetic_roster(rows: int) -> pd.DataFrame:
    """The reference roster repeated with new cluster ids until its members add up to `rows` (the last one cut)."""
    reference = reference_roster()
    copies = -(-rows // int(reference["antal_medlemmer"].sum()))
    roster = pd.concat(
        [
            reference.assign(klynge_navn=reference["klynge_navn"] + (f" {copy + 1}" if copy else ""))
            for copy in range(copies)
        ],
        ignore_index=True,
    )
    roster["klynge_id"] = np.arange(1, len(roster) + 1)
    cumulative = roster["antal_medlemmer"].cumsum()
    roster = roster[cumulative.shift(fill_value=0) < rows].copy()
    roster.iloc[-1, roster.columns.get_loc("antal_medlemmer")] -= int(roster["antal_medlemmer"].sum()) - rows
    return roster[ROSTER_COLUMNS].reset_index(drop=True)


def write_synthetic_wave(wave_dir: Path, rows: int, seed: int = 2025, free_text: bool = True) -> SyntheticWave:
    """With `free_text=False` nobody wrote in the open questions: their columns are there, every cell empty."""
    structure, labels = reference_questionnaire()
    roster = synthetic_roster(rows)
    labels = _with_cluster_labels(labels, roster)
    wave_dir.mkdir(parents=True, exist_ok=True)
    survey = wave_dir / "survey"
    _write_roster(wave_dir / ROSTER_FILE, roster)
    write_bundle(survey, pd.DataFrame(columns=structure["variableName"]), labels, structure, "eu")
    dataset = survey / "dataset.csv"
    columns = list(structure["variableName"])
    region_codes = {
        label: int(code) for _, code, label in labels[labels.variableName == "region"].itertuples(index=False)
    }
    rng = np.random.default_rng(seed)
    generator = _BlockGenerator(
        rng, columns, scales(labels, [c for c in columns if c in ITEM_EFFECT]), region_codes, free_text
    )
    with dataset.open("w", encoding=ENCODING, newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
        writer.writerow(columns)
        first_row = 0
        for block in _cluster_blocks(roster):
            frame = generator.block(block, first_row)
            writer.writerows(frame.itertuples(index=False))
            first_row += len(frame)
    return SyntheticWave(wave_dir, rows, len(roster), int(roster["speciale_kode"].nunique()))


def _with_cluster_labels(labels: pd.DataFrame, roster: pd.DataFrame) -> pd.DataFrame:
    """SurveyXact lists every cluster of the roster as a label of `klynge`."""
    clusters = pd.DataFrame(
        {"variableName": "klynge", "value": roster["klynge_id"].astype(str), "label": roster["klynge_navn"]}
    )
    position = labels.index[labels["variableName"] == "klynge"]
    return pd.concat([labels.loc[: position[0] - 1], clusters, labels.loc[position[-1] + 1 :]], ignore_index=True)


def _write_roster(path: Path, roster: pd.DataFrame) -> None:
    path.write_bytes(roster.to_csv(sep=";", index=False, lineterminator="\r\n").encode(ENCODING))


def _cluster_blocks(roster: pd.DataFrame):
    block_of = (roster["antal_medlemmer"].cumsum() - 1) // ROWS_PER_BLOCK
    for _, block in roster.groupby(block_of, sort=True):
        yield block


class _BlockGenerator:
    def __init__(
        self,
        rng: np.random.Generator,
        columns: list[str],
        item_scales: dict,
        region_codes: dict[str, int],
        free_text: bool,
    ):
        self.rng, self.columns, self.item_scales, self.region_codes = rng, columns, item_scales, region_codes
        self.free_text = free_text
        self.items = list(item_scales)
        names = [(first, last) for first in FIRST_NAMES for last in LAST_NAMES]
        self.full_names = np.array([f"{first} {last}" for first, last in names], dtype=object)
        self.mail_names = np.array([f"{first}.{last}".lower() for first, last in names], dtype=object)

    def block(self, clusters: pd.DataFrame, first_row: int) -> pd.DataFrame:
        rng, size = self.rng, int(clusters["antal_medlemmer"].sum())
        members = clusters["antal_medlemmer"].to_numpy()
        cluster = np.repeat(clusters["klynge_id"].to_numpy(), members)
        specialty = np.repeat(clusters["speciale_kode"].to_numpy(), members)
        region = np.repeat(clusters["region"].map(self.region_codes).to_numpy(), members)
        latent = np.repeat(rng.normal(0, 0.75, len(clusters)), members) + rng.normal(0, 1.0, size)
        status = rng.choice(STATUSES, size=size, p=[0.01, 0.2, 0.06, 0.66, 0.07])

        cells = {column: np.full(size, "", dtype=object) for column in self.columns}
        answered_items = np.where(
            status == 4, len(self.items), np.where(status == 3, rng.integers(2, len(self.items) // 2 + 1, size), 0)
        )
        for position, item in enumerate(self.items):
            cells[item] = self._answers(item, latent, answered_items > position)
        answered_s7 = (status == 4) | ((status == 3) & (cells["s_7"] != ""))
        for option, rate in enumerate(BARRIER_RATES, start=1):
            cells[f"s_8_{option}"] = np.where(answered_s7 & (rng.random(size) < rate), "1", "0").astype(object)
        cells["s_9"] = np.where(cells["s_8_6"] == "1", self._pick(TEXT_BARRIERS, size), "")
        cells["s_11"] = np.where(
            (cells["s_10"] == "1") & (rng.random(size) < 0.6), self._pick(TEXT_IMPROVEMENTS, size), ""
        )
        cells["s_13"] = np.where((status == 4) & (rng.random(size) < 0.2), self._pick(TEXT_COMMENTS, size), "")
        if not self.free_text:  # drawn all the same, so that both waves have the same answers
            for column in FREE_TEXT_COLUMNS:
                cells[column] = np.full(size, "", dtype=object)

        start = (
            np.datetime64("2025-09-01T08:00")
            + rng.integers(0, 25, size).astype("timedelta64[D]")
            + rng.integers(0, 540, size).astype("timedelta64[m]")
        )
        seconds = rng.integers(240, 1800, size)
        close = start + seconds.astype("timedelta64[s]")
        complete, partial, declined = status == 4, status == 3, status == 5
        cells["created"] = np.full(size, "2025-08-29 08:00:00", dtype=object)
        cells["starttime"] = np.where(complete | partial, _text(start), "")
        cells["closetime"] = np.where(complete, _text(close), "")
        cells["difftime"] = np.where(complete, seconds.astype(str), "")
        cells["modified"] = np.where(
            complete,
            _text(close),
            np.where(
                partial, _text(start + (seconds // 3).astype("timedelta64[s]")), np.where(declined, _text(start), "")
            ),
        )

        person = rng.integers(0, len(self.full_names), size)
        row = first_row + np.arange(size)
        cells["respondentid"] = (824_000_000 + row * 97 + rng.integers(0, 97, size)).astype(str)
        cells["navn"] = self.full_names[person]
        cells["email"] = self.mail_names[person] + rng.integers(1, 100, size).astype(str) + "@speciallaege.dk"
        cells["ydernr"] = rng.integers(100_000, 1_000_000, size).astype(str)
        cells["lang"] = np.full(size, "1", dtype=object)
        cells["klynge"], cells["speciale"], cells["region"] = (
            cluster.astype(str),
            specialty.astype(str),
            region.astype(str),
        )
        for code in STATUSES:
            cells[f"statoverall_{code}"] = np.where(status == code, "1", "0")
        order = rng.permutation(size)
        return pd.DataFrame({column: np.asarray(cells[column])[order] for column in self.columns})

    def _answers(self, item: str, latent: np.ndarray, answering: np.ndarray) -> np.ndarray:
        """The reference generator's ordered logit, a whole column at a time."""
        scale, rng = self.item_scales[item], self.rng
        codes = np.array(scale.substantive, dtype=object)
        k = len(codes)
        cuts = np.array([(-1.2 + 2.6 * i / max(1, k - 2)) if k > 2 else 0.0 for i in range(k - 1)])
        eta = ITEM_EFFECT[item] + latent
        draw = rng.random(len(latent))
        category = (draw[:, None] >= 1 / (1 + np.exp(-(cuts[None, :] + eta[:, None])))).sum(axis=1)
        answers = codes[category]
        if scale.dont_know:
            dont_know = rng.random(len(latent)) < DONT_KNOW_RATE.get(item, DEFAULT_DONT_KNOW_RATE)
            answers = np.where(dont_know, scale.dont_know, answers)
        return np.where(answering, answers, "").astype(object)

    def _pick(self, texts: list[str], size: int) -> np.ndarray:
        return np.array(texts, dtype=object)[self.rng.integers(0, len(texts), size)]


def _text(moments: np.ndarray) -> np.ndarray:
    return np.char.replace(np.datetime_as_string(moments, unit="s"), "T", " ").astype(object)

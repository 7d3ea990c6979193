"""A reporting unit (a cluster, a specialty or the nation) and its published results, in one shape for all three."""

from dataclasses import dataclass, field

import pandas as pd

from kvis_pipeline.reports.danish import hidden_text
from kvis_pipeline.reports.published_data import PublishedWave

NATION = "Alle specialer"


@dataclass(frozen=True)
class Unit:
    name: str
    results: pd.DataFrame  # indexed by variable: n_valid, share_positive, suppressed, vs_national, ...
    distribution: pd.DataFrame  # variable, code, label, is_dont_know, n, share, suppressed
    # the unit's share trends up to the report's wave, and its response-rate trend in it (see PublishedWave)
    share_trends: pd.DataFrame = field(default_factory=pd.DataFrame)
    response_trend: pd.Series | None = None

    def share(self, variable: str) -> float | None:
        """The positive share, or None where it is suppressed (or the item was not asked)."""
        if variable not in self.results.index or self.results.at[variable, "suppressed"]:
            return None
        return float(self.results.at[variable, "share_positive"])

    def hidden_text(self, variable: str) -> str:
        """What the reader sees instead of the number: 'for få svar' or 'udeladt af hensyn til diskretion'."""
        reason = self.results.at[variable, "suppression"] if variable in self.results.index else None
        return hidden_text(None if pd.isna(reason) else str(reason))

    def suppressed(self, variable: str) -> bool:
        return variable not in self.results.index or bool(self.results.at[variable, "suppressed"])

    def answer_share(self, variable: str, label: str) -> float | None:
        rows = self.distribution[(self.distribution["variable"] == variable) & (self.distribution["label"] == label)]
        if rows.empty or bool(rows["suppressed"].iloc[0]) or pd.isna(rows["share"].iloc[0]):
            return None
        return float(rows["share"].iloc[0])


def nation(data: PublishedWave) -> Unit:
    return Unit(
        NATION,
        data.national_results.set_index("variable"),
        data.national_distribution,
        *_trends(data, "national", lambda frame: frame["level"] == "national"),
    )


def specialty(data: PublishedWave, specialty_code: int) -> Unit:
    name = data.specialty_response.set_index("specialty_code").at[specialty_code, "specialty_name"]
    results = data.specialty_results[data.specialty_results["specialty_code"] == specialty_code]
    distribution = data.specialty_distribution[data.specialty_distribution["specialty_code"] == specialty_code]
    trends = _trends(data, "specialty", lambda frame: frame["specialty_code"] == specialty_code)
    return Unit(name, results.set_index("variable"), distribution, *trends)


def cluster(data: PublishedWave, cluster_id: int) -> Unit:
    name = data.cluster_response.set_index("cluster_id").at[cluster_id, "cluster_name"]
    results = data.cluster_results[data.cluster_results["cluster_id"] == cluster_id]
    distribution = data.cluster_distribution[data.cluster_distribution["cluster_id"] == cluster_id]
    trends = _trends(data, "cluster", lambda frame: frame["cluster_id"] == cluster_id)
    return Unit(name, results.set_index("variable"), distribution, *trends)


def _trends(data: PublishedWave, level: str, is_unit) -> tuple[pd.DataFrame, pd.Series | None]:
    shares = data.share_trends[data.share_trends["level"] == level]
    rates = data.response_trends[data.response_trends["level"] == level]
    rates = rates[is_unit(rates)]
    return shares[is_unit(shares)], (rates.iloc[0] if len(rates) else None)


def item_label(data: PublishedWave, variable: str) -> str:
    """The statement of a grid item, or the answer option of a multiple-choice one, as a reader should see it."""
    return str(data.item(variable)["item_text"]).removesuffix(", angiv:").removesuffix(":")


def likert_rows(data: PublishedWave, rows: list[tuple[str, Unit, str]]) -> pd.DataFrame:
    """Input for charts.diverging_likert: one row per (row label, unit, variable); suppressed rows are left out."""
    frames = []
    for order, (row_label, unit, variable) in enumerate(rows):
        answers = scale_answers(data, unit, variable)
        if answers is None:
            continue
        frames.append(
            pd.DataFrame(
                {
                    "row": row_label,
                    "row_order": order,
                    "category": answers["label"].to_numpy(),
                    "category_order": range(len(answers)),
                    "share": answers["share"].to_numpy(dtype=float),
                    "side": answers["side"].to_numpy(),
                }
            )
        )
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def scale_answers(data: PublishedWave, unit: Unit, variable: str) -> pd.DataFrame | None:
    """The unit's valid answers to an item in code order, each with its side of the scale (answer_sides); None
    where any of them is hidden."""
    answers = unit.distribution[(unit.distribution["variable"] == variable) & ~unit.distribution["is_dont_know"]]
    if answers.empty or answers["suppressed"].any() or answers["share"].isna().any():
        return None
    answers = answers.sort_values("code")
    return answers.assign(side=answer_sides(answers["label"].tolist(), positive_labels(data, variable)))


def positive_labels(data: PublishedWave, variable: str) -> list[str]:
    return str(data.item(variable)["positive_label"]).split(" + ")


def answer_sides(labels: list[str], positive: list[str]) -> list[str]:
    """Positive answers go right, the middle answer of an odd scale (if not positive) is neutral, the rest left."""
    middle = len(labels) // 2 if len(labels) % 2 else None
    return [
        "positive" if label in positive else "neutral" if index == middle else "negative"
        for index, label in enumerate(labels)
    ]

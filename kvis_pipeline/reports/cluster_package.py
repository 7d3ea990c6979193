"""The cluster package (klyngepakke): a cluster's own results beside its specialty and the nation."""

import pandas as pd

from kvis_pipeline.reports import charts
from kvis_pipeline.reports.danish import number, pct, sentence
from kvis_pipeline.reports.fact_sheet import MAIN_QUESTION, priority_against_delivery, question_text
from kvis_pipeline.reports.published_data import PublishedWave
from kvis_pipeline.reports.trends import history_figure, response_movement, share_movement, share_trend
from kvis_pipeline.reports.units import NATION, Unit, cluster, item_label, nation, specialty

COLUMNS = ["Klyngen", "Specialet", NATION]
COMPARISON = {"above": "sikkert over", "below": "sikkert under", "not_different": "ingen sikker forskel"}
CHANGE = {"up": "sikker stigning", "down": "sikkert fald", "not_different": "ingen sikker ændring"}
# (heading, variable names or prefixes, whether to chart it) in the order of the fact sheet
SECTIONS = [
    ("Nøgletal", ["s_1", "s_3", "s_6", "s_7", "s_10"], True),
    ("Engagement i klyngearbejdet", ["s_2_"], False),
    ("Hvad er vigtigt for jer?", ["s_4_"], False),
    ("Hvad oplever I på møderne?", ["s_5_"], False),
    ("Barrierer for at bruge data", ["s_8_"], False),
    ("Hvad motiverer til forbedringer?", ["s_12_"], True),
]


def cluster_package(data: PublishedWave, cluster_id: int, min_cell: int) -> dict:
    """Everything the klyngepakke template shows for one cluster."""
    response = data.cluster_response.set_index("cluster_id").loc[cluster_id]
    units = [cluster(data, cluster_id), specialty(data, int(response["specialty_code"])), nation(data)]
    sections = [_section(data, heading, _variables(data, names), units, chart) for heading, names, chart in SECTIONS]
    previous = data.waves_so_far[-2] if len(data.waves_so_far) > 1 else None
    return {
        "title": str(response["cluster_name"]),
        "subtitle": f"Klyngepakke · {response['specialty_name']} · {response['region']}",
        "wave": data.wave,
        "previous_wave": previous,
        "participation": " ".join(filter(None, [_participation(data, response), response_movement(units[0])])),
        "trend": {
            "text": share_movement(units[0], data.wave, MAIN_QUESTION, "Klyngens andel"),
            "question": str(data.item(MAIN_QUESTION)["question_text"]) if data.variables(MAIN_QUESTION) else "",
            "history": history_figure(data, units, MAIN_QUESTION, "Andel (pct.)"),
        },
        "columns": COLUMNS,
        "all_suppressed": bool(units[0].results["suppressed"].all()),
        "sections": [s for s in sections if s["rows"]],
        "expectations": priority_against_delivery(data, units[0]),
        "min_cell": min_cell,
    }


def _variables(data: PublishedWave, prefixes: list[str]) -> list[str]:
    return [v for prefix in prefixes for v in data.variables(prefix)]


def _participation(data: PublishedWave, response: pd.Series) -> str:
    specialty_rate = data.specialty_response.set_index("specialty_code").at[response["specialty_code"], "response_rate"]
    national_rate = data.national_response["response_rate"].iloc[0]
    return sentence(
        f"I klyngen har {number(response['respondents'])} ud af {number(response['members'])} medlemmer besvaret "
        f"spørgeskemaet, hvilket svarer til en svarprocent på {pct(response['response_rate'], 1)}, mens den i "
        f"specialet er {pct(specialty_rate, 1)} og på tværs af alle specialer {pct(national_rate, 1)}"
    )


def _section(data: PublishedWave, heading: str, variables: list[str], units: list[Unit], chart: bool) -> dict:
    rows = [_row(data, variable, units) for variable in variables]
    bars = pd.DataFrame(
        [
            {
                "label": row["label"],
                "series": name,
                "share": unit.share(row["variable"]),
                "suppressed": unit.suppressed(row["variable"]),
                "hidden_text": unit.hidden_text(row["variable"]),
            }
            for row in rows
            for name, unit in zip(COLUMNS, units)
        ]
    )
    single_question = len({data.item(v)["question_name"] for v in variables}) == 1 and len(variables) > 1
    return {
        "heading": heading,
        "question": question_text(data, variables) if single_question else "",
        "answer": _answer(data, variables[0]) if single_question else "",
        "rows": rows,
        "chart": charts.to_svg(charts.grouped_bars(bars, COLUMNS)) if rows and chart else "",
    }


def _answer(data: PublishedWave, variable: str) -> str:
    return str(data.item(variable)["positive_label"]).replace(" + ", " eller ").lower()


def _row(data: PublishedWave, variable: str, units: list[Unit]) -> dict:
    own = units[0]
    comparison = None if own.suppressed(variable) else own.results.at[variable, "vs_national"]
    return {
        "variable": variable,
        "label": item_label(data, variable),
        "answer": _answer(data, variable),
        "cells": [
            {
                "text": u.hidden_text(variable) if u.share(variable) is None else pct(u.share(variable)),
                "suppressed": u.share(variable) is None,
            }
            for u in units
        ],
        "vs_national": COMPARISON.get(comparison, "–"),
        "since_previous": _since_previous(data, own, variable),
    }


def _since_previous(data: PublishedWave, own: Unit, variable: str) -> str:
    """The cluster's change since the previous wave, in words; '–' where it cannot be compared."""
    row = share_trend(own, data.wave, variable)
    return "–" if row is None else CHANGE[row["change_direction"]]

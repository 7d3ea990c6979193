"""The cluster package (klyngepakke): a cluster's own results beside its specialty and the nation."""

import pandas as pd

from kvis_pipeline.reports import charts
from kvis_pipeline.reports.danish import lower_first, number, pct, percent, quoted_answers, sentence
from kvis_pipeline.reports.fact_sheet import (
    MAIN_QUESTION,
    priority_against_delivery,
    priority_gaps,
    priority_pairs,
    question_text,
    wave_period,
)
from kvis_pipeline.reports.published_data import PublishedWave
from kvis_pipeline.reports.trends import history_figure, response_movement, share_movement, share_trend
from kvis_pipeline.reports.units import NATION, Unit, cluster, item_label, nation, specialty

COLUMNS = ["Klyngen", "Specialet", NATION]
COMPARISON = {
    "above": "statistisk sikkert højere",
    "below": "statistisk sikkert lavere",
    "not_different": "ingen statistisk sikker forskel",
}
NOTABLE_GAP = 0.10  # a difference of at least 10 points is worth a discussion question
# items where a higher share is better for the cluster (not the barriers, nor what members find important)
FAVOURABLE = ["s_1", "s_3", "s_6", "s_10", "s_2_", "s_5_"]
CHANGE = {
    "up": "statistisk sikker stigning",
    "down": "statistisk sikkert fald",
    "not_different": "ingen statistisk sikker ændring",
}
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
    """The figures, sentences and charts of one cluster's package; layouts.cluster_package_document places them."""
    response = data.cluster_response.set_index("cluster_id").loc[cluster_id]
    units = [cluster(data, cluster_id), specialty(data, int(response["specialty_code"])), nation(data)]
    sections = [_section(data, heading, _variables(data, names), units, chart) for heading, names, chart in SECTIONS]
    previous = data.waves_so_far[-2] if len(data.waves_so_far) > 1 else None
    respondents = int(response["respondents"])
    return {
        "title": str(response["cluster_name"]),
        "subtitle": f"Klyngepakke · {response['specialty_name']} · {response['region']}",
        "wave": data.wave,
        "period": wave_period(data),
        "respondents": number(respondents),
        "one_person": percent(1 / respondents) if respondents else "",
        "tests": int(units[0].results["p_vs_national"].notna().sum()),
        "previous_wave": previous,
        "participation": " ".join(filter(None, [_participation(data, response), response_movement(units[0])])),
        "trend": {
            "text": share_movement(units[0], data.wave, MAIN_QUESTION, "Klyngens andel"),
            "history": history_figure(
                data,
                units,
                MAIN_QUESTION,
                "Andel (pct.)",
                f"{question_text(data, [MAIN_QUESTION])} Andel, der svarer "
                f"{quoted_answers(str(data.item(MAIN_QUESTION)['positive_label']))}, over tid",
            )
            if data.variables(MAIN_QUESTION)
            else {"chart": None},
        },
        "columns": COLUMNS,
        "all_suppressed": bool(units[0].results["suppressed"].all()),
        "sections": [s for s in sections if s["rows"]],
        "expectations": priority_against_delivery(data, units[0]),
        "questions": discussion_questions(data, units[0], units[1]),
        "min_cell": min_cell,
    }


def discussion_questions(data: PublishedWave, own: Unit, its_specialty: Unit) -> list[str]:
    """Questions from the cluster's own results: where what members find important is delivered least (the
    largest gaps), and where the cluster lies furthest below its specialty; at least 10 points, two of each."""
    questions = []
    for gap, label, wanted, got in priority_gaps(own, priority_pairs(data))[:2]:
        if gap >= NOTABLE_GAP:
            questions.append(
                f"{pct(own.share(wanted))} af jer finder »{lower_first(label)}« meget vigtigt eller vigtigt, men "
                f"{pct(own.share(got))} oplever det altid eller ofte på møderne. Hvordan kan I få mere af det ind "
                f"på møderne?"
            )
    below = sorted(
        (
            (own.share(v) - its_specialty.share(v), v)
            for v in _variables(data, FAVOURABLE)
            if own.share(v) is not None and its_specialty.share(v) is not None
        ),
    )
    for difference, variable in below[:2]:
        if -difference >= NOTABLE_GAP:
            certain = own.results.at[variable, "vs_specialty_holm"] == "below"
            answers = quoted_answers(str(data.item(variable)["positive_label"]))
            questions.append(
                f"{pct(own.share(variable))} i klyngen svarer {answers} på »{item_label(data, variable)}« mod "
                f"{pct(its_specialty.share(variable))} i specialet"
                f"{'' if certain else ' (forskellen er ikke statistisk sikker)'}. Hvad kan forklare forskellen, "
                f"og hvad kan I lære af andre klynger?"
            )
    return questions


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
    measure = _answer(data, variables[0]) if single_question else "Andel med et positivt svar"
    title = f"{heading} {measure}" if heading.endswith("?") else f"{heading}: {lower_first(measure)}"
    return {
        "heading": heading,
        "question": question_text(data, variables) if single_question else "",
        "answer": _answer(data, variables[0]) if single_question else "",
        "rows": rows,
        "chart": charts.render(charts.grouped_bars(bars, COLUMNS, title)) if rows and chart else None,
    }


def _answer(data: PublishedWave, variable: str) -> str:
    """'Andel, der svarer »i meget høj grad« eller »i høj grad«'; for a multiple-choice answer 'Andel, der har
    valgt svaret'."""
    item = data.item(variable)
    if item["item_type"] == "multiple":
        return "Andel, der har valgt svaret"
    return f"Andel, der svarer {quoted_answers(str(item['positive_label']))}"


def _row(data: PublishedWave, variable: str, units: list[Unit]) -> dict:
    own = units[0]
    comparison = None if own.suppressed(variable) else own.results.at[variable, "vs_national_holm"]
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
        "vs_national": COMPARISON.get(comparison, "–") if isinstance(comparison, str) else "–",
        "since_previous": _since_previous(data, own, variable),
    }


def _since_previous(data: PublishedWave, own: Unit, variable: str) -> str:
    """The cluster's change since the previous wave, in words; '–' where it cannot be compared."""
    row = share_trend(own, data.wave, variable)
    return "–" if row is None else CHANGE[row["change_direction"]]

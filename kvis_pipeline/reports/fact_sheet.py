"""The specialty fact sheet (faktaark): its sentences, tables and charts, from the published marts of one wave."""

import pandas as pd

from kvis_pipeline.reports import charts
from kvis_pipeline.reports.danish import (
    compared,
    hidden_text,
    listing,
    lower_first,
    number,
    pct,
    percent,
    sentence,
)
from kvis_pipeline.reports.published_data import PublishedWave
from kvis_pipeline.reports.trends import history_figure, response_movement, share_movement
from kvis_pipeline.reports.units import NATION, Unit, item_label, likert_rows, nation, specialty

MAIN_QUESTION = "s_3"
IMPROVEMENTS = "s_10"
SOME_DEGREE = "I nogen grad"
UNCERTAIN = "Forskellen er inden for den statistiske usikkerhed."


def fact_sheet(data: PublishedWave, specialty_code: int, min_cell: int) -> dict:
    """Everything the faktaark template shows for one specialty."""
    unit, country = specialty(data, specialty_code), nation(data)
    response = data.specialty_response.set_index("specialty_code").loc[specialty_code]
    clusters = data.cluster_response[data.cluster_response["specialty_code"] == specialty_code].sort_values(
        "cluster_name"
    )
    return {
        "title": f"Klyngearbejdet i {unit.name}",
        "subtitle": "Resultater fra spørgeskemaundersøgelse blandt speciallæger",
        "wave": data.wave,
        "specialty": unit.name,
        "background": _background(unit, clusters),
        "participation": " ".join(filter(None, [_participation(unit, response), response_movement(unit)])),
        "cluster_table": _cluster_table(clusters),
        "cluster_total": {
            "members": number(response["members"]),
            "respondents": number(response["respondents"]),
            "response_rate": pct(response["response_rate"], 1),
        },
        "engagement": _engagement(data, unit),
        "main_question": _main_question(data, unit, country, specialty_code),
        "expectations": priority_against_delivery(data, unit),
        "data_use": _data_use(data, unit),
        "improvements": _improvements(data, unit, country),
        "motivation": _motivation(data, unit),
        "min_cell": min_cell,
    }


def _background(unit: Unit, clusters: pd.DataFrame) -> str:
    members = [f"{row.cluster_name} ({number(row.members)} medlemmer)" for row in clusters.itertuples()]
    return (
        f"Dette faktaark præsenterer udvalgte resultater fra undersøgelsen blandt de praktiserende speciallæger "
        f"inden for {unit.name.lower()}. Specialet er organiseret i {number(len(clusters))} klynger med i alt "
        f"{number(clusters['members'].sum())} medlemmer: {listing(members)}."
    )


def _participation(unit: Unit, response: pd.Series) -> str:
    return sentence(
        f"Inden for specialet {unit.name} har {number(response['respondents'])} ud af {number(response['members'])} "
        f"medlemmer besvaret spørgeskemaet, hvilket svarer til en svarprocent på {pct(response['response_rate'], 1)}"
    )


def _cluster_table(clusters: pd.DataFrame) -> list[dict]:
    return [
        {
            "name": row.cluster_name,
            "members": number(row.members),
            "respondents": number(row.respondents),
            "response_rate": pct(row.response_rate, 1),
        }
        for row in clusters.itertuples()
    ]


def _engagement(data: PublishedWave, unit: Unit) -> dict:
    attendance = unit.share("s_1")
    variables = data.variables("s_2_")
    sentences = []
    if attendance is not None:
        sentences.append(f"{pct(attendance)} af respondenterne har deltaget i alle eller de fleste af klyngens møder.")
    shown = sorted((v for v in variables if unit.share(v) is not None), key=unit.share, reverse=True)
    if len(shown) >= 2:
        high, low = shown[0], shown[-1]
        sentences.append(
            f"Andelen, der i meget høj eller høj grad vurderer eget engagement positivt, er højest for "
            f"»{item_label(data, high)}« ({pct(unit.share(high))}) og lavest for »{item_label(data, low)}« "
            f"({pct(unit.share(low))})."
        )
    rows = [(item_label(data, v), unit, v) for v in variables]
    return {
        "text": " ".join(sentences),
        "question": question_text(data, variables),
        "chart": _likert_svg(data, rows),
    }


def _main_question(data: PublishedWave, unit: Unit, country: Unit, specialty_code: int) -> dict:
    share, national = unit.share(MAIN_QUESTION), country.share(MAIN_QUESTION)
    results = unit.results.loc[MAIN_QUESTION]
    sentences = []
    if share is not None:
        text = (
            f"{pct(share)} af respondenterne vurderer, at klyngearbejdet i høj eller meget høj grad "
            f"understøtter kvalitetsarbejdet i speciallægepraksis"
        )
        if results["clusters_published"] >= 2:
            text += f", med variation mellem klyngerne fra {_percent_range(results)} pct."
        else:
            text += ". Variationen mellem klyngerne kan ikke vises, da færre end to klynger har svar nok"
        sentences.append(sentence(text))
    if national is not None:
        sentences.append(sentence(f"Landsgennemsnittet ligger på tværs af alle specialer på {pct(national, 1)}"))
    some = unit.answer_share(MAIN_QUESTION, SOME_DEGREE)
    text_some = (
        ""
        if some is None
        else (
            f"{pct(some)} af respondenterne i {unit.name.lower()} vurderer, at klyngearbejdet i nogen grad "
            f"kan understøtte kvalitetsarbejdet."
        )
    )
    by_cluster = data.cluster_results[
        (data.cluster_results["specialty_code"] == specialty_code) & (data.cluster_results["variable"] == MAIN_QUESTION)
    ]
    by_cluster = by_cluster.sort_values(
        ["suppressed", "share_positive", "cluster_name"], ascending=[True, False, True], kind="stable"
    )
    bars = pd.DataFrame(
        {
            "label": by_cluster["cluster_name"],
            "share": by_cluster["share_positive"],
            "suppressed": by_cluster["suppressed"],
            "hidden_text": [
                hidden_text(r) for r in by_cluster["suppression"].where(by_cluster["suppression"].notna(), None)
            ],
        }
    )
    references = {f"{unit.name}": share, NATION: national}
    return {
        "text": " ".join(sentences),
        "trend_text": " ".join(
            filter(
                None,
                [
                    share_movement(unit, data.wave, MAIN_QUESTION, f"Andelen i {unit.name.lower()}"),
                    share_movement(country, data.wave, MAIN_QUESTION, "Landsgennemsnittet"),
                ],
            )
        ),
        "history": history_figure(data, [unit, country], MAIN_QUESTION, "Andel (pct.)"),
        "text_some": text_some,
        "question": str(data.item(MAIN_QUESTION)["question_text"]),
        "chart": _likert_svg(data, [(unit.name, unit, MAIN_QUESTION), (NATION, country, MAIN_QUESTION)]),
        "cluster_chart": charts.to_svg(
            charts.share_bars(
                bars,
                {k: v for k, v in references.items() if v is not None},
                axis_title="Andel i høj eller meget høj grad (pct.)",
            )
        ),
    }


def _percent_range(results: pd.Series) -> str:
    return f"{percent(results['cluster_min'])} til {percent(results['cluster_max'])}"


def priority_against_delivery(data: PublishedWave, unit: Unit) -> dict:
    """What members find important (s_4_*) against what the meetings deliver (s_5_*), paired by statement."""
    important = {item_label(data, v): v for v in data.variables("s_4_")}
    delivered = {item_label(data, v): v for v in data.variables("s_5_")}
    pairs = [(label, important[label], delivered[label]) for label in important if label in delivered]
    series = ["Vigtigt (meget vigtigt/vigtigt)", "Oplevet (altid/ofte)"]
    bars = pd.DataFrame(
        [
            {
                "label": label,
                "series": name,
                "share": unit.share(variable),
                "suppressed": unit.suppressed(variable),
                "hidden_text": unit.hidden_text(variable),
            }
            for label, wanted, got in pairs
            for name, variable in zip(series, (wanted, got))
        ]
    )
    gaps = [
        (unit.share(w) - unit.share(g), label, w, g)
        for label, w, g in pairs
        if unit.share(w) is not None and unit.share(g) is not None
    ]
    text = ""
    if gaps:
        _, label, wanted, got = max(gaps)
        text = (
            f"Den største forskel mellem det, deltagerne prioriterer, og det, møderne leverer, gælder "
            f"»{lower_first(label)}«: {pct(unit.share(wanted))} finder det meget vigtigt eller vigtigt, mens "
            f"{pct(unit.share(got))} oplever det altid eller ofte på møderne."
        )
    return {"text": text, "chart": charts.to_svg(charts.grouped_bars(bars, series)) if not bars.empty else ""}


def _data_use(data: PublishedWave, unit: Unit) -> dict:
    sentences = []
    used, wanted = unit.share("s_6"), unit.share("s_7")
    if used is not None:
        sentences.append(
            f"{pct(used)} af respondenterne svarer, at klyngen har anvendt data på klyngemøderne "
            f"(ofte eller enkelte gange)."
        )
    if wanted is not None:
        sentences.append(f"{pct(wanted)} ønsker, at der inddrages mere data i klyngearbejdet.")
    barriers = sorted((v for v in data.variables("s_8_") if unit.share(v) is not None), key=unit.share, reverse=True)
    if barriers:
        named = [f"{lower_first(item_label(data, v))} ({pct(unit.share(v))})" for v in barriers[:2]]
        sentences.append(f"De hyppigst nævnte barrierer for at bruge data er {listing(named)}.")
    bars = pd.DataFrame(
        [
            {
                "label": item_label(data, v),
                "share": unit.share(v),
                "suppressed": unit.suppressed(v),
                "hidden_text": unit.hidden_text(v),
            }
            for v in sorted(data.variables("s_8_"), key=lambda v: -(unit.share(v) or 0))
        ]
    )
    return {
        "text": " ".join(sentences),
        "question": question_text(data, data.variables("s_8_")),
        "chart": charts.to_svg(charts.share_bars(bars, axis_title="Andel, der har valgt barrieren (pct.)"))
        if not bars.empty
        else "",
    }


def _improvements(data: PublishedWave, unit: Unit, country: Unit) -> dict:
    share, national = unit.share(IMPROVEMENTS), country.share(IMPROVEMENTS)
    text = ""
    if share is not None and national is not None:
        text = (
            f"{pct(share)} af respondenterne har som følge af klyngemøderne indført konkrete forbedringer i "
            f"deres klinik, hvilket ligger {compared(share, national)} landsgennemsnittet på tværs af alle "
            f"specialer på {pct(national, 1)}"
        )
        text = sentence(text)
        if (
            unit.results.at[IMPROVEMENTS, "vs_national"] == "not_different"
            and compared(share, national) != "på niveau med"
        ):
            text += " " + UNCERTAIN
    bars = pd.DataFrame(
        [
            {
                "label": u.name,
                "share": u.share(IMPROVEMENTS),
                "suppressed": u.suppressed(IMPROVEMENTS),
                "hidden_text": u.hidden_text(IMPROVEMENTS),
            }
            for u in (unit, country)
        ]
    )
    text = " ".join(filter(None, [text, share_movement(unit, data.wave, IMPROVEMENTS, "Andelen")]))
    return {
        "text": text,
        "question": str(data.item(IMPROVEMENTS)["question_text"]),
        "chart": charts.to_svg(charts.share_bars(bars, axis_title="Andel, der har svaret ja (pct.)")),
    }


def _motivation(data: PublishedWave, unit: Unit) -> dict:
    ranked = sorted((v for v in data.variables("s_12_") if unit.share(v) is not None), key=unit.share, reverse=True)
    text = ""
    if len(ranked) >= 3:
        top = [lower_first(item_label(data, v)) for v in ranked[:3]]
        text = (
            f"Det er særligt {listing(top, last='samt')}, der scorer højest som elementer med stor betydning "
            f"for motivationen til at lave forbedringer i egen klinik."
        )
    bars = pd.DataFrame([{"label": item_label(data, v), "share": unit.share(v), "suppressed": False} for v in ranked])
    return {
        "text": text,
        "question": question_text(data, data.variables("s_12_")),
        "chart": charts.to_svg(charts.share_bars(bars, axis_title="Andel med stor eller meget stor betydning (pct.)"))
        if not bars.empty
        else "",
    }


def question_text(data: PublishedWave, variables: list[str]) -> str:
    if not variables:
        return ""
    text = str(data.item(variables[0])["question_text"])
    return text.split(" - ")[0] if " - " in text else text


def _likert_svg(data: PublishedWave, rows: list[tuple[str, Unit, str]]) -> str:
    frame = likert_rows(data, rows)
    return charts.to_svg(charts.diverging_likert(frame)) if not frame.empty else ""

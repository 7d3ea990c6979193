"""The specialty fact sheet (faktaark): its sentences, tables and charts, from the published marts of one wave."""

import pandas as pd

from kvis_pipeline.reports import charts
from kvis_pipeline.reports.analyst_texts import AnalystTexts
from kvis_pipeline.reports.danish import (
    danish_order,
    decimal_number,
    hidden_text,
    listing,
    lower_first,
    number,
    pct,
    percent,
    quoted_answers,
    sentence,
    survey_period,
)
from kvis_pipeline.reports.document import Chart
from kvis_pipeline.reports.published_data import PublishedWave
from kvis_pipeline.reports.trends import history_figure, response_movement, share_movement
from kvis_pipeline.reports.units import (
    NATION,
    Unit,
    item_label,
    likert_rows,
    nation,
    scale_answers,
    specialty,
)

MAIN_QUESTION = "s_3"
IMPROVEMENTS = "s_10"
SOME_DEGREE = "I nogen grad"
NOT_CERTAIN = "forskellen er ikke statistisk sikker"
SIGNIFICANCE = 0.05


def fact_sheet(data: PublishedWave, specialty_code: int, min_cell: int, texts: AnalystTexts) -> dict:
    """The figures, sentences and charts of one specialty's fact sheet, with the analysts' texts for it (may be
    empty); layouts.fact_sheet_document places them."""
    unit, country = specialty(data, specialty_code), nation(data)
    response = data.specialty_response.set_index("specialty_code").loc[specialty_code]
    clusters = in_danish_order(
        data.cluster_response[data.cluster_response["specialty_code"] == specialty_code], "cluster_name"
    )
    return {
        "title": f"Klyngearbejdet i {unit.name}",
        "subtitle": "Resultater fra spørgeskemaundersøgelse blandt speciallæger",
        "wave": data.wave,
        "period": wave_period(data),
        "specialty": unit.name,
        "survey": _survey(data),
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
        "expectations": priority_against_delivery(data, unit) | {"rarely": _rarely_or_never(data, unit)},
        "data_use": _data_use(data, unit),
        "improvements": _improvements(data, unit, country),
        "motivation": _motivation(data, unit),
        "texts": texts,
        "min_cell": min_cell,
    }


def wave_period(data: PublishedWave) -> str:
    """'september 2025', from the first and last response of the wave; the wave's name without any."""
    row = data.national_response.iloc[0]
    start, end = (None if pd.isna(row[c]) else pd.Timestamp(row[c]).date() for c in ("wave_start", "wave_end"))
    return survey_period(start, end) or data.wave


def in_danish_order(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    rank = {name: i for i, name in enumerate(danish_order(frame[column].unique()))}
    return frame.sort_values(column, key=lambda names: names.map(rank), kind="stable")


def _survey(data: PublishedWave) -> str:
    return (
        f"I {wave_period(data)} gennemførte eKVIS en spørgeskemaundersøgelse blandt praktiserende speciallæger for "
        f"at få indblik i deres erfaringer med klyngearbejde. Undersøgelsen havde fokus på, hvordan klyngemøder "
        f"opleves i forhold til indhold, facilitering, stemning og udbytte."
    )


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
        answers = quoted_answers(str(data.item(high)["positive_label"]))
        sentences.append(
            f"Andelen, der svarer {answers}, er højest for »{lower_first(item_label(data, high))}« "
            f"({pct(unit.share(high))}) og lavest for »{lower_first(item_label(data, low))}« ({pct(unit.share(low))})."
        )
    rows = [(item_label(data, v), unit, v) for v in variables]
    return {
        "text": " ".join(sentences),
        "chart": _likert_chart(data, rows, question_text(data, variables)),
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
    by_cluster = in_danish_order(
        data.cluster_results[
            (data.cluster_results["specialty_code"] == specialty_code)
            & (data.cluster_results["variable"] == MAIN_QUESTION)
        ],
        "cluster_name",
    )
    dots = pd.DataFrame(
        {
            "label": by_cluster["cluster_name"],
            "n": by_cluster["n_valid"],
            "share": by_cluster["share_positive"],
            "ci_low": by_cluster["ci_low"],
            "ci_high": by_cluster["ci_high"],
            "suppressed": by_cluster["suppressed"],
            "hidden_text": [
                hidden_text(r) for r in by_cluster["suppression"].where(by_cluster["suppression"].notna(), None)
            ],
        }
    )
    references = {f"{unit.name}": share, NATION: national}
    question = str(data.item(MAIN_QUESTION)["question_text"])
    answers = quoted_answers(str(data.item(MAIN_QUESTION)["positive_label"]))
    return {
        "text": " ".join(sentences),
        "spread": cluster_spread(results, by_cluster),
        "trend_text": " ".join(
            filter(
                None,
                [
                    share_movement(unit, data.wave, MAIN_QUESTION, f"Andelen i {unit.name.lower()}"),
                    share_movement(country, data.wave, MAIN_QUESTION, "Landsgennemsnittet"),
                ],
            )
        ),
        "history": history_figure(
            data, [unit, country], MAIN_QUESTION, "Andel (pct.)", f"Andel, der svarer {answers}, over tid"
        ),
        "text_some": text_some,
        "chart": _likert_chart(data, [(unit.name, unit, MAIN_QUESTION), (NATION, country, MAIN_QUESTION)], question),
        "cluster_chart": charts.render(
            charts.share_dots(
                dots,
                {k: v for k, v in references.items() if v is not None},
                axis_title="Andel (pct.) med 95 pct.-konfidensinterval",
                title=f"Andel, der svarer {answers}, pr. klynge",
            )
        ),
    }


def cluster_spread(results: pd.Series, clusters: pd.DataFrame) -> str:
    """Whether the published clusters differ more than chance would explain: the chi-square test of homogeneity
    published with the specialty's results, with the clusters' numbers of answers."""
    p_value = results.get("cluster_chi_square_p")
    if p_value is None or pd.isna(p_value):
        return ""
    answers = clusters.loc[~clusters["suppressed"].astype(bool), "n_valid"]
    test = (
        f"χ² = {decimal_number(results['cluster_chi_square'], 1)} med {number(results['cluster_chi_square_df'])} "
        f"frihedsgrader, {p_text(p_value)}"
    )
    size = f"Med {number(answers.min())} til {number(answers.max())} svar pr. klynge"
    if p_value < SIGNIFICANCE:
        return f"{size} er forskellene mellem klyngerne større, end tilfældigheder alene kan forklare ({test})."
    return (
        f"{size} er forskellene mellem klyngerne ikke større, end tilfældigheder kan forklare ({test}); "
        f"klyngerne bør derfor ikke rangordnes efter tallene."
    )


def p_text(p_value: float) -> str:
    if p_value < 0.001:
        return "p < 0,001"
    return f"p = {decimal_number(p_value, 3 if p_value < 0.01 else 2)}"


def _percent_range(results: pd.Series) -> str:
    return f"{percent(results['cluster_min'])} til {percent(results['cluster_max'])}"


EXPECTATIONS_TITLE = (
    "Hvor vigtigt er det for dig, at følgende er en del af klyngemøderne – og hvor ofte oplever du det?"
)


def priority_pairs(data: PublishedWave) -> list[tuple[str, str, str]]:
    """(statement, importance item s_4_*, delivery item s_5_*) for the statements asked both ways."""
    important = {item_label(data, v): v for v in data.variables("s_4_")}
    delivered = {item_label(data, v): v for v in data.variables("s_5_")}
    return [(label, important[label], delivered[label]) for label in important if label in delivered]


def priority_gaps(unit: Unit, pairs: list[tuple[str, str, str]]) -> list[tuple[float, str, str, str]]:
    """(importance share minus delivery share, statement, items) where both are published, the largest gap first."""
    gaps = [
        (unit.share(w) - unit.share(g), label, w, g)
        for label, w, g in pairs
        if unit.share(w) is not None and unit.share(g) is not None
    ]
    return sorted(gaps, key=lambda gap: (-gap[0], gap[1]))


def priority_against_delivery(data: PublishedWave, unit: Unit) -> dict:
    """What members find important (s_4_*) against what the meetings deliver (s_5_*), paired by statement."""
    pairs = priority_pairs(data)
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
    gaps = priority_gaps(unit, pairs)
    text = ""
    if gaps and percent(unit.share(gaps[0][2])) != percent(unit.share(gaps[0][3])):
        _, label, wanted, got = gaps[0]
        text = (
            f"Den største forskel mellem det, deltagerne prioriterer, og det, møderne leverer, gælder "
            f"»{lower_first(label)}«: {pct(unit.share(wanted))} finder det meget vigtigt eller vigtigt, mens "
            f"{pct(unit.share(got))} oplever det altid eller ofte på møderne."
        )
    chart = charts.grouped_bars(bars, series, EXPECTATIONS_TITLE) if not bars.empty else None
    return {"text": text, "chart": charts.render(chart)}


def negative_share(data: PublishedWave, unit: Unit, variable: str) -> float | None:
    """The share of the valid answers on the unfavourable side of the scale (e.g. 'Sjældent' and 'Aldrig')."""
    answers = scale_answers(data, unit, variable)
    return None if answers is None else float(answers.loc[answers["side"] == "negative", "share"].sum())


def _rarely_or_never(data: PublishedWave, unit: Unit) -> str:
    """Which experiences the largest groups say the meetings rarely or never give."""
    shares = sorted(
        ((negative_share(data, unit, v), v) for v in data.variables("s_5_")),
        key=lambda pair: -(pair[0] or 0),
    )
    shown = [(share, v) for share, v in shares if share is not None and share > 0][:2]
    if not shown:
        return ""
    scale = scale_answers(data, unit, shown[0][1])
    negative = scale.loc[scale["side"] == "negative", "label"]
    answers = listing([f"»{lower_first(label)}«" for label in negative], last="eller")
    named = [f"»{lower_first(item_label(data, v))}« ({pct(share)})" for share, v in shown]
    return sentence(f"De største grupper, der svarer {answers}, gælder {listing(named)}")


def _data_use(data: PublishedWave, unit: Unit) -> dict:
    sentences = []
    used, wanted = unit.share("s_6"), unit.share("s_7")
    if used is not None:
        sentences.append(
            f"{pct(used)} af respondenterne svarer, at klyngen har anvendt data på klyngemøderne "
            f"(ofte eller enkelte gange)."
        )
    if wanted is not None:
        sentences.append(f"{pct(wanted)} ønsker, at der inddrages flere data i klyngearbejdet.")
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
        "chart": charts.render(
            charts.share_bars(
                bars, "Andel, der har valgt barrieren (pct.)", question_text(data, data.variables("s_8_"))
            )
        )
        if not bars.empty
        else None,
    }


def _improvements(data: PublishedWave, unit: Unit, country: Unit) -> dict:
    share, national = unit.share(IMPROVEMENTS), country.share(IMPROVEMENTS)
    text = ""
    if share is not None and national is not None:
        text = (
            f"{pct(share)} af respondenterne har som følge af klyngemøderne indført konkrete forbedringer i "
            f"deres klinik, {_against_nation(unit.results.at[IMPROVEMENTS, 'vs_national'])} "
            f"landsgennemsnittet på tværs af alle specialer på {pct(national, 1)}"
        )
        if unit.results.at[IMPROVEMENTS, "vs_national"] not in ("above", "below"):
            text += f"; {NOT_CERTAIN}"
        text = sentence(text)
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
        "chart": charts.render(
            charts.share_bars(bars, "Andel, der har svaret ja (pct.)", str(data.item(IMPROVEMENTS)["question_text"]))
        ),
    }


AGAINST_NATION = {
    "above": "hvilket er statistisk sikkert højere end",
    "below": "hvilket er statistisk sikkert lavere end",
}


def _against_nation(direction: str | None) -> str:
    return AGAINST_NATION.get(direction, "mod")


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
        "chart": charts.render(
            charts.share_bars(
                bars,
                "Andel med stor eller meget stor betydning (pct.)",
                question_text(data, data.variables("s_12_")),
            )
        )
        if not bars.empty
        else None,
    }


def question_text(data: PublishedWave, variables: list[str]) -> str:
    if not variables:
        return ""
    text = str(data.item(variables[0])["question_text"])
    return text.split(" - ")[0] if " - " in text else text


def _likert_chart(data: PublishedWave, rows: list[tuple[str, Unit, str]], title: str) -> Chart | None:
    frame = likert_rows(data, rows)
    return charts.render(charts.diverging_likert(frame, title)) if not frame.empty else None

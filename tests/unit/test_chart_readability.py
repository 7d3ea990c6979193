"""Report charts a reader can read on paper: at least 8 pt text at the printed size, a title, whole labels, a legend
in the order of the bars, and Likert colours that stand apart from their neighbours."""

import re

import pandas as pd
import pytest

from kvis_pipeline.reports import charts

LONG_LABEL = "Jeg bidrager med forslag til emner til kommende klyngemøder og deler egne erfaringer fra min klinik"
SCALE = ["I meget høj grad", "I høj grad", "I nogen grad", "I mindre grad", "Slet ikke"]
PT_PER_PX = 0.75


def likert() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "row": [LONG_LABEL] * 5,
            "row_order": [0] * 5,
            "category": SCALE,
            "category_order": range(5),
            "share": [0.414, 0.226, 0.16, 0.12, 0.08],
            "side": ["positive", "positive", "neutral", "negative", "negative"],
        }
    )


def bars() -> pd.DataFrame:
    return pd.DataFrame(
        {"label": [LONG_LABEL, "Kort"], "share": [0.5, None], "suppressed": [False, True], "hidden_text": ["", "x"]}
    )


CHARTS = {
    "likert": lambda: charts.diverging_likert(likert(), "Hvordan vurderer du dit engagement?"),
    "bars": lambda: charts.share_bars(bars(), "Andel (pct.)", "Barrierer for at bruge data"),
    "grouped": lambda: charts.grouped_bars(
        pd.concat([bars().assign(series="A"), bars().assign(series="B")]), ["A", "B"], "Vigtigt og oplevet"
    ),
    "dots": lambda: charts.share_dots(
        pd.DataFrame(
            {
                "label": ["Psyk – Midt – Århus/Djurs", "Psyk – Nord"],
                "n": [9, None],
                "share": [0.6, None],
                "ci_low": [0.3, None],
                "ci_high": [0.85, None],
                "suppressed": [False, True],
                "hidden_text": ["", "for få svar"],
            }
        ),
        {"Psykiatri": 0.64, "Alle specialer": 0.657},
        "Andel (pct.)",
        "Andel pr. klynge",
    ),
    "lines": lambda: charts.share_lines(
        pd.DataFrame({"series": ["A", "A"], "wave": ["2025", "2026"], "share": [0.5, 0.6]}),
        ["2025", "2026"],
        ["A"],
        "Andel (pct.)",
        "Over tid",
    ),
}


@pytest.mark.parametrize("name", CHARTS)
def test_a_chart_prints_at_its_own_size_with_text_of_at_least_8_pt_and_a_title(name):
    svg = charts.to_svg(CHARTS[name]())
    width = float(re.search(r'<svg[^>]* width="([0-9.]+)"', svg).group(1))
    assert width <= charts.MAX_WIDTH  # so the page does not shrink it
    sizes = [float(size) for size in re.findall(r'font-size="([0-9.]+)px"', svg)]
    assert sizes and min(sizes) * PT_PER_PX >= 8
    assert "…" not in svg  # no label is cut off
    texts = re.findall(r"<t(?:ext|span)[^>]*>([^<]*)</t(?:ext|span)>", svg)
    title = {"likert": "Hvordan vurderer du dit engagement?", "bars": "Barrierer for at bruge data"}.get(name)
    if title:
        assert title in texts


def test_a_long_label_is_wrapped_whole_onto_lines():
    svg = charts.to_svg(CHARTS["likert"]())
    lines = re.findall(r"<tspan[^>]*>([^<]*)</tspan>", svg)
    assert " ".join(lines[:4]).startswith(LONG_LABEL[:60])
    assert all(len(line) <= charts.LABEL_WIDTH for line in lines if line in LONG_LABEL)


def test_the_likert_legend_runs_as_the_bars_do_and_segments_add_up_to_the_printed_share():
    svg = charts.to_svg(CHARTS["likert"]())
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    legend = [text for text in texts if text in SCALE]
    assert legend == SCALE[::-1]  # from the least favourable answer on the left
    positive = [int(t) for t in texts if t.isdigit()]
    # 41.4 + 22.6 = 64 is printed as 41 and 23, which add up to the 64 pct. the text says
    assert 41 in positive and 23 in positive and 22 not in positive


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(one: str, other: str) -> float:
    low, high = sorted([_luminance(one), _luminance(other)])
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("size", [3, 5])
def test_a_neutral_answer_stands_apart_from_both_neighbours(size):
    colours = charts.LIKERT_COLOURS[size]
    middle = size // 2
    assert _contrast(colours[middle], colours[middle - 1]) >= 3
    assert _contrast(colours[middle], colours[middle + 1]) >= 3
    assert all(_contrast(a, b) >= 3 for a, b in zip(colours, colours[1:]))


def test_a_hidden_cluster_keeps_its_row_with_the_reason_and_no_dot():
    svg = charts.to_svg(CHARTS["dots"]())
    lines = re.findall(r"<tspan[^>]*>([^<]*)</tspan>", svg)
    assert "Psyk – Nord" in lines and "(for få svar)" in lines and "(n = 9)" in lines
    assert svg.count('fill="#1f5f8b"') == 1  # one dot: the hidden cluster has none


def _cells(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_a_chart_carries_its_figures_as_printed_for_the_table_under_it():
    likert_figures = CHARTS["likert"]().figures
    assert likert_figures.header == ["", *SCALE]
    assert _cells(likert_figures) == [[LONG_LABEL, "41 pct.", "23 pct.", "16 pct.", "12 pct.", "8 pct."]]
    assert _cells(CHARTS["bars"]().figures) == [[LONG_LABEL, "50 pct."], ["Kort", "x"]]
    grouped = CHARTS["grouped"]().figures
    assert grouped.header == ["", "A", "B"] and _cells(grouped) == [
        [LONG_LABEL, "50 pct.", "50 pct."],
        ["Kort", "x", "x"],
    ]
    assert _cells(CHARTS["dots"]().figures) == [
        ["Psyk – Midt – Århus/Djurs", "60 pct.", "30 pct. til 85 pct.", "9"],
        ["Psyk – Nord", "for få svar", "", ""],
        ["Psykiatri", "64 pct.", "", ""],
        ["Alle specialer", "66 pct.", "", ""],
    ]

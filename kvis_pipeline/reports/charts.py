"""Report charts as Vega-Lite specifications, rendered to SVG offline by vl-convert (no browser, no network). The
specifications are plain dicts: building them with Altair cost more than drawing them.

Sizes are in CSS pixels and a chart is never wider than the page's text column (MAX_WIDTH), so it is printed at
its own size: the smallest text, FONT_SIZE px, is 8.25 pt on paper."""

import re
import textwrap
from dataclasses import dataclass
from functools import cache
from html import escape
from pathlib import Path

import pandas as pd
import vl_convert

from kvis_pipeline.reports.danish import pct, rounded_parts, sentence
from kvis_pipeline.reports.document import Cell, Chart, Row, Table

FONT = "Liberation Sans"  # bundled in FONTS, so charts measure and draw text alike on every machine
FONTS = Path(__file__).parent / "fonts"
FONT_SIZE = 11  # px; 8.25 pt
TITLE_SIZE = 12
MAX_WIDTH = 670  # px: the A4 text column of style.css (178 mm)
LABEL_WIDTH = 30  # characters per line of a wrapped axis label
POSITIVE = "#1f5f8b"
SERIES_COLOURS = ["#1f5f8b", "#7fb2d5", "#9a9a9a"]
# from the most to the least favourable answer; neighbours differ by a contrast of at least 3:1 (WCAG 1.4.11)
LIKERT_COLOURS = {
    2: ["#1f5f8b", "#a33027"],
    3: ["#1f5f8b", "#d4d4d4", "#a33027"],
    4: ["#1f5f8b", "#9cc8e8", "#f4ab9f", "#a33027"],
    5: ["#1f5f8b", "#9cc8e8", "#5c5c5c", "#f4ab9f", "#a33027"],
}
DARK_INK = {"#1f5f8b", "#a33027", "#5c5c5c"}  # segment colours that take white figures
WIDTH = 330
VALUE_TEXT = {"type": "text", "align": "left", "dx": 3, "fontSize": FONT_SIZE}
HIDDEN_TEXT = {**VALUE_TEXT, "color": "#555", "fontStyle": "italic"}


def wrapped(label: str) -> str:
    """An axis label broken into lines instead of cut off; the axis splits it at the newlines."""
    return "\n".join(textwrap.wrap(label, LABEL_WIDTH)) or label


def _lines(labels: list[str]) -> int:
    return max((label.count("\n") + 1 for label in labels), default=1)


SPLIT_LABEL = "split(datum.label, '\\n')"


@dataclass(frozen=True)
class Figure:
    """A chart with the words that stand in for it: its title, and its figures as a reader would say them."""

    chart: dict  # Vega-Lite, without the title and the look (vega_lite adds them)
    title: str
    description: str
    figures: Table | None = None  # the chart's figures as printed, for readers who cannot see it

    @property
    def alt_text(self) -> str:
        return f"{sentence(self.title) if self.title[-1:] not in '?!' else self.title} {self.description}"


@cache
def _fonts_registered() -> None:
    vl_convert.register_font_directory(str(FONTS))


def to_svg(figure: Figure) -> str:
    """SVG text for inlining into the HTML; Danish number format; no URL may be fetched. The Danish alternative text
    is the SVG's <title> (which the tagged PDF takes as the figure's /Alt) and <desc>; Vega's own English mark
    descriptions are left out."""
    _fonts_registered()
    svg = vl_convert.vegalite_to_svg(vega_lite(figure), format_locale="da-DK", allowed_base_urls=[])
    head, bracket, body = svg.partition(">")
    words = f"<title>{escape(figure.alt_text)}</title><desc>{escape(figure.description)}</desc>"
    return f'{head} role="img"{bracket}{words}{body}'


def render(figure: Figure | None) -> Chart | None:
    """The chart rendered once, for the HTML and the PDF alike."""
    if figure is None:
        return None
    svg = to_svg(figure)
    width = float(re.search(r'width="([\d.]+)"', svg.partition(">")[0]).group(1))
    return Chart(svg, figure.alt_text, width, figure.figures)


SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
CONFIG = {
    "font": FONT,
    "aria": False,
    "view": {"stroke": None},
    "title": {"fontSize": TITLE_SIZE, "fontWeight": "bold", "color": "#123a55", "offset": 8},
    "axis": {"labelFontSize": FONT_SIZE, "titleFontSize": FONT_SIZE, "labelLimit": 0, "grid": False},
    "axisY": {"labelExpr": SPLIT_LABEL},
    "legend": {
        "labelFontSize": FONT_SIZE,
        "titleFontSize": FONT_SIZE,
        "orient": "bottom",
        "columns": 3,
        "labelLimit": 0,
    },
}


def vega_lite(figure: Figure) -> dict:
    """The chart's Vega-Lite specification, with its title and the reports' look."""
    title = {"text": textwrap.wrap(figure.title, 80), "anchor": "start"}
    return figure.chart | {"$schema": SCHEMA, "title": title, "config": CONFIG}


def _figure(chart: dict, title: str, description: str, figures: Table | None = None) -> Figure:
    return Figure(chart, title, sentence(description), figures)


def _figures(header: list[str], rows: list[list[str]]) -> Table:
    return Table(header, [Row([Cell(text) for text in row]) for row in rows])


def _values(frame: pd.DataFrame) -> dict:
    """The frame's rows as inline data, missing values as null."""
    columns = {name: [None if _missing(v) else v for v in frame[name].tolist()] for name in frame.columns}
    return {"values": [dict(zip(columns, row)) for row in zip(*columns.values())]}


def _missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)


def _layer(mark: dict, data: pd.DataFrame, **encoding) -> dict:
    return {"data": _values(data), "mark": mark, "encoding": encoding}


def _field(name: str, kind: str, **settings) -> dict:
    """An encoding channel: kind is 'quantitative', 'nominal' or 'ordinal'."""
    return {"field": name, "type": kind, **settings}


def _flat(label: str) -> str:
    return label.replace("\n", " ")


def diverging_likert(rows: pd.DataFrame, title: str) -> Figure:
    """Diverging 100 % stacked bars: favourable answers right of zero, unfavourable left, a neutral one centred;
    the legend reads as the bars do, from the least to the most favourable answer.

    rows: one row per (row label, answer category) with columns row, row_order, category, category_order (0 the
    most favourable), share (0..1 of the valid answers) and side ('positive', 'neutral' or 'negative').
    """
    frame = _diverging_positions(rows.assign(row=rows["row"].map(wrapped)))
    categories = (
        frame[["category", "category_order"]].drop_duplicates().sort_values("category_order")["category"].tolist()
    )
    colours = LIKERT_COLOURS.get(len(categories))
    # domain from the least favourable answer, so the legend runs left to right as the bars do
    colour_scale = {"domain": categories[::-1], **({"range": colours[::-1]} if colours else {})}
    row_sort = frame.sort_values("row_order")["row"].drop_duplicates().tolist()
    step = 16 * _lines(row_sort) + 10
    y = _field("row", "nominal", sort=row_sort, title=None)
    zero = _layer({"type": "rule", "color": "#333"}, pd.DataFrame({"x": [0]}), x=_field("x", "quantitative"))
    bars = _layer(
        {"type": "bar", "height": step - 8, "stroke": "white", "strokeWidth": 1},
        frame,
        y=y,
        x=_field(
            "start",
            "quantitative",
            title="Andel af svarene (pct.)",
            scale={"domain": [-100, 100]},
            axis={"values": [-100, -50, 0, 50, 100], "labelExpr": "abs(datum.value)"},
        ),
        x2={"field": "end"},
        color=_field("category", "nominal", scale=colour_scale, title=None, legend={"columns": len(categories)}),
        order=_field("category_order", "quantitative"),
    )
    frame["ink"] = ["white" if colours and colours[order] in DARK_INK else "#222" for order in frame["category_order"]]
    labels = _layer(
        {"type": "text", "fontSize": FONT_SIZE},
        frame[frame["label_percent"] >= 8],
        y=y,
        x=_field("middle", "quantitative"),
        text=_field("label_percent", "quantitative", format=".0f"),
        color=_field("ink", "nominal", scale=None),
    )
    # the zero line lies under the bars, so it never crosses a neutral answer's figure
    chart = {"layer": [zero, bars, labels], "width": WIDTH, "height": step * len(row_sort)}
    rows_said = [
        f"{_flat(row)}: "
        + ", ".join(f"{s.category} {s.label_percent} pct." for s in segments.sort_values("category_order").itertuples())
        for row, segments in frame.groupby("row", sort=False)
    ]
    table = _figures(
        ["", *categories],
        [
            [_flat(row), *(f"{s.label_percent} pct." for s in segments.sort_values("category_order").itertuples())]
            for row, segments in frame.groupby("row", sort=False)
        ],
    )
    return _figure(chart, title, "; ".join(rows_said), table)


def _diverging_positions(rows: pd.DataFrame) -> pd.DataFrame:
    """Segment positions, and the whole percent each segment shows: per side, rounded so that the side's figures add
    up to the side's share as the text prints it (danish.rounded_parts)."""
    segments = []
    for _, row in rows.sort_values(["row_order", "category_order"]).groupby("row_order", sort=True):
        shown = {}
        for _, side in row.groupby("side", sort=False):
            shown.update(zip(side.index, rounded_parts(side["share"].tolist(), side["share"].sum())))
        neutral = row.loc[row["side"] == "neutral", "share"].sum() * 100
        left = -(row.loc[row["side"] == "negative", "share"].sum() * 100) - neutral / 2
        for index, segment in row.iloc[::-1].iterrows():  # least favourable first, from the left
            width = segment["share"] * 100
            segments.append(
                {
                    **segment.to_dict(),
                    "start": left,
                    "end": left + width,
                    "middle": left + width / 2,
                    "label_percent": shown[index],
                }
            )
            left += width
    return pd.DataFrame(segments)


def share_dots(dots: pd.DataFrame, references: dict[str, float], axis_title: str, title: str) -> Figure:
    """A share per label (e.g. per cluster) as a dot with its 95 % interval, in the order given (not ranked), with
    the number of answers in the label and reference levels as dashed lines under the dots.

    dots: label, n (answers), share, ci_low, ci_high (0..1; None when hidden), suppressed, hidden_text.
    """
    frame = dots.assign(
        label=[
            f"{wrapped(label)}\n({text if hidden else f'n = {int(n)}'})"
            for label, n, hidden, text in zip(dots["label"], dots["n"], dots["suppressed"], _hidden_texts(dots))
        ],
        percent=dots["share"].astype(float) * 100,
        low=dots["ci_low"].astype(float) * 100,
        high=dots["ci_high"].astype(float) * 100,
    )
    order = frame["label"].tolist()
    # the domain lists every label, so a hidden cluster keeps its row (its label says why it has no dot)
    y = _field("label", "nominal", sort=order, title=None, scale={"domain": order})
    shown = frame[~frame["suppressed"].astype(bool)]
    reference = pd.DataFrame({"level": list(references), "percent": [v * 100 for v in references.values()]})
    layers = [
        _layer(
            {"type": "rule", "strokeDash": [4, 3], "strokeWidth": 1.5},
            reference,
            x=_field("percent", "quantitative"),
            color=_field(
                "level", "nominal", scale={"domain": list(references), "range": ["#e07b00", "#6b6b6b"]}, title=None
            ),
        ),
        _layer(
            {"type": "rule", "color": POSITIVE, "strokeWidth": 2},
            shown,
            y=y,
            x=_field("low", "quantitative"),
            x2={"field": "high"},
        ),
        _layer(
            {"type": "point", "filled": True, "size": 60, "color": POSITIVE, "opacity": 1},
            shown,
            y=y,
            x=_field("percent", "quantitative", title=axis_title, scale={"domain": [0, 100]}),
        ),
    ]
    chart = {"layer": layers, "width": WIDTH, "height": {"step": 16 * _lines(order) + 6}}
    said, rows = [], []
    for label, n, share, low, high, hidden, text in zip(
        dots["label"],
        dots["n"],
        dots["share"],
        dots["ci_low"],
        dots["ci_high"],
        dots["suppressed"],
        _hidden_texts(dots),
    ):
        if hidden:
            said.append(f"{label}: {text}")
            rows.append([label, text, "", "" if pd.isna(n) else str(int(n))])
        else:
            said.append(f"{label}: {pct(share)} (95 pct.-konfidensinterval {pct(low)} til {pct(high)}, n = {int(n)})")
            rows.append([label, pct(share), f"{pct(low)} til {pct(high)}", str(int(n))])
    said += [f"{level}: {pct(share)}" for level, share in references.items()]
    rows += [[level, pct(share), "", ""] for level, share in references.items()]
    table = _figures(["", "Andel", "95 pct.-konfidensinterval", "Gyldige svar"], rows)
    return _figure(chart, title, "; ".join(said), table)


def share_bars(bars: pd.DataFrame, axis_title: str, title: str) -> Figure:
    """Horizontal bars of a share per label, in the order given, the figure at the end of each bar.

    bars: label, share (0..1 or None when suppressed), suppressed (bool). Suppressed rows get the words
    'for få svar' instead of a bar and a number.
    """
    frame = bars.assign(
        label=bars["label"].map(wrapped),
        percent=bars["share"].astype(float) * 100,
        text=_hidden_texts(bars),
    )
    order = frame["label"].tolist()
    y = _field("label", "nominal", sort=order, title=None)
    layers = _bar_layers(frame, {"type": "bar", "color": POSITIVE, "height": 14}, axis_title, y=y)
    chart = {"layer": layers, "width": WIDTH, "height": {"step": 16 * _lines(order) + 6}}
    table = _figures(["", "Andel"], [[label, _shown(bars, i)] for i, label in enumerate(bars["label"])])
    return _figure(chart, title, _said(bars), table)


def _said(bars: pd.DataFrame) -> str:
    """'Label: 46 pct.; other label: for få svar.' (with the series before the figure when there is one)."""
    texts = _hidden_texts(bars)
    series = bars["series"] if "series" in bars else [None] * len(bars)
    return "; ".join(
        f"{label}: {'' if name is None else name + ' '}{text if hidden else pct(share)}"
        for label, name, share, hidden, text in zip(bars["label"], series, bars["share"], bars["suppressed"], texts)
    )


def _bar_layers(frame: pd.DataFrame, bar: dict, axis_title: str, colour: dict | None = None, **rows) -> list[dict]:
    """A bar per shown row with its figure at the end, and the words that stand for a hidden row at zero; rows are
    the channels that place a row (y, and yOffset for grouped bars)."""
    shown, hidden = frame[~frame["suppressed"]], frame[frame["suppressed"]]
    coloured = {"color": colour} if colour else {}
    x = _field("percent", "quantitative", title=axis_title, scale={"domain": [0, 100]})
    figures = _field("percent", "quantitative", format=".0f")
    return [
        _layer(bar, shown, **rows, **coloured, x=x),
        _layer(VALUE_TEXT, shown, **rows, x=_field("percent", "quantitative"), text=figures),
        _layer(HIDDEN_TEXT, hidden, **rows, x={"datum": 0}, text=_field("text", "nominal")),
    ]


def _shown(bars: pd.DataFrame, position: int) -> str:
    """A bar's figure as printed, or the words that stand for a hidden one."""
    if bars["suppressed"].iloc[position]:
        return _hidden_texts(bars)[position]
    return pct(bars["share"].iloc[position])


def _hidden_texts(bars: pd.DataFrame) -> list[str]:
    """The words a hidden bar shows instead of a number (a `hidden_text` column, else 'for få svar')."""
    texts = bars["hidden_text"] if "hidden_text" in bars else ["for få svar"] * len(bars)
    return [text if hidden else "" for hidden, text in zip(bars["suppressed"], texts)]


def grouped_bars(bars: pd.DataFrame, series: list[str], title: str, axis_title: str = "Andel (pct.)") -> Figure:
    """Bars side by side per label, one per series (e.g. 'Vigtigt' against 'Oplevet', or cluster/specialty/nation).

    bars: label, series, share (0..1 or None), suppressed (bool); label order as given.
    """
    frame = bars.assign(
        label=bars["label"].map(wrapped),
        percent=bars["share"].astype(float) * 100,
        text=_hidden_texts(bars),
    )
    order = list(dict.fromkeys(frame["label"]))
    y = _field("label", "nominal", sort=order, title=None)
    offset = _field("series", "nominal", sort=series)
    colour = _field(
        "series", "nominal", sort=series, scale={"domain": series, "range": SERIES_COLOURS[: len(series)]}, title=None
    )
    layers = _bar_layers(frame, {"type": "bar"}, axis_title, colour, y=y, yOffset=offset)
    # with an offset, the step is that of one bar of a group
    step = max(13, -(-(16 * _lines(order) + 6) // len(series)))
    chart = {"layer": layers, "width": WIDTH, "height": {"step": step}}
    cells = {(label, name): _shown(bars, i) for i, (label, name) in enumerate(zip(bars["label"], bars["series"]))}
    labels = list(dict.fromkeys(bars["label"]))
    table = _figures(["", *series], [[label, *(cells.get((label, name), "") for name in series)] for label in labels])
    return _figure(chart, title, _said(bars), table)


def share_lines(lines: pd.DataFrame, waves: list[str], series: list[str], axis_title: str, title: str) -> Figure:
    """A share per wave as a line with points, one line per series (e.g. the specialty and the nation); the
    figures go in a table beside it, since labels of lines close together would overlap.

    lines: series, wave, share (0..1); waves in the order they follow each other.
    """
    frame = lines.assign(percent=lines["share"].astype(float) * 100)
    colour = _field(
        "series", "nominal", sort=series, scale={"domain": series, "range": SERIES_COLOURS[: len(series)]}, title=None
    )
    chart = {
        "data": _values(frame),
        "mark": {"type": "line", "point": True},
        "encoding": {
            "x": _field("wave", "ordinal", sort=waves, title=None, axis={"labelAngle": 0}),
            "y": _field("percent", "quantitative", title=axis_title, scale={"domain": [0, 100]}),
            "color": colour,
        },
        "width": min(WIDTH, 110 * len(waves)),
        "height": 140,
    }
    said = [
        f"{name}: "
        + ", ".join(
            f"{row.wave} {pct(row.share)}"
            for row in rows.sort_values("wave", key=lambda w: w.map(waves.index)).itertuples()
        )
        for name, rows in lines.groupby("series", sort=False)
    ]
    return _figure(chart, title, "; ".join(said))

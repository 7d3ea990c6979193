"""Report charts as Altair specifications, rendered to SVG offline by vl-convert (no browser, no network)."""

import altair as alt
import pandas as pd
import vl_convert

FONT = "DejaVu Sans"
POSITIVE = "#1f5f8b"
SERIES_COLOURS = ["#1f5f8b", "#7fb2d5", "#9a9a9a"]
LIKERT_COLOURS = {
    2: ["#1f5f8b", "#c0504d"],
    3: ["#1f5f8b", "#c9c9c9", "#c0504d"],
    4: ["#1f5f8b", "#7fb2d5", "#eea29a", "#c0504d"],
    5: ["#1f5f8b", "#7fb2d5", "#c9c9c9", "#eea29a", "#c0504d"],
}
WIDTH = 430


def to_svg(chart: alt.TopLevelMixin) -> str:
    """SVG text for inlining into the HTML; Danish number format; no URL may be fetched."""
    return vl_convert.vegalite_to_svg(chart.to_dict(validate=False), format_locale="da-DK", allowed_base_urls=[])


def _base_config(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    return (
        chart.configure(font=FONT)
        .configure_view(stroke=None)
        .configure_axis(labelFontSize=10, titleFontSize=10, labelLimit=330, grid=False)
        .configure_legend(labelFontSize=10, titleFontSize=10, orient="bottom", columns=3, labelLimit=220)
    )


def diverging_likert(rows: pd.DataFrame, height_per_row: int = 22) -> alt.TopLevelMixin:
    """Diverging 100 % stacked bars: favourable answers right of zero, unfavourable left, a neutral one centred.

    rows: one row per (row label, answer category) with columns row, row_order, category, category_order,
    share (0..1 of the valid answers) and side ('positive', 'neutral' or 'negative').
    """
    frame = _diverging_positions(rows)
    categories = (
        frame[["category", "category_order"]].drop_duplicates().sort_values("category_order")["category"].tolist()
    )
    colours = LIKERT_COLOURS.get(len(categories))
    colour_scale = alt.Scale(domain=categories, range=colours) if colours else alt.Scale(domain=categories)
    row_sort = frame.sort_values("row_order")["row"].drop_duplicates().tolist()
    bars = (
        alt.Chart(frame)
        .mark_bar(height=height_per_row - 6)
        .encode(
            y=alt.Y("row:N", sort=row_sort, title=None),
            x=alt.X(
                "start:Q",
                title="Andel af svarene (pct.)",
                scale=alt.Scale(domain=[-100, 100]),
                axis=alt.Axis(values=[-100, -50, 0, 50, 100], labelExpr="abs(datum.value)"),
            ),
            x2="end:Q",
            color=alt.Color("category:N", scale=colour_scale, sort=categories, title=None),
            order=alt.Order("category_order:Q"),
        )
    )
    last = frame["category_order"].max()
    frame["ink"] = ["white" if order in (0, last) else "#222" for order in frame["category_order"]]  # dark ends
    labels = (
        alt.Chart(frame[frame["share"] >= 0.08])
        .mark_text(fontSize=9)
        .encode(
            y=alt.Y("row:N", sort=row_sort),
            x="middle:Q",
            text=alt.Text("percent:Q", format=".0f"),
            color=alt.Color("ink:N", scale=None),
        )
    )
    zero = alt.Chart(pd.DataFrame({"x": [0]})).mark_rule(color="#333").encode(x="x:Q")
    chart = alt.layer(bars, labels, zero).properties(width=WIDTH, height=height_per_row * len(row_sort))
    return _base_config(chart)


def _diverging_positions(rows: pd.DataFrame) -> pd.DataFrame:
    segments = []
    for _, row in rows.sort_values(["row_order", "category_order"]).groupby("row_order", sort=True):
        neutral = row.loc[row["side"] == "neutral", "share"].sum() * 100
        left = -(row.loc[row["side"] == "negative", "share"].sum() * 100) - neutral / 2
        for _, segment in row.iloc[::-1].iterrows():  # least favourable first, from the left
            width = segment["share"] * 100
            segments.append(
                {**segment.to_dict(), "start": left, "end": left + width, "middle": left + width / 2, "percent": width}
            )
            left += width
    return pd.DataFrame(segments)


def share_bars(
    bars: pd.DataFrame, references: dict[str, float] | None = None, axis_title: str = "Andel (pct.)"
) -> alt.TopLevelMixin:
    """Horizontal bars of a share per label (e.g. per cluster), sorted as given, with reference levels as rules.

    bars: label, share (0..1 or None when suppressed), suppressed (bool). Suppressed rows get the words
    'for få svar' instead of a bar and a number.
    """
    frame = bars.assign(
        percent=bars["share"].astype(float) * 100,
        text=_hidden_texts(bars),
    )
    order = frame["label"].tolist()
    y = alt.Y("label:N", sort=order, title=None)
    shown = frame[~frame["suppressed"]]
    layers = [
        alt.Chart(shown)
        .mark_bar(color=POSITIVE, height=12)
        .encode(y=y, x=alt.X("percent:Q", title=axis_title, scale=alt.Scale(domain=[0, 100]))),
        alt.Chart(shown)
        .mark_text(align="left", dx=3, fontSize=9)
        .encode(y=y, x="percent:Q", text=alt.Text("percent:Q", format=".0f")),
        alt.Chart(frame[frame["suppressed"]])
        .mark_text(align="left", dx=3, fontSize=9, color="#666", fontStyle="italic")
        .encode(y=y, x=alt.datum(0), text="text:N"),
    ]
    if references:
        reference = pd.DataFrame({"level": list(references), "percent": [v * 100 for v in references.values()]})
        layers.append(
            alt.Chart(reference)
            .mark_rule(strokeDash=[4, 3], strokeWidth=1.5)
            .encode(
                x="percent:Q",
                color=alt.Color(
                    "level:N",
                    scale=alt.Scale(domain=list(references), range=SERIES_COLOURS[2:] + ["#e07b00"]),
                    title=None,
                ),
            )
        )
    chart = alt.layer(*layers).properties(width=WIDTH, height=max(18 * len(order), 40))
    return _base_config(chart)


def _hidden_texts(bars: pd.DataFrame) -> list[str]:
    """The words a hidden bar shows instead of a number (a `hidden_text` column, else 'for få svar')."""
    texts = bars["hidden_text"] if "hidden_text" in bars else ["for få svar"] * len(bars)
    return [text if hidden else "" for hidden, text in zip(bars["suppressed"], texts)]


def grouped_bars(bars: pd.DataFrame, series: list[str], axis_title: str = "Andel (pct.)") -> alt.TopLevelMixin:
    """Bars side by side per label, one per series (e.g. 'Vigtigt' against 'Oplevet', or cluster/specialty/nation).

    bars: label, series, share (0..1 or None), suppressed (bool); label order as given.
    """
    frame = bars.assign(
        percent=bars["share"].astype(float) * 100,
        text=_hidden_texts(bars),
    )
    order = list(dict.fromkeys(frame["label"]))
    y = alt.Y("label:N", sort=order, title=None)
    offset = alt.YOffset("series:N", sort=series)
    colour = alt.Color(
        "series:N", sort=series, scale=alt.Scale(domain=series, range=SERIES_COLOURS[: len(series)]), title=None
    )
    shown = frame[~frame["suppressed"]]
    layers = [
        alt.Chart(shown)
        .mark_bar()
        .encode(
            y=y, yOffset=offset, color=colour, x=alt.X("percent:Q", title=axis_title, scale=alt.Scale(domain=[0, 100]))
        ),
        alt.Chart(shown)
        .mark_text(align="left", dx=3, fontSize=8)
        .encode(y=y, yOffset=offset, x="percent:Q", text=alt.Text("percent:Q", format=".0f")),
        alt.Chart(frame[frame["suppressed"]])
        .mark_text(align="left", dx=3, fontSize=8, color="#666", fontStyle="italic")
        .encode(y=y, yOffset=offset, x=alt.datum(0), text="text:N"),
    ]
    chart = alt.layer(*layers).properties(width=WIDTH, height=alt.Step(9 * len(series) + 2))
    return _base_config(chart)


def share_lines(lines: pd.DataFrame, waves: list[str], series: list[str], axis_title: str) -> alt.TopLevelMixin:
    """A share per wave as a line with points, one line per series (e.g. the specialty and the nation); the
    figures go in a table beside it, since labels of lines close together would overlap.

    lines: series, wave, share (0..1); waves in the order they follow each other.
    """
    frame = lines.assign(percent=lines["share"].astype(float) * 100)
    colour = alt.Color(
        "series:N", sort=series, scale=alt.Scale(domain=series, range=SERIES_COLOURS[: len(series)]), title=None
    )
    chart = (
        alt.Chart(frame)
        .mark_line(point=True)
        .encode(
            x=alt.X("wave:O", sort=waves, title=None, axis=alt.Axis(labelAngle=0)),
            y=alt.Y("percent:Q", title=axis_title, scale=alt.Scale(domain=[0, 100])),
            color=colour,
        )
        .properties(width=min(WIDTH, 110 * len(waves)), height=140)
    )
    return _base_config(chart)

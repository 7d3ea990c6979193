"""What a report says about change since the previous wave: a unit's trend rows as Danish sentences and a chart of
an item across the waves it can be followed through."""

import pandas as pd

from kvis_pipeline.reports import charts
from kvis_pipeline.reports.danish import movement, pct, sentence
from kvis_pipeline.reports.published_data import PublishedWave
from kvis_pipeline.reports.units import Unit


def share_trend(unit: Unit, wave: str, variable: str) -> pd.Series | None:
    """The unit's trend row for the item in the wave; None in a first wave, or where it cannot be compared."""
    rows = unit.share_trends
    if rows.empty:
        return None
    rows = rows[(rows["wave"] == wave) & (rows["variable"] == variable)]
    return rows.iloc[0] if len(rows) else None


def share_movement(unit: Unit, wave: str, variable: str, subject: str) -> str:
    """'Andelen er 80 pct. mod 64 pct. i 2025, en statistisk sikker stigning.', or '' without a trend."""
    row = share_trend(unit, wave, variable)
    if row is None:
        return ""
    text = movement(
        row["share_positive"], row["previous_share_positive"], row["previous_wave"], row["change_direction"]
    )
    return sentence(f"{subject} er {text}")


def response_movement(unit: Unit) -> str:
    row = unit.response_trend
    if row is None:
        return ""
    text = movement(
        row["response_rate"], row["previous_response_rate"], row["previous_wave"], row["change_direction"], 1
    )
    return sentence(f"Svarprocenten er {text}")


def history(unit: Unit, wave: str, variable: str) -> list[tuple[str, float]]:
    """(wave, share) from the earliest wave the item can be followed back to, through comparable published cells."""
    points: list[tuple[str, float]] = []
    row = share_trend(unit, wave, variable)
    while row is not None:
        if not points:
            points.append((row["wave"], float(row["share_positive"])))
        points.append((row["previous_wave"], float(row["previous_share_positive"])))
        row = share_trend(unit, row["previous_wave"], row["previous_variable"])
    return points[::-1]


def history_figure(data: PublishedWave, units: list[Unit], variable: str, axis_title: str, title: str) -> dict:
    """A small line chart of the item's share per unit across the waves, and the same figures as a table (rows: the
    units, columns: the waves); empty when no unit can be followed back to an earlier wave."""
    points = {unit.name: dict(history(unit, data.wave, variable)) for unit in units}
    lines = pd.DataFrame(
        [
            {"series": name, "wave": wave, "share": share}
            for name, shares in points.items()
            for wave, share in shares.items()
        ],
        columns=["series", "wave", "share"],
    )
    if lines.empty:
        return {"chart": None, "waves": [], "rows": []}
    waves = [wave for wave in data.waves_so_far if wave in set(lines["wave"])]
    series = [unit.name for unit in units]
    return {
        "chart": charts.render(charts.share_lines(lines, waves, series, axis_title, title)),
        "waves": waves,
        "rows": [
            {"name": name, "cells": [pct(shares[w]) if w in shares else "–" for w in waves]}
            for name, shares in points.items()
        ],
    }

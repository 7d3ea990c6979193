"""Danish number and list formatting for reports (Babel), with rounding half up as readers expect."""

import datetime
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from functools import cache

import duckdb
from babel.dates import format_date
from babel.lists import format_list
from babel.numbers import format_decimal

from kvis_pipeline.publish.labels import DISCREET, HIDDEN_TEXT

LOCALE = "da_DK"


def hidden_text(reason: str | None) -> str:
    return HIDDEN_TEXT.get(reason or "too_few_answers", DISCREET)


def number(value: int | float) -> str:
    """12.345 with a Danish thousands separator."""
    return format_decimal(value, format="#,##0", locale=LOCALE)


@cache  # a report formats the same shares again and again; Babel takes a tenth of a millisecond each time
def percent(share: float | None, decimals: int = 0) -> str:
    """A share 0..1 as Danish percent without the unit: 0.657 -> '65,7' (decimals=1), 0.48 -> '48'.

    A trailing zero decimal is dropped ('48', not '48,0'), as the fact sheets write it.
    """
    if share is None:
        raise ValueError("a suppressed share has no number; use percent_or_suppressed")
    rounded = _rounded_percent(share, decimals)
    pattern = "#,##0." + "#" * decimals if decimals else "#,##0"
    return format_decimal(rounded, format=pattern, locale=LOCALE, decimal_quantization=False)


def _rounded_percent(share: float, decimals: int) -> Decimal:
    return _half_up(Decimal(repr(float(share))) * 100, decimals)


def _half_up(value: Decimal, decimals: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def pct(share: float | None, decimals: int = 0) -> str:
    """'64 pct.'; the fact sheets' unit."""
    return f"{percent(share, decimals)} pct."


def sentence(text: str) -> str:
    """End with one full stop, also after 'pct.'."""
    return text if text.endswith(".") else text + "."


def listing(items: list[str], last: str = "og") -> str:
    """'a, b og c' (or 'a, b samt c' with last='samt')."""
    text = format_list(items, locale="da")
    if last != "og" and len(items) > 1:
        head, _, tail = text.rpartition(" og ")
        text = f"{head} {last} {tail}"
    return text


def lower_first(text: str) -> str:
    """For an item text used inside a sentence; keeps acronyms such as 'eKVIS' and 'ADHD' as they are."""
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def compared(share: float, reference: float) -> str:
    """Where a share lies against a reference, by the figures as printed (whole percent)."""
    mine, theirs = _rounded_percent(share, 0), _rounded_percent(reference, 1)
    if mine > theirs:
        return "over"
    if mine < theirs:
        return "under"
    return "på niveau med"


# how a trend's change_direction reads
MOVEMENT = {"up": "en statistisk sikker stigning", "down": "et statistisk sikkert fald"}


def movement(share: float, previous: float, previous_wave: str, direction: str, decimals: int = 0) -> str:
    """'80 pct. mod 64 pct. i 2025, en statistisk sikker stigning', or '55 pct. mod 53 pct. i 2025; ændringen er ikke
    statistisk sikker'."""
    text = f"{pct(share, decimals)} mod {pct(previous, decimals)} i {previous_wave}"
    if direction in MOVEMENT:
        return f"{text}, {MOVEMENT[direction]}"
    return f"{text}; ændringen er ikke statistisk sikker"


def decimal_number(value: float, decimals: int) -> str:
    """8,4 (decimals=1); 0,67 (decimals=2)."""
    return format_decimal(
        _half_up(Decimal(repr(float(value))), decimals), format="#,##0." + "0" * decimals, locale=LOCALE
    )


def rounded_parts(shares: list[float], total: float) -> list[int]:
    """Whole percents of parts that add up to the total as printed (rounded half up): the largest remainders get
    the points left over (Hamilton's method), so a chart's segments never contradict the sentence beside it."""
    target = int(_rounded_percent(total, 0))
    exact = [Decimal(repr(float(share))) * 100 for share in shares]
    parts = [int(value) for value in exact]  # shares are never negative, so int() is the floor
    # ties go to the larger part, then to the earlier one
    by_remainder = sorted(range(len(exact)), key=lambda i: (exact[i] - parts[i], exact[i], -i), reverse=True)
    for index in by_remainder[: max(target - sum(parts), 0)]:
        parts[index] += 1
    return parts


def quoted_answers(positive_label: str) -> str:
    """'I meget høj grad + I høj grad' -> '»i meget høj grad« eller »i høj grad«', as the answers are named in text."""
    return listing([f"»{lower_first(label)}«" for label in positive_label.split(" + ")], last="eller")


def danish_order(names: Iterable[str]) -> list[str]:
    """Names in Danish alphabetical order (æ, ø and å after z, aa as å), by ICU's Danish collation in DuckDB."""
    with duckdb.connect() as connection:
        rows = connection.execute(
            "select name from unnest($names::varchar[]) as t(name) order by name collate da, name",
            {"names": list(names)},
        ).fetchall()
    return [name for (name,) in rows]


def survey_period(start: datetime.date | None, end: datetime.date | None) -> str:
    """When the survey ran: 'september 2025', 'september-oktober 2025' or 'december 2025-januar 2026'."""
    if start is None or end is None:
        return ""
    if (start.year, start.month) == (end.year, end.month):
        return format_date(start, "MMMM y", locale=LOCALE)
    if start.year == end.year:
        return f"{format_date(start, 'MMMM', locale=LOCALE)}–{format_date(end, 'MMMM y', locale=LOCALE)}"
    return f"{format_date(start, 'MMMM y', locale=LOCALE)}–{format_date(end, 'MMMM y', locale=LOCALE)}"

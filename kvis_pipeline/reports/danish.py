"""Danish number and list formatting for reports (Babel), with rounding half up as readers expect."""

from decimal import ROUND_HALF_UP, Decimal

from babel.lists import format_list
from babel.numbers import format_decimal

from kvis_pipeline.publish.labels import DISCREET, HIDDEN_TEXT

LOCALE = "da_DK"


def hidden_text(reason: str | None) -> str:
    return HIDDEN_TEXT.get(reason or "too_few_answers", DISCREET)


def number(value: int | float) -> str:
    """12.345 with a Danish thousands separator."""
    return format_decimal(value, format="#,##0", locale=LOCALE)


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
    return (Decimal(repr(float(share))) * 100).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


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
    """'80 pct. mod 64 pct. i 2025, en statistisk sikker stigning', or '... på niveau med 2025' within chance."""
    text = f"{pct(share, decimals)} mod {pct(previous, decimals)} i {previous_wave}"
    if direction in MOVEMENT:
        return f"{text}, {MOVEMENT[direction]}"
    return f"{text}, inden for den statistiske usikkerhed på niveau med {previous_wave}"

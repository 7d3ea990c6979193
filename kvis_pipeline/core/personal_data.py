"""Values shown in messages, the quarantine and check metadata: never one that looks like personal data.

Every scan is linear with a cap: an e-mail is looked for only around each '@' (at most MAX_AT_SIGNS of them), a CPR
number with a bounded pattern, and nothing longer than MAX_CHECKED characters is shown at all.
"""

import re

MAX_SHOWN = 60  # characters of a value shown in a message
MAX_CHECKED = 2_000  # a longer value is never shown, so it is never scanned either
MAX_AT_SIGNS = 50
_EMAIL_AROUND_AT = re.compile(r"[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63})+")
_CPR = re.compile(r"(?<!\d)[0-3]\d[01]\d\d\d-?\d{4}(?!\d)")
MASKED = "[masked: looks like personal data]"


def looks_personal(value: str) -> bool:
    """An e-mail address or a CPR number anywhere in the value (only the first MAX_CHECKED characters are read)."""
    text = value[:MAX_CHECKED]
    if _CPR.search(text):
        return True
    start = 0
    for _ in range(MAX_AT_SIGNS):
        at = text.find("@", start)
        if at < 0:
            return False
        if _EMAIL_AROUND_AT.search(text[max(0, at - 64) : at + 256]):
            return True
        start = at + 1
    return True  # more '@' than are worth reading: treated as personal


def shown(value: object) -> str:
    """The value as a message may show it: masked when it looks personal, cut when long."""
    text = "" if value is None else str(value)
    if len(text) > MAX_CHECKED:
        return f"[a value of {len(text)} characters, not shown]"
    if looks_personal(text):
        return MASKED
    return text if len(text) <= MAX_SHOWN else text[:MAX_SHOWN] + "…"

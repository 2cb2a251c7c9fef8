"""Numbers, changes and dates written the way the report's language writes them.

French (and the Arabic edition, which follows Moroccan administrative usage) groups
thousands with a narrow no-break space and uses a decimal comma; English uses a comma and
a decimal point. Negative numbers take the minus sign (U+2212).
"""

from __future__ import annotations

import math
from datetime import datetime

from marsad.publish.report.texts import MONTHS, text

NNBSP = "\u202f"
MINUS = "\u2212"


def number(value: float, decimals: int = 0, lang: str = "fr") -> str:
    """``12345.67`` with one decimal: ``12 345,7`` (fr, ar) or ``12,345.7`` (en)."""
    if not math.isfinite(value):
        return ""
    rounded = round(value, decimals)
    body = f"{abs(rounded):,.{decimals}f}"
    if lang != "en":
        body = body.replace(",", NNBSP).replace(".", ",")
    return (MINUS if rounded < 0 else "") + body


def percent(value: float, decimals: int = 1, lang: str = "fr") -> str:
    space = NNBSP if lang != "en" else ""
    return f"{number(value, decimals, lang)}{space}%"


def signed(text_value: str, value: float) -> str:
    return ("+" if round(value, 6) > 0 else "") + text_value


def change(value: float, is_rate: bool, lang: str = "fr") -> str:
    """A change against the previous year: ``+3,2 %`` or, for a rate, ``−0,4 pt``."""
    if is_rate:
        return signed(number(value, 1, lang), value) + NNBSP + text(lang, "points")
    return signed(percent(value, 1, lang), value)


def year_label(year: str, provisional: bool) -> str:
    """A year as plain text (charts): ``2025 p`` when provisional."""
    return f"{year}{NNBSP}p" if provisional else year


def long_date(stamp: str, lang: str = "fr") -> str:
    """``2026-11-29T01:46:48Z`` as ``29 novembre 2026``; the text itself when unreadable."""
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return stamp
    day = "1er" if moment.day == 1 and lang == "fr" else str(moment.day)
    return f"{day} {MONTHS[lang][moment.month - 1]} {moment.year}"


def parse(shown: str) -> float:
    """A number as the report writes it, read back (used by checks and tests)."""
    cleaned = shown.replace(NNBSP, "").replace("\u00a0", "").replace(" ", "")
    cleaned = cleaned.replace(MINUS, "-").replace("%", "")
    if "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    else:
        cleaned = cleaned.replace(",", "")
    return float(cleaned)

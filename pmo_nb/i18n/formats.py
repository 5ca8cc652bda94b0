"""Dates, numbers and money as a locale writes them (Babel), for :class:`Translator`.

Examples
--------
>>> date(dt.date(2026, 12, 7), "de"), number(1234.5, "fr"), percent(0.42, "de")
('7. Dezember 2026', '1\\u202f234,5', '42\\xa0%')
>>> money(300, "BRL", "pt_BR", "{amount} mil"), money(1234.5, "k$", "en", "{amount} thousand")
('R$\\xa0300 mil', '1,234.5 k$')
"""

from __future__ import annotations

import datetime as dt
import math
import re

from babel import Locale
from babel.numbers import format_decimal, format_percent, get_currency_symbol, list_currencies

_ISO = re.compile(r"[A-Z]{3}")


def date(value: dt.date | dt.datetime, locale: str, form: str = "long") -> str:
    """``form`` is Babel's: ``short``, ``medium``, ``long`` or ``full``."""
    from babel.dates import format_date

    return format_date(value, form, locale=locale)


def number(value: object, locale: str, digits: int = 2) -> str:
    """A number, no trailing zeros; ``""`` for None or NaN."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    pattern = "#,##0" + ("." + "#" * digits if digits else "")
    return format_decimal(float(value), pattern, locale=locale)


def percent(share: float, locale: str) -> str:
    return format_percent(round(share, 2), locale=locale) if share == share else ""


def is_currency(code: str) -> bool:
    """True for an ISO 4217 code Babel knows (``BRL``, ``EUR``), not for ``k$``."""
    return bool(_ISO.fullmatch(code or "")) and code in list_currencies()


def money(value: object, currency: str, locale: str, thousands: str) -> str:
    """An amount in thousands: the currency's symbol where the locale puts it.

    ``thousands`` is the language's ``{amount} thousand`` (``{amount} mil``); a
    ``currency`` that is no ISO code is a label after the number, as before.
    """
    amount = number(value, locale)
    if not amount or not is_currency(currency):
        return f"{amount} {currency}".strip() if amount else ""
    symbol = get_currency_symbol(currency, locale)
    pattern = Locale.parse(locale).currency_formats["standard"].pattern.split(";")[0]
    words = thousands.format(amount=amount)
    if pattern.startswith("¤"):
        gap = pattern[1] if len(pattern) > 1 and pattern[1] in " \xa0" else ""
        return f"{symbol}{gap}{words}"
    gap = "\xa0" if re.search("[ \xa0]¤", pattern) else ""
    return f"{words}{gap}{symbol}"

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


def date(value: dt.date | dt.datetime | str, locale: str, form: str = "long") -> str:
    """``form`` is Babel's: ``short``, ``medium``, ``long`` or ``full``. A string is read
    as an ISO day (``2026-06-10``); one that is not a day is returned as it is.

    >>> date("2026-06-10", "pt_BR"), date("Q2", "pt_BR")
    ('10 de junho de 2026', 'Q2')
    """
    from babel.dates import format_date

    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            return value
    # English writes the day first, as the record always has: 7 December 2026
    return format_date(value, form, locale="en_GB" if locale == "en" else locale)


def number(value: object, locale: str, digits: int = 2) -> str:
    """A number, no trailing zeros; ``""`` for None or NaN."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    pattern = "#,##0" + ("." + "#" * digits if digits else "")
    return format_decimal(float(value), pattern, locale=locale)


def percent(share: float, locale: str, digits: int = 0) -> str:
    """A share 0..1 as a percent with at most ``digits`` decimals, spaced as the locale does.

    >>> percent(0.205, "fr", 1), percent(0.2, "en", 1)
    ('20,5\\xa0%', '20%')
    """
    if share != share:
        return ""
    if not digits:
        return format_percent(round(share, 2), locale=locale)
    pattern = Locale.parse(locale).percent_formats[None].pattern.split(";")[0]
    return format_percent(share, pattern.replace("0", "0." + "#" * digits, 1)
                          if "." not in pattern else pattern, locale=locale)


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

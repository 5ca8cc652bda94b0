"""One language's words and formats: a :class:`Translator`, made per page by :func:`translator`.

Messages are English ``str.format`` templates with named placeholders
(``"Joined as {name}."``); the shipped catalogs (``pmo_nb/i18n/locale/*/LC_MESSAGES``,
kept with ``make messages``) hold their translations. English is the messages
themselves.
"""

from __future__ import annotations

import datetime as dt
import functools
import gettext
from pathlib import Path

from . import formats
from .languages import check_language, locale_name

DOMAIN = "pmo_nb"
LOCALE_DIR = Path(__file__).with_name("locale")


def N_(message: str) -> str:
    """Mark a message for the catalogs without translating it (a constant's text).

    >>> N_("Low")
    'Low'
    """
    return message


@functools.cache
def _catalog(tag: str) -> gettext.NullTranslations:
    """The shipped catalog of ``tag`` (read-only, so pages of one language share it)."""
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[locale_name(tag)],
                               fallback=True)


class Translator:
    """Messages, dates, numbers and money in one language (never the process's).

    Examples
    --------
    >>> _ = Translator("pt-BR")
    >>> _("Joined as {name}.", name="Ana")
    'Você entrou como Ana.'
    >>> _.date(dt.date(2026, 12, 7)), _.money(1234.5, "BRL"), _.number(1234.5)
    ('7 de dezembro de 2026', 'R$\\xa01.234,5 mil', '1.234,5')
    """

    def __init__(self, tag: str | None = None):
        self.tag = check_language(tag)
        self.locale = locale_name(self.tag)
        self._catalog = _catalog(self.tag)

    def __repr__(self) -> str:
        return f"Translator('{self.tag}')"

    def __call__(self, message: str, /, **values: object) -> str:
        """``message`` in this language, its ``{placeholders}`` filled from ``values``."""
        text = self._catalog.gettext(message)
        return text.format(**values) if values else text

    def plural(self, singular: str, plural: str, count: int, /, **values: object) -> str:
        """The singular or plural message for ``count`` (``{count}`` is filled in).

        >>> Translator("de").plural("{gap}: {count} service", "{gap}: {count} services", 2,
        ...                         gap="G-01")
        'G-01: 2 Leistungen'
        """
        text = self._catalog.ngettext(singular, plural, count)
        return text.format(count=self.number(count), **values)

    def date(self, value: dt.date | dt.datetime | str, form: str = "long") -> str:
        """A date (or an ISO day) as this language writes it: ``7 December 2026``,
        ``7. Dezember 2026``."""
        return formats.date(value, self.locale, form)

    def number(self, value: object, digits: int = 2) -> str:
        """A number with this language's separators, at most ``digits`` decimals."""
        return formats.number(value, self.locale, digits)

    def percent(self, share: float, digits: int = 0) -> str:
        """A share 0..1 as a percent (``digits`` decimals at most): ``42 %`` in German,
        ``42%`` in English."""
        return formats.percent(share, self.locale, digits)

    def money(self, value: object, currency: str) -> str:
        """An amount of the catalog's cost units (thousands) in ``currency``.

        ``currency`` is an ISO 4217 code (``BRL`` -> ``R$ 300 mil`` in Portuguese) or,
        as before, a free label shown after the number (``k$`` -> ``300 k$``).
        """
        return formats.money(value, currency, self.locale, self(N_("{amount} thousand")))


class Money(str):
    """A currency as text (``'BRL'``, or a free unit ``'k$'``) that also knows how its
    language writes an amount of it: what a record passes where a unit is wanted.

    >>> unit = Money("BRL", translator("pt-BR"))
    >>> unit, unit.amount(300)
    ('BRL', 'R$\\xa0300 mil')
    """

    translator: Translator

    def __new__(cls, currency: str, translator: Translator) -> Money:
        made = super().__new__(cls, currency)
        made.translator = translator
        return made

    def amount(self, value: object) -> str:
        return self.translator.money(value, str(self))


@functools.cache
def translator(tag: str | None = None) -> Translator:
    """The :class:`Translator` of a language of :data:`~pmo_nb.i18n.LANGUAGES`.

    >>> translator("fr")("Next")
    'Suivant'
    """
    return Translator(check_language(tag))

"""The languages pmo_nb speaks, as BCP 47 tags, and how a browser's wish picks one.

To add a language, see ``docs/languages.md``: its tag here, its name in its own words,
then ``make messages`` and the translations in its ``.po`` file.
"""

from __future__ import annotations

import re

from ..errors import UsageError

LANGUAGES: tuple[str, ...] = ("en", "pt-BR", "es", "fr", "de")
DEFAULT_LANGUAGE = "en"
# each language's name as its speakers write it (the phone's picker shows these)
LANGUAGE_NAMES = {"en": "English", "pt-BR": "Português (Brasil)", "es": "Español",
                  "fr": "Français", "de": "Deutsch"}
_BY_KEY = {tag.casefold(): tag for tag in LANGUAGES}
_BY_KEY.update({tag.split("-")[0].casefold(): tag for tag in reversed(LANGUAGES)})


def check_language(tag: object) -> str:
    """A language of :data:`LANGUAGES` as its tag, from any spelling of it.

    ``pt_BR``, ``pt-br`` and ``pt`` are ``pt-BR``; ``de-AT`` is ``de``. Anything else
    is a :class:`~pmo_nb.errors.UsageError` naming the languages there are.

    Examples
    --------
    >>> check_language("pt_br"), check_language("de-AT"), check_language(None)
    ('pt-BR', 'de', 'en')
    >>> check_language("ja")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    pmo_nb.errors.UsageError: 'ja' is not a language of pmo_nb; choose one of: en, pt-BR, ...
    """
    if tag is None or str(tag).strip() == "":
        return DEFAULT_LANGUAGE
    found = _match(str(tag))
    if found is None:
        raise UsageError(f"'{tag}' is not a language of pmo_nb; choose one of: "
                         f"{', '.join(LANGUAGES)} (see docs/languages.md to add one).")
    return found


def _match(tag: str) -> str | None:
    key = tag.strip().replace("_", "-").casefold()
    return _BY_KEY.get(key) or _BY_KEY.get(key.split("-")[0])


def locale_name(tag: str) -> str:
    """The gettext and Babel name of a tag: ``pt-BR`` -> ``pt_BR``.

    >>> locale_name("pt-BR"), locale_name("de")
    ('pt_BR', 'de')
    """
    return check_language(tag).replace("-", "_")


def negotiate(accept_language: str | None, default: str = DEFAULT_LANGUAGE) -> str:
    """The language of ours that a browser's ``Accept-Language`` header prefers most.

    Languages come in the order of their ``q`` weights (ties: as written); the first
    one pmo_nb speaks wins, else ``default`` (the workshop's language).

    Examples
    --------
    >>> negotiate("pt-BR,pt;q=0.9,en-US;q=0.8")
    'pt-BR'
    >>> negotiate("ja, fr;q=0.5, de;q=0.7", default="es")
    'de'
    >>> negotiate("ja", default="es"), negotiate(None, default="fr")
    ('es', 'fr')
    """
    wishes = []
    for i, part in enumerate((accept_language or "").split(",")):
        name, _, params = part.strip().partition(";")
        weight = re.search(r"q\s*=\s*([0-9.]+)", params)
        try:
            q = float(weight.group(1)) if weight else 1.0
        except ValueError:
            q = 0.0
        if name and name != "*" and q > 0:
            wishes.append((-q, i, name))
    for _q, _i, name in sorted(wishes):
        found = _match(name)
        if found:
            return found
    return check_language(default)

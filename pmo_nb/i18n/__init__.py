"""The customer's language: message catalogs and Babel's formats, one translator per page.

One server process shows many pages at once (every phone of the room, the facilitator's
panels, a record being written), each perhaps in its own language. So nothing here is
process-wide: :func:`translator` hands out a :class:`~pmo_nb.i18n.translate.Translator`
(a ``gettext`` catalog of the shipped ``.mo`` files plus a Babel locale) and each page,
panel or record keeps its own. ``gettext.install()`` is never called.

Examples
--------
>>> from pmo_nb.i18n import LANGUAGES, translator, negotiate
>>> LANGUAGES
('en', 'pt-BR', 'es', 'fr', 'de')
>>> pt, de = translator("pt-BR"), translator("de")
>>> pt("Join"), de("Join")
('Entrar', 'Beitreten')
>>> negotiate("de-CH,de;q=0.9,en;q=0.8", default="pt-BR")
'de'
"""

from __future__ import annotations

from .languages import (
    DEFAULT_LANGUAGE,
    LANGUAGE_NAMES,
    LANGUAGES,
    check_language,
    locale_name,
    negotiate,
)
from .translate import N_, Money, Translator, translator

__all__ = ["DEFAULT_LANGUAGE", "LANGUAGES", "LANGUAGE_NAMES", "N_", "Money", "Translator",
           "check_language", "locale_name", "negotiate", "translator"]

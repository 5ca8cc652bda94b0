"""The workshop's language: the panels', the record's and the phones' default.

Kept in the session (its ``language`` setting, a BCP 47 tag of :data:`pmo_nb.LANGUAGES`);
changing it is one history step, undone like any other.
"""

from __future__ import annotations

from ..i18n.languages import check_language
from ..store import Op


class Language:
    """The :class:`~pmo_nb.session.workshop.Workshop`'s language (a mixin)."""

    @property
    def language(self) -> str:
        """The workshop's language (a BCP 47 tag of :data:`pmo_nb.LANGUAGES`; ``en`` if unset).

        Examples
        --------
        >>> import pathlib, tempfile
        >>> from pmo_nb import Workshop
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "s.sqlite"
        >>> ws = Workshop.open(path, gaps="data/sample_gaps.csv", catalog="data/catalog.csv",
        ...                    language="pt_br")
        >>> ws.language
        'pt-BR'
        >>> ws.set_language("de"); ws.language
        'de'
        >>> ws.undo(), ws.language
        ('set language', 'pt-BR')
        """
        return check_language(self._store.meta("language"))

    def set_language(self, tag: str) -> None:
        """Speak another language (panels, record, the phones' default): one history step."""
        value = check_language(tag)
        self._change("set language", [Op("setting", ("language",), {"value": value})])

"""The workshop's language (the panels', the record's and the phones' default), and the
customer's aspects mapped to the catalog's.

Both are kept in the session (its ``language`` and ``aspect_map`` settings); each change
is one history step, undone like any other.
"""

from __future__ import annotations

import json

from ..errors import UsageError
from ..i18n.languages import check_language
from ..inputs.aspects import aspect_key, likely, mapped_key
from ..inputs.schema import split_aspects
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

    @property
    def aspect_map(self) -> dict[str, str]:
        """The customer's aspects (by key) mapped to the catalog's: :meth:`map_aspect`."""
        return json.loads(self._store.meta("aspect_map") or "{}")

    def _catalog_aspects(self) -> list[str]:
        found = [a for cell in self._frame("catalog")["aspects"] for a in split_aspects(cell)]
        return list(dict.fromkeys(found))

    def unmapped_aspects(self) -> list[str]:
        """The gaps' aspects that match no aspect of the catalog, in any language.

        A gap whose aspect matches none gets no suggestion "made for" it: map each such
        aspect once with :meth:`map_aspect` (:meth:`likely_aspect` proposes one).

        Examples
        --------
        >>> import pathlib, tempfile, pandas as pd
        >>> from pmo_nb import Workshop
        >>> gaps = pd.read_csv("data/sample_gaps.csv").head(2).assign(
        ...     aspect=["Competências dos gerentes de projeto", "Capacitação das equipes"])
        >>> ws = Workshop.open(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite", gaps=gaps,
        ...                    catalog="data/catalog.csv")
        >>> ws.unmapped_aspects()
        ['Capacitação das equipes']
        >>> ws.likely_aspect("Capacitação das equipes") is None
        True
        >>> ws.map_aspect("Capacitação das equipes", "Project manager skills")
        >>> ws.unmapped_aspects(), ws.suggest(ws.gaps["gap_id"][1])["reason"][0]
        ([], 'made for Project manager skills')
        """
        known = {aspect_key(a) for a in self._catalog_aspects()}
        mapped = self.aspect_map
        aspects = dict.fromkeys(str(a) for a in self._frame("gaps")["aspect"])
        return [a for a in aspects if mapped_key(a, mapped) not in known]

    def likely_aspect(self, customer_aspect: str) -> str | None:
        """The catalog's aspect most like ``customer_aspect`` (any language), or None."""
        return likely(customer_aspect, self._catalog_aspects())

    def map_aspect(self, customer_aspect: str, catalog_aspect: str) -> None:
        """Read the gaps' ``customer_aspect`` as the catalog's ``catalog_aspect`` (in any
        of its languages): suggestions then work for those gaps. One history step."""
        choices = self._catalog_aspects()
        chosen = next((a for a in choices if aspect_key(a) == aspect_key(catalog_aspect)),
                      None)
        if chosen is None:
            raise UsageError(f"map_aspect: '{catalog_aspect}' is not an aspect of the "
                             f"catalog; choose one of: {', '.join(choices)}.")
        mapped = {**self.aspect_map, aspect_key(customer_aspect): chosen}
        self._change("map aspect", [Op("setting", ("aspect_map",),
                                       {"value": json.dumps(mapped, ensure_ascii=False)})])

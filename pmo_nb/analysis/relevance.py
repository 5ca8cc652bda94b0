"""How relevant each catalog service is to a gap: aspect first, then shared words.

The rank of a service for a gap, best first:

1. **made for** the gap's aspect: it is the service's first aspect;
2. **also covers** it: the aspect is among the service's other aspects;
3. the rest.

Within each rank, services whose name and description share more (and rarer) words
with the gap's states and description come first (TF-IDF cosine similarity, computed
here with the standard library: a catalog has tens of services, not thousands), then
*basic* before *advanced*, then the name.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping

import pandas as pd

from ..inputs.aspects import aspect_key
from ..inputs.schema import split_aspects

MADE_FOR, ALSO_COVERS, OTHER = 0, 1, 2
STEM = 6  # words are cut to their first 6 letters: "methodologies" ~ "methodology"
STOPWORDS = frozenset("""a about after all also an and any are as at be been before both but by
can each every few for from has have how in into is it its more most no none not of on one only
or other our out over own same so some such than that the their them then there these they this
those through to too under up very was we were what when where which while who why will with
within without would""".split())
GAP_TEXT = ("aspect", "current_state", "future_state", "description")
SERVICE_TEXT = ("name", "description")


def words(text: object) -> list[str]:
    """Lower-case word stems of ``text``, without stop words and one- or two-letter words.

    Examples
    --------
    >>> words("Methodologies are defined by the PMO")
    ['method', 'define', 'pmo']
    """
    found = re.findall(r"[a-z0-9]+", str(text).casefold())
    return [w[:STEM] for w in found if len(w) > 2 and w not in STOPWORDS]


def similarity(query: str, documents: Iterable[str]) -> list[float]:
    """Cosine similarity (0..1) of ``query`` with each document, TF-IDF weighted over
    the documents (a word every service uses says little).

    Examples
    --------
    >>> [round(s, 2) for s in similarity("risk register", ["A risk register", "Training"])]
    [1.0, 0.0]
    """
    docs = [Counter(words(d)) for d in documents]
    n = len(docs)
    df = Counter(w for d in docs for w in d)
    idf = {w: math.log((1 + n) / (1 + c)) + 1 for w, c in df.items()}
    q = _unit({w: c * idf.get(w, 0.0) for w, c in Counter(words(query)).items()})
    return [sum(q.get(w, 0.0) * v for w, v in _unit(
        {w: c * idf[w] for w, c in d.items()}).items()) for d in docs]


def _unit(vector: dict[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(v * v for v in vector.values()))
    return {w: v / norm for w, v in vector.items()} if norm else {}


def aspect_rank(aspect: str, service_aspects: object) -> int:
    """:data:`MADE_FOR`, :data:`ALSO_COVERS` or :data:`OTHER` (case, accents, spaces and
    the language of a shipped aspect ignored: :func:`~pmo_nb.inputs.aspects.aspect_key`).

    Examples
    --------
    >>> [aspect_rank("methodology", a) for a in ("Methodology;Tools", "Tools; Methodology", "")]
    [0, 1, 2]
    >>> aspect_rank("Metodologia", "Methodology"), aspect_rank("Methodik", "Metodología")
    (0, 0)
    """
    wanted = aspect_key(aspect)
    listed = [aspect_key(a) for a in split_aspects(service_aspects)]
    if listed and listed[0] == wanted:
        return MADE_FOR
    return ALSO_COVERS if wanted in listed else OTHER


def reason(rank: int, aspect: str) -> str:
    """Why a service is suggested, in the panel's words."""
    return {MADE_FOR: f"made for {aspect}", ALSO_COVERS: f"also covers {aspect}"}.get(rank, "")


def rank_services(gap: Mapping[str, object], catalog: pd.DataFrame,
                  aspect_map: Mapping[str, str] | None = None) -> pd.DataFrame:
    """``catalog`` with ``relevance`` (0, 1, 2), ``similarity``, ``reason`` (in English) and
    ``reason_aspect`` (the aspect it names, for a reason said in another language), best
    first.

    ``aspect_map`` (a workshop's ``map_aspect``): a customer's aspect (by its key) -> the
    catalog's aspect it means."""
    aspect = str(gap.get("aspect", "")).strip()
    aspect = (aspect_map or {}).get(aspect_key(aspect), aspect)
    query = " ".join(str(gap.get(c) or "") for c in GAP_TEXT)
    docs = [" ".join(str(v or "") for v in rec) for rec in
            zip(*(catalog[c] if c in catalog else [""] * len(catalog) for c in SERVICE_TEXT),
                strict=True)]
    ranks = [aspect_rank(aspect, a) for a in catalog["aspects"]]
    tiers = catalog["tier"] if "tier" in catalog else pd.Series("", index=catalog.index)
    scores = [round(v, 3) for v in similarity(query, docs)]  # ties: basic first
    out = catalog.assign(relevance=ranks, similarity=scores,
                         reason=[reason(r, aspect) for r in ranks],
                         reason_aspect=[aspect if r < OTHER else "" for r in ranks],
                         _tier=(tiers != "basic").astype(int))
    out = out.sort_values(["relevance", "similarity", "_tier", "name"],
                          ascending=[True, False, True, True], kind="stable")
    return out.drop(columns="_tier").reset_index(drop=True)

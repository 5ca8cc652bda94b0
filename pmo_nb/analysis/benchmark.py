"""What consenting organisations chose, as a table and next to a gap's suggestions: pure
pandas over the counts the store's query returns (:mod:`pmo_nb.store.benchmark`, where
the k rule is enforced).

Examples
--------
>>> counts = pd.DataFrame({"aspect_key": ["methodology"] * 2, "size": ["H", "H"],
...                        "service_id": ["S-A", "S-B"], "organisations": [6, 6],
...                        "chose": [4, 1]})
>>> bench = table(counts, like=True)
>>> bench.values.tolist()  # doctest: +NORMALIZE_WHITESPACE
[['Methodology', 'H', 'S-A', 6, 4, 0.6667], ['Methodology', 'H', 'S-B', 6, 1, 0.1667]]
>>> found = pd.DataFrame({"service_id": ["S-A", "S-C"]})
>>> peers(found, bench, {"aspect": "Metodologia", "size": "H"}, {})[
...     ["service_id", "peers_share", "peers"]].values.tolist()
[['S-A', 0.6667, '4 of 6 organisations like yours chose this'], ['S-C', 0.0, '']]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..i18n import Translator, translator
from ..inputs.aspects import aspect_key, mapped_key, name_in

EN = translator("en")
COLUMNS = ["aspect", "size", "service_id", "organisations", "chose", "share"]
PEER_COLUMNS = ["peers_share", "peers_chose", "peers_of", "peers"]
_SIZES = {"L": 0, "M": 1, "H": 2}


def table(counts: pd.DataFrame, *, k: int = 5, like: bool = False) -> pd.DataFrame:
    """The benchmark: aspect (the shipped catalog's English name, else the key), size,
    service_id, organisations, chose and share (``chose / organisations``, 4 decimals);
    by aspect, size (L, M, H) and share, most chosen first. ``attrs`` keep ``k`` and
    whether it compares with similar organisations only (``like``)."""
    out = pd.DataFrame({
        "aspect": [name_in(a, "en") for a in counts["aspect_key"]],
        "size": counts["size"].astype(str), "service_id": counts["service_id"].astype(str),
        "organisations": counts["organisations"].astype(int),
        "chose": counts["chose"].astype(int)})
    out["share"] = (out["chose"] / out["organisations"]).round(4)
    order = np.lexsort((out["service_id"], -out["share"], out["size"].map(_SIZES).fillna(3),
                        out["aspect"]))
    out = out.iloc[order].reset_index(drop=True)[COLUMNS]
    out.attrs.update(k=k, like=like)
    return out


def peers(suggestions: pd.DataFrame, benchmark: pd.DataFrame, gap: dict,
          mapped: dict[str, str], _: Translator = EN) -> pd.DataFrame:
    """``suggestions`` (one row per service) with what organisations with the same gap
    (the gap's aspect as the catalog's, and its size) chose: ``peers_share``,
    ``peers_chose``, ``peers_of`` (the group's size) and ``peers`` in words ("4 of 6
    organisations like yours chose this"; blank when none chose it). No group in the
    benchmark (fewer than k organisations had such a gap): NaN, 0 and blank."""
    key, size = mapped_key(gap["aspect"], mapped), str(gap["size"])
    group = benchmark[(benchmark["aspect"].map(aspect_key) == key)
                      & (benchmark["size"] == size)]
    n = int(group["organisations"].max()) if len(group) else 0
    chose = dict(zip(group["service_id"], group["chose"], strict=True))
    out = suggestions.copy()
    out["peers_chose"] = [int(chose.get(s, 0)) for s in out["service_id"]]
    out["peers_of"] = n
    out["peers_share"] = (out["peers_chose"] / n).round(4) if n else np.nan
    like = bool(benchmark.attrs.get("like", False))
    out["peers"] = [said(c, n, like, _) if c else "" for c in out["peers_chose"]]
    out.attrs["peers_like"] = like  # how a panel says it in its own language
    return out


def for_gaps(gaps: pd.DataFrame, catalog: pd.DataFrame, benchmark: pd.DataFrame,
             mapped: dict[str, str]) -> pd.DataFrame:
    """What peers chose for each of a workshop's gaps whose group the benchmark shows:
    gap_id, aspect (the gap's), size, service_id, name, organisations, chose, share (most
    chosen first within a gap).

    >>> bench = table(pd.DataFrame({"aspect_key": ["methodology"], "size": ["H"],
    ...     "service_id": ["S-A"], "organisations": [5], "chose": [3]}))
    >>> gaps = pd.DataFrame({"gap_id": ["G-1", "G-2"], "aspect": ["Metodologia"] * 2,
    ...                      "size": ["H", "L"]})
    >>> catalog = pd.DataFrame({"service_id": ["S-A"], "name": ["Alpha"]})
    >>> for_gaps(gaps, catalog, bench, {})[["gap_id", "name", "chose", "share"]].values.tolist()
    [['G-1', 'Alpha', 3, 0.6]]
    """
    keyed = gaps[["gap_id", "aspect", "size"]].assign(
        key=[mapped_key(a, mapped) for a in gaps["aspect"]])
    rows = benchmark.drop(columns="aspect").assign(
        key=[aspect_key(a) for a in benchmark["aspect"]])
    out = keyed.merge(rows, on=["key", "size"]).merge(
        catalog[["service_id", "name"]], on="service_id", how="left")
    out = out.sort_values(["gap_id", "share", "service_id"], ascending=[True, False, True],
                          kind="stable")
    return out[["gap_id", "aspect", "size", "service_id", "name", "organisations", "chose",
                "share"]].reset_index(drop=True)


def said(chose: int, organisations: int, like: bool, _: Translator = EN) -> str:
    """What peers chose, in words (``like``: compared with similar organisations only).

    >>> said(4, 6, like=False)
    '4 of 6 organisations chose this'
    """
    if like:
        return _("{chose} of {organisations} organisations like yours chose this",
                 chose=chose, organisations=organisations)
    return _("{chose} of {organisations} organisations chose this", chose=chose,
             organisations=organisations)

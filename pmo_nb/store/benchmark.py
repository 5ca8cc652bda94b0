"""What consenting organisations chose, read from many sessions with the k rule inside the
query: a PostgreSQL database (every workshop in it) or a folder of SQLite sessions.

One SQL query counts, per catalog aspect (by key, see :mod:`pmo_nb.inputs.aspects`) and
gap size, the distinct organisations that had such a gap and how many of them chose each
service (assigned it to such a gap). Only workshops whose consent is given count, each
organisation once (by the digest in its profile: a follow-up is the same organisation),
and a group of fewer than ``k`` organisations is cut by the query's ``HAVING``: nothing
smaller leaves it. The same query runs on PostgreSQL over the shared tables and, for a
folder, over an in-memory SQLite database that the per-file reader fills from each
consenting session (opened read-only, through SQLite); what it returns is all that leaves
:func:`choices`. No organisation's name is read: the profile's keys only.

Examples
--------
>>> import tempfile
>>> choices(tempfile.mkdtemp(), k=3).columns.tolist()
['aspect_key', 'size', 'service_id', 'organisations', 'chose']
>>> choices(tempfile.mkdtemp(), k=2)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
pmo_nb.errors.DataError: benchmark: k=2 is too small; allowed: a whole number >= 3 ...
"""

from __future__ import annotations

import functools
import json
import sqlite3
from collections.abc import Mapping
from numbers import Integral
from pathlib import Path

import pandas as pd

from ..errors import DataError, InputFileError, Problem
from ..inputs.aspects import aspect_key, mapped_key
from ..inputs.profile import FIELDS as LIKE_FIELDS
from ..inputs.profile import profile_keys
from ..inputs.schema import split_aspects

MIN_K = 3
COLUMNS = ["aspect_key", "size", "service_id", "organisations", "chose"]
_CONSENT, _PROFILE, _MAP = "benchmark_consent", "profile", "aspect_map"
# consent (workshop, org) and amap (workshop, aspect, akey) come before this, as tables or
# as a WITH; gaps and assignments are the sessions' own (with their workshop column)
_COUNT = """had AS (SELECT DISTINCT c.org, m.akey, g.size FROM consent c
    JOIN gaps g ON g.workshop = c.workshop
    JOIN amap m ON m.workshop = g.workshop AND m.aspect = g.aspect),
  grp AS (SELECT akey, size, COUNT(*) AS organisations FROM had GROUP BY akey, size
    HAVING COUNT(*) >= ?),
  chosen AS (SELECT DISTINCT c.org, m.akey, g.size, a.service_id FROM consent c
    JOIN gaps g ON g.workshop = c.workshop
    JOIN amap m ON m.workshop = g.workshop AND m.aspect = g.aspect
    JOIN assignments a ON a.workshop = g.workshop AND a.gap_id = g.gap_id)
SELECT grp.akey, grp.size, chosen.service_id, grp.organisations, COUNT(*) AS chose
FROM grp JOIN chosen ON chosen.akey = grp.akey AND chosen.size = grp.size
GROUP BY grp.akey, grp.size, chosen.service_id, grp.organisations
ORDER BY grp.akey, grp.size, chosen.service_id"""
# PostgreSQL: the consenting workshops and their profile's keys (never its words)
_CONSENTING = ("SELECT c.workshop, (p.value::json -> 'keys') FROM meta c JOIN meta p ON "
               "p.workshop = c.workshop AND p.key = 'profile' WHERE c.key = "
               "'benchmark_consent' AND c.value = 'yes'")
_ARRAYS = ("WITH consent AS (SELECT * FROM unnest(%s::text[], %s::text[]) AS t(workshop, "
           "org)), amap AS (SELECT * FROM unnest(%s::text[], %s::text[], %s::text[]) AS "
           "t(workshop, aspect, akey)), ")
_TABLES = ("CREATE TABLE consent (workshop TEXT, org TEXT)",
           "CREATE TABLE amap (workshop TEXT, aspect TEXT, akey TEXT)",
           "CREATE TABLE gaps (workshop TEXT, gap_id TEXT, aspect TEXT, size TEXT)",
           "CREATE TABLE assignments (workshop TEXT, gap_id TEXT, service_id TEXT)")


def choices(source: str | Path, k: int = 5, like: Mapping[str, str] | None = None
            ) -> pd.DataFrame:
    """Per aspect key and size: organisations (with such a gap, ``>= k``) and how many of
    them chose each service. ``source``: a ``postgresql://`` URL or a folder of ``.sqlite``
    sessions (searched in its sub-folders too). ``like``: a profile (sector, size_band;
    blank fields ignored) that the organisations must share; its organisation, if named,
    is left out (an organisation is not its own peer)."""
    k, wanted = _checked_k(k), _like_keys(like)
    text = str(source)
    if text.split(":", 1)[0].lower() in ("postgresql", "postgres"):
        rows = _postgres_rows(text, k, wanted)
    else:
        rows = _folder_rows(Path(text), k, wanted)
    return pd.DataFrame(rows, columns=COLUMNS)


def workshop_keys(gap_aspects: list[str], catalog_cells: list[str],
                  mapped: str | None) -> dict[str, str]:
    """A workshop's gap aspects -> the key of the catalog aspect each is (mapped first);
    one that matches no catalog aspect stays out.

    >>> workshop_keys(["Metodologia", "Other"], ["Methodology;Governance process"], None)
    {'Metodologia': 'methodology'}
    """
    known = {_key(a) for cell in set(catalog_cells) for a in split_aspects(cell)}
    found = json.loads(mapped or "{}")
    keys = {a: mapped_key(a, found) for a in gap_aspects}
    return {a: key for a, key in keys.items() if key in known}


_key = functools.lru_cache(maxsize=4096)(aspect_key)  # catalogs repeat their aspects


def _checked_k(k: object) -> int:
    if isinstance(k, bool) or not isinstance(k, Integral) or k < MIN_K:
        raise DataError("benchmark", [Problem(None, None, (
            f"k={k!r} is too small; allowed: a whole number >= {MIN_K} (a group of fewer "
            "organisations would show what one of them chose), e.g. k=5."))])
    return int(k)


def _like_keys(like: Mapping[str, str] | None) -> dict[str, str]:
    """``like`` as the profile keys it is compared by (see :mod:`pmo_nb.session._profile`:
    the same folding and digest)."""
    if like is None:
        return {}
    unknown = sorted(set(like) - set(LIKE_FIELDS))
    if unknown:
        raise DataError("benchmark like=", [Problem(None, f, (
            f"'{f}' is not a profile field; allowed: {', '.join(LIKE_FIELDS)}.")) for f in unknown])
    return profile_keys(dict(like))


def _matches(keys: dict[str, str], wanted: dict[str, str]) -> bool:
    """A workshop's profile keys against ``like``'s: same sector and size band as asked,
    never the organisation that asks."""
    if wanted.get("organisation") and keys.get("organisation") == wanted["organisation"]:
        return False
    return all(keys.get(f) == v for f, v in wanted.items() if f != "organisation")


def _postgres_rows(url: str, k: int, wanted: dict[str, str]) -> list[tuple]:
    """The database's consenting workshops (their profile keys only), their aspects as
    keys, then the counting query with the workshops and keys as arrays."""
    from .postgres import connect

    conn, _ = connect(url, need_workshop=False)
    with conn:
        if conn.execute("SELECT to_regclass('pmo_nb.schema_version')").fetchone()[0] is None:
            return []
        found = conn.execute(_CONSENTING).fetchall()
        consent = [(w, keys["organisation"]) for w, keys in found
                   if keys.get("organisation") and _matches(keys, wanted)]
        names = [w for w, _ in consent]
        maps = dict(conn.execute("SELECT workshop, value FROM meta WHERE key = %s AND "
                                 "workshop = ANY(%s)", (_MAP, names)).fetchall())
        aspects, cells = {}, {}
        for w, aspect in conn.execute("SELECT DISTINCT workshop, aspect FROM gaps WHERE "
                                      "workshop = ANY(%s)", (names,)):
            aspects.setdefault(w, []).append(aspect)
        for w, cell in conn.execute("SELECT DISTINCT workshop, aspects FROM services WHERE "
                                    "workshop = ANY(%s)", (names,)):
            cells.setdefault(w, []).append(cell)
        amap = [(w, a, key) for w in names
                for a, key in workshop_keys(aspects.get(w, []), cells.get(w, []),
                                            maps.get(w)).items()]
        columns = [list(c) for c in zip(*consent, strict=True)] or [[], []]
        mapped = [list(c) for c in zip(*amap, strict=True)] or [[], [], []]
        return conn.execute(_ARRAYS + _COUNT.replace("?", "%s"),
                            (*columns, *mapped, k)).fetchall()


def _folder_rows(folder: Path, k: int, wanted: dict[str, str]) -> list[tuple]:
    """The folder's consenting sessions pooled in memory, then counted by the query."""
    from .sqlite import SqliteStore

    if not folder.is_dir():
        raise InputFileError(f"benchmark: '{folder}' is not a folder of sessions nor a "
                             "postgresql:// URL; give the folder that holds the .sqlite files.")
    pool = sqlite3.connect(":memory:")
    try:
        for statement in _TABLES:
            pool.execute(statement)
        for n, path in enumerate(sorted(folder.rglob("*.sqlite"))):
            store = SqliteStore.open(path, None, read_only=True)
            try:
                _pool_one(pool, str(n), store, wanted)
            finally:
                store.close()
        return pool.execute("WITH " + _COUNT, (k,)).fetchall()
    finally:
        pool.close()


def _pool_one(pool: sqlite3.Connection, name: str, store, wanted: dict[str, str]) -> None:
    """One session's rows into the pool, if it consented and is like ``wanted``."""
    profile = store.meta(_PROFILE)
    if store.meta(_CONSENT) != "yes" or not profile:
        return
    keys = json.loads(profile).get("keys", {})
    if not keys.get("organisation") or not _matches(keys, wanted):
        return
    gaps, asg = store.read("gaps"), store.read("assignments")
    amap = workshop_keys(list(dict.fromkeys(gaps["aspect"])),
                         store.read("services")["aspects"].tolist(), store.meta(_MAP))
    pool.execute("INSERT INTO consent VALUES (?, ?)", (name, keys["organisation"]))
    pool.executemany("INSERT INTO amap VALUES (?, ?, ?)",
                     [(name, a, key) for a, key in amap.items()])
    pool.executemany("INSERT INTO gaps VALUES (?, ?, ?, ?)",
                     [(name, *r) for r in gaps[["gap_id", "aspect", "size"]].itertuples(
                         index=False)])
    pool.executemany("INSERT INTO assignments VALUES (?, ?, ?)",
                     [(name, *r) for r in asg[["gap_id", "service_id"]].itertuples(
                         index=False)])

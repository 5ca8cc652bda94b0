"""Opening a session: create it from the customer's files, or reopen it as saved.

The rules: a session that exists is reopened as saved, and gaps/catalog given with it
must be the ones it was created from (the saved snapshot is the record); a session that
does not exist yet is created from both files, validated first, and written whole or not
at all, with its seed assignments (if any) as its first history step. A session is an
SQLite file path or a ``postgresql://...?workshop=NAME`` URL; the rules are the same.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd

from ..errors import SessionError
from ..i18n.languages import check_language
from ..inputs.io import Source, load_catalog, load_gaps
from ..store import Op, Store, create_session, now, open_session, target
from . import _rows

SEED_ACTION = "import assignments"
ASSESSED_ON = "assessed_on"  # the setting that dates an assessment (set_assessment_date)


def open_or_create(session_path: str | os.PathLike, gaps: Source | None, catalog: Source | None,
               *, assignments: Source | None = None, weights: dict[str, float] | None = None,
               user: str | None = None, title: str | None = None,
               meta: dict[str, str] | None = None,
               language: str | None = None) -> tuple[Store, bool]:
    """The session's store, and whether it was created now (``False``: reopened).

    ``assignments`` seeds a session created now, ``title`` names it, ``meta`` dates it
    and ``language`` is its language (settings written with it, not steps to undo); a
    session that exists keeps its own.
    """
    language = check_language(language) if language is not None else None
    where = target(session_path)
    store = open_session(where, user)
    if store is not None:
        try:
            check_same_inputs(store, gaps, catalog)
        except BaseException:
            store.close()  # no handle left open on a refused reopen
            raise
        return store, False
    if gaps is None or catalog is None:
        raise SessionError(
            f"'{shown(where)}' does not exist yet; to start a new session give both "
            "gaps= and catalog= (a path or a DataFrame)."
        )
    extra = {**(meta or {}), **({"language": language} if language else {})}
    return _create(where, gaps, catalog, assignments, weights, user, title, extra or None), True


def create_new(where: Path | str, gaps: Source, catalog: Source, *,
               weights: dict[str, float] | None = None, user: str | None = None,
               title: str | None = None, meta: dict[str, str] | None = None,
               rows: dict[str, pd.DataFrame] | None = None) -> Store:
    """Create a session that must not exist yet (a follow-up), with extra settings and
    first ``rows`` (table -> frame of its columns, e.g. the carried assignments)."""
    return _create(where, gaps, catalog, None, weights, user, title, meta, rows)


def _create(where: Path | str, gaps: Source, catalog: Source, assignments: Source | None,
            weights: dict[str, float] | None, user: str | None,
            title: str | None = None, extra: dict[str, str] | None = None,
            rows: dict[str, pd.DataFrame] | None = None) -> Store:
    gap_frame, cat_frame = load_gaps(gaps), load_catalog(catalog)
    meta = {
        "weights": json.dumps(_rows.check_weights(weights)),
        "gaps_source": _rows.canonical(gap_frame),
        "catalog_source": _rows.canonical(cat_frame),
        **({"title": title.strip()} if title and title.strip() else {}),
        **(extra or {}),
    }
    tables = {
        "gaps": _rows.gap_rows(gap_frame),
        "services": _rows.service_rows(cat_frame, "catalog"),
        **{name: frame for name, frame in (rows or {}).items() if len(frame)},
    }
    seed = None
    if assignments is not None:  # validated before anything is written
        rows = _rows.assignment_rows(assignments, gap_frame["gap_id"], cat_frame["service_id"])
        seed = (SEED_ACTION, assignment_ops(rows, {}))
    if isinstance(where, Path):
        _make_folder(where)
    return create_session(where, tables, meta, seed, user)


def assignment_ops(rows: pd.DataFrame, saved: dict[tuple[str, str], dict | None]) -> list[Op]:
    """One op per validated assignment row that changes what is ``saved`` for its pair."""
    stamp = now()
    return [Op("assignment", (r.gap_id, r.service_id),
               {"contribution": r.contribution, "note": r.note, "updated_at": stamp})
            for r in rows.itertuples()
            if _rows.changes(saved.get((r.gap_id, r.service_id)), r)]


def _make_folder(path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SessionError(
            f"Could not create the folder of the session '{path}' ({exc})."
        ) from None


def shown(where: Path | str) -> str:
    """A session for messages: the path, or the URL without its password."""
    if isinstance(where, Path):
        return str(where)
    from urllib.parse import urlsplit

    parts = urlsplit(where)
    return where.replace(f":{parts.password}@", ":***@", 1) if parts.password else where


def check_same_inputs(store: Store, gaps: Source | None, catalog: Source | None) -> None:
    """Refuse gaps/catalog other than those the session was created from."""
    for name, source, loader, key in (
        ("gaps", gaps, load_gaps, "gap_id"),
        ("catalog", catalog, load_catalog, "service_id"),
    ):
        if source is None:
            continue
        saved, given = store.meta(f"{name}_source"), loader(source)
        if _rows.canonical(given) != saved:
            changes = _rows.diff(_rows.saved_frame(saved), given, key)
            raise SessionError(
                f"'{store.label}' was created from other {name} ({changes}). The saved "
                f"session is the record: reopen it without {name}=, start a new session "
                "file for the new data, or add services through the session."
            )

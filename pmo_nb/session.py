"""Opening a session: create it from the customer's files, or reopen it as saved.

The rules: a session that exists is reopened as saved, and gaps/catalog given with it
must be the ones it was created from (the saved snapshot is the record); a session that
does not exist yet is created from both files, validated first, and written atomically.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from . import _rows
from .errors import SessionError
from .io import Source, load_catalog, load_gaps
from .store import Store


def open_store(session_path: str | os.PathLike, gaps: Source | None, catalog: Source | None,
               *, weights: dict[str, float] | None = None,
               user: str | None = None) -> tuple[Store, bool]:
    """The session's store, and whether it was created now (``False``: reopened)."""
    path = Path(session_path)
    if path.exists():
        store = Store.open(path, user)
        try:
            check_same_inputs(store, gaps, catalog)
        except BaseException:
            store.close()  # no handle left open on a refused reopen
            raise
        return store, False
    if gaps is None or catalog is None:
        raise SessionError(
            f"'{path}' does not exist yet; to start a new session give both "
            "gaps= and catalog= (a path or a DataFrame)."
        )
    return _create(path, gaps, catalog, weights, user), True


def _create(path: Path, gaps: Source, catalog: Source, weights: dict[str, float] | None,
            user: str | None) -> Store:
    gap_frame, cat_frame = load_gaps(gaps), load_catalog(catalog)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SessionError(
            f"Could not create the folder of the session '{path}' ({exc})."
        ) from None
    meta = {
        "weights": json.dumps(_rows.check_weights(weights)),
        "gaps_source": _rows.canonical(gap_frame),
        "catalog_source": _rows.canonical(cat_frame),
    }
    tables = {
        "gaps": _rows.gap_rows(gap_frame),
        "services": _rows.service_rows(cat_frame, "catalog"),
    }
    return Store.create(path, tables, meta, user)


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
                f"'{store.path.name}' was created from other {name} ({changes}). The saved "
                f"session is the record: reopen it without {name}=, start a new session "
                "file for the new data, or add services through the session."
            )

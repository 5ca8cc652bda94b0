"""The Workshop: the session a facilitator holds, and the tables the planning step produces.

Every method that changes something writes one transaction to the session before it
returns (see :mod:`pmo_nb.store`) and then tells every subscriber what changed
(:meth:`Workshop.subscribe`). Every table is read through a cache that is dropped as
soon as this handle changes the session, or another handle is seen to have changed it.
Others' changes are taken in once per call, at its start (:meth:`Workshop._look`): a call
that reads several tables never sees one of them dropped between two reads.
"""

from __future__ import annotations

import functools
import json
import os
import threading
from collections.abc import Callable, Hashable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import ParamSpec, TypeVar

import pandas as pd

from ..analysis import coverage as cov
from ..analysis.benchmark import peers
from ..analysis.relevance import rank_services
from ..errors import UnknownGapError, UnknownServiceError
from ..inputs import export, schema
from ..inputs.io import Source
from ..store import Op, Store, now
from . import _rows
from ._follow_up import FollowUp
from ._gap_edits import GapEdits
from ._language import Language
from ._profile import Profile
from ._roster import RosterMixin
from ._voting import VotingMixin
from .events import TABLES as EVERYTHING
from .events import Change, Subscriber, Subscribers
from .opening import assignment_ops, open_or_create

# the session's tables as the workshop names them (catalog = the store's services table)
_NAMES = {"gaps": "gaps", "services": "catalog", "assignments": "assignments",
          "meta": "settings", "votes": "votes", "ballots": "votes", "participants": "votes",
          "reassessments": "progress", "deliveries": "progress"}

_P = ParamSpec("_P")
_R = TypeVar("_R")


def _one_look(method: Callable[_P, _R]) -> Callable[_P, _R]:
    """Run a reading method inside one look at the session (see :meth:`Workshop._look`)."""
    @functools.wraps(method)
    def looking(self, *args, **kwargs):
        with self._look():
            return method(self, *args, **kwargs)
    return looking


class Workshop(GapEdits, VotingMixin, RosterMixin, FollowUp, Language, Profile):
    """A PMO Planning workshop kept in one session: an SQLite file or a PostgreSQL URL.

    A handle may be shared between threads: each call is whole and one history step.
    Its parts: gap edits (:mod:`._gap_edits`), votes (:mod:`._voting`), a follow-up
    (:mod:`._follow_up`), language (:mod:`._language`), profile and consent (:mod:`._profile`).

    Examples
    --------
    >>> import tempfile, pmo_nb
    >>> path = Path(tempfile.mkdtemp()) / "demo.sqlite"
    >>> ws = pmo_nb.Workshop.open(path, gaps="data/sample_gaps.csv", catalog="data/catalog.csv")
    >>> ws.assign("G-05", "S-METH-LIFECYCLE")
    >>> ws.coverage().set_index("gap_id").at["G-05", "status"]
    'covered'
    """

    def __init__(self, store: Store):
        self._store = store
        self._cache: dict[str, pd.DataFrame] = {}  # gaps, catalog, assignments, coverage
        self._index: dict[str, dict[str, int]] = {}  # id -> row of gaps / catalog
        self._subscribers = Subscribers()
        self._unannounced: frozenset[str] = frozenset()  # others' changes seen, not yet told
        self._lock = threading.RLock()  # one thread at a time reads or changes the cache
        self._looking = 0  # depth of nested looks (see _look) in the thread holding the lock

    # -- opening -------------------------------------------------------------------------
    @classmethod
    def open(cls, session_path: str | os.PathLike, gaps: Source | None = None,
             catalog: Source | None = None, *, assignments: Source | None = None,
             weights: dict[str, float] | None = None, user: str | None = None,
             title: str | None = None, language: str | None = None) -> Workshop:
        """Create the session (``gaps`` and ``catalog`` required) or reopen it as saved.

        ``session_path`` is an SQLite file or ``postgresql://USER@HOST:PORT/DB?workshop=NAME``.
        ``assignments`` (optional) seeds a new session, e.g. with the sample workshop's
        decisions, as part of creating it (a session exists with all of its seed or not at
        all); it is ignored when the session already exists, so re-running a notebook never
        resets a live session. ``title`` and ``language`` (default ``en``) are a new one's.
        """
        store, _ = open_or_create(session_path, gaps, catalog, assignments=assignments,
                              weights=weights, user=user, title=title, language=language)
        return cls(store)

    def close(self) -> None:
        """Close the session file (every change is already saved)."""
        self._store.close()

    def __enter__(self) -> Workshop:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Workshop('{self._store.label}', {len(self._frame('gaps'))} gaps)"

    @property
    def path(self) -> Path | str:
        """The session as given: a file path, or the PostgreSQL URL (reopens it)."""
        return self._store.path

    @property
    def title(self) -> str | None:
        """The session's title (its ``title`` setting), or None when it has none."""
        return self._store.meta("title")

    @property
    def label(self) -> str:
        """The session in a message: the file's name, or the URL without a password."""
        return self._store.label

    # -- change events -------------------------------------------------------------------
    def subscribe(self, callback: Subscriber, *, key: Hashable | None = None) -> Subscriber:
        """Call ``callback(change)`` after every change to the session.

        Changes made through this handle are told at once; changes by other handles or
        processes when :meth:`poll` sees them. A ``key`` replaces the earlier subscriber
        with the same key (a panel shown again replaces the one shown before). A
        subscriber that fails is logged; the change itself is saved either way.

        Examples
        --------
        >>> import tempfile, pmo_nb
        >>> ws = pmo_nb.Workshop.open(Path(tempfile.mkdtemp()) / "s.sqlite",
        ...                           gaps="data/sample_gaps.csv", catalog="data/catalog.csv")
        >>> seen = []
        >>> _ = ws.subscribe(seen.append)
        >>> ws.assign("G-05", "S-METH-LIFECYCLE")
        >>> seen[0].action, sorted(seen[0].tables)
        ('assign', ['assignments'])
        """
        return self._subscribers.add(callback, key)

    def unsubscribe(self, callback_or_key: Subscriber | Hashable) -> None:
        """Stop telling ``callback`` (or the subscriber under that key); no error if absent."""
        self._subscribers.remove(callback_or_key)

    def poll(self) -> bool:
        """Look for changes made by other handles; tell the subscribers. True if any."""
        with self._lock:
            tables, self._unannounced = self._external() | self._unannounced, frozenset()
        if tables:
            self._subscribers.notify(Change("changed elsewhere", tables, here=False))
        return bool(tables)

    def _external(self) -> frozenset[str]:
        """What other handles changed (as event table names); dropped from the cache."""
        changed = frozenset(_NAMES[t] for t in self._store.external_change() if t in _NAMES)
        self._forget(changed)
        return changed

    def _forget(self, tables: Iterable[str] = EVERYTHING) -> None:
        """Drop what is cached from ``tables`` and everything derived from them."""
        tables = set(tables)
        for name in tables:
            self._cache.pop(name, None)
            self._index.pop(name, None)
        if tables & {"gaps", "catalog"}:
            for key in [k for k in self._cache if k.startswith("ranked ")]:
                del self._cache[key]
        if tables & {"gaps", "catalog", "assignments", "settings"}:
            self._cache.pop("coverage", None)

    # -- tables --------------------------------------------------------------------------
    @contextmanager
    def _look(self) -> Iterator[None]:
        """One consistent look: others' changes are taken in (and dropped from the cache)
        once, when the outermost look starts, never between two reads of one call."""
        with self._lock:
            if not self._looking:
                self._unannounced |= self._external()  # drops only what others changed
            self._looking += 1
            try:
                yield
            finally:
                self._looking -= 1

    def _frame(self, name: str) -> pd.DataFrame:
        with self._look():
            frame = self._cache.get(name)
            if frame is None:
                frame = self._cache[name] = self._load(name)
            return frame

    def _load(self, name: str) -> pd.DataFrame:
        if name == "gaps":
            return _rows.expand(self._store.read("gaps", "pos"), _rows.GAP_COLUMNS_SAVED)
        if name == "catalog":
            return _rows.expand(self._store.read("services", "pos"), _rows.SERVICE_COLUMNS_SAVED)
        if name == "assignments":
            return self._store.read("assignments")
        return cov.gap_coverage(  # "coverage"
            self._frame("gaps"), self._frame("catalog"), self._frame("assignments"), self.weights
        )

    @property
    def gaps(self) -> pd.DataFrame:
        """The gaps as saved, with hand-overs applied (pmo_role, other_owner, handover_note)."""
        return self._frame("gaps").copy()

    @property
    def catalog(self) -> pd.DataFrame:
        """The catalog, services added in the workshop included (``origin == 'workshop'``)."""
        return self._frame("catalog").copy()

    @property
    def assignments(self) -> pd.DataFrame:
        """gap_id, service_id, contribution, note, updated_at."""
        return self._frame("assignments").copy()

    @property
    def history(self) -> pd.DataFrame:
        """Every change, oldest first: when, who, what, the row before and after."""
        raw = self._store.read("history", "seq")
        return self._ballot_history(_rows.history(raw), raw)  # ballots: hidden, unnamed

    @property
    def weights(self) -> dict[str, float]:
        """Weight of each level; a gap weighs weight[size] x weight[priority]."""
        return json.loads(self._store.meta("weights"))

    # -- analyses ------------------------------------------------------------------------
    @_one_look
    def coverage(self) -> pd.DataFrame:
        """One row per gap: weight, status, best contribution, services."""
        return self._frame("coverage").copy()

    @_one_look
    def coverage_matrix(self) -> pd.DataFrame:
        """Priority (H, M, L) x size (L, M, H): gap counts per status and covered share."""
        return cov.coverage_matrix(self._frame("coverage"))

    @_one_look
    def candidate_list(self) -> pd.DataFrame:
        """Product / Service | Gap Size | Addresses Aspect, heaviest gaps first."""
        return cov.candidate_list(self._frame("coverage"), self._frame("catalog"),
                                  self._frame("assignments"))

    @_one_look
    def handed_over(self) -> pd.DataFrame:
        """Gaps outside the PMO (wholly or the rest of them): owner and note."""
        return cov.handed_over(self._frame("gaps"))

    @_one_look
    def gap_register(self) -> pd.DataFrame:
        """Every gap with current and future state, description, status and services."""
        return cov.gap_register(self._frame("gaps"), self._frame("coverage"))

    @_one_look
    def open_gaps(self) -> pd.DataFrame:
        """What is still uncovered: open gaps with today and target, heaviest first."""
        return cov.open_gaps(self.gap_register())

    @_one_look
    def suggest(self, gap_id: str, benchmark: pd.DataFrame | None = None) -> pd.DataFrame:
        """The catalog by relevance to the gap; what peers chose: :mod:`..analysis.benchmark`."""
        gap_id = schema.normalise_id(gap_id)
        gap, catalog = self._gap(gap_id).to_dict(), self._frame("catalog")
        mapped = self.aspect_map  # kept until gaps, catalog or the aspects' map change
        key = f"ranked {gap_id} {sorted(mapped.items())}"
        ranked = self._cache.get(key)
        if ranked is None:
            ranked = self._cache[key] = rank_services(gap, catalog, mapped)
        asg = self._frame("assignments")
        found = cov.suggest(gap, catalog, asg[asg["gap_id"] == gap_id], ranked)
        return found if benchmark is None else peers(found, benchmark, gap, mapped)

    # -- changes -------------------------------------------------------------------------
    def assign(self, gap_id: str, service_id: str, contribution: str = "full",
               note: str = "") -> None:
        """Record that a service helps close a gap (``full``) or part of it (``partial``).

        A gap handed over outside the PMO takes no services until it is taken back
        (:meth:`take_back`); a gap the PMO closes in part (pmo_role ``partial``) does."""
        gap_id, service_id = schema.normalise_id(gap_id), schema.normalise_id(service_id)
        contribution, note = _rows.contribution(contribution), _rows.text(note)
        with self._look():  # one look at others' changes for the checks (a click's path)
            self._check_assignable(gap_id), self._service(service_id)  # the gap's id first
            before = self._store.row("assignment", (gap_id, service_id))
        if before and (before["contribution"], before["note"]) == (contribution, note):
            return
        after = {"contribution": contribution, "note": note, "updated_at": now()}
        self._change("assign", [Op("assignment", (gap_id, service_id), after)])

    def unassign(self, gap_id: str, service_id: str) -> bool:
        """Remove an assignment; ``False`` when there was none."""
        gap_id, service_id = schema.normalise_id(gap_id), schema.normalise_id(service_id)
        self._gap(gap_id), self._service(service_id)
        if self._store.row("assignment", (gap_id, service_id)) is None:
            return False
        self._change("unassign", [Op("assignment", (gap_id, service_id), None)])
        return True

    def set_weights(self, weights: dict[str, float]) -> None:
        """Change the level weights (L, M, H) used to score gaps."""
        value = json.dumps(_rows.check_weights(weights))
        self._change("set weights", [Op("setting", ("weights",), {"value": value})])

    def set_title(self, title: str) -> None:
        """Name the workshop, e.g. after the customer: one history step."""
        self._change("set title", [Op("setting", ("title",), {"value": str(title)})])

    def import_assignments(self, source: Source) -> int:
        """Add the assignments of a CSV/XLSX/DataFrame in one step: all or nothing.

        Returns the number of assignments written (unchanged rows are skipped).
        """
        rows = _rows.assignment_rows(source, self._frame("gaps")["gap_id"],
                                     self._frame("catalog")["service_id"])
        saved = {(g, s): self._store.row("assignment", (g, s))
                 for g, s in zip(rows["gap_id"], rows["service_id"], strict=True)}
        ops = assignment_ops(rows, saved)
        if ops:
            self._change("import assignments", ops)
        return len(ops)

    def undo(self) -> str | None:
        """Revert the latest change saved in the session (by any handle); its action or None."""
        with self._lock:
            action = self._store.undo()
            self._forget()
        if action is not None:
            self._subscribers.notify(Change("undo", EVERYTHING))
        return action

    # -- exports -------------------------------------------------------------------------
    @_one_look
    def tables(self) -> dict[str, pd.DataFrame]:
        """The record's tables by name, ready to export."""
        return {"gap register": self.gap_register(), "candidate list": self.candidate_list(),
                "coverage": self.coverage(), "coverage matrix": self.coverage_matrix(),
                "handed over": self.handed_over(), "gaps": self.gaps, "catalog": self.catalog,
                "assignments": self.assignments, **self.vote_tables(), **self.progress_tables(),
                "history": self.history}

    def export_xlsx(self, path: str | os.PathLike) -> Path:
        """One workbook, a sheet per table; customer text is never a formula."""
        return export.write_xlsx(self.tables(), Path(path))

    def export_csv(self, folder: str | os.PathLike) -> list[Path]:
        """One CSV per table; text that a spreadsheet would run is defused (OWASP)."""
        return export.write_csvs(self.tables(), Path(folder))

    # -- internals -----------------------------------------------------------------------
    def _change(self, action: str, ops: list[Op] | Callable[[Store], list[Op]]) -> list[Op]:
        """Save one step (``ops``, or a function of the store that makes them inside the
        transaction: see :meth:`Store.change`); tell the subscribers. Returns the ops."""
        with self._lock:
            made = self._store.change(action, ops)
            tables = frozenset(_NAMES[op.table] for op in made)
            self._forget(tables)
        if made:
            self._subscribers.notify(Change(action, tables))
        return made

    def _position(self, name: str, key: str, value: str) -> tuple[pd.DataFrame, int | None]:
        """A cached table and the row of ``value`` in it (through a cached id -> row dict),
        read in one look so that the row belongs to that very frame."""
        with self._look():
            frame = self._frame(name)
            index = self._index.get(name)
            if index is None:
                index = self._index[name] = {v: i for i, v in enumerate(frame[key].tolist())}
            return frame, index.get(value)

    def _gap(self, gap_id: str, row: bool = True) -> pd.Series | None:
        frame, at = self._position("gaps", "gap_id", gap_id)
        if at is None:
            raise UnknownGapError(gap_id, frame["gap_id"])
        return frame.iloc[at] if row else None  # a row costs 0.1 ms: only when wanted

    def _gap_row(self, gap_id: str) -> dict:
        self._gap(gap_id, row=False)
        return self._store.row("gap", (gap_id,))

    def _service(self, service_id: str) -> str:
        frame, row = self._position("catalog", "service_id", service_id)
        if row is None:
            raise UnknownServiceError(service_id, frame["service_id"])
        return service_id

"""Progress over time: the next assessment of the same gaps, against its baseline.

:meth:`FollowUp.follow_up` starts a new session from a finished one (the *baseline*, read
through a read-only connection and never written): the same gaps (at the size they had
when the baseline ended; gaps closed then are done and left out), catalog, weights and
title, and a snapshot of the baseline in the new session's settings: each gap's size and
priority then, the services committed to each (the baseline's assignments), and the value
per aspect at every assessment before (so a chain of follow-ups shows its whole path).

In the follow-up the room reassesses each gap (:meth:`FollowUp.reassess`: L, M, H or
``closed``; a gap not reassessed is unchanged) and says what became of each committed
service (:meth:`FollowUp.set_delivery`); both are undoable steps in the history. The
analysis is pure pandas in :mod:`pmo_nb.analysis.progress`.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from typing import TYPE_CHECKING, NamedTuple

import pandas as pd

from ..analysis import progress as prog
from ..errors import DataError, Problem, SessionError, UsageError
from ..inputs import schema
from ..inputs.io import Source, read_cells
from ..store import Op, now, open_session, target
from . import _next_wave as wave
from . import _rows
from ._profile import carried_settings
from .opening import ASSESSED_ON, create_new, shown

if TYPE_CHECKING:  # what this part uses of the Workshop: declared in .parts
    from .parts import WorkshopCore as _Workshop
else:
    _Workshop = object

BASELINE = "baseline"  # the settings key of a follow-up's snapshot of its baseline
_UNREAD = object()


class Baseline(NamedTuple):
    """What a follow-up assessment follows: its label (title or session), the date of its
    last change, the session it was read from, and its place in the chain (1 = first)."""

    label: str
    date: str
    session: str
    assessment: int


class FollowUp(_Workshop):
    """Follow-up methods of :class:`~pmo_nb.Workshop` (see :mod:`pmo_nb.session._follow_up`)."""

    @classmethod
    def follow_up(cls, baseline: str | os.PathLike, session_path: str | os.PathLike,
                  title: str | None = None, *, user: str | None = None):
        """Start the next assessment of ``baseline`` (a session file or PostgreSQL URL) in a
        new session at ``session_path``; the baseline is only read.

        Examples
        --------
        >>> import pmo_nb, tempfile
        >>> from pathlib import Path
        >>> later = Path(tempfile.mkdtemp()) / "q2.sqlite"
        >>> ws2 = pmo_nb.Workshop.follow_up(ws.path, later)
        >>> ws2.reassess("G-0", "closed"), ws2.set_delivery("S-C", "delivered")
        (True, True)
        >>> ws2.baseline.assessment
        1
        >>> ws2.progress()[["gap_id", "size_before", "size_after", "services",
        ...                 "delivered"]].values.tolist()[0]
        ['G-0', 'H', 'closed', 2, 1]
        """
        base_where, where = target(baseline), target(session_path)
        if str(base_where) == str(where):
            raise SessionError(f"A follow-up is a new session: give another path than its "
                               f"baseline '{shown(base_where)}'.")
        existing = open_session(where, user, read_only=True)
        if existing is not None:
            existing.close()
            raise SessionError(f"'{shown(where)}' exists already; a follow-up starts a new "
                               "session, so choose a path where there is none yet (nothing "
                               "was written).")
        store = open_session(base_where, user, read_only=True)
        if store is None:
            raise SessionError(f"The baseline '{shown(base_where)}' does not exist; give the "
                               "session of the earlier assessment (nothing was written).")
        with cls(store) as base:
            gaps, catalog, snapshot = _snapshot(base)
            done = (base._saved("deliveries") if base.baseline is not None else  # else none:
                    pd.DataFrame(columns=["service_id", "status", "at"]))  # maybe no table
            rows = wave.carried_rows(base.assignments, done, gaps["gap_id"])
            weights, title = base.weights, title or base.title
            carried = carried_settings(base._store)  # the same organisation's profile
            # the customer's language and aspects go on: the same room, the same words
            carried |= {"language": base.language, "aspect_map": json.dumps(base.aspect_map)}
        created = create_new(where, gaps, catalog, weights=weights, user=user, title=title,
                             meta={BASELINE: json.dumps(snapshot), **carried}, rows=rows)
        return cls(created)

    # -- reading ---------------------------------------------------------------------------
    @property
    def baseline(self) -> Baseline | None:
        """What this assessment follows, or ``None`` for a first assessment."""
        snap = self._snapshot()
        if snap is None:
            return None
        return Baseline(snap["label"], snap["date"], snap["session"], len(snap["chain"]))

    @property
    def assessment_date(self) -> str:
        """The day this assessment is dated (ISO ``YYYY-MM-DD``): the one given to
        :meth:`set_assessment_date`, else the day of the latest change, else today."""
        fixed = self._store.meta(ASSESSED_ON)
        if fixed:
            return fixed
        history = self.history
        return str(history["at"].max())[:10] if len(history) else now()[:10]

    @property
    def last_wave(self) -> pd.DataFrame:
        """The services committed at the baseline (carried into this assessment's
        assignments) and where each stands: service_id, name, status, gap_ids. Empty for
        a first assessment. Plans read it: a delivered service is already bought."""
        snap = self._snapshot()
        committed = snap["frames"][1] if snap else _committed({"committed": []})
        return wave.last_wave(committed, self._saved("deliveries"), self._frame("catalog"))

    def progress(self) -> pd.DataFrame:
        """One row per gap: gap_id, aspect, priority, size_before, size_after, reassessed,
        value_before, value_after (0 when closed), change, services (committed at the
        baseline), delivered (how many of them), service_ids."""
        before, committed = self._follow_up_snapshot("progress")["frames"]
        return prog.progress_table(before, self._frame("gaps"), self._saved("reassessments"),
                                   committed, self._saved("deliveries"), self.weights)

    def progress_by_aspect(self) -> pd.DataFrame:
        """Per aspect: gaps, value_before, value_after, change, change_pct and how many gaps
        closed, shrank, stayed, grew or are new."""
        return prog.by_aspect(self.progress())

    def progress_services(self) -> pd.DataFrame:
        """Each service committed at the baseline (or given a status since): name, status,
        the gaps it was committed to and how many of them shrank or closed."""
        committed = self._follow_up_snapshot("progress_services")["frames"][1]
        done = self._saved("deliveries")
        extra = done.loc[~done["service_id"].isin(committed["service_id"]), ["service_id"]]
        return prog.services_table(committed, done, self._frame("catalog"), self.progress(),
                                   extra)

    def progress_summary(self) -> dict[str, float | int]:
        """The headline numbers: value before and after, reduced_pct, gaps closed, shrunk,
        unchanged, grown and new, services committed and by status."""
        return prog.summary(self.progress(), self.progress_services())

    def progress_headline(self) -> pd.DataFrame:
        """The summary as three lines: value left before -> after, gaps by change,
        services delivered of those committed."""
        return prog.headline(self.progress_summary())

    def progress_findings(self) -> dict[str, pd.DataFrame]:
        """The two findings: gaps that shrank with no service delivered, and services
        delivered whose gaps did not shrink."""
        return {"shrank without a delivered service": prog.shrank_without_delivery(
                    self.progress()),
                "delivered without a smaller gap": prog.delivered_without_effect(
                    self.progress_services())}

    def progress_chain(self) -> pd.DataFrame:
        """The value per aspect at every assessment of the chain, this one last (as
        reassessed so far): assessment, label, date, aspect, value."""
        snap = self._follow_up_snapshot("progress_chain")
        values = self.progress_by_aspect().set_index("aspect")["value_after"].to_dict()
        label = self.title or _name(self.label)
        return prog.chain([*snap["chain"], {"label": label, "date": self.assessment_date,
                                            "values": values}])

    def progress_tables(self) -> dict[str, pd.DataFrame]:
        """The follow-up's tables for the record (none for a first assessment)."""
        if self._snapshot() is None:
            return {}
        return {"progress": self.progress(), "progress by aspect": self.progress_by_aspect(),
                "deliveries": self.progress_services(), "progress chain": self.progress_chain()}

    # -- changing --------------------------------------------------------------------------
    def set_assessment_date(self, day: str | dt.date) -> None:
        """Date this assessment (the day of the workshop, as its record and a later
        follow-up show it): an ISO date or a :class:`datetime.date`. One undoable step.

        >>> import pmo_nb, tempfile
        >>> ws = pmo_nb.open_workshop(tempfile.mkdtemp() + "/q1.sqlite", sample=True)
        >>> ws.set_assessment_date("2026-03-02"); ws.assessment_date
        '2026-03-02'
        """
        try:
            text = day.isoformat()[:10] if isinstance(day, dt.date) else str(day).strip()
            iso = dt.date.fromisoformat(text)
        except ValueError:
            raise DataError(f"workshop '{self._store.label}'", [Problem(None, "date", (
                f"'{day}' is not a date; allowed: a day as YYYY-MM-DD, e.g. 2026-03-02."))]
            ) from None
        self._change("set assessment date",
                     [Op("setting", (ASSESSED_ON,), {"value": iso.isoformat()})])

    def reassess(self, gap_id: str, size: str, note: str = "") -> bool:
        """The room's size for the gap now: ``L``, ``M``, ``H`` or ``closed`` (``note``: what
        the room saw). One undoable step; ``False`` when nothing changed."""
        self._follow_up_snapshot("reassess")
        gap_id = schema.normalise_id(gap_id)
        self._gap_row(gap_id)
        found = schema.size_after(size)
        if found is None:
            raise DataError(f"gap '{gap_id}'", [Problem(None, "size", (
                f"'{size}' is not allowed; allowed: {schema.SIZE_AFTER_ALLOWED}."))])
        after = {"size": found, "note": _rows.text(note)}
        before = self._store.row("reassessment", (gap_id,))
        if before is not None and {k: before[k] for k in after} == after:
            return False
        self._change("reassess", [Op("reassessment", (gap_id,), {**after, "at": now()})])
        return True

    def set_delivery(self, service_id: str, status: str) -> bool:
        """What became of a service since the baseline: ``delivered``, ``in progress``,
        ``not started`` or ``dropped`` (its carried assignments go with it, see
        :mod:`._next_wave`). One undoable step; ``False`` when unchanged."""
        committed = self._follow_up_snapshot("set_delivery")["frames"][1]
        service_id = self._service(schema.normalise_id(service_id))
        found = " ".join(str(status).casefold().split())
        if found not in schema.DELIVERY:
            raise DataError(f"service '{service_id}'", [Problem(None, "status", (
                f"'{status}' is not allowed; allowed: {', '.join(schema.DELIVERY)}."))])
        before = self._store.row("delivery", (service_id,))
        if before is not None and before["status"] == found:
            return False
        stamp, was = now(), before["status"] if before else wave.NOT_STARTED
        self._change("set delivery", [
            Op("delivery", (service_id,), {"status": found, "at": stamp}),
            *wave.delivery_ops(committed, self._frame("assignments"), service_id, found, was,
                               stamp)])
        return True

    def import_reassessment(self, source: Source) -> int:
        """Reassess gaps from a spreadsheet (gap_id, size): all rows or none, one step.
        Returns how many gaps changed."""
        self._follow_up_snapshot("import_reassessment")
        rows = _checked(source, schema.REASSESSMENT, "gap_id", self._frame("gaps")["gap_id"])
        saved = {r.gap_id: (r.size, r.note) for r in self._saved("reassessments").itertuples()}
        stamp = now()
        ops = [Op("reassessment", (g,), {"size": s, "note": n, "at": stamp})
               for g, s, n in zip(rows["gap_id"], rows["size"], rows["note"], strict=True)
               if saved.get(g) != (s, n)]
        if ops:
            self._change("import reassessment", ops)
        return len(ops)

    def import_deliveries(self, source: Source) -> int:
        """Set services' delivery from a spreadsheet (service_id, status): all rows or none,
        one step. Returns how many services changed."""
        committed = self._follow_up_snapshot("import_deliveries")["frames"][1]
        rows = _checked(source, schema.DELIVERIES, "service_id",
                        self._frame("catalog")["service_id"])
        saved = self._saved("deliveries").set_index("service_id")["status"].to_dict()
        stamp, asg = now(), self._frame("assignments")
        changed = [(s, st) for s, st in zip(rows["service_id"], rows["status"], strict=True)
                   if saved.get(s) != st]
        ops = [op for s, st in changed for op in [
            Op("delivery", (s,), {"status": st, "at": stamp}),
            *wave.delivery_ops(committed, asg, s, st, saved.get(s, wave.NOT_STARTED), stamp)]]
        if ops:
            self._change("import deliveries", ops)
        return len(changed)

    # -- internals -------------------------------------------------------------------------
    _snap: dict | None | object = _UNREAD  # the baseline's snapshot, read once per handle

    def _snapshot(self) -> dict | None:
        """The baseline's snapshot (written once, when the follow-up was made: it never
        changes, so a handle parses it once)."""
        if self._snap is _UNREAD:
            text = self._store.meta(BASELINE)
            snap = json.loads(text) if text else None
            if snap is not None:
                snap["frames"] = (pd.DataFrame(snap["gaps"]), _committed(snap))
            self._snap = snap
        return self._snap

    def _follow_up_snapshot(self, method: str) -> dict:
        snap = self._snapshot()
        if snap is None:
            raise UsageError(
                f"{method}: '{self._store.label}' is a first assessment, with no baseline to "
                "compare with. Start the next assessment from it: ws2 = "
                "pmo_nb.Workshop.follow_up(ws.path, 'NEXT.sqlite') (or pmo-nb new FOLDER "
                "--follow-up SESSION).")
        return snap

    def _saved(self, table: str) -> pd.DataFrame:
        """The follow-up's reassessments or deliveries as saved."""
        return self._store.read(table)


def _name(label: str) -> str:
    """A session without a title, as a person names it: ``acme-q1`` for ``acme-q1.sqlite``.

    >>> _name("acme-q1.sqlite"), _name("postgresql://pmo@db:5432/pmo?workshop=acme-q1")
    ('acme-q1', 'acme-q1')
    """
    if "workshop=" in label:
        return label.split("workshop=", 1)[1].split("&", 1)[0]
    return label[: -len(".sqlite")] if label.endswith(".sqlite") else label


def _committed(snap: dict) -> pd.DataFrame:
    return pd.DataFrame(snap["committed"], columns=["gap_id", "service_id", "contribution"])


def _snapshot(base) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """The new assessment's gaps and catalog, and its snapshot of ``base``."""
    gaps = base.gaps.drop(columns=["handover_note"])
    earlier = base._snapshot()
    if earlier is not None:  # a chain: this baseline ends at the sizes it reassessed
        ended = base.progress().set_index("gap_id")["size_after"]
        gaps["size"] = gaps["gap_id"].map(ended).fillna(gaps["size"])
    values = pd.Series(prog.value(gaps["size"], gaps["priority"], base.weights),
                       index=gaps.index).groupby(gaps["aspect"], sort=False).sum()
    label = base.title or _name(base.label)
    date = base.assessment_date
    kept = gaps[gaps["size"] != schema.CLOSED]
    if kept.empty:
        raise SessionError(f"Every gap of '{base.label}' is closed: there is nothing left for "
                           "a follow-up to reassess (nothing was written).")
    asg = base.assignments
    snapshot = {
        "label": label, "date": date, "session": shown(target(base.path)),
        "gaps": kept[["gap_id", "aspect", "priority", "size"]].to_dict("records"),
        "committed": asg[asg["gap_id"].isin(kept["gap_id"])][
            ["gap_id", "service_id", "contribution"]].to_dict("records"),
        "chain": [*(earlier["chain"] if earlier else []),
                  {"label": label, "date": date, "values": values.to_dict()}],
    }
    catalog = base.catalog.drop(columns=["origin"])
    return kept.reset_index(drop=True), catalog, snapshot


def _checked(source: Source, columns: tuple, key: str, known: pd.Series) -> pd.DataFrame:
    """A reassessment or deliveries table, validated: format, unknown and repeated ids
    reported together with their rows; nothing is written before."""
    raw, label = read_cells(source)
    problems = _rows.unknown_ids(raw, key, known)
    try:
        rows = schema.validate(raw, columns, label, allow_empty=True)
    except DataError as exc:
        problems = sorted([*exc.problems, *problems], key=lambda p: p.row or 0)
    if problems:
        raise DataError(label, problems)
    return rows

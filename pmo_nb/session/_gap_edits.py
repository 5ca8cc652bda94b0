"""Gaps change in the room: a gap resized, reprioritised or reworded, a new gap found, a gap
handed over (or taken back), a service added to the catalog or changed.

:class:`GapEdits` is part of :class:`~pmo_nb.Workshop` (a mixin, kept apart so that the
facade stays readable). Each edit is checked with the gaps file's own rules and
messages, written as one undoable step, and told to every subscriber. The session's
snapshot of the gaps file (``gaps_source``) is left as it was: reopening the session
with the file it was created from stays allowed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..errors import DataError, Problem, UsageError
from ..inputs import schema
from ..store import Op
from . import _rows

if TYPE_CHECKING:  # what this part uses of the Workshop: declared in .parts
    from .parts import WorkshopCore as _Workshop
else:
    _Workshop = object

EDITABLE = ("aspect", "current_state", "future_state", "description", "size", "priority",
            "pmo_role", "other_owner")
OPTIONAL = ("description", "pmo_role", "other_owner")


class GapEdits(_Workshop):
    """``update_gap``, ``add_gap``, ``hand_over``, ``take_back``, ``add_service`` and
    ``update_service`` of the :class:`~pmo_nb.Workshop`."""

    def update_gap(self, gap_id: str, /, **fields: object) -> bool:
        """Change fields of a gap: size, priority, aspect, current_state, future_state,
        description, pmo_role, other_owner. One undoable step; ``False`` if nothing changed.

        Examples
        --------
        >>> ws.update_gap("G-1", size="high", priority="L")
        True
        >>> ws.gaps.set_index("gap_id").loc["G-1", ["size", "priority"]].tolist()
        ['H', 'L']
        >>> ws.update_gap("G-1", size="XL")
        Traceback (most recent call last):
        ...
        pmo_nb.errors.DataError: gap 'G-1': column 'size': 'XL' is not allowed; allowed: L, M, H (or Low, Medium, Med, High).
        """  # noqa: E501
        _check_fields("update_gap", fields, EDITABLE)
        current = self._gap_row(gap_id)
        merged = {**current, **fields, "gap_id": gap_id}
        row = _rows.valid_gap(merged, f"gap '{gap_id}'")
        after = {**current, **{c: row[c] for c in EDITABLE}}
        if after == current:
            return False
        self._change("update gap", [Op("gap", (gap_id,), after)])
        return True

    def add_gap(self, gap_id: str, aspect: str, current_state: str, future_state: str,
                size: str, priority: str, **optional: object) -> None:
        """Add a gap found in the discussion (``optional``: description, pmo_role,
        other_owner). Checked like a row of the gaps file; one undoable step.

        Examples
        --------
        >>> ws.add_gap("G-4", "Benefits", "Nobody tracks benefits.",
        ...            "Each project reports its benefits for a year.", "M", "H")
        >>> ws.gaps["gap_id"].iloc[-1], ws.coverage()["status"].iloc[-1]
        ('G-4', 'open')
        """
        _check_fields("add_gap", optional, OPTIONAL)
        gid = _rows.as_cell(gap_id)
        taken = {g.casefold(): g for g in self._frame("gaps")["gap_id"]}
        if gid.casefold() in taken:
            message = (f"'{gid}' is taken by '{taken[gid.casefold()]}'; choose another id, "
                       "or change that gap with update_gap.")
            raise DataError("new gap", [Problem(None, "gap_id", message)])
        fields = dict(gap_id=gid, aspect=aspect, current_state=current_state,
                      future_state=future_state, size=size, priority=priority, **optional)
        row = _rows.valid_gap(fields, "new gap")
        del row["gap_id"]
        row.update(pos=self._next_gap_pos(), handover_note="", extra="{}")
        self._change("add gap", [Op("gap", (gid,), row)])

    def _next_gap_pos(self) -> int:
        return len(self._frame("gaps"))  # positions run 0..n-1: only an undone add removes

    def _check_assignable(self, gap_id: str) -> None:
        """A handed-over gap takes no services: say who owns it and how to take it back."""
        row = self._gap_row(gap_id)
        if row["pmo_role"] == "none":
            raise UsageError(_rows.handed_over_message(gap_id, row["other_owner"]))


    def hand_over(self, gap_id: str, owner: str, note: str = "") -> None:
        """The gap is outside the PMO: ``owner`` (another part of the organisation) must act."""
        gap_id = schema.normalise_id(gap_id)
        owner = _rows.text(owner).strip()
        if not owner:
            raise UsageError(
                f"hand_over('{gap_id}'): name the owner who must act, e.g. "
                "'Finance & Procurement'; got a blank owner."
            )
        after = {**self._gap_row(gap_id), "pmo_role": "none", "other_owner": owner,
                 "handover_note": _rows.text(note)}
        self._change("hand over", [Op("gap", (gap_id,), after)])

    def take_back(self, gap_id: str) -> None:
        """Undo a hand-over decision later on: the gap gets back its role from the gaps file
        (``close`` if the file itself said ``none``) and its owner from the file."""
        gap_id = schema.normalise_id(gap_id)
        row = self._gap_row(gap_id)
        if row["pmo_role"] != "none":
            return
        source = _rows.saved_frame(self._store.meta("gaps_source")).set_index("gap_id")
        role, owner = (source.at[gap_id, "pmo_role"], source.at[gap_id, "other_owner"]) \
            if gap_id in source.index else ("close", "")  # a gap added in the workshop
        role = "close" if role == "none" else role
        after = {**row, "pmo_role": role, "other_owner": owner if role != "close" else "",
                 "handover_note": ""}
        self._change("take back", [Op("gap", (gap_id,), after)])

    def add_service(
        self,
        service_id: str,
        name: str,
        category: str,
        tier: str,
        aspects: str | Iterable[str],
        description: str,
        cost: float,
        lead_time_months: float | None = None,
    ) -> None:
        """Add a service to the session's catalog (validated like the catalog file)."""
        sid = schema.normalise_id(service_id)
        taken = {s.casefold(): s for s in self._frame("catalog")["service_id"]}
        if sid.casefold() in taken:
            message = (f"'{sid}' is taken by '{taken[sid.casefold()]}'; choose another id "
                       "or change that service with update_service.")
            raise DataError("new service", [Problem(None, "service_id", message)])
        fields = dict(service_id=sid, name=name, category=category, tier=tier, aspects=aspects,
                      description=description, cost=cost, lead_time_months=lead_time_months)
        row = _rows.valid_service(fields, "new service")
        row.update(pos=int(self._frame("catalog").shape[0]), origin="workshop", extra="{}")
        self._change("add service", [Op("service", (sid,), row)])

    def update_service(self, service_id: str, **fields: object) -> None:
        """Change fields of a service (name, category, tier, aspects, description, cost, ...)."""
        service_id = schema.normalise_id(service_id)
        current = self._store.row("service", (self._service(service_id),))
        unknown = sorted(set(fields) - set(_rows.SERVICE_COLUMNS[1:]))
        if unknown:
            raise UsageError(f"update_service: unknown field(s) {', '.join(unknown)}; allowed: "
                             f"{', '.join(_rows.SERVICE_COLUMNS[1:])}.")
        merged = {**current, **fields, "service_id": service_id}
        row = _rows.valid_service(merged, f"service '{service_id}'")
        self._change("update service", [Op("service", (service_id,), {**current, **row})])


def _check_fields(name: str, fields: dict, allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        raise UsageError(f"{name}: unknown field(s) {', '.join(unknown)}; allowed: "
                         f"{', '.join(allowed)}.")

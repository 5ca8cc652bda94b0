"""The Workshop: the session a facilitator holds, and the tables the planning step produces.

Every method that changes something writes one transaction to the session file
before it returns (see :mod:`pmo_nb.store`); every table is read through a cache
that is dropped as soon as this or another handle changes the file.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from . import _rows, export, schema
from . import coverage as cov
from .errors import DataError, Problem, SessionError, UnknownGapError, UnknownServiceError
from .io import Source, load_catalog, load_gaps, read_cells
from .store import Op, Store, now

_TABLE_OF = {"gap": "gaps", "service": "services", "assignment": "assignments", "setting": "meta"}


class Workshop:
    """A PMO Planning workshop kept in one SQLite file.

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
        self._cache: dict[str, pd.DataFrame] = {}
        self._seen: tuple[int, int] | None = None

    # -- opening -------------------------------------------------------------------------
    @classmethod
    def open(
        cls,
        session_path: str | os.PathLike,
        gaps: Source | None = None,
        catalog: Source | None = None,
        *,
        assignments: Source | None = None,
        weights: dict[str, float] | None = None,
        user: str | None = None,
    ) -> Workshop:
        """Create the session file (``gaps`` and ``catalog`` required) or reopen it as saved.

        ``assignments`` (optional) seeds a new session, e.g. with the sample workshop's
        decisions; it is ignored when the session already exists, so re-running a
        notebook never resets a live session.
        """
        path = Path(session_path)
        if path.exists():
            ws = cls(Store.open(path, user))
            try:
                ws._check_same_inputs(gaps, catalog)
            except BaseException:
                ws.close()  # no handle left open on a refused reopen
                raise
            return ws
        if gaps is None or catalog is None:
            raise SessionError(
                f"'{path}' does not exist yet; to start a new session give both "
                "gaps= and catalog= (a path or a DataFrame)."
            )
        gap_frame, cat_frame = load_gaps(gaps), load_catalog(catalog)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise SessionError(f"Could not create the folder of the session '{path}' ({exc}).")
        meta = {
            "weights": json.dumps(_rows.check_weights(weights)),
            "gaps_source": _rows.canonical(gap_frame),
            "catalog_source": _rows.canonical(cat_frame),
        }
        tables = {
            "gaps": _rows.gap_rows(gap_frame),
            "services": _rows.service_rows(cat_frame, "catalog"),
        }
        ws = cls(Store.create(path, tables, meta, user))
        if assignments is not None:
            try:
                ws.import_assignments(assignments)
            except BaseException:
                ws.close()
                path.unlink()  # a new session whose seed failed is not left half-made
                raise
        return ws

    def close(self) -> None:
        """Close the session file (every change is already saved)."""
        self._store.close()

    def __enter__(self) -> Workshop:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Workshop('{self._store.path.name}', {len(self._frame('gaps'))} gaps)"

    @property
    def path(self) -> Path:
        return self._store.path

    def _check_same_inputs(self, gaps: Source | None, catalog: Source | None) -> None:
        for name, source, loader, key in (
            ("gaps", gaps, load_gaps, "gap_id"),
            ("catalog", catalog, load_catalog, "service_id"),
        ):
            if source is None:
                continue
            saved, given = self._store.meta(f"{name}_source"), loader(source)
            if _rows.canonical(given) != saved:
                changes = _rows.diff(_rows.saved_frame(saved), given, key)
                raise SessionError(
                    f"'{self.path.name}' was created from other {name} ({changes}). The saved "
                    f"session is the record: reopen it without {name}=, start a new session "
                    "file for the new data, or add services through the session."
                )

    # -- tables --------------------------------------------------------------------------
    def data_version(self) -> tuple[int, int]:
        """Changes whenever this handle or another one changes the session file."""
        return self._store.version()

    def _frame(self, name: str) -> pd.DataFrame:
        version = self._store.version()
        if version[0] != (self._seen or (None,))[0]:
            self._cache.clear()  # another handle wrote: nothing cached is trusted
        self._seen = version
        if name not in self._cache:
            self._cache[name] = self._load(name)
        return self._cache[name]

    def _load(self, name: str) -> pd.DataFrame:
        if name == "gaps":
            return _rows.expand(
                self._store.read("gaps", "pos"), _rows.GAP_COLUMNS + ["handover_note"]
            )
        if name == "catalog":
            return _rows.expand(
                self._store.read("services", "pos"), _rows.SERVICE_COLUMNS + ["origin"]
            )
        if name == "assignments":
            return self._store.read("assignments")
        if name == "coverage":
            return cov.gap_coverage(
                self._frame("gaps"),
                self._frame("catalog"),
                self._frame("assignments"),
                self.weights,
            )
        raise KeyError(name)

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
        return _rows.history(self._store.read("history", "seq"))

    @property
    def weights(self) -> dict[str, float]:
        """Weight of each level; a gap weighs weight[size] x weight[priority]."""
        return json.loads(self._store.meta("weights"))

    # -- analyses ------------------------------------------------------------------------
    def coverage(self) -> pd.DataFrame:
        """One row per gap: weight, status, best contribution, services."""
        return self._frame("coverage").copy()

    def coverage_matrix(self) -> pd.DataFrame:
        """Priority (H, M, L) x size (L, M, H): gap counts per status and covered share."""
        return cov.coverage_matrix(self._frame("coverage"))

    def candidate_list(self) -> pd.DataFrame:
        """Product / Service | Gap Size | Addresses Aspect, heaviest gaps first."""
        return cov.candidate_list(
            self._frame("coverage"), self._frame("catalog"), self._frame("assignments")
        )

    def handed_over(self) -> pd.DataFrame:
        """Gaps outside the PMO (wholly or the rest of them): owner and note."""
        return cov.handed_over(self._frame("gaps"))

    def gap_register(self) -> pd.DataFrame:
        """Every gap with current and future state, description, status and services."""
        return cov.gap_register(self._frame("gaps"), self._frame("coverage"))

    def suggest(self, gap_id: str) -> pd.DataFrame:
        """The catalog, services addressing the gap's aspect first; marks what is assigned."""
        gap_id = schema.normalise_id(gap_id)
        gap = self._gap(gap_id)
        asg = self._frame("assignments")
        return cov.suggest(gap["aspect"], self._frame("catalog"), asg[asg["gap_id"] == gap_id])

    # -- changes -------------------------------------------------------------------------
    def assign(
        self, gap_id: str, service_id: str, contribution: str = "full", note: str = ""
    ) -> None:
        """Record that a service helps close a gap (``full``) or part of it (``partial``)."""
        gap_id, service_id = schema.normalise_id(gap_id), schema.normalise_id(service_id)
        contribution, note = _rows.contribution(contribution), _rows.text(note)
        self._gap(gap_id), self._service(service_id)
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

    def hand_over(self, gap_id: str, owner: str, note: str = "") -> None:
        """The gap is outside the PMO: ``owner`` (another part of the organisation) must act."""
        gap_id = schema.normalise_id(gap_id)
        owner = _rows.text(owner).strip()
        if not owner:
            raise ValueError(
                f"hand_over('{gap_id}'): name the owner who must act, e.g. "
                "'Finance & Procurement'; got a blank owner."
            )
        row = self._gap_row(gap_id)
        after = {
            **row,
            "pmo_role": "none",
            "other_owner": owner,
            "handover_note": _rows.text(note),
        }
        self._change("hand over", [Op("gap", (gap_id,), after)])

    def take_back(self, gap_id: str) -> None:
        """Undo a hand-over decision later on: the gap gets back its role from the gaps file
        (``close`` if the file itself said ``none``) and its owner from the file."""
        gap_id = schema.normalise_id(gap_id)
        row = self._gap_row(gap_id)
        if row["pmo_role"] != "none":
            return
        source = _rows.saved_frame(self._store.meta("gaps_source")).set_index("gap_id")
        role, owner = source.at[gap_id, "pmo_role"], source.at[gap_id, "other_owner"]
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
        sid = str(service_id).strip()
        taken = {s.casefold(): s for s in self._frame("catalog")["service_id"]}
        if sid.casefold() in taken:
            message = (
                f"'{sid}' is taken by '{taken[sid.casefold()]}'; choose another id "
                "or change that service with update_service."
            )
            raise DataError("new service", [Problem(None, "service_id", message)])
        fields = dict(
            service_id=sid,
            name=name,
            category=category,
            tier=tier,
            aspects=aspects,
            description=description,
            cost=cost,
            lead_time_months=lead_time_months,
        )
        row = _rows.valid_service(fields, "new service")
        row.update(pos=int(self._frame("catalog").shape[0]), origin="workshop", extra="{}")
        self._change("add service", [Op("service", (sid,), row)])

    def update_service(self, service_id: str, **fields: object) -> None:
        """Change fields of a service (name, category, tier, aspects, description, cost, ...)."""
        service_id = schema.normalise_id(service_id)
        current = self._store.row("service", (self._service(service_id),))
        unknown = sorted(set(fields) - set(_rows.SERVICE_COLUMNS[1:]))
        if unknown:
            raise ValueError(
                f"update_service: unknown field(s) {', '.join(unknown)}; allowed: "
                f"{', '.join(_rows.SERVICE_COLUMNS[1:])}."
            )
        merged = {**current, **fields, "service_id": service_id}
        row = _rows.valid_service(merged, f"service '{service_id}'")
        self._change("update service", [Op("service", (service_id,), {**current, **row})])

    def set_weights(self, weights: dict[str, float]) -> None:
        """Change the level weights (L, M, H) used to score gaps."""
        value = json.dumps(_rows.check_weights(weights))
        self._change("set weights", [Op("setting", ("weights",), {"value": value})])

    def import_assignments(self, source: Source) -> int:
        """Add the assignments of a CSV/XLSX/DataFrame in one step: all or nothing.

        Returns the number of assignments written (unchanged rows are skipped).
        """
        raw, label = read_cells(source)
        problems = self._import_problems(raw)
        try:
            rows = schema.validate(raw, schema.ASSIGNMENTS, label, allow_empty=True)
        except DataError as exc:  # report the format and the id problems together
            problems = sorted([*exc.problems, *problems], key=lambda p: p.row or 0)
        if problems:
            raise DataError(label, problems)
        stamp = now()
        ops = [
            Op(
                "assignment",
                (r.gap_id, r.service_id),
                {"contribution": r.contribution, "note": r.note, "updated_at": stamp},
            )
            for r in rows.itertuples()
            if _rows.changes(self._store.row("assignment", (r.gap_id, r.service_id)), r)
        ]
        if ops:
            self._change("import assignments", ops)
        return len(ops)

    def undo(self) -> str | None:
        """Revert the latest change saved in the session (by any handle); its action or None."""
        action = self._store.undo()
        self._cache.clear()
        return action

    # -- exports -------------------------------------------------------------------------
    def tables(self) -> dict[str, pd.DataFrame]:
        """The record's tables by name, ready to export."""
        return {
            "gap register": self.gap_register(),
            "candidate list": self.candidate_list(),
            "coverage": self.coverage(),
            "coverage matrix": self.coverage_matrix(),
            "handed over": self.handed_over(),
            "gaps": self.gaps,
            "catalog": self.catalog,
            "assignments": self.assignments,
            "history": self.history,
        }

    def export_xlsx(self, path: str | os.PathLike) -> Path:
        """One workbook, a sheet per table; customer text is never a formula."""
        return export.write_xlsx(self.tables(), Path(path))

    def export_csv(self, folder: str | os.PathLike) -> list[Path]:
        """One CSV per table; text that a spreadsheet would run is defused (OWASP)."""
        return export.write_csvs(self.tables(), Path(folder))

    # -- internals -----------------------------------------------------------------------
    def _change(self, action: str, ops: list[Op]) -> None:
        self._store.change(action, ops)
        for table in {_TABLE_OF[op.entity] for op in ops}:
            name = {"services": "catalog"}.get(table, table)
            self._cache.pop(name, None)
            self._cache.pop(f"{name}:index", None)
        self._cache.pop("coverage", None)

    def _position(self, name: str, key: str, value: str) -> int | None:
        """Row of ``value`` in a cached table, through a cached id -> row dict."""
        frame = self._frame(name)  # first: it drops the cache if another handle wrote
        if f"{name}:index" not in self._cache:
            self._cache[f"{name}:index"] = {v: i for i, v in enumerate(frame[key].tolist())}
        return self._cache[f"{name}:index"].get(value)

    def _gap(self, gap_id: str) -> pd.Series:
        row = self._position("gaps", "gap_id", gap_id)
        if row is None:
            raise UnknownGapError(gap_id, self._frame("gaps")["gap_id"])
        return self._frame("gaps").iloc[row]

    def _gap_row(self, gap_id: str) -> dict:
        self._gap(gap_id)
        return self._store.row("gap", (gap_id,))

    def _service(self, service_id: str) -> str:
        if self._position("catalog", "service_id", service_id) is None:
            raise UnknownServiceError(service_id, self._frame("catalog")["service_id"])
        return service_id

    def _import_problems(self, raw: pd.DataFrame) -> list[Problem]:
        if not {"gap_id", "service_id"} <= set(raw.columns):
            return []  # the schema reports the missing columns
        known = {
            "gap_id": (set(self._frame("gaps")["gap_id"]), UnknownGapError),
            "service_id": (set(self._frame("catalog")["service_id"]), UnknownServiceError),
        }
        problems, seen = [], {}
        for rec in raw.to_dict("records"):
            rec |= {c: schema.normalise_id(rec[c]) for c in ("gap_id", "service_id")}
            line, pair = rec[schema.ROW_COLUMN], (rec["gap_id"], rec["service_id"])
            for column, (ids, error) in known.items():
                if rec[column] and rec[column] not in ids:
                    problems.append(Problem(line, column, str(error(rec[column], ids))))
            if pair in seen:
                message = f"'{pair[1]}' for '{pair[0]}' repeats row {seen[pair]}."
                problems.append(Problem(line, "service_id", message))
            seen.setdefault(pair, line)
        return problems

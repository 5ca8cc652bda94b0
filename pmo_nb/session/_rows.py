"""Conversions between validated tables and the rows a session file stores."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterable

import pandas as pd

from ..analysis import coverage as cov
from ..errors import DataError, Problem, UnknownGapError, UnknownServiceError, UsageError
from ..inputs import schema
from ..inputs.io import Source, read_cells

GAP_COLUMNS = [c.name for c in schema.GAPS]
SERVICE_COLUMNS = [c.name for c in schema.CATALOG]
GAP_COLUMNS_SAVED = GAP_COLUMNS + ["handover_note"]  # as a session keeps them
SERVICE_COLUMNS_SAVED = SERVICE_COLUMNS + ["origin"]


def contribution(value: str) -> str:
    text = str(value).strip().casefold()
    if text not in schema.CONTRIBUTIONS:
        raise UsageError(f"contribution must be 'full' or 'partial'; got '{value}'.")
    return text


def changes(before: dict | None, row: object) -> bool:
    return before is None or (before["contribution"], before["note"]) != (
        row.contribution,
        row.note,
    )


text = schema.as_text  # a note or owner: None and NaN are blank, never 'None' or 'nan'


def check_weights(weights: dict[str, float] | None) -> dict[str, float]:
    merged = {**cov.DEFAULT_WEIGHTS, **(weights or {})}
    bad = {
        k: v
        for k, v in merged.items()
        if k not in schema.LEVELS
        or isinstance(v, bool)
        or not isinstance(v, int | float)
        or not v > 0
    }
    if bad:
        raise UsageError(f"weights must map L, M, H to numbers > 0; got {bad}.")
    return {k: float(v) for k, v in merged.items()}


def valid_service(fields: dict, source: str) -> dict:
    values = dict(fields)
    if not isinstance(values.get("aspects"), str) and values.get("aspects") is not None:
        values["aspects"] = ";".join(str(a) for a in values["aspects"])
    cells = {k: ("" if v is None else str(v)) for k, v in values.items() if k in SERVICE_COLUMNS}
    row = _validate_one(cells, schema.CATALOG, source)
    out = {c: row[c] for c in SERVICE_COLUMNS if c != "service_id"}
    out["cost"] = float(out["cost"])
    lead = out["lead_time_months"]
    out["lead_time_months"] = None if pd.isna(lead) else float(lead)
    return out


def valid_gap(fields: dict, source: str) -> dict:
    """One gap's fields checked with the gaps file's rules; every problem reported at once.

    Returns the normalised columns (levels as L/M/H, pmo_role lower case, texts stripped).
    """
    row = _validate_one({c: as_cell(fields.get(c)) for c in GAP_COLUMNS}, schema.GAPS, source)
    return {c: str(row[c]) for c in GAP_COLUMNS}


def _validate_one(cells: dict[str, str], columns: tuple, source: str) -> pd.Series:
    """One row of text cells checked with a file's rules; problems without a row number
    (one gap or service, not a sheet)."""
    raw = pd.DataFrame([cells]).assign(**{schema.ROW_COLUMN: 2})
    try:
        return schema.validate(raw, columns, source).iloc[0]
    except DataError as exc:
        problems = [Problem(None, p.column, p.message) for p in exc.problems]
        raise DataError(source, problems) from None


def as_cell(value: object) -> str:
    """A value as the text cell a file would hold (None and NaN blank)."""
    return text(value).strip()


def gap_rows(frame: pd.DataFrame) -> pd.DataFrame:
    rows = frame[GAP_COLUMNS].copy()
    rows.insert(1, "pos", range(len(rows)))
    # a gaps file exported from an earlier session may carry its hand-over notes
    notes = frame["handover_note"].astype(str) if "handover_note" in frame else ""
    rows["handover_note"] = notes
    rows["extra"] = extras(frame, GAP_COLUMNS + ["handover_note"])
    return rows


def service_rows(frame: pd.DataFrame, origin: str) -> pd.DataFrame:
    rows = frame[SERVICE_COLUMNS].copy()
    rows.insert(1, "pos", range(len(rows)))
    rows["origin"] = origin
    rows["extra"] = extras(frame, SERVICE_COLUMNS, reserved=("origin",))
    return rows


def extras(frame: pd.DataFrame, known: list[str], reserved: tuple[str, ...] = ()) -> list[str]:
    """The file's extra columns as JSON; one named like a session column gets " (file)"."""
    extra = frame[[c for c in frame.columns if c not in known]]
    extra = extra.rename(columns={c: f"{c} (file)" for c in reserved if c in extra})
    return [json.dumps(rec, ensure_ascii=False, default=_iso) for rec in extra.to_dict("records")]


def _iso(value: object) -> str:
    """A workbook's date in an extra column, kept as ISO text (read back as a date);
    any other cell JSON cannot hold, as text."""
    return value.isoformat() if isinstance(value, dt.date | dt.time) else str(value)


_ISO_DATE = r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d+)?)?"


def _dates_back(extra: pd.DataFrame) -> pd.DataFrame:
    """Extra columns whose every filled cell is an ISO date become dates again."""
    for col in extra.columns:
        cells = extra[col].dropna()
        cells = cells[cells.astype(str) != ""]
        if len(cells) and cells.map(lambda v: isinstance(v, str)).all() \
                and cells.str.fullmatch(_ISO_DATE).all():
            extra[col] = pd.to_datetime(extra[col].replace("", None))
    return extra


def expand(rows: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    extra = pd.DataFrame([json.loads(e or "{}") for e in rows["extra"]], index=rows.index)
    extra = _dates_back(extra)
    out = pd.concat([rows[columns], extra], axis=1)
    text = [c for c in out.columns if c not in ("cost", "lead_time_months") and not (
        c in extra and (pd.api.types.is_numeric_dtype(out[c])
                        or pd.api.types.is_datetime64_any_dtype(out[c])))]
    out[text] = out[text].fillna("")
    return out.reset_index(drop=True)


def history(rows: pd.DataFrame) -> pd.DataFrame:
    keys = rows["key"].map(json.loads)
    ent = rows["entity"]
    gap = [k[0] if e in ("gap", "assignment", "reassessment") else ""
           for e, k in zip(ent, keys, strict=True)]
    svc = [k[-1] if e in ("service", "assignment", "delivery") else ""
           for e, k in zip(ent, keys, strict=True)]
    out = rows.assign(gap_id=gap, service_id=svc, undone=rows["undone"].astype(bool))
    return out[
        [
            "seq",
            "step",
            "at",
            "who",
            "action",
            "entity",
            "gap_id",
            "service_id",
            "before",
            "after",
            "undone",
        ]
    ]


def canonical(frame: pd.DataFrame) -> str:
    return frame.reset_index(drop=True).to_json(orient="split", date_format="iso")


def saved_frame(text: str | None) -> pd.DataFrame:
    """The gaps/catalog snapshot stored in a session's meta table."""
    return pd.read_json(
        io.StringIO(text or '{"columns":[],"index":[],"data":[]}'), orient="split", dtype=False
    )


def diff(saved: pd.DataFrame, given: pd.DataFrame, key: str) -> str:
    old, new = set(saved.get(key, [])), set(given.get(key, []))
    parts = []
    if new - old:
        parts.append(f"new ids: {', '.join(sorted(new - old)[:5])}")
    if old - new:
        parts.append(f"missing ids: {', '.join(sorted(old - new)[:5])}")
    if not parts:
        cols = [c for c in given.columns if c in saved.columns]
        changed = (
            given[key][
                (given[cols].astype(str).values != saved[cols].astype(str).values).any(axis=1)
            ]
            if len(given) == len(saved)
            else given[key]
        )
        parts.append(f"changed rows: {', '.join(changed.astype(str).tolist()[:5]) or 'columns'}")
    return "; ".join(parts)


def import_problems(raw: pd.DataFrame, gap_ids: Iterable[str],
                    service_ids: Iterable[str]) -> list[Problem]:
    """Unknown ids and repeated pairs in an assignments table, with their rows."""
    if not {"gap_id", "service_id"} <= set(raw.columns):
        return []  # the schema reports the missing columns
    known = {
        "gap_id": (set(gap_ids), UnknownGapError),
        "service_id": (set(service_ids), UnknownServiceError),
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


def unknown_ids(raw: pd.DataFrame, key: str, known: Iterable[str]) -> list[Problem]:
    """Ids in column ``key`` of a spreadsheet that the session does not have, with rows."""
    if key not in raw.columns:
        return []  # the schema reports the missing column
    ids, error = set(known), UnknownGapError if key == "gap_id" else UnknownServiceError
    found = ((line, schema.normalise_id(v)) for line, v in zip(raw[schema.ROW_COLUMN], raw[key],
                                                                strict=True))
    return [Problem(line, key, str(error(v, ids))) for line, v in found if v and v not in ids]


def assignment_rows(source: Source, gap_ids: Iterable[str],
                    service_ids: Iterable[str]) -> pd.DataFrame:
    """An assignments table, validated: format and unknown or repeated ids reported together.

    Raises ``DataError`` naming each row, column and value; nothing is written before.
    """
    raw, label = read_cells(source)
    problems = import_problems(raw, gap_ids, service_ids)
    try:
        rows = schema.validate(raw, schema.ASSIGNMENTS, label, allow_empty=True)
    except DataError as exc:  # report the format and the id problems together
        problems = sorted([*exc.problems, *problems], key=lambda p: p.row or 0)
    if problems:
        raise DataError(label, problems)
    return rows


def handed_over_message(gap_id: str, owner: str) -> str:
    """Why a handed-over gap takes no services, and how to take it back."""
    return (f"'{gap_id}' is handed over to {owner or 'another owner'} (outside the PMO), so "
            f"no service is assigned to it. To assign services, take the gap back first: "
            f"ws.take_back('{gap_id}') (in the panel: Take back).")

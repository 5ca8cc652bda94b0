"""The columns of each input table and the rules that normalise and check them.

Each table is a plain tuple of :class:`Column`; :func:`validate` applies it to a
table of text cells and either returns the normalised DataFrame or raises one
:class:`~pmo_nb.errors.DataError` listing every problem found.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

import pandas as pd

from ..errors import DataError, Problem
from . import words

LEVELS = ("L", "M", "H")
_LEVEL_WORDS = {"l": "L", "low": "L", "m": "M", "med": "M", "medium": "M", "h": "H", "high": "H"}
LEVEL_ALLOWED = "L, M, H (or Low, Medium, Med, High)"
TIERS = ("basic", "advanced")
PMO_ROLES = ("close", "partial", "none")
CONTRIBUTIONS = ("full", "partial")
CLOSED = "closed"  # a follow-up's size of a gap that is no longer there
SIZE_AFTER_ALLOWED = f"L, M, H or {CLOSED} (or Low, Medium, Med, High)"
DELIVERY = ("delivered", "in progress", "not started", "dropped")
ROW_COLUMN = "_row"  # spreadsheet row of each record, kept while validating


@dataclass(frozen=True)
class Column:
    """One column of an input table: its rule and its documentation."""

    name: str
    required: bool
    kind: str  # id | text | level | size_after | choice | number | aspects
    doc: str
    allowed: tuple[str, ...] = ()
    default: str = ""
    positive: bool = False  # for numbers: > 0 instead of >= 0


GAPS: tuple[Column, ...] = (
    Column("gap_id", True, "id", "unique text, e.g. `G-01`"),
    Column("aspect", True, "text", "the aspect the gap is about, e.g. `Project manager skills`"),
    Column("current_state", True, "text", "how things are today"),
    Column("future_state", True, "text", "how they should be"),
    Column("description", False, "text", "more context"),
    Column("size", True, "level", "`L`, `M`, `H` (also `Low`, `Medium`, `Med`, `High`, any case)"),
    Column("priority", True, "level", "`L`, `M`, `H` (same synonyms as size)"),
    Column("pmo_role", False, "choice",
           "`close` (default), `partial`, `none`: can the PMO close it",
           allowed=PMO_ROLES, default="close"),
    Column("other_owner", False, "text",
           "who else must act, e.g. `Finance & Procurement`; needed when pmo_role is partial/none"),
)

CATALOG: tuple[Column, ...] = (
    Column("service_id", True, "id", "unique text, e.g. `S-TRAIN-PM`"),
    Column("name", True, "text", "e.g. `Project manager training`"),
    Column("category", True, "text", "e.g. `Methodology management`, `Governance and assurance`"),
    Column("tier", True, "choice", "`basic` or `advanced`", allowed=TIERS),
    Column("aspects", True, "aspects", "aspects it addresses, `;`-separated"),
    Column("description", True, "text", "one or two sentences"),
    Column("cost", True, "number", "number >= 0 (relative cost units, e.g. k$/year)"),
    Column("lead_time_months", False, "number", "number > 0", positive=True),
)

ASSIGNMENTS: tuple[Column, ...] = (
    Column("gap_id", True, "id", "a gap of the session"),
    Column("service_id", True, "id", "a service of the session's catalog"),
    Column("contribution", False, "choice", "`full` (default) or `partial`",
           allowed=CONTRIBUTIONS, default="full"),
    Column("note", False, "text", "free text"),
)

# a follow-up assessment's spreadsheets: the size the room gives each gap now, and what
# became of the services committed at the baseline
REASSESSMENT: tuple[Column, ...] = (
    Column("gap_id", True, "id", "a gap of the session"),
    Column("size", True, "size_after", f"`L`, `M`, `H` or `{CLOSED}` (same synonyms as size)"),
    Column("note", False, "text", "what the room saw, e.g. `12 project managers trained`"),
)
DELIVERIES: tuple[Column, ...] = (
    Column("service_id", True, "id", "a service of the session's catalog"),
    Column("status", True, "choice", ", ".join(f"`{d}`" for d in DELIVERY), allowed=DELIVERY),
)


def as_text(value: object) -> str:
    """Any cell as text, ``None`` and every kind of NaN (NaN, ``pd.NA``, ``NaT``) blank.

    The one rule for "missing becomes blank" in pmo_nb: never ``'None'`` or ``'nan'``.

    Examples
    --------
    >>> [as_text(v) for v in (None, float("nan"), pd.NA, "G-01", 3)]
    ['', '', '', 'G-01', '3']
    """
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return ""
    return str(value)


def normalise_header(name: object) -> str:
    """``' Gap ID '`` -> ``'gap_id'``: case, outer spaces, inner spaces/hyphens ignored."""
    return re.sub(r"[\s\-]+", "_", str(name).strip()).casefold()


def level(value: object) -> str | None:
    """``' medium '`` -> ``'M'``, ``'Alta'``/``'Élevé'``/``'Hoch'`` -> ``'H'``; ``None``
    when it is not a level (in any of pmo_nb's languages; accents and case ignored).

    >>> [level(v) for v in (" medium ", "Média", "BAJA", "élevé", "Niedrig", "XL")]
    ['M', 'M', 'L', 'H', 'L', None]
    """
    text = str(value)
    return (_LEVEL_WORDS.get(re.sub(r"\s+", "", text).casefold())
            or words.LEVEL_WORDS.get(words.fold(text).replace("_", "")))


def size_after(value: object) -> str | None:
    """A follow-up's size: a level or ``closed``; ``None`` when it is neither.

    >>> size_after(" High "), size_after("Closed"), size_after("XL")
    ('H', 'closed', None)
    """
    text = str(value).strip()
    return CLOSED if text.casefold() == CLOSED else level(text)


def split_aspects(value: object) -> list[str]:
    """``'Methodology; Governance process'`` -> ``['Methodology', 'Governance process']``."""
    return [a.strip() for a in str(value).split(";") if a.strip()]


def number(value: object, decimal_comma: bool = False) -> float | None:
    """Parse a cost-like number: ``'12.5'``, ``'12,5'`` (decimal comma), ``'1,200'``.

    With ``decimal_comma`` (a semicolon-separated file) a comma is always the decimal
    separator: ``'12,500'`` is 12.5 and ``'1.200,5'`` is 1200.5.
    """
    text = str(value).strip().replace("\u00a0", "").replace(" ", "")
    if decimal_comma and re.fullmatch(r"-?\d{1,3}(\.\d{3})+,\d+", text):
        text = text.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"-?\d+,\d{1,2}", text) or (
            decimal_comma and re.fullmatch(r"-?\d+,\d+", text)):
        text = text.replace(",", ".")
    elif re.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?", text):
        text = text.replace(",", "")
    try:
        result = float(text)
    except ValueError:
        return None
    return result if math.isfinite(result) else None


# invisible, but not format characters (Cf): grapheme joiner, variation selectors, fillers
_INVISIBLE = frozenset("\u034f\u115f\u1160\u3164\uffa0\u2800"
                       + "".join(map(chr, range(0xFE00, 0xFE10))))
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")  # control characters but spaces
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"), "-")


def normalise_id(value: object) -> str:
    """An id as pmo_nb keys it: NFKC form, no invisible characters, dashes as ``-``.

    Zero-width spaces and joiners, soft hyphens, byte-order and direction marks
    (Unicode format characters) and variation selectors are dropped; compatibility
    forms become plain ones (fullwidth ``Ｇ-０１`` is ``G-01``, a no-break space a
    space); an accent typed as a separate mark joins its letter; Unicode dashes and
    the minus sign become ``-``; outer spaces go and inner runs of spaces become one.
    Case is kept. Ids are normalised on load, and every lookup of an id should use
    the same rule.

    Examples
    --------
    >>> normalise_id(" G\u200b-01\u00ad ")
    'G-01'
    >>> normalise_id("\uff27\uff0d\uff10\uff11")
    'G-01'
    >>> normalise_id("S\u2013Proce\u0301dure") == "S-Proc\u00e9dure"
    True
    >>> normalise_id(None)
    ''
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = str(value)
    if not text.isascii():
        text = "".join(ch for ch in text if not _invisible(ch))
        text = unicodedata.normalize("NFKC", text).translate(_DASHES)
    return " ".join(_CONTROL.sub("", text).split())


def _invisible(ch: str) -> bool:
    return ch in _INVISIBLE or unicodedata.category(ch) == "Cf"


def validate(raw: pd.DataFrame, columns: tuple[Column, ...], source: str,
             *, allow_empty: bool = False, decimal_comma: bool = False) -> pd.DataFrame:
    """Check and normalise a table of text cells; raise one DataError with every problem.

    ``raw`` holds strings ("" for blank) and a ``_row`` column with spreadsheet rows.
    Missing required columns are reported together with the problems of the columns
    that are there; ``decimal_comma`` reads ``12,500`` as 12.5 (semicolon files).
    """
    problems = _missing_columns(raw, columns)
    if raw.empty and not allow_empty:
        raise DataError(source, problems + [Problem(None, None, "has a header but no data rows.")])
    out = pd.DataFrame(index=raw.index)
    for col in columns:
        cells = raw[col.name] if col.name in raw else None
        if cells is None and col.required:
            out[col.name] = ""  # reported as a missing column, not once per row
            continue
        if cells is None:
            cells = pd.Series("", index=raw.index)
        out[col.name], found = _check_column(col, cells, raw[ROW_COLUMN], decimal_comma)
        problems += found
    problems += _duplicate_ids(raw, columns)
    if columns is GAPS:
        problems += _owner_rules(out, raw[ROW_COLUMN])
    if problems:
        order = {c.name: i for i, c in enumerate(columns)}
        problems.sort(key=lambda p: (p.row or 0, order.get(p.column, len(order))))
        raise DataError(source, problems)
    extras = [c for c in raw.columns if c not in out.columns and c != ROW_COLUMN]
    return pd.concat([out, raw[extras]], axis=1).reset_index(drop=True)


def _missing_columns(raw: pd.DataFrame, columns: tuple[Column, ...]) -> list[Problem]:
    present = ", ".join(c for c in raw.columns if c != ROW_COLUMN) or "none"
    row = raw.attrs.get("header_row", 1)  # the row taken as the header (a title skipped)
    return [Problem(row, c.name, f"required column is missing (the header row has: {present}).")
            for c in columns if c.required and c.name not in raw.columns]


def _check_column(col: Column, cells: pd.Series, rows: pd.Series,
                  decimal_comma: bool = False) -> tuple[list, list[Problem]]:
    values, problems = [], []
    for cell, row in zip(cells, rows, strict=True):
        value, message = _check_cell(col, str(cell).strip(), decimal_comma)
        values.append(value)
        if message:
            problems.append(Problem(int(row), col.name, message))
    if col.kind == "number":
        return pd.array(values, dtype="Float64").astype("float64"), problems
    return values, problems


def _check_cell(col: Column, text: str, decimal_comma: bool = False
                ) -> tuple[object, str | None]:
    if col.kind == "id":
        text = normalise_id(text)
    if not text:
        blank = math.nan if col.kind == "number" else col.default
        return blank, "is blank; a value is required." if col.required else None
    if col.kind == "level":
        found = level(text)
        return found, None if found else f"'{text}' is not allowed; allowed: {LEVEL_ALLOWED}."
    if col.kind == "size_after":
        found = size_after(text)
        return found, None if found else f"'{text}' is not allowed; allowed: {SIZE_AFTER_ALLOWED}."
    if col.kind == "choice":
        found = " ".join(text.casefold().split())
        found = found if found in col.allowed else words.CHOICE_WORDS.get(words.fold(text), found)
        ok = found in col.allowed
        return found, None if ok else f"'{text}' is not allowed; allowed: {', '.join(col.allowed)}."
    if col.kind == "number":
        return _check_number(col, text, decimal_comma)
    if col.kind == "aspects":
        parts = split_aspects(text)
        return ";".join(parts), None if parts else "is blank; name at least one aspect."
    return text, None


def _check_number(col: Column, text: str, decimal_comma: bool = False
                  ) -> tuple[object, str | None]:
    found = number(text, decimal_comma)
    if found is None:
        return math.nan, f"'{text}' is not a number; allowed: {col.doc.strip('`')}."
    if found < 0 or (col.positive and found == 0):
        return math.nan, f"'{text}' is not allowed; allowed: {col.doc.strip('`')}."
    return found, None


def _duplicate_ids(raw: pd.DataFrame, columns: tuple[Column, ...]) -> list[Problem]:
    ids = [c.name for c in columns if c.kind == "id"]
    # assignments have two ids: duplicate pairs are checked where they are imported
    if len(ids) != 1 or ids[0] not in raw:
        return []
    key = raw[ids[0]].astype(str).str.strip()
    first: dict[str, tuple[int, str]] = {}
    problems = []
    for value, row in zip(key, raw[ROW_COLUMN], strict=True):
        same = normalise_id(value).casefold()  # look-alikes and case variants are one id
        if not same:
            continue
        if same in first:
            problems.append(Problem(int(row), ids[0], _duplicate(value, *first[same])))
        else:
            first[same] = (int(row), value)
    return problems


def _duplicate(value: str, first_row: int, first_value: str) -> str:
    if normalise_id(value) == value and normalise_id(first_value) == first_value:
        return f"'{value}' is a duplicate of row {first_row}; ids must be unique."
    return (f"'{_shown(value)}' is a duplicate of '{_shown(first_value)}' in row {first_row} "
            "(the same id once invisible characters, character forms and case are set aside); "
            "ids must be unique.")


def _shown(value: str) -> str:
    """``'G\u200b-01'`` -> ``'G<U+200B>-01'``: what normalisation changes, made visible."""
    return "".join(ch if _plain(ch) else f"<U+{ord(ch):04X}>" for ch in value)


def _plain(ch: str) -> bool:
    if ch.isascii():
        return ch.isprintable()
    return not (_invisible(ch) or ch.isspace() or ord(ch) in _DASHES
                or unicodedata.category(ch).startswith("M")
                or unicodedata.normalize("NFKC", ch) != ch)


def _owner_rules(out: pd.DataFrame, rows: pd.Series) -> list[Problem]:
    needs = out["pmo_role"].isin(["partial", "none"]) & (out["other_owner"] == "")
    return [Problem(int(rows[i]), "other_owner",
                    f"is blank, but pmo_role is '{out.at[i, 'pmo_role']}'; "
                    "name who else must act (e.g. Finance & Procurement).")
            for i in out.index[needs]]

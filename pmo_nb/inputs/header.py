"""Where a customer's table starts, and what its headers mean.

A customer's spreadsheet often has a title above the header (``Levantamento de lacunas
— PMO 2026``) and headers in the customer's language (``Situação atual``). The header
is the first of the top rows that names at least two of the table's required columns,
in any of pmo_nb's languages (:mod:`pmo_nb.inputs.words`); the rows above it are
skipped, and :func:`skipped_notice` says so.
"""

from __future__ import annotations

from collections.abc import Sequence

from . import words
from .schema import Column, normalise_header

SCAN_ROWS = 10  # a title block is a few rows; the header is looked for this far down


def find_header(records: Sequence[Sequence[str]], columns: Sequence[Column]) -> int:
    """The index of the header record: the first that names two or more required columns
    (the one naming the most of them), else the first record that is not blank.

    Examples
    --------
    >>> from pmo_nb.inputs.schema import GAPS
    >>> find_header([["Levantamento de lacunas", ""], ["", ""],
    ...              ["ID", "Aspecto", "Situação atual", "Prioridade"]], GAPS)
    2
    """
    names = {c.name for c in columns}
    required = {c.name for c in columns if c.required}
    first, best, found = None, 1, None
    for i, record in enumerate(records[:SCAN_ROWS]):
        if not any(str(c).strip() for c in record):
            continue
        first = i if first is None else first
        hits = len({words.column_name(h, names) for h in record} & required)
        if hits > best:
            best, found = hits, i
    return found if found is not None else (first or 0)


def names(header: Sequence[object], columns: Sequence[Column]) -> list[str]:
    """Each header as pmo_nb names it: a column's name in any language, else normalised.

    >>> from pmo_nb.inputs.schema import GAPS
    >>> names(["Prioridade", "Tamanho", " Raised By "], GAPS)
    ['priority', 'size', 'raised_by']
    """
    known = {c.name for c in columns}
    return [(words.column_name(h, known) if known and str(h).strip() else None)
            or normalise_header(h) for h in header]


def skipped_notice(label: str, header_row: int, skipped: Sequence[int]) -> str:
    """What was skipped above the header, for a :class:`~pmo_nb.errors.PmoWarning`.

    >>> skipped_notice("lacunas.xlsx", 3, [1])
    'lacunas.xlsx: row 1 above the header was skipped (a title?); row 3 is taken as the header.'
    """
    rows = (f"row {skipped[0]}" if len(skipped) == 1
            else f"rows {skipped[0]}-{skipped[-1]}")
    verb = "was" if len(skipped) == 1 else "were"
    return (f"{label}: {rows} above the header {verb} skipped (a title?); row {header_row} "
            "is taken as the header.")

"""Read customer files (CSV, XLSX, DataFrame) into validated tables; write safe exports.

Real files come from Excel: comma or semicolon separated, UTF-8 with or without a
BOM (or Windows-1252), CRLF line ends, headers in any case, blank rows. All of that
is accepted; anything else is a :class:`~pmo_nb.errors.DataError`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import schema
from .errors import DataError, InputFileError, Problem

Source = str | os.PathLike | pd.DataFrame
_XLSX_MAGIC = b"PK\x03\x04"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_EMPTY = "the file is empty; expected a header row and data rows."


def load_gaps(source: Source) -> pd.DataFrame:
    """Read, validate and normalise a gaps table.

    Examples
    --------
    >>> gaps = load_gaps("data/sample_gaps.csv")
    >>> sorted(set(gaps["size"])) == ["H", "L", "M"]
    True
    """
    return load_table(source, schema.GAPS)


def load_catalog(source: Source) -> pd.DataFrame:
    """Read, validate and normalise a catalog of PMO services.

    Examples
    --------
    >>> catalog = load_catalog("data/catalog.csv")
    >>> set(catalog["tier"]) == {"basic", "advanced"}
    True
    """
    return load_table(source, schema.CATALOG)


def load_table(source: Source, columns: tuple[schema.Column, ...], *,
               allow_empty: bool = False) -> pd.DataFrame:
    """Read ``source`` as text cells and validate it against ``columns``."""
    raw, label = read_cells(source)
    return schema.validate(raw, columns, label, allow_empty=allow_empty,
                           decimal_comma=raw.attrs.get("decimal_comma", False))


def read_cells(source: Source) -> tuple[pd.DataFrame, str]:
    """Any source as a DataFrame of stripped strings, normalised headers and a ``_row`` column.

    ``frame.attrs["decimal_comma"]`` is true for a semicolon-separated CSV, where a
    comma in a number is the decimal separator (``12,500`` is twelve and a half).
    """
    if isinstance(source, pd.DataFrame):
        label = "DataFrame"
        header = list(source.columns)
        rows = [[_cell_text(v) for v in rec] for rec in source.itertuples(index=False)]
        return _to_frame(header, rows, label), label
    path = Path(source)
    label = path.name
    if path.is_dir():
        raise InputFileError(f"'{path}' is a folder; expected a CSV or .xlsx file.")
    if not path.is_file():
        raise InputFileError(f"No such file: '{path}'.")
    table = _read_file(path)
    frame = _to_frame(table.header, table.rows, label, first_row=table.header_row + 1)
    frame.attrs["decimal_comma"] = table.delimiter == ";"
    return frame, label


@dataclass
class _Table:
    header: list
    rows: list[list[str]]
    header_row: int = 1  # spreadsheet row of the header
    delimiter: str = ""  # "" for a workbook


def _read_file(path: Path) -> _Table:
    data = path.read_bytes()
    if not data.strip():
        raise DataError(path.name, _EMPTY)
    if data.startswith(_XLSX_MAGIC):
        return _read_xlsx(path)
    if path.suffix.casefold() in (".xlsx", ".xlsm", ".xls"):
        raise DataError(path.name, "is not a readable Excel workbook; save it as .xlsx or CSV.")
    return _read_csv(_decode(data, path.name), path.name)


def _decode(data: bytes, label: str) -> str:
    if b"\x00" not in data:
        for encoding in ("utf-8-sig", "cp1252"):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            if not any(ord(ch) < 32 and ch not in "\t\r\n" for ch in text):
                return text
    raise DataError(label, "is not a text (CSV) file or an Excel workbook; "
                           "save it from Excel as 'CSV UTF-8' or .xlsx.")


def _read_csv(text: str, label: str) -> _Table:
    # the first line with content: Excel writes blank rows as ",,,," or ";;;;"
    first = next((line for line in text.splitlines() if line.strip(' \t,;"')), None)
    if first is None:
        raise DataError(label, _EMPTY)
    delimiter = max([",", ";", "\t"], key=first.count)
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:  # e.g. an unclosed quote swallowing the rest of the file
        raise DataError(label, f"is not a readable CSV file ({exc}); "
                               "check for an unclosed quote.") from None
    skipped = 0
    while records and not any(c.strip() for c in records[0]):
        records.pop(0)  # blank lines above the header
        skipped += 1
    if not records:
        raise DataError(label, _EMPTY)
    header, rows = records[0], records[1:]
    first_row = skipped + 2
    problems = [Problem(i + first_row, None, f"has {len(r)} cells but the header has "
                                             f"{len(header)}; check for an unquoted delimiter "
                                             "in a value.")
                for i, r in enumerate(rows) if len(r) > len(header) and any(r[len(header):])]
    if problems:
        raise DataError(label, problems)
    rows = [(r + [""] * len(header))[: len(header)] for r in rows]
    return _Table(header, rows, header_row=skipped + 1, delimiter=delimiter)


def _read_xlsx(path: Path) -> _Table:
    import openpyxl  # only needed for workbooks

    try:  # openpyxl raises many types for a broken zip or xml, some only while reading rows
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            sheet = book.worksheets[0]
            records = [[_cell_text(v) for v in r] for r in sheet.iter_rows(values_only=True)]
        finally:
            book.close()
    except Exception as exc:
        raise DataError(path.name, f"is not a readable Excel workbook ({exc}).") from None
    if not records or not any(records[0]):
        raise DataError(path.name, "the first sheet is empty or its row 1 is blank; "
                                   "put the header in row 1.")
    width = max(i + 1 for i, v in enumerate(records[0]) if v)
    return _Table(records[0][:width], [(r + [""] * width)[:width] for r in records[1:]])


def _cell_text(value: object) -> str:
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return ""  # None, NaN, pd.NA, NaT
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value).strip()


def _to_frame(header: list, rows: list[list[str]], label: str,
              first_row: int = 2) -> pd.DataFrame:
    names = [schema.normalise_header(h) for h in header]
    dupes = sorted({n for n in names if n and names.count(n) > 1})
    if dupes:
        raise DataError(label, [Problem(first_row - 1, d,
                                        "appears more than once in the header row.")
                                for d in dupes])
    keep = [i for i, n in enumerate(names) if n]
    frame = pd.DataFrame([[r[i].strip() for i in keep] for r in rows],
                         columns=[names[i] for i in keep], dtype=object)
    frame[schema.ROW_COLUMN] = range(first_row, len(rows) + first_row)
    blank = frame.drop(columns=schema.ROW_COLUMN).eq("").all(axis=1)
    return frame[~blank].reset_index(drop=True)


def safe_cell(value: object) -> object:
    """Text that a spreadsheet would run as a formula, defused with a leading quote (OWASP)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells and headers cannot become formulas."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(safe_cell)
    out.columns = [safe_cell(str(c)) for c in out.columns]
    return out

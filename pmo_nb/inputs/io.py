"""Read customer files (CSV, XLSX, DataFrame) into validated tables; write safe exports.

Real files come from Excel: comma or semicolon separated, UTF-8 with or without a
BOM (or Windows-1252), CRLF line ends, headers in any case, blank rows. All of that
is accepted; anything else is a :class:`~pmo_nb.errors.DataError`, and so is a file
past the limits below, checked before a workbook is unpacked or parsed.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import os
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..errors import DataError, InputFileError, PmoWarning, Problem
from . import header as _header
from . import schema

Source = str | os.PathLike | pd.DataFrame
_XLSX_MAGIC = b"PK\x03\x04"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_EMPTY = "the file is empty; expected a header row and data rows."
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_UNDECODABLE = re.compile("[\udc80-\udcff]")  # a byte the file's encoding cannot read
_HIGH_BYTES = bytes(range(128, 256))

# Limits of an input file, named in the errors (README, "Data"). Gaps and catalogs
# hold tens to a few thousand rows: these are ample, and keep a hostile file cheap.
MAX_FILE_MB = 20  # a CSV or .xlsx file on disk
MAX_XLSX_MB = 50  # the parts of an .xlsx file once unzipped, together
MAX_ROWS = 10_000  # data rows below the header
MAX_COLUMNS = 100  # columns, A to CV
MAX_CELL_CHARS = 1_000_000  # characters in one cell


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
    """Read ``source`` as text cells and validate it against ``columns``.

    Headers may be in any of pmo_nb's languages; title rows above the header are skipped
    with a :class:`~pmo_nb.errors.PmoWarning` naming the row taken as the header.
    """
    raw, label = read_cells(source, columns)
    return schema.validate(raw, columns, label, allow_empty=allow_empty,
                           decimal_comma=raw.attrs.get("decimal_comma", False))


def read_cells(source: Source, columns: tuple[schema.Column, ...] = ()
               ) -> tuple[pd.DataFrame, str]:
    """Any source as a DataFrame of stripped strings, normalised headers and a ``_row`` column.

    ``frame.attrs["decimal_comma"]`` is true for a semicolon-separated CSV, where a
    comma in a number is the decimal separator (``12,500`` is twelve and a half). With
    ``columns``, a header in any of pmo_nb's languages is that column's name, the header
    is found below a title, and the extra columns keep their headers and, from a
    workbook or a DataFrame, their values' types (``frame.attrs["header_row"]``: the
    header's spreadsheet row).
    """
    if isinstance(source, pd.DataFrame):
        label = "DataFrame"
        header = list(source.columns)
        values = [list(rec) for rec in source.itertuples(index=False)]
        rows = [[_cell_text(v) for v in rec] for rec in values]
        return _to_frame(header, rows, label, columns=columns, values=values), label
    path = Path(source)
    label = path.name
    if path.is_dir():
        raise InputFileError(f"'{path}' is a folder; expected a CSV or .xlsx file.")
    if not path.is_file():
        raise InputFileError(f"No such file: '{path}'.")
    table = _read_file(path, columns)
    frame = _to_frame(table.header, table.rows, label, first_row=table.header_row + 1,
                      columns=columns, values=table.values)
    frame.attrs["decimal_comma"] = table.delimiter == ";"
    frame.attrs["header_row"] = table.header_row
    if table.skipped:
        warnings.warn(PmoWarning(_header.skipped_notice(label, table.header_row,
                                                        table.skipped)), stacklevel=3)
    return frame, label


@dataclass
class _Table:
    header: list
    rows: list[list[str]]
    header_row: int = 1  # spreadsheet row of the header
    delimiter: str = ""  # "" for a workbook
    encoding: str = ""  # of a CSV file: "UTF-8" or "Windows-1252"
    undecodable: bool = False  # some bytes were invalid in that encoding
    values: list[list] | None = None  # a workbook's cells as they were (dates, numbers)
    skipped: list[int] = field(default_factory=list)  # rows with content above the header


def _read_file(path: Path, columns: tuple[schema.Column, ...] = ()) -> _Table:
    size = path.stat().st_size
    if size > MAX_FILE_MB * 1e6:
        raise DataError(path.name, f"is {size / 1e6:,.0f} MB; at most {MAX_FILE_MB} MB are read "
                                   "(pmo_nb.io.MAX_FILE_MB): check that it is the right file, "
                                   "or split it.")
    data = path.read_bytes()
    if not data.strip():
        raise DataError(path.name, _EMPTY)
    if data.startswith(_XLSX_MAGIC):
        table = _read_xlsx(path, columns)
    elif path.suffix.casefold() in (".xlsx", ".xlsm", ".xls"):
        raise DataError(path.name, "is not a readable Excel workbook; save it as .xlsx or CSV.")
    else:
        table = _read_csv(*_decode(data, path.name), path.name, columns)
    _check_table(table, path.name)
    return table


def _decode(data: bytes, label: str) -> tuple[str, str]:
    """The text of a CSV file and its encoding, decided for the whole file.

    UTF-8 when the file starts with a UTF-8 byte-order mark (Excel's "CSV UTF-8"), or
    when its valid UTF-8 characters are at least as many as its invalid bytes; else
    Windows-1252 (Excel's "CSV" in Western Europe). Bytes invalid in the encoding
    chosen are kept as lone surrogates, and reported by :func:`_check_table`.
    """
    marked = data.startswith(codecs.BOM_UTF8)
    encoding, text = "UTF-8", data.decode("utf-8-sig", "surrogateescape")
    bad = 0 if data.isascii() else len(_UNDECODABLE.findall(text))
    if bad and not marked:
        valid = len(text) - len(data.translate(None, _HIGH_BYTES)) - bad  # non-ASCII chars
        if valid < bad:
            encoding, text = "Windows-1252", data.decode("cp1252", "surrogateescape")
    if b"\x00" in data or _CONTROL.search(text):
        raise DataError(label, "is not a text (CSV) file or an Excel workbook; "
                               "save it from Excel as 'CSV UTF-8' or .xlsx.")
    return text, encoding


def _read_csv(text: str, encoding: str, label: str,
              columns: tuple[schema.Column, ...] = ()) -> _Table:
    # the first line with content: Excel writes blank rows as ",,,," or ";;;;"
    lines = [line for line in text.splitlines()[:_header.SCAN_ROWS * 2]
             if line.strip(' \t,;"')]
    if not lines:
        raise DataError(label, _EMPTY)
    # a title line may hold no delimiter: the first line that holds one decides
    first = next((line for line in lines if any(d in line for d in ",;\t")), lines[0])
    delimiter = max([",", ";", "\t"], key=first.count)
    records = _parse_csv(text, delimiter, label)
    skipped = 0
    while records and not any(c.strip() for c in records[0]):
        records.pop(0)  # blank lines above the header
        skipped += 1
    if not records:
        raise DataError(label, _EMPTY)
    at = _header.find_header(records, columns) if columns else 0
    titles = [skipped + i + 1 for i in range(at) if any(c.strip() for c in records[i])]
    header, rows = records[at], records[at + 1:]
    skipped += at
    first_row = skipped + 2
    problems = [Problem(i + first_row, None, f"has {len(r)} cells but the header has "
                                             f"{len(header)}; check for an unquoted delimiter "
                                             "in a value.")
                for i, r in enumerate(rows) if len(r) > len(header) and any(r[len(header):])]
    if problems:
        raise DataError(label, problems)
    rows = [(r + [""] * len(header))[: len(header)] for r in rows]
    return _Table(header, rows, header_row=skipped + 1, delimiter=delimiter, encoding=encoding,
                  undecodable=bool(_UNDECODABLE.search(text)), skipped=titles)


def _parse_csv(text: str, delimiter: str, label: str) -> list[list[str]]:
    """Every record (a spreadsheet row); an unclosed quote is named by its row.

    Read strictly first: a quote still open at the end of the file is an error; other
    strict errors (``"a"b``) are read as Excel would, leniently. No cell is too long
    for the csv module here: :func:`_check_table` applies ``MAX_CELL_CHARS``.
    """
    records: list[list[str]] = []
    previous = csv.field_size_limit(max(len(text), MAX_CELL_CHARS) + 1)
    try:
        for record in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter,
                                 strict=True):
            records.append(record)
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):
            raise DataError(label, [Problem(len(records) + 1, None, (
                'a quote (") opened in this row is never closed, so the rest of the file '
                "would be one cell; close the quote or remove it."))]) from None
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    finally:
        csv.field_size_limit(previous)  # the limit is global: leave it as found
    return records


def _read_xlsx(path: Path, columns: tuple[schema.Column, ...] = ()) -> _Table:
    from . import _xlsx  # openpyxl is only needed for workbooks

    limits = _xlsx.Limits(rows=MAX_ROWS + 1, columns=MAX_COLUMNS, unzipped_mb=MAX_XLSX_MB)
    values, findings = _xlsx.read_first_sheet(path, limits)
    records = [[_cell_text(v) for v in r] for r in values]
    if not records or not any(records[0]):
        raise DataError(path.name, "the first sheet is empty or its row 1 is blank; "
                                   "put the header in row 1.")
    at = _header.find_header(records, columns) if columns else 0
    width = max(i + 1 for i, v in enumerate(records[at]) if v)
    names = [n or None for n in _header.names(records[at][:width], columns)]
    problems = [Problem(f.row, names[f.col - 1], f.message)  # cells reading blank, wrongly
                for f in _xlsx.in_table(findings, records, width) if f.row > at]
    if problems:
        raise DataError(path.name, problems)
    known = {c.name for c in columns}  # only the extra columns' cells are kept as they were
    extra = [j for j, n in enumerate(names) if n and n not in known] if columns else []
    cells = [[r[j] if j in extra and j < len(r) else None for j in range(width)]
             for r in values[at + 1:]] if extra else None
    return _Table(records[at][:width], [(r + [""] * width)[:width] for r in records[at + 1:]],
                  header_row=at + 1, values=cells,
                  skipped=[i + 1 for i in range(at) if any(records[i])])


def _check_table(table: _Table, label: str) -> None:
    """Refuse a table past MAX_COLUMNS or MAX_ROWS, or with cells too long or undecodable."""
    width = max((i + 1 for i, h in enumerate(table.header) if str(h).strip()), default=0)
    if width > MAX_COLUMNS:
        raise DataError(label, [Problem(table.header_row, None, (
            f"the header has {width} columns; at most {MAX_COLUMNS} are read "
            "(pmo_nb.io.MAX_COLUMNS): delete the columns you do not need."))])
    rows = max((i + 1 for i, r in enumerate(table.rows) if any(c.strip() for c in r)), default=0)
    if rows > MAX_ROWS:
        raise DataError(label, f"has {rows:,} rows below the header; at most {MAX_ROWS:,} are "
                               "read (pmo_nb.io.MAX_ROWS): split the file.")
    names = [schema.normalise_header(h) or None for h in table.header]
    problems = []
    for i, record in enumerate([table.header, *table.rows]):
        if max(map(len, record), default=0) <= MAX_CELL_CHARS and not (
                table.undecodable and _UNDECODABLE.search("".join(record))):
            continue  # the usual case: nothing to look at cell by cell
        for j, cell in enumerate(record):
            message = _cell_problem(cell, table.encoding)
            if message:
                column = names[j] if i and j < len(names) else None
                problems.append(Problem(table.header_row + i, column, message))
    if problems:
        raise DataError(label, problems)


def _cell_problem(cell: str, encoding: str) -> str | None:
    if len(cell) > MAX_CELL_CHARS:
        return (f"the cell holds {len(cell):,} characters; at most {MAX_CELL_CHARS:,} are read "
                "(pmo_nb.io.MAX_CELL_CHARS): shorten it, or keep the text in a document "
                "and name the document here.")
    bad = _UNDECODABLE.findall(cell)
    if not bad:
        return None
    codes = ", ".join(dict.fromkeys(f"0x{ord(b) - 0xDC00:02X}" for b in bad))
    start = max(_UNDECODABLE.search(cell).start() - 30, 0)
    shown = _UNDECODABLE.sub("\ufffd", cell[start:start + 60])
    if encoding == "UTF-8":
        return (f"'{shown}' has bytes that are not UTF-8 ({codes}), though the rest of the file "
                "is UTF-8; retype the character, or save the file again as 'CSV UTF-8'.")
    return (f"'{shown}' has bytes that are not Windows-1252 characters ({codes}); "
            "save the file from Excel as 'CSV UTF-8'.")


def _cell_text(value: object) -> str:
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return ""  # None, NaN, pd.NA, NaT
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value).strip()


def _to_frame(header: list, rows: list[list[str]], label: str, first_row: int = 2,
              columns: tuple[schema.Column, ...] = (), values: list[list] | None = None
              ) -> pd.DataFrame:
    names = _header.names(header, columns)
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
    if columns:  # extra columns: the customer's header, and a workbook's types
        known = {c.name for c in columns}
        extra = {names[i]: (i, str(header[i]).strip()) for i in keep if names[i] not in known}
        for name, (i, _shown) in extra.items():
            if values is not None:
                frame[name] = pd.Series([_typed(r[i]) for r in values], dtype=object)
        shown = {n: s for n, (_i, s) in extra.items() if s not in known and s != schema.ROW_COLUMN}
        frame = frame.rename(columns=shown)
    return frame[~blank].reset_index(drop=True)


def _typed(value: object) -> object:
    """An extra cell as it was: a date or a number stays one; blank is ``""``."""
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return ""
    return value.strip() if isinstance(value, str) else value


def safe_cell(value: object) -> object:
    """Text that a spreadsheet would run as a formula, defused with a leading quote (OWASP).

    That is text starting with a tab or carriage return, or whose first character after
    spaces, tabs, line breaks and no-break spaces is ``=``, ``+``, ``-`` or ``@``.
    Numbers are left as they are.

    Examples
    --------
    >>> [safe_cell(v) for v in ["=1+1", " \\n=1+1", "G-01", -3]]
    ["'=1+1", "' \\n=1+1", 'G-01', -3]
    """
    if isinstance(value, str) and (value.startswith(_FORMULA_START)
                                   or value.lstrip().startswith(_FORMULA_START)):
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

"""Read the first sheet of an .xlsx workbook within bounds set before anything is parsed.

openpyxl trusts what a workbook declares: a 4.8 KB file declaring ``A1:XFD1048576``
has it build billions of empty cells, and a few MB of zip can hold GBs of XML. So the
zip's uncompressed sizes are checked first, then one streaming pass over the sheet's
XML finds where values really are (refusing any past the limits), the formulas with
no saved value and the merged ranges (both read as blank), and openpyxl reads only the
range that holds values.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import DataError, PmoError, Problem

_REF = re.compile(r"([A-Z]{1,3})([1-9]\d*)$")
_NAMESPACES = ("{http://schemas.openxmlformats.org/spreadsheetml/2006/main}",
               "{http://purl.oclc.org/ooxml/spreadsheetml/main}", "")  # transitional, strict
_MAX_FINDINGS = 1_000  # more would not be read; the error lists 20


@dataclass(frozen=True)
class Limits:
    """The most a workbook may hold: spreadsheet rows, columns, MB once unzipped."""

    rows: int
    columns: int
    unzipped_mb: float


@dataclass(frozen=True)
class Finding:
    """A cell that reads as blank though it is not: a formula with no saved value, a merge."""

    row: int
    col: int
    message: str
    merged: bool = False


def read_first_sheet(path: Path, limits: Limits) -> tuple[list[tuple], list[Finding]]:
    """The rows of values of the first sheet (up to its last value) and the findings.

    Raises :class:`~pmo_nb.errors.DataError` for a workbook past ``limits`` or one that
    cannot be read.
    """
    import openpyxl

    try:
        with zipfile.ZipFile(path) as archive:
            _check_sizes(archive, path.name, limits)
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
            try:
                sheet = book.worksheets[0]
                scan = _scan(archive, sheet._worksheet_path, path.name, limits)
                rows = list(sheet.iter_rows(max_row=scan.last_row, max_col=scan.last_col,
                                            values_only=True)) if scan.last_row else []
            finally:
                book.close()
    except PmoError:
        raise
    except Exception as exc:  # a broken zip or XML raises many types, some only while reading
        raise DataError(path.name, f"is not a readable Excel workbook ({exc}).") from None
    return rows, scan.findings


def in_table(findings: list[Finding], records: list[list], width: int) -> list[Finding]:
    """The findings in the table's ``width`` columns, in sheet order.

    A merge counts only when its first cell holds a value: the other cells lost theirs.
    """
    inside = [f for f in findings if f.col <= width and (
        not f.merged or (f.row <= len(records) and records[f.row - 1][f.col - 1]))]
    return sorted(inside, key=lambda f: (f.row, f.col))


def _check_sizes(archive: zipfile.ZipFile, label: str, limits: Limits) -> None:
    parts = archive.infolist()
    total = sum(p.file_size for p in parts)  # zipfile never unpacks more than this
    if total > limits.unzipped_mb * 1e6:
        big = max(parts, key=lambda p: p.file_size)
        raise DataError(label, f"unzips to {total / 1e6:,.0f} MB ({big.filename}: "
                               f"{big.file_size / 1e6:,.0f} MB); at most {limits.unzipped_mb:g} "
                               "MB are read (pmo_nb.io.MAX_XLSX_MB): copy the table alone into "
                               "a new workbook, or save it as CSV.")


def _scan(archive: zipfile.ZipFile, part: str, label: str, limits: Limits) -> _SheetScan:
    """One streaming pass over the sheet XML; no tree is built, so memory stays flat."""
    scan = _SheetScan(label, limits)
    parser = ET.XMLParser(target=scan)
    with archive.open(part) as source:
        for chunk in iter(lambda: source.read(1 << 16), b""):
            parser.feed(chunk)
    parser.close()
    return scan


class _SheetScan:
    """Parser target: where values are, formulas without a value, merged ranges.

    Only start tags and text are followed (an end callback for each element costs a
    quarter of the time): a cell is judged when the next cell or row starts, or at the end.
    """

    def __init__(self, label: str, limits: Limits):
        self.label, self.limits = label, limits
        self.last_row = self.last_col = 0  # the last row and column holding a value
        self.findings: list[Finding] = []
        self._row = self._col = 0
        self._cell: tuple[str | None, str | None] | None = None  # (r, t) of the open cell
        self._value = self._formula = self._in_value = False
        names = ("row", "c", "v", "f", "is", "mergeCell")
        self._names = {ns + name: name for ns in _NAMESPACES for name in names}

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        name = self._names.get(tag)
        if name is None:
            return
        self._in_value = name == "v"
        if name == "c":
            self._end_cell()
            self._cell = (attrib.get("r"), attrib.get("t"))
            self._value = self._formula = False
        elif name == "f":
            self._formula = True
        elif name == "is":
            self._value = True
        elif name == "row":
            self._end_cell()
            self._row, self._col = int(attrib.get("r") or self._row + 1), 0
        elif name == "mergeCell":
            self._end_cell()
            self._merge(attrib.get("ref") or "")

    def data(self, text: str) -> None:
        if self._in_value and not text.isspace():
            self._value = True

    def close(self) -> None:
        self._end_cell()

    def _end_cell(self) -> None:
        if self._cell is None:
            return
        (ref, kind), self._cell = self._cell, None
        match = _REF.match(ref or "")
        self._col = _column_number(match.group(1)) if match else self._col + 1
        if not (self._value or self._formula):
            return  # an empty cell, perhaps formatted
        row, col = self._row, self._col
        if row > self.limits.rows or col > self.limits.columns:
            raise DataError(self.label, [_too_far(row, col, self.limits)])
        self.last_row, self.last_col = row, max(self.last_col, col)
        if self._formula and not self._value and kind != "str" and _room(self):
            self.findings.append(Finding(row, col, (
                f"cell {_name(col)}{row} holds a formula with no saved value, so it reads "
                "as blank; open the file in Excel and save it so formulas get values.")))

    def _merge(self, ref: str) -> None:
        first, _, last = ref.partition(":")
        match = _REF.match(first)
        if not match or not last or first == last or not _room(self):
            return
        row, col = int(match.group(2)), _column_number(match.group(1))
        if row <= self.limits.rows and col <= self.limits.columns:
            self.findings.append(Finding(row, col, (
                f"cells {ref} are merged, so all but {first} read as blank; unmerge the "
                "cells and fill each one."), merged=True))


def _room(scan: _SheetScan) -> bool:
    return len(scan.findings) < _MAX_FINDINGS


def _too_far(row: int, col: int, limits: Limits) -> Problem:
    where = f"cell {_name(col)}{row} holds a value"
    if col > limits.columns:
        return Problem(row, None, f"{where} right of column {_name(limits.columns)}; at most "
                                  f"{limits.columns} columns are read (pmo_nb.io.MAX_COLUMNS): "
                                  "delete what is right of the table.")
    return Problem(row, None, f"{where} below row {limits.rows:,}; at most {limits.rows - 1:,} "
                              "data rows are read (pmo_nb.io.MAX_ROWS): delete what is below "
                              "the table, or split the file.")


def _column_number(letters: str) -> int:
    """``'A'`` -> 1, ``'XFD'`` -> 16384."""
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def _name(col: int) -> str:
    """1 -> ``'A'``, 100 -> ``'CV'``."""
    name = ""
    while col:
        col, rest = divmod(col - 1, 26)
        name = chr(65 + rest) + name
    return name

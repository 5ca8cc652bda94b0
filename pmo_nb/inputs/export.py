"""Write tables to CSV and XLSX so that no customer text can become a spreadsheet formula.

CSV: text starting with ``=``, ``+``, ``-``, ``@``, tab or CR, also after spaces and
line breaks, gets a leading ``'`` (OWASP's advice for CSV injection), and every text
field is quoted, so a line break inside a note never starts a new row. XLSX: every
text cell is written with the string type, so Excel shows it verbatim and never
evaluates it; text past Excel's cell limit is cut visibly, with a
:class:`~pmo_nb.errors.PmoWarning`.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from ..errors import PmoWarning
from .io import safe_frame

if TYPE_CHECKING:
    from openpyxl import Workbook

_ILLEGAL_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
EXCEL_CELL_CHARS = 32_767  # the most characters an Excel cell holds


def slug(name: str) -> str:
    """``'candidate list'`` -> ``'candidate_list'``."""
    return re.sub(r"[^a-z0-9]+", "_", name.casefold()).strip("_")


def write_csvs(tables: dict[str, pd.DataFrame], folder: Path) -> list[Path]:
    """One UTF-8 (with BOM, for Excel) CSV per table; returns the paths written.

    Text fields are always quoted and numbers never are (``QUOTE_NONNUMERIC``): a line
    break in a note stays in its cell, and a number stays a number in any spreadsheet.
    """
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, frame in tables.items():
        path = folder / f"{slug(name)}.csv"
        safe_frame(frame).to_csv(path, index=False, encoding="utf-8-sig",
                                 quoting=csv.QUOTE_NONNUMERIC)
        paths.append(path)
    return paths


def write_xlsx(tables: dict[str, pd.DataFrame], path: Path) -> Path:
    """One sheet per table, text cells typed as strings and wrapped, header bold and frozen.

    Text longer than Excel's 32,767 characters is cut and ends with a note saying so;
    a :class:`~pmo_nb.errors.PmoWarning` names each such sheet and cell.
    """
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    cut = [f"'{name[:31]}'!{cell}" for name, frame in tables.items()
           for cell in _write_sheet(book, name, frame)]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    book.save(tmp)
    tmp.replace(path)  # a reader never sees a half-written workbook
    if cut:
        listed = ", ".join(cut[:10]) + (f" and {len(cut) - 10} more" if len(cut) > 10 else "")
        cells = f"{len(cut)} cell" + ("s" if len(cut) > 1 else "")
        warnings.warn(f"{path.name}: {cells} cut at Excel's limit of "
                      f"{EXCEL_CELL_CHARS:,} characters, each ending with a note saying so: "
                      f"{listed}. The CSV export keeps the full text.", PmoWarning, stacklevel=3)
    return path


def _write_sheet(book: Workbook, name: str, frame: pd.DataFrame) -> list[str]:
    """Write ``frame`` on a new sheet; the cells cut, e.g. ``['D7 (1,000,000 characters)']``."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    sheet, cut = book.create_sheet(title=name[:31]), []
    wrap = Alignment(wrap_text=True, vertical="top")
    records = [[_text(c) for c in frame.columns]]
    records += [[_value(v) for v in record] for record in frame.itertuples(index=False)]
    for row, values in enumerate(records, start=1):
        for col, value in enumerate(values):
            if isinstance(value, str) and len(value) > EXCEL_CELL_CHARS:
                cut.append(f"{get_column_letter(col + 1)}{row} ({len(value):,} characters)")
                values[col] = _cut(value)
        sheet.append(values)
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never 'f' (formula), whatever the text starts with
                cell.alignment = wrap
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for i, col in enumerate(frame.columns, start=1):
        width = max([len(str(col))] + [len(str(v)) for v in frame[col].head(200)])
        sheet.column_dimensions[get_column_letter(i)].width = min(max(width + 2, 8), 60)
    return cut


def _cut(text: str) -> str:
    """Text cut to Excel's cell limit, ending with a note that says so."""
    note = (f" [… cut here: the text has {len(text):,} characters, an Excel cell holds "
            f"{EXCEL_CELL_CHARS:,}]")
    return text[: EXCEL_CELL_CHARS - len(note)] + note


def _text(value: object) -> str:
    return _ILLEGAL_XLSX.sub("", str(value))


def _value(value: object) -> object:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value
    if isinstance(value, pd.Timestamp):  # a date of the customer's file stays a date
        return value.to_pydatetime()
    if isinstance(value, dt.datetime | dt.date):
        return value
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return _text(value)

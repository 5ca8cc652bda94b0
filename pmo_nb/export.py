"""Write tables to CSV and XLSX so that no customer text can become a spreadsheet formula.

CSV: text starting with ``=``, ``+``, ``-``, ``@``, tab or CR gets a leading ``'``
(OWASP's advice for CSV injection). XLSX: every text cell is written with the
string type, so Excel shows it verbatim and never evaluates it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from .io import safe_frame

_ILLEGAL_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def slug(name: str) -> str:
    """``'candidate list'`` -> ``'candidate_list'``."""
    return re.sub(r"[^a-z0-9]+", "_", name.casefold()).strip("_")


def write_csvs(tables: dict[str, pd.DataFrame], folder: Path) -> list[Path]:
    """One UTF-8 (with BOM, for Excel) CSV per table; returns the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, frame in tables.items():
        path = folder / f"{slug(name)}.csv"
        safe_frame(frame).to_csv(path, index=False, encoding="utf-8-sig")
        paths.append(path)
    return paths


def write_xlsx(tables: dict[str, pd.DataFrame], path: Path) -> Path:
    """One sheet per table, text cells typed as strings and wrapped, header bold and frozen."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    wrap = Alignment(wrap_text=True, vertical="top")
    for name, frame in tables.items():
        sheet = book.create_sheet(title=name[:31])
        sheet.append([_text(c) for c in frame.columns])
        for record in frame.itertuples(index=False):
            sheet.append([_value(v) for v in record])
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
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    book.save(tmp)
    tmp.replace(path)  # a reader never sees a half-written workbook
    return path


def _text(value: object) -> str:
    return _ILLEGAL_XLSX.sub("", str(value))


def _value(value: object) -> object:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return _text(value)

"""Exports never turn customer text into a spreadsheet formula."""

from __future__ import annotations

import csv

import openpyxl
import pandas as pd
import pytest

import pmo_nb
from conftest import CATALOG

HOSTILE = ['=HYPERLINK("http://x","click")', "+cmd|' /C calc'!A0", "@SUM(1)", "-2+3",
           "\t=1+1", "<img src=x onerror=alert(1)>"]
STORED = [h.strip() for h in HOSTILE]  # the loader strips cells


@pytest.fixture
def hostile_ws(tmp_path):
    gaps = pd.DataFrame({
        "gap_id": [f"G-{i}" for i in range(len(HOSTILE))], "aspect": HOSTILE,
        "current_state": HOSTILE, "future_state": ["ok"] * len(HOSTILE),
        "size": ["H"] * len(HOSTILE), "priority": ["M"] * len(HOSTILE),
        "description": HOSTILE,
    })
    ws = pmo_nb.Workshop.open(tmp_path / "h.sqlite", gaps=gaps, catalog=CATALOG)
    ws.assign("G-0", "S-TRAIN-PM", note="=1+2")
    ws.hand_over("G-1", "=cmd()", note="@x")
    yield ws
    ws.close()


def test_csv_defuses_formulas(hostile_ws, tmp_path):
    paths = hostile_ws.export_csv(tmp_path / "csv")
    assert {p.name for p in paths} >= {"gaps.csv", "candidate_list.csv", "history.csv"}
    with open(tmp_path / "csv" / "gaps.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    aspects = [r["aspect"] for r in rows]
    assert aspects[:5] == ["'" + h for h in STORED[:5]]  # leading quote: text, not formula
    assert aspects[5] == HOSTILE[5]
    for path in paths:
        for line in csv.reader(open(path, encoding="utf-8-sig", newline="")):
            assert not any(cell.startswith(("=", "+", "@")) for cell in line), (path, line)


def test_xlsx_cells_are_text_never_formulas(hostile_ws, tmp_path):
    path = hostile_ws.export_xlsx(tmp_path / "record.xlsx")
    book = openpyxl.load_workbook(path)
    assert "candidate list" in book.sheetnames and "history" in book.sheetnames
    kinds = {c.data_type for s in book.worksheets for r in s.iter_rows() for c in r}
    assert "f" not in kinds
    gaps = book["gaps"]
    header = [c.value for c in gaps[1]]
    col = header.index("aspect")
    texts = [row[col].value for row in gaps.iter_rows(min_row=2)]
    assert texts == STORED  # verbatim: Excel shows the text, never runs it
    lead = [c.value for c in book["catalog"][1]].index("lead_time_months")
    numbers = [row[lead] for row in book["catalog"].iter_rows(min_row=2)]
    assert all(c.data_type == "n" for c in numbers)


def test_xlsx_is_written_atomically(hostile_ws, tmp_path):
    target = tmp_path / "out" / "record.xlsx"
    hostile_ws.export_xlsx(target)
    assert [p.name for p in target.parent.iterdir()] == ["record.xlsx"]

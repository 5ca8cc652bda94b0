"""Hostile and odd input files (issue #16): bounded, never silently wrong, exports inert."""

from __future__ import annotations

import unicodedata

import pandas as pd
import pytest

import pmo_nb
from pmo_nb import DataError, UnknownGapError, load_catalog, load_gaps
from pmo_nb.schema import normalise_id

GAP_HEADER = ["gap_id", "aspect", "current_state", "future_state", "description", "size",
              "priority", "pmo_role", "other_owner"]
CATALOG_HEADER = ["service_id", "name", "category", "tier", "aspects", "description", "cost",
                  "lead_time_months"]


def gap_row(gap_id: str = "G-01", **changes: str) -> list[str]:
    row = dict(zip(GAP_HEADER, [gap_id, "Méthodologie", "Ad hoc", "One lifecycle", "", "M",
                                "H", "", ""], strict=True))
    return list({**row, **changes}.values())


# --- ids: one form, look-alikes are duplicates ---------------------------------------------

@pytest.mark.parametrize(("raw", "expected"), [
    ("G-01", "G-01"), (" G-01 ", "G-01"), ("G\u200b-01", "G-01"), ("\ufeffG-01", "G-01"),
    ("G\u00ad-01", "G-01"), ("G\u200d-0\u200c1\u2060", "G-01"), ("G-01\ufe0f", "G-01"),
    ("\uff27\uff0d\uff10\uff11", "G-01"), ("G\u201101", "G-01"), ("G\u201301", "G-01"),
    ("G\u221201", "G-01"), ("S\u00a0\u00a0TRAIN", "S TRAIN"), ("g-01", "g-01"),
    ("Proce\u0301dure", "Proc\u00e9dure"), ("\u212b", "\u00c5"), (7, "7"), (None, ""),
    ("\u200b", ""),
])
def test_normalise_id(raw, expected):
    assert normalise_id(raw) == expected
    assert normalise_id(expected) == expected  # idempotent


def test_ids_are_normalised_on_load():
    frame = pd.DataFrame([gap_row("Ｇ-01\u200b"), gap_row("G-o\u0301")], columns=GAP_HEADER)
    ids = load_gaps(frame)["gap_id"].tolist()
    assert ids == ["G-01", "G-\u00f3"]
    assert all(unicodedata.is_normalized("NFC", i) for i in ids)


@pytest.mark.parametrize(("twin", "shown"), [
    ("G\u200b-01", "G<U+200B>-01"), ("\uff27-01", "<U+FF27>-01"), ("G\u201301", "G<U+2013>01"),
])
def test_look_alike_ids_are_duplicates_naming_both_rows(twin, shown):
    frame = pd.DataFrame([gap_row("G-01"), gap_row("G-02"), gap_row(twin)], columns=GAP_HEADER)
    with pytest.raises(DataError) as err:
        load_gaps(frame)
    assert str(err.value) == (
        f"DataFrame: row 4, column 'gap_id': '{shown}' is a duplicate of 'G-01' in row 2 (the "
        "same id once invisible characters, character forms and case are set aside); ids must "
        "be unique.")


def test_nfd_and_nfc_ids_are_duplicates():
    nfc, nfd = "S-\u00c9TUDE", "S-E\u0301TUDE"
    rows = [[i, "A", "Cat", "basic", "A", "Desc.", "1", ""] for i in (nfc, nfd)]
    with pytest.raises(DataError, match=r"row 3, column 'service_id': 'S-E<U\+0301>TUDE' is a "
                                        r"duplicate of 'S-\u00c9TUDE' in row 2"):
        load_catalog(pd.DataFrame(rows, columns=CATALOG_HEADER))


@pytest.fixture
def nfd_ws(tmp_path):
    """A session whose gap and service ids were typed with combining accents (NFD)."""
    gaps = pd.DataFrame([gap_row("G-E\u0301TAPE"), gap_row("G-02")], columns=GAP_HEADER)
    catalog = pd.DataFrame([["S-E\u0301TUDE", "Study", "Cat", "basic", "Méthodologie",
                             "Desc.", "1", ""]], columns=CATALOG_HEADER)
    with pmo_nb.Workshop.open(tmp_path / "s.sqlite", gaps=gaps, catalog=catalog) as ws:
        yield ws


@pytest.mark.parametrize("gap_id", ["G-\u00c9TAPE", "G-E\u0301TAPE", "G-\u00c9TAPE\u200b",
                                    "\uff27-\u00c9TAPE"])
def test_every_lookup_normalises_the_id(nfd_ws, gap_id):
    service = "S-\u00c9TUDE\u00ad"
    nfd_ws.assign(gap_id, service, note="x")
    assert nfd_ws.assignments[["gap_id", "service_id"]].values.tolist() == [
        ["G-\u00c9TAPE", "S-\u00c9TUDE"]]
    assert nfd_ws.suggest(gap_id)["service_id"].tolist() == ["S-\u00c9TUDE"]
    assert nfd_ws.unassign(gap_id, service) is True
    nfd_ws.hand_over(gap_id, "Finance")
    nfd_ws.take_back(gap_id)
    nfd_ws.update_service(service, cost=2)
    assert nfd_ws.catalog["cost"].tolist() == [2.0]


def test_unknown_gap_id_never_lists_an_identical_looking_id(nfd_ws):
    with pytest.raises(UnknownGapError) as err:
        nfd_ws.assign("G-\u00c9TAP\u200b", "S-\u00c9TUDE")
    assert str(err.value) == "Unknown gap id 'G-\u00c9TAP'. Closest: G-\u00c9TAPE, G-02."


def test_imported_assignments_are_matched_after_normalising(nfd_ws, tmp_path):
    path = tmp_path / "assignments.csv"
    path.write_text("gap_id,service_id\nG-\u00c9TAPE\u200b,S-E\u0301TUDE\n"
                    "G-E\u0301TAPE,S-\u00c9TUDE\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"row 3, column 'service_id': 'S-\u00c9TUDE' for "
                                        r"'G-\u00c9TAPE' repeats row 2\."):
        nfd_ws.import_assignments(path)
    path.write_text("gap_id,service_id\nG-\u00c9TAPE\u200b,S-E\u0301TUDE\n", encoding="utf-8")
    assert nfd_ws.import_assignments(path) == 1
    assert nfd_ws.assignments["gap_id"].tolist() == ["G-\u00c9TAPE"]

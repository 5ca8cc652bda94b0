"""Hostile and odd input files (issue #16): bounded, never silently wrong, exports inert."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pandas as pd
import pytest

import pmo_nb
from pmo_nb import DataError, UnknownGapError, load_catalog, load_gaps
from pmo_nb.io import MAX_CELL_CHARS, MAX_COLUMNS, MAX_ROWS
from pmo_nb.schema import normalise_id

GAP_HEADER = ["gap_id", "aspect", "current_state", "future_state", "description", "size",
              "priority", "pmo_role", "other_owner"]
CATALOG_HEADER = ["service_id", "name", "category", "tier", "aspects", "description", "cost",
                  "lead_time_months"]


def gap_row(gap_id: str = "G-01", **changes: str) -> list[str]:
    row = dict(zip(GAP_HEADER, [gap_id, "Méthodologie", "Ad hoc", "One lifecycle", "", "M",
                                "H", "", ""], strict=True))
    return list({**row, **changes}.values())


# --- text encodings ------------------------------------------------------------------------

def csv_bytes(*rows: list[str], encoding: str = "utf-8") -> bytes:
    return "".join(",".join(r) + "\r\n" for r in rows).encode(encoding)


def test_utf8_file_with_one_windows_1252_byte_names_the_row(tmp_path):
    good = csv_bytes(GAP_HEADER, gap_row("G-01"), ['G-02', '"Two\nlines"', *gap_row()[2:]])
    bad = csv_bytes(gap_row("G-03", aspect="Méthodologie"), encoding="cp1252")
    path = tmp_path / "gaps.csv"
    path.write_bytes(good + bad)
    with pytest.raises(DataError) as err:
        load_gaps(path)
    assert str(err.value) == (
        "gaps.csv: row 4, column 'aspect': 'M\ufffdthodologie' has bytes that are not UTF-8 "
        "(0xE9), though the rest of the file is UTF-8; retype the character, or save the file "
        "again as 'CSV UTF-8'.")


def test_utf8_file_with_a_bom_and_one_windows_1252_byte_names_the_row(tmp_path):
    path = tmp_path / "gaps.csv"
    text = csv_bytes(GAP_HEADER, gap_row(aspect="Skills", current_state="€ 5"),
                     encoding="cp1252")
    path.write_bytes(b"\xef\xbb\xbf" + text)
    with pytest.raises(DataError, match=r"^gaps\.csv: row 2, column 'current_state': '\ufffd 5' "
                                        r"has bytes that are not UTF-8 \(0x80\)"):
        load_gaps(path)


@pytest.mark.parametrize("aspect", ["Méthodologie", "Contrôle – coûts €"])
def test_windows_1252_file_loads_right(tmp_path, aspect):
    """Excel's "CSV" (not "CSV UTF-8") on a Western-European Windows: no mojibake."""
    path = tmp_path / "gaps.csv"
    path.write_bytes(csv_bytes(GAP_HEADER, gap_row(aspect=aspect), encoding="cp1252"))
    assert load_gaps(path)["aspect"].tolist() == [aspect]


def test_one_non_ascii_byte_alone_is_windows_1252(tmp_path):
    """An otherwise-ASCII file with one é byte: cp1252 is the only reading, and right."""
    path = tmp_path / "gaps.csv"
    path.write_bytes(csv_bytes(GAP_HEADER, gap_row(aspect="Caf\xe9"), encoding="latin-1"))
    assert load_gaps(path)["aspect"].tolist() == ["Café"]


def test_utf8_file_loads_right_and_never_as_mojibake(tmp_path):
    path = tmp_path / "gaps.csv"
    path.write_bytes(csv_bytes(GAP_HEADER, gap_row(aspect="Méthodologie ✓ 日本")))
    assert load_gaps(path)["aspect"].tolist() == ["Méthodologie ✓ 日本"]


def test_byte_undefined_in_windows_1252_names_the_row(tmp_path):
    path = tmp_path / "gaps.csv"
    path.write_bytes(csv_bytes(GAP_HEADER, gap_row(aspect="Caf\xe9"), encoding="latin-1")
                     + csv_bytes(gap_row("G-02", future_state="A\x81B"), encoding="latin-1"))
    with pytest.raises(DataError) as err:
        load_gaps(path)
    assert str(err.value) == (
        "gaps.csv: row 3, column 'future_state': 'A\ufffdB' has bytes that are not "
        "Windows-1252 characters (0x81); save the file from Excel as 'CSV UTF-8'.")


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


# --- long cells and the size limits of a CSV -----------------------------------------------

def test_a_cell_of_a_million_characters_loads(tmp_path):
    path = tmp_path / "gaps.csv"
    path.write_bytes(csv_bytes(GAP_HEADER, gap_row(description="x" * MAX_CELL_CHARS)))
    assert len(load_gaps(path).at[0, "description"]) == MAX_CELL_CHARS


def test_a_cell_past_the_limit_is_too_long_not_an_unclosed_quote(tmp_path):
    path = tmp_path / "gaps.csv"
    path.write_bytes(csv_bytes(GAP_HEADER, gap_row(),
                               gap_row("G-02", description='"' + "x" * 1_200_000 + '"')))
    with pytest.raises(DataError) as err:
        load_gaps(path)
    assert str(err.value) == (
        "gaps.csv: row 3, column 'description': the cell holds 1,200,000 characters; at most "
        "1,000,000 are read (pmo_nb.io.MAX_CELL_CHARS): shorten it, or keep the text in a "
        "document and name the document here.")


def test_too_many_rows(tmp_path):
    path = tmp_path / "gaps.csv"
    path.write_bytes(csv_bytes(GAP_HEADER, *[gap_row(f"G-{i}") for i in range(MAX_ROWS + 1)]))
    with pytest.raises(DataError) as err:
        load_gaps(path)
    assert str(err.value) == ("gaps.csv: has 10,001 rows below the header; at most 10,000 are "
                              "read (pmo_nb.io.MAX_ROWS): split the file.")


def test_too_many_columns(tmp_path):
    path = tmp_path / "gaps.csv"
    extra = [f"extra {i}" for i in range(MAX_COLUMNS)]
    path.write_bytes(csv_bytes(GAP_HEADER + extra, gap_row() + [""] * len(extra)))
    with pytest.raises(DataError) as err:
        load_gaps(path)
    assert str(err.value) == ("gaps.csv: row 1: the header has 109 columns; at most 100 are "
                              "read (pmo_nb.io.MAX_COLUMNS): delete the columns you do not need.")


def test_a_file_past_the_size_limit_is_refused_unread(tmp_path):
    path = tmp_path / "gaps.csv"
    with path.open("wb") as fh:
        fh.truncate(21_000_000)  # sparse: nothing to read
    with pytest.raises(DataError) as err:
        load_gaps(path)
    assert str(err.value) == ("gaps.csv: is 21 MB; at most 20 MB are read "
                              "(pmo_nb.io.MAX_FILE_MB): check that it is the right file, or "
                              "split it.")




def test_readme_documents_the_limits():
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Limits", 1)[1].split("\n#", 1)[0]
    rows = [line.split("|")[1:3] for line in section.splitlines() if line.startswith("| `")]
    documented = {name.strip(" `"): int(value) for name, value in rows}
    assert documented == {name: getattr(pmo_nb.io, name) for name in documented}
    assert sorted(documented) == sorted(n for n in dir(pmo_nb.io) if n.startswith("MAX_"))

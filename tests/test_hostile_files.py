"""Hostile and odd input files (issue #16): bounded, never silently wrong, exports inert.

Workbook bombs are generated here and loaded in a subprocess that measures its own
peak memory (a generous bound is asserted; the figures are far lower). Time is not
asserted: a timing belongs to ``benchmarks/``; a load that never ends fails at ``HANG``
seconds, a guard against a hang, not a measure.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
import struct
import subprocess
import sys
import unicodedata
import zipfile
import zlib
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import pmo_nb
from conftest import CATALOG, SAMPLE_GAPS
from pmo_nb import DataError, UnknownGapError, load_catalog, load_gaps
from pmo_nb.errors import PmoWarning
from pmo_nb.inputs.export import EXCEL_CELL_CHARS, write_csvs, write_xlsx
from pmo_nb.inputs.io import MAX_CELL_CHARS, MAX_COLUMNS, MAX_ROWS
from pmo_nb.inputs.schema import normalise_id

GAP_HEADER = ["gap_id", "aspect", "current_state", "future_state", "description", "size",
              "priority", "pmo_role", "other_owner"]
CATALOG_HEADER = ["service_id", "name", "category", "tier", "aspects", "description", "cost",
                  "lead_time_months"]
PEAK_MB = 300  # a generous bound: see the figures printed with `pytest -s`
HANG = 300  # seconds: a load still running then has hung (the loads take well under 1 s)


def gap_row(gap_id: str = "G-01", **changes: str) -> list[str]:
    row = dict(zip(GAP_HEADER, [gap_id, "Méthodologie", "Ad hoc", "One lifecycle", "", "M",
                                "H", "", ""], strict=True))
    return list({**row, **changes}.values())


def workbook(path: Path, rows: list[list], merge: str | None = None) -> Path:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    if merge:
        book.active.merge_cells(merge)
    book.save(path)
    return path


# --- workbook bombs: a zip written by hand, so that 1 GB of XML takes a second to make -----

def deflated(*segments: bytes | tuple[bytes, int]) -> tuple[bytes, int, int]:
    """Raw deflate data of the segments (``(data, times)`` repeats data), CRC-32, size.

    Each segment is compressed once, with a full flush that makes it repeatable.
    """
    out, crc, size = bytearray(), 0, 0
    for segment in segments:
        data, times = segment if isinstance(segment, tuple) else (segment, 1)
        block = zlib.compressobj(9, zlib.DEFLATED, -15)
        out += (block.compress(data) + block.flush(zlib.Z_FULL_FLUSH)) * times
        for _ in range(times):
            crc = zlib.crc32(data, crc)
        size += len(data) * times
    return bytes(out + zlib.compressobj(9, zlib.DEFLATED, -15).flush()), crc, size


def write_zip(path: Path, parts: dict[str, bytes | tuple[bytes, int, int]]) -> Path:
    """A zip of ``parts``: bytes, or (raw deflate data, CRC-32, size declared)."""
    body, directory = bytearray(), bytearray()
    for name, part in parts.items():
        data, crc, size = part if isinstance(part, tuple) else deflated(part)
        fields = (0, 8, 0, 0x21, crc, len(data), size, len(name.encode()))
        directory += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, *fields,
                                 0, 0, 0, 0, 0, len(body)) + name.encode()
        body += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, *fields, 0) + name.encode() + data
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(parts), len(parts), len(directory),
                      len(body), 0)
    path.write_bytes(bytes(body + directory + end))
    return path


def parts_of(path: Path) -> dict[str, bytes]:
    """The parts of an xlsx that openpyxl wrote, its XML in one spelling whether openpyxl
    wrote it with et_xmlfile or with lxml (installed with python-pptx): ``<v />`` for
    ``<v/>`` and ``<v></v>``, UTF-8 for ``&#233;``."""
    with zipfile.ZipFile(path) as archive:
        return {name: _one_spelling(archive.read(name)) if name.endswith(".xml") else
                archive.read(name) for name in archive.namelist()}


def _one_spelling(xml: bytes) -> bytes:
    xml = re.sub(rb"<(\w+)></\1>", rb"<\1/>", xml)
    xml = re.sub(rb"(?<! )/>", b" />", xml)
    return re.sub(rb"&#(\d+);", lambda m: chr(int(m[1])).encode(), xml)


SHEET = "xl/worksheets/sheet1.xml"
MEASURE = """
import json, re, sys, time
from pathlib import Path
import openpyxl, pmo_nb

def peak_mb():  # this process's own high-water mark (ru_maxrss would include the parent's)
    status = Path("/proc/self/status").read_text()
    return round(int(re.search(r"VmHWM:\\s+(\\d+) kB", status).group(1)) / 1024)

imports_mb = peak_mb()
start = time.perf_counter()
try:
    outcome = f"loaded {len(pmo_nb.load_gaps(sys.argv[1]))} gaps"
except pmo_nb.PmoError as exc:
    outcome = f"{type(exc).__name__}: {exc}"
print(json.dumps({"seconds": round(time.perf_counter() - start, 3), "outcome": outcome,
                  "peak_mb": peak_mb(), "after_imports_mb": imports_mb}))
"""


def measured_load(path: Path) -> dict:
    """Load ``path`` in a fresh interpreter: seconds, peak RSS (MB, imports included), outcome."""
    if not Path("/proc/self/status").exists():
        pytest.skip("measuring peak memory needs Linux's /proc/self/status")
    done = subprocess.run([sys.executable, "-c", MEASURE, str(path)], capture_output=True,
                          text=True, timeout=HANG, check=True)
    result = json.loads(done.stdout)
    print(f"\n{path.name} ({path.stat().st_size / 1e3:,.1f} KB): {result}")
    return result


@pytest.fixture(scope="module")
def base_parts(tmp_path_factory) -> dict[str, bytes]:
    path = tmp_path_factory.mktemp("base") / "gaps.xlsx"
    return parts_of(workbook(path, [GAP_HEADER, gap_row()]))


def with_sheet_xml(parts: dict[str, bytes], dimension: str, extra_rows: str) -> dict:
    sheet = parts[SHEET].decode()
    sheet = sheet.replace('<dimension ref="A1:I2" />', f'<dimension ref="{dimension}" />')
    return {**parts, SHEET: sheet.replace("</sheetData>", extra_rows + "</sheetData>").encode()}


def test_bomb_declared_a1_xfd1048576_with_a_value_in_the_last_row(tmp_path, base_parts):
    parts = with_sheet_xml(base_parts, "A1:XFD1048576", '<row r="1048576"><c r="A1048576" '
                           't="inlineStr"><is><t>x</t></is></c></row>')
    result = measured_load(write_zip(tmp_path / "gaps.xlsx", parts))
    assert result["outcome"] == (
        "DataError: gaps.xlsx: row 1048576: cell A1048576 holds a value below row 10,001; "
        "at most 10,000 data rows are read (pmo_nb.io.MAX_ROWS): delete what is below the "
        "table, or split the file.")
    assert result["peak_mb"] < PEAK_MB


def test_bomb_value_in_the_last_column(tmp_path, base_parts):
    parts = with_sheet_xml(base_parts, "A1:XFD1048576", '<row r="3"><c r="XFD3" t="inlineStr">'
                           "<is><t>x</t></is></c></row>")
    result = measured_load(write_zip(tmp_path / "gaps.xlsx", parts))
    assert result["outcome"] == (
        "DataError: gaps.xlsx: row 3: cell XFD3 holds a value right of column CV; at most 100 "
        "columns are read (pmo_nb.io.MAX_COLUMNS): delete what is right of the table.")
    assert result["peak_mb"] < PEAK_MB


def test_a_declared_dimension_is_not_trusted(tmp_path, base_parts):
    """Declared A1:XFD1048576 and formatted, empty cells at the end: the data loads."""
    parts = with_sheet_xml(base_parts, "A1:XFD1048576",
                           '<row r="1048576"><c r="XFD1048576" s="0"/></row>')
    result = measured_load(write_zip(tmp_path / "gaps.xlsx", parts))
    assert result["outcome"] == "loaded 1 gaps"
    assert result["peak_mb"] < PEAK_MB


def test_bomb_1_gb_of_sheet_xml(tmp_path, base_parts):
    head, tail = base_parts[SHEET].split(b"</sheetData>")
    rows = (b"<row><c><v>1</v></c></row>" * 40_000, 1_000)  # 1.04 GB
    path = write_zip(tmp_path / "gaps.xlsx",
                     {**base_parts, SHEET: deflated(head, rows, b"</sheetData>" + tail)})
    result = measured_load(path)
    assert path.stat().st_size < 5e6
    assert result["outcome"] == (
        "DataError: gaps.xlsx: unzips to 1,040 MB (xl/worksheets/sheet1.xml: 1,040 MB); at "
        "most 50 MB are read (pmo_nb.io.MAX_XLSX_MB): copy the table alone into a new "
        "workbook, or save it as CSV.")
    assert result["peak_mb"] < PEAK_MB


SST = ("http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings",
       "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml")


def with_shared_strings(parts: dict[str, bytes], strings: bytes | tuple) -> dict:
    """``parts`` with a shared-strings part, as Excel writes, and cell B2 using string 0."""
    rels, types = parts["xl/_rels/workbook.xml.rels"], parts["[Content_Types].xml"]
    rel = f'<Relationship Id="rIdS" Type="{SST[0]}" Target="sharedStrings.xml"/>'.encode()
    kind = f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SST[1]}"/>'.encode()
    sheet = parts[SHEET].replace(b'<c r="B2" t="inlineStr"><is><t>M\xc3\xa9thodologie</t></is>',
                                 b'<c r="B2" t="s"><v>0</v>')
    assert sheet != parts[SHEET]
    return {**parts, SHEET: sheet, "xl/sharedStrings.xml": strings,
            "xl/_rels/workbook.xml.rels": rels.replace(b"</Relationships>",
                                                       rel + b"</Relationships>"),
            "[Content_Types].xml": types.replace(b"</Types>", kind + b"</Types>")}


def sst(*texts: bytes | tuple[bytes, int]) -> tuple[bytes, int, int]:
    head = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>'
    return deflated(head, *texts, b"</t></si></sst>")


def test_a_crafted_shared_strings_part_is_read(tmp_path, base_parts):
    """The control for the bomb below: the same workbook, with a short string, loads."""
    path = write_zip(tmp_path / "gaps.xlsx", with_shared_strings(base_parts, sst(b"Skills")))
    assert load_gaps(path)["aspect"].tolist() == ["Skills"]


def test_bomb_400_mb_shared_string(tmp_path, base_parts):
    parts = with_shared_strings(base_parts, sst((b"x" * 1_000_000, 400)))
    path = write_zip(tmp_path / "gaps.xlsx", parts)
    result = measured_load(path)
    assert path.stat().st_size < 1e6
    assert result["outcome"] == (
        "DataError: gaps.xlsx: unzips to 400 MB (xl/sharedStrings.xml: 400 MB); at most 50 MB "
        "are read (pmo_nb.io.MAX_XLSX_MB): copy the table alone into a new workbook, or save "
        "it as CSV.")
    assert result["peak_mb"] < PEAK_MB


def test_a_49_mb_shared_string_is_a_cell_too_long(tmp_path, base_parts):
    """Within the size limits, yet no cell may hold 49 million characters."""
    parts = with_shared_strings(base_parts, sst((b"x" * 1_000_000, 49)))
    result = measured_load(write_zip(tmp_path / "gaps.xlsx", parts))
    assert result["outcome"] == (
        "DataError: gaps.xlsx: row 2, column 'aspect': the cell holds 49,000,000 characters; at "
        "most 1,000,000 are read (pmo_nb.io.MAX_CELL_CHARS): shorten it, or keep the text in a "
        "document and name the document here.")
    assert result["peak_mb"] < PEAK_MB


def test_bomb_whose_zip_understates_the_size(tmp_path, base_parts):
    """The zip says the sheet is 40 KB; it holds 1 GB. zipfile never unpacks past 40 KB."""
    head, tail = base_parts[SHEET].split(b"</sheetData>")
    data, crc, _ = deflated(head, (b"<row><c><v>1</v></c></row>" * 40_000, 1_000),
                            b"</sheetData>" + tail)
    path = write_zip(tmp_path / "gaps.xlsx", {**base_parts, SHEET: (data, crc, 40_000)})
    result = measured_load(path)
    assert result["outcome"].startswith(
        "DataError: gaps.xlsx: is not a readable Excel workbook (")
    assert result["peak_mb"] < PEAK_MB


def test_bomb_of_rows_within_the_size_limit(tmp_path, base_parts):
    head, tail = base_parts[SHEET].split(b"</sheetData>")
    rows = b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (i, i)
                    for i in range(3, 200_000))
    path = write_zip(tmp_path / "gaps.xlsx",
                     {**base_parts, SHEET: head + rows + b"</sheetData>" + tail})
    result = measured_load(path)
    assert result["outcome"] == (
        "DataError: gaps.xlsx: row 10002: cell A10002 holds a value below row 10,001; at most "
        "10,000 data rows are read (pmo_nb.io.MAX_ROWS): delete what is below the table, or "
        "split the file.")
    assert result["peak_mb"] < PEAK_MB


def test_a_workbook_at_the_row_limit_loads(tmp_path):
    rows = [GAP_HEADER] + [gap_row(f"G-{i:05d}") for i in range(MAX_ROWS)]
    result = measured_load(workbook(tmp_path / "gaps.xlsx", rows))
    assert result["outcome"] == f"loaded {MAX_ROWS} gaps"  # a real file: no time asserted


# --- formulas without a saved value, merged cells ------------------------------------------

def catalog_rows() -> list[list]:
    return [CATALOG_HEADER,
            ["S-A", "Gates", "Governance", "basic", "Gates", "Stage gates.", 10, 3],
            ["S-B", "Boards", "Governance", "basic", "Boards", "Boards.", 20, None],
            ["S-C", "Pool", "Resources", "advanced", "Pool", "One pool.", 30, 6]]


def test_a_formula_without_a_saved_value_is_named_in_a_required_column(tmp_path):
    rows = catalog_rows()
    rows[2][6] = "=G2*2"  # openpyxl writes the formula and no value, as a script would
    with pytest.raises(DataError) as err:
        load_catalog(workbook(tmp_path / "catalog.xlsx", rows))
    assert str(err.value) == (
        "catalog.xlsx: row 3, column 'cost': cell G3 holds a formula with no saved value, so it "
        "reads as blank; open the file in Excel and save it so formulas get values.")


def test_a_formula_without_a_saved_value_is_named_in_an_optional_column(tmp_path):
    rows = catalog_rows()
    rows[2][7], rows[3][5] = "=H2+1", '=CONCAT("One ", "pool.")'
    with pytest.raises(DataError) as err:
        load_catalog(workbook(tmp_path / "catalog.xlsx", rows))
    assert [(p.row, p.column) for p in err.value.problems] == [(3, "lead_time_months"),
                                                               (4, "description")]
    assert "cell H3 holds a formula with no saved value" in str(err.value)
    assert "cell F4 holds a formula with no saved value" in str(err.value)


def test_a_formula_with_a_saved_value_reads_the_value(tmp_path):
    rows = catalog_rows()
    rows[2][6] = "=G2*2"
    path = workbook(tmp_path / "catalog.xlsx", rows)
    parts = parts_of(path)  # as Excel saves it: the formula and its value
    parts[SHEET] = parts[SHEET].replace(b"<f>G2*2</f><v />", b"<f>G2*2</f><v>20</v>")
    assert load_catalog(write_zip(path, parts))["cost"].tolist() == [10.0, 20.0, 30.0]


def test_merged_cells_are_named_in_a_required_column(tmp_path):
    path = workbook(tmp_path / "catalog.xlsx", catalog_rows(), merge="C2:C3")
    with pytest.raises(DataError) as err:
        load_catalog(path)
    assert str(err.value) == (
        "catalog.xlsx: row 2, column 'category': cells C2:C3 are merged, so all but C2 read as "
        "blank; unmerge the cells and fill each one.")


def test_merged_cells_are_named_in_an_optional_column(tmp_path):
    rows = [GAP_HEADER, gap_row("G-01", description="Shared context"), gap_row("G-02")]
    with pytest.raises(DataError) as err:
        load_gaps(workbook(tmp_path / "gaps.xlsx", rows, merge="E2:F3"))
    assert str(err.value) == (
        "gaps.xlsx: row 2, column 'description': cells E2:F3 are merged, so all but E2 read as "
        "blank; unmerge the cells and fill each one.")


def test_merged_blank_cells_and_merges_outside_the_table_are_harmless(tmp_path):
    rows = [GAP_HEADER + ["", "", "notes"], gap_row("G-01"), gap_row("G-02")]
    path = workbook(tmp_path / "gaps.xlsx", rows, merge="E2:E3")  # description: blank
    book = openpyxl.load_workbook(path)
    book.active.merge_cells("J5:K9")  # right of and below the table: not read
    book.save(path)
    assert load_gaps(path)["gap_id"].tolist() == ["G-01", "G-02"]


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


# --- exports: nothing becomes a formula, nothing is cut silently ---------------------------

NOTES = ["\r=1+1", "\n=1+1", " =1+1", "\xa0=1+1", "\t=1+1", " \r\n\t@SUM(1)", "=1+1", "+1+1",
         "-1+1", "ok\r=2+2", "ok\n=3+3", "ok\r\n-4+4"]


@pytest.fixture
def noted_ws(tmp_path):
    """A sample session whose notes (and a hand-over) hold every way to start a formula."""
    with pmo_nb.Workshop.open(tmp_path / "n.sqlite", gaps=SAMPLE_GAPS, catalog=CATALOG) as ws:
        gap_ids, service_ids = ws.gaps["gap_id"].tolist(), ws.catalog["service_id"].tolist()
        for gap_id, service_id, note in zip(gap_ids, service_ids, NOTES, strict=False):
            ws.assign(gap_id, service_id, note=note)
        ws.hand_over(gap_ids[-1], "=cmd|' /C calc'!A0", note="\r=1+1")
        yield ws


def test_csv_quotes_every_text_field_and_no_number(tmp_path):
    frame = pd.DataFrame({"note": ["\r=1+1", "a\nb", "-3"], "cost": [-3.0, 2.5, None],
                          "n": [-3, 0, 1]})
    (path,) = write_csvs({"t": frame}, tmp_path)
    assert path.read_bytes().decode("utf-8-sig") == (
        '"note","cost","n"\n"\'\r=1+1",-3.0,-3\n"a\nb",2.5,0\n"\'-3","",1\n')


def test_csv_export_defuses_every_note(noted_ws, tmp_path):
    noted_ws.export_csv(tmp_path)
    with open(tmp_path / "assignments.csv", encoding="utf-8-sig", newline="") as fh:
        notes = [row["note"] for row in csv.DictReader(fh)]
    assert sorted(notes) == sorted("'" + n if n.lstrip()[0] in "=+-@" else n for n in NOTES)


def test_xlsx_export_cuts_a_long_note_visibly_and_warns(noted_ws, tmp_path):
    gap_id = noted_ws.gaps["gap_id"].iloc[0]
    noted_ws.assign(gap_id, noted_ws.catalog["service_id"].iloc[0], note="x" * 1_000_000)
    with pytest.warns(PmoWarning) as warned:
        noted_ws.export_xlsx(tmp_path / "record.xlsx")
    assert str(warned[0].message) == (
        "record.xlsx: 2 cells cut at Excel's limit of 32,767 characters, each ending with a "
        "note saying so: 'assignments'!D2 (1,000,000 characters), 'history'!J15 (1,000,079 "
        "characters). The CSV export keeps the full text.")
    assert warned[0].filename == __file__  # the warning points at the caller's line
    cell = openpyxl.load_workbook(tmp_path / "record.xlsx")["assignments"]["D2"].value
    assert len(cell) == EXCEL_CELL_CHARS and cell.startswith("x" * 32_000)
    assert cell.endswith(" [… cut here: the text has 1,000,000 characters, an Excel cell holds "
                         "32,767]")


def test_xlsx_export_within_the_limit_warns_nothing(tmp_path, recwarn):
    write_xlsx({"t": pd.DataFrame({"note": ["x" * EXCEL_CELL_CHARS]})}, tmp_path / "t.xlsx")
    assert not recwarn.list
    cell = openpyxl.load_workbook(tmp_path / "t.xlsx")["t"]["A2"].value
    assert cell == "x" * EXCEL_CELL_CHARS


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
# comma, double quote, UTF-8, from line 1, en-US; token 13: evaluate formulas (the worst case)
CSV_IMPORT = "CSV:44,34,76,1,,1033,false,true,false,false,false,,true"


def soffice_to_xlsx(files: list[Path], out: Path, infilter: str | None = None) -> list[Path]:
    """Open each file in LibreOffice Calc (headless) and save it as .xlsx into ``out``."""
    command = [SOFFICE, f"-env:UserInstallation={(out / 'profile').as_uri()}", "--headless",
               "--norestore", "--convert-to", "xlsx", "--outdir", str(out), *map(str, files)]
    if infilter:
        command.insert(3, f"--infilter={infilter}")
    subprocess.run(command, check=True, capture_output=True, timeout=300)
    converted = [out / f"{f.stem}.xlsx" for f in files]
    assert all(p.exists() for p in converted), list(out.iterdir())
    return converted


def formulas(path: Path, text_may_start_with_equals: bool = False) -> list[str]:
    """Formula cells, and (unless allowed) text cells starting with ``=``.

    LibreOffice saves a boolean as the formula ``=TRUE()`` / ``=FALSE()``: not counted.
    """
    book = openpyxl.load_workbook(path)
    return [f"{sheet.title}!{cell.coordinate}" for sheet in book.worksheets
            for row in sheet.iter_rows() for cell in row
            if (cell.data_type == "f" and cell.value not in ("=TRUE()", "=FALSE()"))
            or (not text_may_start_with_equals and str(cell.value or "").startswith("="))]


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed (soffice not on PATH): "
                                            "`make browser-deps` installs libreoffice-calc-nogui")
def test_libreoffice_finds_no_formula_in_any_export(noted_ws, tmp_path):
    csvs = noted_ws.export_csv(tmp_path / "csv")
    control = tmp_path / "csv" / "control.csv"  # proves the check can see a formula
    control.write_text("a,b\n1,=1+1\n", encoding="utf-8")
    xlsx = noted_ws.export_xlsx(tmp_path / "record.xlsx")
    opened = soffice_to_xlsx([*csvs, control], tmp_path / "from_csv", CSV_IMPORT)
    assert formulas(opened.pop()) == ["control!B2"]
    assert {p.name: formulas(p) for p in opened} == {p.name: [] for p in opened}
    # the workbook keeps the text verbatim, typed as text: Calc shows it and never runs it
    (reopened,) = soffice_to_xlsx([xlsx], tmp_path / "from_xlsx")
    assert formulas(reopened, text_may_start_with_equals=True) == []
    assert openpyxl.load_workbook(reopened)["assignments"]["D8"].value == "=1+1"
    rows = openpyxl.load_workbook(tmp_path / "from_csv" / "assignments.xlsx").active.max_row
    assert rows == 1 + len(noted_ws.assignments)  # a line break in a note starts no row


def test_readme_documents_the_limits():
    readme = (Path(__file__).parent.parent / "docs" / "data.md").read_text(encoding="utf-8")
    section = readme.split("### Limits", 1)[1].split("\n#", 1)[0]
    rows = [line.split("|")[1:3] for line in section.splitlines() if line.startswith("| `")]
    documented = {name.strip(" `"): int(value) for name, value in rows}
    assert documented == {name: getattr(pmo_nb.io, name) for name in documented}
    assert sorted(documented) == sorted(n for n in dir(pmo_nb.io) if n.startswith("MAX_"))

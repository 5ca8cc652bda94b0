"""Reading gaps and catalogs: the formats accepted, the files refused, the values normalised."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
import yaml

import pmo_nb
from conftest import FIXTURES
from pmo_nb import DataError, load_catalog, load_gaps
from pmo_nb.inputs.io import safe_cell, safe_frame

GOOD = FIXTURES / "good"
BAD = FIXTURES / "bad"
EXPECTED = yaml.safe_load((BAD / "EXPECTED.yaml").read_text(encoding="utf-8"))

GAP_COLUMNS = ["gap_id", "aspect", "current_state", "future_state", "description",
               "size", "priority", "pmo_role", "other_owner"]
CATALOG_COLUMNS = ["service_id", "name", "category", "tier", "aspects", "description",
                   "cost", "lead_time_months"]

# What every tests/data/good fixture holds once loaded (they differ only in form).
GAPS = pd.DataFrame({
    "gap_id": ["G-01", "G-02", "G-03"],
    "aspect": ["Project manager skills", "Project communication", "Resource management"],
    "current_state": ["No PM training", "Status reports are late, and vague",
                      "People are booked twice"],
    "future_state": ["Core curriculum for every PM", "One weekly report per project",
                     "One resource pool"],
    "description": ["Budget in € – none so far", "", ""],
    "size": ["H", "M", "L"],
    "priority": ["H", "L", "M"],
    "pmo_role": ["close", "partial", "none"],
    "other_owner": ["", "Contrôle de gestion", "Finance & Procurement"],
})
CATALOG = pd.DataFrame({
    "service_id": ["S-TRAIN", "S-COMM", "S-RES"],
    "name": ["PM training", "Communication plan", "Resource pool"],
    "category": ["Training and development", "Communication", "Resource management"],
    "tier": ["basic", "advanced", "basic"],
    "aspects": ["Project manager skills", "Project communication;Governance process",
                "Resource management"],
    "description": ["A core curriculum for project managers.",
                    "Plans, templates and a weekly rhythm – for sponsors.",
                    "One pool for shared people; booked centrally."],
    "cost": [12.5, 1200.0, 0.0],
    "lead_time_months": [3.0, np.nan, 6.0],
})


def _loader(path: Path):
    return load_gaps if path.name.startswith("gaps_") else load_catalog


def _assert_same_table(result: pd.DataFrame, expected: pd.DataFrame) -> None:
    got = result[list(expected.columns)]
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)
    for col in expected.columns:  # text stays text, numbers are floats
        assert (pd.api.types.is_float_dtype(got[col]) if col in ("cost", "lead_time_months")
                else all(isinstance(v, str) for v in got[col])), col


def _write_xlsx(path: Path, *sheets: list[list]) -> Path:
    book = openpyxl.Workbook()
    for i, rows in enumerate(sheets):
        sheet = book.active if i == 0 else book.create_sheet(f"Sheet{i + 1}")
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def _rows(frame: pd.DataFrame) -> list[list]:
    return [list(frame.columns)] + frame.astype(object).where(frame.notna(), None).values.tolist()


# --- formats accepted -----------------------------------------------------------------

@pytest.mark.parametrize("path", sorted(GOOD.glob("gaps_*.csv")), ids=lambda p: p.name)
def test_good_gaps_files_load_to_the_same_table(path):
    _assert_same_table(load_gaps(path), GAPS)


@pytest.mark.parametrize("path", sorted(GOOD.glob("catalog_*.csv")), ids=lambda p: p.name)
def test_good_catalog_files_load_to_the_same_table(path):
    _assert_same_table(load_catalog(path), CATALOG)


def test_every_good_fixture_is_a_gaps_or_catalog_file():
    names = [p.name for p in GOOD.iterdir()]
    assert names and all(n.startswith(("gaps_", "catalog_")) and n.endswith(".csv")
                         for n in names)


def test_extra_columns_are_kept_after_the_schema_columns():
    gaps = load_gaps(GOOD / "gaps_extra_columns.csv")
    # an extra column keeps the customer's header (it comes back so in the exports)
    assert list(gaps.columns) == GAP_COLUMNS + ["workshop_note", "Raised By"]
    assert gaps["workshop_note"].tolist() == ["check with CFO", "", ""]
    catalog = load_catalog(GOOD / "catalog_extra_columns.csv")
    assert list(catalog.columns) == CATALOG_COLUMNS + ["vendor", "Internal Code"]
    assert catalog["Internal Code"].tolist() == ["T1", "C7", ""]


def test_str_path_and_pathlib_path_both_work():
    path = GOOD / "gaps_plain.csv"
    pd.testing.assert_frame_equal(load_gaps(str(path)), load_gaps(path))


def test_tab_separated_text_is_read(tmp_path):
    path = tmp_path / "gaps.tsv"
    text = GAPS.to_csv(sep="\t", index=False)
    path.write_text(text, encoding="utf-8")
    _assert_same_table(load_gaps(path), GAPS)


def test_semicolon_file_reads_a_comma_as_the_decimal_separator(tmp_path):
    path = tmp_path / "catalog.csv"
    header = ";".join(CATALOG_COLUMNS)
    path.write_text(f"{header}\nS-A;A;Governance;basic;Gates;Gates.;12,500;1,5\n"
                    f"S-B;B;Governance;basic;Gates;Gates.;1.250,75;2\n", encoding="utf-8")
    catalog = load_catalog(path)
    assert catalog["cost"].tolist() == [12.5, 1250.75]
    assert catalog["lead_time_months"].tolist() == [1.5, 2.0]


def test_comma_file_reads_a_quoted_comma_group_as_thousands(tmp_path):
    path = tmp_path / "catalog.csv"
    path.write_text(",".join(CATALOG_COLUMNS) + '\nS-A,A,Governance,basic,Gates,Gates.,"1,200",\n'
                    'S-B,B,Governance,basic,Gates,Gates.,"7,5",\n', encoding="utf-8")
    assert load_catalog(path)["cost"].tolist() == [1200.0, 7.5]


def test_blank_lines_above_the_header_shift_the_row_numbers(tmp_path):
    path = tmp_path / "gaps.csv"
    path.write_text("\n,,,,,,\n" + ",".join(GAP_COLUMNS) + "\nG-01,A,Now,Later,,H,huge,,\n",
                    encoding="utf-8")
    with pytest.raises(DataError, match=r"^gaps\.csv: row 4, column 'priority': 'huge'"):
        load_gaps(path)


# --- XLSX -----------------------------------------------------------------------------

def test_xlsx_first_sheet_is_read(tmp_path):
    other = [["gap_id"], ["not a gap"]]
    path = _write_xlsx(tmp_path / "gaps.xlsx", _rows(GAPS), other)
    _assert_same_table(load_gaps(path), GAPS)


def test_xlsx_numbers_blank_rows_and_odd_headers(tmp_path):
    rows = [[" Service ID ", "Name", "CATEGORY", "Tier", "Aspects", "Description", "Cost",
             "Lead time months", "Extra"],
            [101, "A", "Governance", "Basic", "Gates", "Gates.", 12.5, 3, None],
            [None] * 9,
            [102.0, "B", "Governance", "advanced", "Gates; Boards", "Boards.", 7, None, "x"]]
    catalog = load_catalog(_write_xlsx(tmp_path / "catalog.xlsx", rows))
    assert catalog["service_id"].tolist() == ["101", "102"]
    assert catalog["cost"].tolist() == [12.5, 7.0]
    assert catalog["tier"].tolist() == ["basic", "advanced"]
    assert catalog["aspects"].tolist() == ["Gates", "Gates;Boards"]
    assert catalog["Extra"].tolist() == ["", "x"]
    assert catalog["lead_time_months"].iloc[1] != catalog["lead_time_months"].iloc[1]  # NaN


def test_xlsx_errors_name_the_sheet_row(tmp_path):
    rows = _rows(GAPS)
    rows.insert(2, [None] * len(GAP_COLUMNS))
    rows[3][5] = "XL"  # G-02 is now on spreadsheet row 4
    with pytest.raises(DataError) as err:
        load_gaps(_write_xlsx(tmp_path / "gaps.xlsx", rows))
    assert str(err.value) == ("gaps.xlsx: row 4, column 'size': 'XL' is not allowed; "
                              "allowed: L, M, H (or Low, Medium, Med, High).")


def test_xlsx_with_an_empty_first_sheet(tmp_path):
    path = _write_xlsx(tmp_path / "gaps.xlsx", [], _rows(GAPS))
    with pytest.raises(DataError, match=r"^gaps\.xlsx: the first sheet is empty or its row 1 "
                                        r"is blank; put the header in row 1\.$"):
        load_gaps(path)


def test_truncated_xlsx_is_a_data_error(tmp_path):
    good = _write_xlsx(tmp_path / "good.xlsx", _rows(GAPS)).read_bytes()
    path = tmp_path / "gaps.xlsx"
    path.write_bytes(good[: len(good) // 2])
    with pytest.raises(DataError, match=r"^gaps\.xlsx: is not a readable Excel workbook \("):
        load_gaps(path)


def test_xlsx_with_a_broken_sheet_is_a_data_error(tmp_path):
    good = zipfile.ZipFile(_write_xlsx(tmp_path / "good.xlsx", _rows(GAPS)))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        for item in good.infolist():
            data = good.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]
            out.writestr(item, data)
    path = tmp_path / "gaps.xlsx"
    path.write_bytes(buffer.getvalue())
    with pytest.raises(DataError, match=r"^gaps\.xlsx: is not a readable Excel workbook \("):
        load_gaps(path)


@pytest.mark.parametrize("content", [b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
                                     b"gap_id,aspect\nG-01,A\n"], ids=["png", "csv-text"])
def test_a_non_workbook_named_xlsx_is_a_data_error(tmp_path, content):
    path = tmp_path / "gaps.xlsx"
    path.write_bytes(content)
    with pytest.raises(DataError) as err:
        load_gaps(path)
    assert str(err.value) == "gaps.xlsx: is not a readable Excel workbook; save it as .xlsx or CSV."


# --- DataFrame input ------------------------------------------------------------------

def test_dataframe_is_validated_like_a_sheet_and_not_mutated():
    frame = GAPS.copy()
    frame.loc[1, "size"] = " medium "
    frame.index = [10, 20, 30]
    before = frame.copy()
    gaps = load_gaps(frame)
    pd.testing.assert_frame_equal(frame, before)
    assert gaps["size"].tolist() == ["H", "M", "L"]
    assert list(gaps.index) == [0, 1, 2]


def test_dataframe_rows_are_counted_as_in_a_sheet_with_blank_rows():
    frame = pd.DataFrame({
        "gap_id": ["G-01", None, "G-02"], "aspect": ["A", np.nan, "B"],
        "current_state": ["Now", None, "Now"], "future_state": ["Later", None, "Later"],
        "size": ["H", None, "H"], "priority": ["H", pd.NA, pd.NaT],
    })
    with pytest.raises(DataError) as err:
        load_gaps(frame)
    assert str(err.value) == "DataFrame: row 4, column 'priority': is blank; a value is required."


def test_dataframe_numbers_become_text_ids_and_float_costs():
    frame = CATALOG.copy()
    frame["service_id"] = [1, 2, 3]
    frame["cost"] = [12, 1200, 0]
    catalog = load_catalog(frame)
    assert catalog["service_id"].tolist() == ["1", "2", "3"]
    assert catalog["cost"].dtype == "float64"


def test_loading_a_loaded_table_again_gives_it_back():
    gaps = load_gaps(GOOD / "gaps_plain.csv")
    catalog = load_catalog(GOOD / "catalog_plain.csv")
    pd.testing.assert_frame_equal(load_gaps(gaps), gaps)
    pd.testing.assert_frame_equal(load_catalog(catalog), catalog)


# --- normalised values and dtypes -----------------------------------------------------

def test_normalised_values_and_dtypes():
    gaps = load_gaps(GOOD / "gaps_synonyms.csv")
    assert list(gaps.columns) == GAP_COLUMNS
    assert set(gaps["size"]) | set(gaps["priority"]) <= {"L", "M", "H"}
    assert gaps["gap_id"].tolist() == ["G-01", "G-02", "G-03"]  # stripped
    assert gaps["pmo_role"].tolist() == ["close", "partial", "none"]
    catalog = load_catalog(GOOD / "catalog_synonyms_blank_rows.csv")
    assert list(catalog.columns) == CATALOG_COLUMNS
    assert catalog["cost"].dtype == "float64"
    assert catalog["lead_time_months"].dtype == "float64"
    assert catalog["aspects"].iloc[1] == "Project communication;Governance process"
    assert list(catalog.index) == [0, 1, 2]


def test_blank_pmo_role_defaults_to_close():
    assert load_gaps(GOOD / "gaps_default_role.csv")["pmo_role"].iloc[0] == "close"


# --- files refused --------------------------------------------------------------------

def test_every_bad_fixture_has_an_expectation_and_the_other_way_round():
    assert {p.name for p in BAD.glob("*.csv")} == set(EXPECTED)
    assert all(p.suffix in (".csv", ".yaml") for p in BAD.iterdir())


@pytest.mark.parametrize("path", sorted(BAD.glob("*.csv")), ids=lambda p: p.name)
def test_bad_file_is_one_data_error_with_every_problem(path):
    expected = EXPECTED[path.name]
    with pytest.raises(DataError) as err:
        _loader(path)(path)
    message = str(err.value)
    assert isinstance(err.value, ValueError)
    assert message.startswith(f"{path.name}: ")
    assert "Traceback" not in message and "KeyError" not in message
    assert len(err.value.problems) == expected["problems"]
    assert err.value.source == path.name
    for fragment in expected["messages"]:
        assert fragment in message


def test_missing_file_is_file_not_found_naming_the_path(tmp_path):
    path = tmp_path / "nowhere" / "gaps.csv"
    with pytest.raises(FileNotFoundError, match="No such file: '.*nowhere.*gaps.csv'"):
        load_gaps(path)
    with pytest.raises(FileNotFoundError, match="catalog.xlsx"):
        load_catalog(str(tmp_path / "catalog.xlsx"))


def test_a_folder_is_not_a_file(tmp_path):
    with pytest.raises(pmo_nb.InputFileError, match="is a folder; expected a CSV or .xlsx file"):
        load_gaps(tmp_path)


@pytest.mark.parametrize("content", [b"", b"  \r\n\r\n", b"\xef\xbb\xbf", b";;;;\r\n;;;;\r\n"],
                         ids=["zero-bytes", "blank-lines", "bom-only", "delimiters-only"])
def test_empty_file(tmp_path, content):
    path = tmp_path / "gaps.csv"
    path.write_bytes(content)
    with pytest.raises(DataError) as err:
        load_gaps(path)
    assert str(err.value) == ("gaps.csv: the file is empty; "
                              "expected a header row and data rows.")


@pytest.mark.parametrize("content", [bytes(range(256)), "gap_id\n".encode("utf-16"),
                                     b"gap_id,aspect\x07\nG-01,A\n"],
                         ids=["all-bytes", "utf-16", "control-char"])
def test_not_text_is_a_data_error(tmp_path, content):
    path = tmp_path / "gaps.csv"
    path.write_bytes(content)
    with pytest.raises(DataError) as err:
        load_gaps(path)
    assert str(err.value) == ("gaps.csv: is not a text (CSV) file or an Excel workbook; "
                              "save it from Excel as 'CSV UTF-8' or .xlsx.")


@pytest.mark.parametrize("tail", ["x" * 140_000, "S-B,B,G,basic,G,Gates.,5,"],
                         ids=["long", "short"])
def test_unclosed_quote_swallowing_the_file_is_a_data_error(tmp_path, tail):
    path = tmp_path / "catalog.csv"
    path.write_text(",".join(CATALOG_COLUMNS) + '\nS-A,A,G,basic,G,"Gates.,5,\n'
                    + tail + "\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        load_catalog(path)
    assert str(err.value) == ('catalog.csv: row 2: a quote (") opened in this row is never '
                              "closed, so the rest of the file would be one cell; close the "
                              "quote or remove it.")


def test_public_names():
    assert pmo_nb.load_gaps is load_gaps and pmo_nb.load_catalog is load_catalog
    assert pmo_nb.DataError is DataError


# --- formula-injection-safe export ----------------------------------------------------

@pytest.mark.parametrize("text", ["=1+1", "+1", "-2", "@SUM(A1)", "\tx", "\rx",
                                  "=HYPERLINK(\"http://x\")", " =1+1", "\n=1+1", "\xa0=1+1",
                                  " \t\r\n@x", "\u3000-1"])
def test_safe_cell_defuses_formula_starts(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["G-01", "plain text", "", "a =not first", " ", 5, -5, 2.5,
                                   -0.5, None, True])
def test_safe_cell_leaves_other_values_alone(value):
    assert safe_cell(value) is value


def test_safe_frame_defuses_text_and_headers_and_keeps_numbers():
    frame = pd.DataFrame({"=name": ["=cmd|' /C calc'!A0", "ok", None],
                          "cost": [-1.5, 2.0, 3.0], "n": [-1, 2, 3],
                          "s": pd.array(["@x", pd.NA, "y"], dtype="string")})
    before = frame.copy()
    out = safe_frame(frame)
    pd.testing.assert_frame_equal(frame, before)  # input untouched
    assert list(out.columns) == ["'=name", "cost", "n", "s"]
    assert out["'=name"].tolist()[:2] == ["'=cmd|' /C calc'!A0", "ok"]
    assert out["cost"].tolist() == [-1.5, 2.0, 3.0] and out["cost"].dtype == "float64"
    assert out["n"].tolist() == [-1, 2, 3]
    assert out["s"].iloc[0] == "'@x" and out["s"].iloc[2] == "y"

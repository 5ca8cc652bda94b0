"""The rules of each table, with the exact words of every message."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from pmo_nb import DataError, load_catalog, load_gaps
from pmo_nb.errors import MAX_LISTED, Problem
from pmo_nb.inputs import schema

LEVEL_ALLOWED = "allowed: L, M, H (or Low, Medium, Med, High)."
COST_ALLOWED = "allowed: number >= 0 (relative cost units, e.g. k$/year)."


def gap(**changes: str) -> dict[str, str]:
    row = {"gap_id": "G-01", "aspect": "Methodology", "current_state": "Ad hoc",
           "future_state": "One lifecycle", "description": "", "size": "M", "priority": "H",
           "pmo_role": "", "other_owner": ""}
    return {**row, **changes}


def service(**changes: str) -> dict[str, str]:
    row = {"service_id": "S-01", "name": "Lifecycle", "category": "Methodology management",
           "tier": "basic", "aspects": "Methodology", "description": "One lifecycle.",
           "cost": "10", "lead_time_months": ""}
    return {**row, **changes}


def gaps_error(*rows: dict) -> DataError:
    with pytest.raises(DataError) as err:
        load_gaps(pd.DataFrame(list(rows)))
    return err.value


def catalog_error(*rows: dict) -> DataError:
    with pytest.raises(DataError) as err:
        load_catalog(pd.DataFrame(list(rows)))
    return err.value


# --- helpers --------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("L", "L"), ("l", "L"), (" low ", "L"), ("LOW", "L"), ("Medium", "M"), ("med", "M"),
    (" M ", "M"), ("High", "H"), ("h ", "H"), ("X", None), ("", None), ("Mid", None),
])
def test_level(text, expected):
    assert schema.level(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    (" Gap ID ", "gap_id"), ("GAP_ID", "gap_id"), ("future-state", "future_state"),
    ("Lead time  months", "lead_time_months"), ("cost", "cost"),
])
def test_normalise_header(text, expected):
    assert schema.normalise_header(text) == expected


def test_split_aspects():
    assert schema.split_aspects(" Methodology ; ;Governance process;") == [
        "Methodology", "Governance process"]
    assert schema.split_aspects(" ; ") == []


@pytest.mark.parametrize(("text", "decimal_comma", "expected"), [
    ("12", False, 12.0), ("12.5", False, 12.5), ("12,5", False, 12.5), ("12,50", False, 12.5),
    ("1,200", False, 1200.0), ("1,200.5", False, 1200.5), ("1 200", False, 1200.0),
    ("1\u00a0200", False, 1200.0), ("-3", False, -3.0), ("0", False, 0.0),
    ("12,500", True, 12.5), ("1.200,5", True, 1200.5), ("12.5", True, 12.5), ("7", True, 7.0),
    ("ten", False, None), ("12 k$", False, None), ("inf", False, None), ("nan", False, None),
    ("", False, None), ("1,2,3", True, None),
])
def test_number(text, decimal_comma, expected):
    assert schema.number(text, decimal_comma) == expected


# --- each rule, exact words -----------------------------------------------------------

def test_missing_required_column():
    frame = pd.DataFrame([gap()]).drop(columns=["size"])
    with pytest.raises(DataError) as err:
        load_gaps(frame)
    assert str(err.value) == (
        "DataFrame: row 1, column 'size': required column is missing (the header row has: "
        "gap_id, aspect, current_state, future_state, description, priority, pmo_role, "
        "other_owner).")


def test_missing_optional_columns_are_filled_with_defaults():
    frame = pd.DataFrame([gap()])[["gap_id", "aspect", "current_state", "future_state",
                                   "size", "priority"]]
    gaps = load_gaps(frame)
    assert gaps.loc[0, ["description", "pmo_role", "other_owner"]].tolist() == ["", "close", ""]
    catalog = load_catalog(pd.DataFrame([service()]).drop(columns="lead_time_months"))
    assert math.isnan(catalog.loc[0, "lead_time_months"])


def test_header_only_is_an_error():
    with pytest.raises(DataError) as err:
        load_gaps(pd.DataFrame(columns=list(gap())))
    assert str(err.value) == "DataFrame: has a header but no data rows."


def test_header_only_with_missing_columns_names_both():
    err = catalog_error()  # no columns at all
    assert str(err).startswith("DataFrame: 8 problems.\n- row 1, column 'service_id': required "
                               "column is missing (the header row has: none).")
    assert str(err).endswith("\n- has a header but no data rows.")


def test_blank_required_value():
    assert str(gaps_error(gap(aspect="   "))) == (
        "DataFrame: row 2, column 'aspect': is blank; a value is required.")


@pytest.mark.parametrize("column", ["size", "priority"])
def test_unknown_level(column):
    assert str(gaps_error(gap(**{column: "very high"}))) == (
        f"DataFrame: row 2, column '{column}': 'very high' is not allowed; {LEVEL_ALLOWED}")


def test_unknown_pmo_role():
    assert str(gaps_error(gap(pmo_role="maybe"))) == (
        "DataFrame: row 2, column 'pmo_role': 'maybe' is not allowed; "
        "allowed: close, partial, none.")


@pytest.mark.parametrize("role", ["partial", "none", " NONE "])
def test_partial_or_none_needs_other_owner(role):
    assert str(gaps_error(gap(pmo_role=role))) == (
        f"DataFrame: row 2, column 'other_owner': is blank, but pmo_role is "
        f"'{role.strip().casefold()}'; name who else must act (e.g. Finance & Procurement).")


def test_partial_or_none_with_other_owner_is_fine():
    gaps = load_gaps(pd.DataFrame([gap(pmo_role="partial", other_owner="HR"),
                                   gap(gap_id="G-02", pmo_role="None", other_owner="Finance")]))
    assert gaps["pmo_role"].tolist() == ["partial", "none"]
    assert gaps["other_owner"].tolist() == ["HR", "Finance"]


def test_duplicate_gap_id_ignores_case_and_spaces():
    err = gaps_error(gap(), gap(gap_id=" g-01 "))
    assert str(err) == ("DataFrame: row 3, column 'gap_id': 'g-01' is a duplicate of row 2; "
                        "ids must be unique.")


def test_unknown_tier():
    assert str(catalog_error(service(tier="premium"))) == (
        "DataFrame: row 2, column 'tier': 'premium' is not allowed; allowed: basic, advanced.")


def test_negative_cost():
    assert str(catalog_error(service(cost="-1"))) == (
        f"DataFrame: row 2, column 'cost': '-1' is not allowed; {COST_ALLOWED}")


def test_non_numeric_cost():
    assert str(catalog_error(service(cost="about 10"))) == (
        f"DataFrame: row 2, column 'cost': 'about 10' is not a number; {COST_ALLOWED}")


def test_blank_cost():
    assert str(catalog_error(service(cost=" "))) == (
        "DataFrame: row 2, column 'cost': is blank; a value is required.")


@pytest.mark.parametrize(("value", "words"), [("0", "is not allowed"), ("-2", "is not allowed"),
                                              ("soon", "is not a number")])
def test_lead_time_must_be_positive(value, words):
    assert str(catalog_error(service(lead_time_months=value))) == (
        f"DataFrame: row 2, column 'lead_time_months': '{value}' {words}; "
        "allowed: number > 0.")


def test_blank_aspects():
    assert str(catalog_error(service(aspects=" ; "))) == (
        "DataFrame: row 2, column 'aspects': is blank; name at least one aspect.")


def test_duplicate_service_id():
    assert str(catalog_error(service(), service(name="Other"), service(service_id="S-01 "))) == (
        "DataFrame: 2 problems.\n"
        "- row 3, column 'service_id': 'S-01' is a duplicate of row 2; ids must be unique.\n"
        "- row 4, column 'service_id': 'S-01' is a duplicate of row 2; ids must be unique.")


def test_duplicate_header():
    frame = pd.DataFrame([["G-01", "G-02"]], columns=["gap_id", " Gap ID"])
    with pytest.raises(DataError) as err:
        load_gaps(frame)
    assert str(err.value) == ("DataFrame: row 1, column 'gap_id': appears more than once in "
                              "the header row.")


# --- all problems at once, in sheet order, capped -------------------------------------

def test_every_problem_is_reported_at_once_in_row_then_column_order():
    frame = pd.DataFrame([gap(size="XL", gap_id=""), gap(gap_id="G-02", priority="?"),
                          gap(gap_id="G-02", pmo_role="none")]).drop(columns="current_state")
    with pytest.raises(DataError) as err:
        load_gaps(frame)
    assert [str(p) for p in err.value.problems] == [
        "row 1, column 'current_state': required column is missing (the header row has: "
        "gap_id, aspect, future_state, description, size, priority, pmo_role, other_owner).",
        "row 2, column 'gap_id': is blank; a value is required.",
        f"row 2, column 'size': 'XL' is not allowed; {LEVEL_ALLOWED}",
        f"row 3, column 'priority': '?' is not allowed; {LEVEL_ALLOWED}",
        "row 4, column 'gap_id': 'G-02' is a duplicate of row 3; ids must be unique.",
        "row 4, column 'other_owner': is blank, but pmo_role is 'none'; name who else must act "
        "(e.g. Finance & Procurement).",
    ]
    assert str(err.value).startswith("DataFrame: 6 problems.\n- row 1, column 'current_state'")


def test_row_numbers_skip_nothing_when_blank_rows_are_in_between(tmp_path):
    blank = ","*8
    lines = [",".join(gap()), ",".join(gap().values()), blank, "", blank,
             ",".join(gap(gap_id="G-02", size="huge").values()), "",
             ",".join(gap(gap_id="G-03", aspect="").values())]
    path = tmp_path / "gaps.csv"
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        load_gaps(path)
    assert [(p.row, p.column) for p in err.value.problems] == [(6, "size"), (8, "aspect")]


@pytest.mark.parametrize(("count", "tail"), [(MAX_LISTED, None), (MAX_LISTED + 1, 1),
                                             (45, 25)])
def test_first_twenty_problems_then_a_count(count, tail):
    err = gaps_error(*[gap(gap_id=f"G-{i:02d}", size="big") for i in range(count)])
    lines = str(err).splitlines()
    assert lines[0] == f"DataFrame: {count} problems."
    assert len(err.problems) == count
    listed = [line for line in lines if line.startswith("- ")]
    assert len(listed) == MAX_LISTED
    assert listed[-1] == f"- row 21, column 'size': 'big' is not allowed; {LEVEL_ALLOWED}"
    if tail is None:
        assert len(lines) == MAX_LISTED + 1
    else:
        assert lines[-1] == f"... and {tail} more."


def test_problems_are_structured():
    err = catalog_error(service(cost="-1", tier="x"))
    assert err.source == "DataFrame"
    assert err.problems == [
        Problem(2, "tier", "'x' is not allowed; allowed: basic, advanced."),
        Problem(2, "cost", f"'-1' is not allowed; {COST_ALLOWED}"),
    ]


# --- validate() directly --------------------------------------------------------------

def test_validate_allows_an_empty_table_when_asked():
    raw = pd.DataFrame(columns=["gap_id", "service_id", schema.ROW_COLUMN])
    out = schema.validate(raw, schema.ASSIGNMENTS, "assignments.csv", allow_empty=True)
    assert list(out.columns) == ["gap_id", "service_id", "contribution", "note"]
    assert out.empty


def test_assignment_contribution_defaults_to_full():
    raw = pd.DataFrame({"gap_id": ["G-01", "G-01"], "service_id": ["S-1", "S-2"],
                        "contribution": ["", " Partial"], schema.ROW_COLUMN: [2, 3]})
    out = schema.validate(raw, schema.ASSIGNMENTS, "assignments.csv")
    assert out["contribution"].tolist() == ["full", "partial"]

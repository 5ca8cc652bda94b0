"""One exception family: what each error is, and how its message reads."""

from __future__ import annotations

import pytest

import pmo_nb
from pmo_nb.errors import (
    MAX_LISTED,
    DataError,
    PmoError,
    Problem,
    SessionError,
    UnknownGapError,
    UnknownIdError,
    UnknownServiceError,
    closest,
)

GAP_IDS = ["G-01", "G-02", "G-03", "G-10", "G-11"]


def test_data_error_is_a_value_error_and_a_pmo_error():
    err = DataError("gaps.csv", "the file is empty.")
    assert isinstance(err, ValueError) and isinstance(err, PmoError)
    assert str(err) == "gaps.csv: the file is empty."
    assert err.source == "gaps.csv"
    assert err.problems == [Problem(None, None, "the file is empty.")]
    with pytest.raises(ValueError, match="the file is empty"):
        raise err


def test_session_error_is_a_value_error_and_a_pmo_error():
    assert issubclass(SessionError, ValueError) and issubclass(SessionError, PmoError)


@pytest.mark.parametrize(("problem", "text"), [
    (Problem(3, "size", "is blank."), "row 3, column 'size': is blank."),
    (Problem(None, "size", "is missing."), "column 'size': is missing."),
    (Problem(4, None, "has 9 cells."), "row 4: has 9 cells."),
    (Problem(None, None, "is empty."), "is empty."),
])
def test_problem_names_row_and_column(problem, text):
    assert str(problem) == text


def test_one_problem_is_one_line_several_are_a_list():
    one = DataError("x.csv", [Problem(2, "a", "bad.")])
    assert str(one) == "x.csv: row 2, column 'a': bad."
    two = DataError("x.csv", [Problem(2, "a", "bad."), Problem(3, "b", "worse.")])
    assert str(two) == "x.csv: 2 problems.\n- row 2, column 'a': bad.\n- row 3, column 'b': worse."


def test_more_than_twenty_problems_are_counted():
    err = DataError("x.csv", [Problem(r, "a", "bad.") for r in range(2, 2 + MAX_LISTED + 3)])
    lines = str(err).splitlines()
    assert MAX_LISTED == 20
    assert lines[0] == "x.csv: 23 problems."
    assert lines[-2] == "- row 21, column 'a': bad."
    assert lines[-1] == "... and 3 more."
    assert len(err.problems) == 23


def test_unknown_gap_is_a_key_error_without_extra_quotes():
    err = UnknownGapError("G-1", GAP_IDS)
    assert isinstance(err, KeyError) and isinstance(err, PmoError)
    assert isinstance(err, UnknownIdError)
    assert err.value == "G-1" and sorted(err.closest) == ["G-01", "G-10", "G-11"]
    assert str(err) == f"Unknown gap id 'G-1'. Closest: {', '.join(err.closest)}."
    with pytest.raises(KeyError) as caught:
        raise err
    assert str(caught.value).startswith("Unknown gap id")  # not "\"Unknown gap id ...\""


def test_unknown_service_names_closest_ids_ignoring_case():
    err = UnknownServiceError("s-train", ["S-TRAIN-PM", "S-GOV", "S-TRAIN-CERT"])
    assert isinstance(err, KeyError)
    assert str(err) == "Unknown service id 's-train'. Closest: S-TRAIN-PM, S-TRAIN-CERT."


def test_unknown_id_with_nothing_close_has_no_hint():
    assert str(UnknownGapError("zzz", GAP_IDS)) == "Unknown gap id 'zzz'."
    assert str(UnknownGapError("G-01", [])) == "Unknown gap id 'G-01'."


def test_closest():
    assert closest("g-02", GAP_IDS, n=1) == ["G-02"]
    assert closest("nothing", GAP_IDS) == []


def test_public_exceptions_are_exported():
    for name in ("PmoError", "DataError", "SessionError", "UnknownIdError", "UnknownGapError",
                 "UnknownServiceError"):
        assert name in pmo_nb.__all__
        assert getattr(pmo_nb, name) is globals()[name]

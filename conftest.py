"""Doctest set-up for ``pytest --doctest-modules pmo_nb`` (run from the repository root).

The examples name the sample files relative to the root (``data/catalog.csv``). The
plan examples use ``ws``: a small real workshop in which S-D has the best value per cost,
yet {S-A, S-C} wins at a budget of 50 (the exact plan beats the rule of thumb).
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import Phase, settings

ROOT = Path(__file__).resolve().parent

# Property tests: ``fixed`` (make test) draws the same examples on every run and machine
# (derandomized, no example database, no shrinking: a failure is printed with the blob
# that reproduces it); ``random`` (make test-random) draws new ones each run, more of them
# (tests/_examples.py), and shrinks what fails.
settings.register_profile("fixed", derandomize=True, database=None, deadline=None,
                          print_blob=True,
                          phases=[Phase.explicit, Phase.reuse, Phase.generate])
settings.register_profile("random", deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "fixed"))


def demo_workshop(path: Path) -> object:
    """Four gaps (weights 9, 4, 2, 6; G-3 handed over) and five services S-A..S-E."""
    import pmo_nb

    gaps = pd.DataFrame({
        "gap_id": ["G-0", "G-1", "G-2", "G-3"], "aspect": ["Skills"] * 4,
        "current_state": ["today"] * 4, "future_state": ["target"] * 4,
        "size": ["H", "M", "L", "H"], "priority": ["H", "M", "M", "M"],
        "pmo_role": ["close", "close", "close", "none"],
        "other_owner": ["", "", "", "Finance & Procurement"]})
    catalog = pd.DataFrame({
        "service_id": ["S-A", "S-B", "S-C", "S-D", "S-E"],
        "name": [f"Service {c}" for c in "ABCDE"], "category": ["Competency"] * 5,
        "tier": ["basic"] * 5, "aspects": ["Skills"] * 5, "description": ["x"] * 5,
        "cost": [20, 30, 30, 10, 40], "lead_time_months": [1, None, 3, 2, 4]})
    assignments = pd.DataFrame(
        [("G-1", "S-A", "full"), ("G-2", "S-A", "partial"), ("G-2", "S-B", "full"),
         ("G-0", "S-C", "full"), ("G-0", "S-D", "partial"), ("G-3", "S-D", "full")],
        columns=["gap_id", "service_id", "contribution"])
    return pmo_nb.Workshop.open(path, gaps=gaps, catalog=catalog, assignments=assignments)


@pytest.fixture(autouse=True)
def _doctest_setup(request: pytest.FixtureRequest, tmp_path: Path,
                   monkeypatch: pytest.MonkeyPatch) -> None:
    if type(request.node).__name__ != "DoctestItem":
        return
    monkeypatch.chdir(ROOT)
    namespace = request.getfixturevalue("doctest_namespace")
    namespace["ws"] = demo_workshop(tmp_path / "demo.sqlite")

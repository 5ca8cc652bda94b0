"""Shared fixtures: paths to the sample data and fresh workshop sessions."""

from __future__ import annotations

from pathlib import Path

import pytest

import pmo_nb

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data"
SAMPLE_GAPS = DATA / "sample_gaps.csv"
CATALOG = DATA / "catalog.csv"
SAMPLE_ASSIGNMENTS = DATA / "sample_assignments.csv"


@pytest.fixture
def ws(tmp_path: Path) -> pmo_nb.Workshop:
    """A new session on the sample gaps and catalog, nothing assigned."""
    with pmo_nb.Workshop.open(tmp_path / "s.sqlite", gaps=SAMPLE_GAPS, catalog=CATALOG) as session:
        yield session


@pytest.fixture
def sample_ws(tmp_path: Path) -> pmo_nb.Workshop:
    """A new session seeded with the sample workshop's decisions."""
    with pmo_nb.Workshop.open(tmp_path / "sample.sqlite", gaps=SAMPLE_GAPS, catalog=CATALOG,
                              assignments=SAMPLE_ASSIGNMENTS) as session:
        yield session

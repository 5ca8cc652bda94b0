"""The sample workshop data shipped in data/: it loads, and it is rich enough to demo."""

from __future__ import annotations

import pandas as pd
import pytest

from conftest import SAMPLE
from pmo_nb import load_catalog, load_gaps
from pmo_nb.inputs import schema


@pytest.fixture(scope="module")
def gaps() -> pd.DataFrame:
    return load_gaps(SAMPLE / "sample_gaps.csv")


@pytest.fixture(scope="module")
def catalog() -> pd.DataFrame:
    return load_catalog(SAMPLE / "catalog.csv")


def test_catalog_has_enough_services_categories_and_both_tiers(catalog):
    assert len(catalog) >= 30
    assert catalog["category"].nunique() >= 6
    assert set(catalog["tier"]) == set(schema.TIERS)


def test_gaps_span_aspects_sizes_and_priorities(gaps):
    assert len(gaps) >= 12
    assert gaps["aspect"].nunique() >= 5
    assert set(gaps["size"]) == set(schema.LEVELS)
    assert set(gaps["priority"]) == set(schema.LEVELS)


def test_gaps_include_partial_and_handed_over_roles_with_owners(gaps):
    for role in ("partial", "none"):
        rows = gaps[gaps["pmo_role"] == role]
        assert len(rows) >= 1, role
        assert (rows["other_owner"].str.strip() != "").all(), role


def test_every_gap_aspect_is_addressed_by_the_catalog(gaps, catalog):
    addressed = {a.casefold() for value in catalog["aspects"] for a in schema.split_aspects(value)}
    missing = sorted({a for a in gaps["aspect"] if a.casefold() not in addressed})
    assert not missing, f"no catalog service addresses: {missing}"


def test_sample_assignments_refer_to_existing_ids(gaps, catalog):
    assignments = pd.read_csv(SAMPLE / "sample_assignments.csv", dtype=str, keep_default_na=False)
    assert list(assignments.columns) == ["gap_id", "service_id", "contribution", "note"]
    assert len(assignments) >= 1
    assert set(assignments["gap_id"]) <= set(gaps["gap_id"])
    assert set(assignments["service_id"]) <= set(catalog["service_id"])
    assert set(assignments["contribution"]) <= set(schema.CONTRIBUTIONS)
    assert not assignments.duplicated(["gap_id", "service_id"]).any()


def test_sample_assignments_pass_the_schema():
    from pmo_nb.inputs.io import load_table

    out = load_table(SAMPLE / "sample_assignments.csv", schema.ASSIGNMENTS)
    assert list(out.columns) == ["gap_id", "service_id", "contribution", "note"]

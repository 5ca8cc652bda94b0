"""Views of a workshop that need the workshop itself: the session through filters.

A view offers what :mod:`pmo_nb.plots` reads from a Workshop (``gaps``, ``catalog``,
``assignments``, ``coverage()``, ``coverage_matrix()``), so every figure is drawn by
the same plots function whether the session is filtered or not. Pure pandas on the
workshop's tables (no widgets); it sits above the workshop, never below it.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..analysis import coverage as cov


class CoverageView:
    """The session through the filters; empty strings mean "any".

    Examples
    --------
    >>> import tempfile, pmo_nb
    >>> from pathlib import Path
    >>> ws = pmo_nb.Workshop.open(Path(tempfile.mkdtemp()) / "s.sqlite",
    ...                           gaps="data/sample_gaps.csv", catalog="data/catalog.csv")
    >>> CoverageView(ws, aspect="Methodology").coverage()["gap_id"].tolist()
    ['G-08', 'G-09']
    """

    def __init__(self, ws: Any, *, tier: str = "", category: str = "", aspect: str = "",
                 status: str = ""):
        self.filters = {"tier": tier, "category": category, "aspect": aspect, "status": status}
        self.language: str | None = getattr(ws, "language", None)  # its figures' language
        gaps, catalog = ws.gaps, ws.catalog
        self.total_gaps = len(gaps)
        if aspect:
            gaps = gaps[gaps["aspect"] == aspect]
        if tier:
            catalog = catalog[catalog["tier"] == tier]
        if category:
            catalog = catalog[catalog["category"] == category]
        asg = ws.assignments
        asg = asg[asg["gap_id"].isin(gaps["gap_id"])
                  & asg["service_id"].isin(catalog["service_id"])]
        coverage = cov.gap_coverage(gaps, catalog, asg, ws.weights)
        if status:
            coverage = coverage[coverage["status"] == status]
            gaps, asg = gaps[gaps["gap_id"].isin(coverage["gap_id"])], \
                asg[asg["gap_id"].isin(coverage["gap_id"])]
        self._gaps, self._catalog = gaps.reset_index(drop=True), catalog.reset_index(drop=True)
        self._assignments = asg.reset_index(drop=True)
        self._coverage = coverage.reset_index(drop=True)

    @property
    def gaps(self) -> pd.DataFrame:
        return self._gaps.copy()

    @property
    def catalog(self) -> pd.DataFrame:
        return self._catalog.copy()

    @property
    def assignments(self) -> pd.DataFrame:
        return self._assignments.copy()

    @property
    def services_filtered(self) -> bool:
        """True when tier or category leave services out (statuses count only the rest)."""
        return bool(self.filters["tier"] or self.filters["category"])

    def coverage(self) -> pd.DataFrame:
        return self._coverage.copy()

    def coverage_matrix(self) -> pd.DataFrame:
        """Priority x size as :meth:`Workshop.coverage_matrix`; all cells "no gaps" when empty."""
        return cov.coverage_matrix(self._coverage)

    def candidate_list(self) -> pd.DataFrame:
        return cov.candidate_list(self._coverage, self._catalog, self._assignments)

    def handed_over(self) -> pd.DataFrame:
        return cov.handed_over(self._gaps)

    def gap_register(self) -> pd.DataFrame:
        return cov.gap_register(self._gaps, self._coverage)

    def open_gaps(self) -> pd.DataFrame:
        """What is still uncovered: open gaps with today and target, heaviest first."""
        return cov.open_gaps(self.gap_register())

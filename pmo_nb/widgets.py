"""Former name of :mod:`pmo_nb.ui`, kept so that notebooks using ``pmo_nb.widgets`` work."""

from __future__ import annotations

from .ui import (
    BudgetPanel,
    CatalogBrowser,
    CoverageExplorer,
    CoverageView,
    WorkshopPanel,
    plan_summary,
    plan_table,
)

__all__ = ["BudgetPanel", "CatalogBrowser", "CoverageExplorer", "CoverageView", "WorkshopPanel",
           "plan_summary", "plan_table"]

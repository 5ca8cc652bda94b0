"""What a budget buys: the exact plan (HiGHS), the budget curve, the roadmap, the plan in words.

- :mod:`.select`: :func:`select_services` (exact), :func:`greedy_services` (the rule of
  thumb), :func:`budget_curve` (the exact frontier), :func:`roadmap`, :func:`plan_coverage`.
- :mod:`.result`: :class:`Plan`, what a choice of services is worth and how sure we are.
- :mod:`.words`: a plan in words and as a table, as the panels, notebooks and record say it.
- :mod:`._model`, :mod:`._reduce`, :mod:`._milp`, :mod:`._highs`: the 0-1 program and its
  solver (private to this package).

Reads what the workshop gives (``ws.coverage()``, ``ws.assignments``, ``ws.catalog``)
and never imports the session or the store.
"""

from __future__ import annotations

from .result import Plan
from .select import (
    ROADMAP_COLUMNS,
    SERVICE_COLUMNS,
    budget_curve,
    greedy_services,
    plan_coverage,
    roadmap,
    select_services,
    value_at,
)
from .words import CURVE_COLUMNS, curve_with_plan, plan_summary, plan_table

__all__ = ["CURVE_COLUMNS", "ROADMAP_COLUMNS", "SERVICE_COLUMNS", "Plan", "budget_curve",
           "curve_with_plan", "greedy_services", "plan_coverage", "plan_summary", "plan_table",
           "roadmap", "select_services", "value_at"]

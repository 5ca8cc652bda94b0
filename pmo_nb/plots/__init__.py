"""Workshop tables -> plotly figures, sized and coloured for a projector and for print.

Every function takes a Workshop (anything with ``gaps``, ``catalog``, ``assignments``
and ``coverage()``/``coverage_matrix()`` as in the session contract) or the DataFrame
it would give, and returns a new :class:`plotly.graph_objects.Figure`; nothing is
shown here. Customer text is HTML-escaped before plotly sees it. By theme:
:mod:`.coverage` (the size x priority heatmap, status, load), :mod:`.links`
(aspects x categories, traceability), :mod:`.plan` (the plan's
heatmap, the budget curve, the roadmap), :mod:`.catalog` (the treemap) and
:mod:`.progress` (a follow-up against its baseline, a chain of assessments).
"""

from __future__ import annotations

from .catalog import catalog_overview
from .coverage import coverage_heatmap, service_load, status_overview
from .links import aspect_category_heatmap, traceability_matrix
from .plan import budget_curve_figure, plan_heatmap, roadmap_timeline
from .progress import progress, progress_chain
from .style import TEMPLATE

__all__ = [
    "TEMPLATE", "aspect_category_heatmap", "budget_curve_figure", "catalog_overview",
    "coverage_heatmap", "plan_heatmap", "progress", "progress_chain", "roadmap_timeline",
    "service_load", "status_overview", "traceability_matrix",
]

"""Every ipywidgets panel of pmo_nb: the only package that imports ipywidgets.

One class per panel, its widgets as attributes; each callback calls into the
:class:`~pmo_nb.Workshop`, and every panel redraws from the workshop's change events.

- :class:`WorkshopPanel`: the facilitator's gap-by-gap panel with the live heatmap.
- :class:`CatalogBrowser`: the catalog's treemap and list.
- :class:`CoverageExplorer`: the analyst's filters over the coverage figures and tables.
- :class:`BudgetPanel`: what a budget buys, the curve and the roadmap.
- :class:`VotesPanel`: the facilitator's votes: open, watch the count, reveal, adopt.
- :class:`ParticipantPage`: a participant's page (``pmo-nb serve``): join and vote.
- :class:`ProgressPanel`: a follow-up assessment: reassess each gap, mark deliveries.

Examples
--------
>>> import tempfile, pmo_nb
>>> from pathlib import Path
>>> ws = pmo_nb.Workshop.open(Path(tempfile.mkdtemp()) / "s.sqlite",
...                           gaps="data/sample_gaps.csv", catalog="data/catalog.csv")
>>> panel = WorkshopPanel(ws)
>>> panel.services.rows["S-TRAIN-PM"].assigned.value = True
>>> ws.assignments[["gap_id", "service_id"]].values.tolist()
[['G-01', 'S-TRAIN-PM']]
"""

from __future__ import annotations

from ..plan.words import plan_summary, plan_table
from ..session.views import CoverageView
from .budget import BudgetPanel
from .catalog import CatalogBrowser
from .explorer import CoverageExplorer
from .participant import ParticipantPage
from .progress import ProgressPanel
from .votes import VotesPanel
from .workshop import WorkshopPanel

# CoverageView, plan_summary and plan_table live in pmo_nb.views / pmo_nb.plan; they are
# named here too so that notebooks written for pmo_nb.widgets keep working.
__all__ = ["BudgetPanel", "CatalogBrowser", "CoverageExplorer", "CoverageView", "ParticipantPage",
           "ProgressPanel", "VotesPanel", "WorkshopPanel", "plan_summary", "plan_table"]

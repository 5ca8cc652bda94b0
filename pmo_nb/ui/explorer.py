"""The analyst's coverage explorer: four filters, one figure and one table at a time.

What is shown is a :class:`pmo_nb.views.CoverageView`: the session through the filters,
drawn by the same plots functions as the unfiltered record. Gap filters (aspect, status)
keep those gaps; service filters (tier, category) keep those services' assignments only,
so statuses, coverage and load show what those services achieve on their own.

Examples
--------
>>> import tempfile, pmo_nb
>>> from pathlib import Path
>>> ws = pmo_nb.Workshop.open(Path(tempfile.mkdtemp()) / "s.sqlite",
...                           gaps="data/sample_gaps.csv", catalog="data/catalog.csv",
...                           assignments="data/sample_assignments.csv")
>>> explorer = CoverageExplorer(ws)
>>> explorer.gap_status.value = "open"
>>> sorted(set(explorer.view.coverage()["status"]))
['open']
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as w
import pandas as pd
import plotly.graph_objects as go

from .. import plots
from ..analysis import coverage as cov
from ..session.views import CoverageView
from ..session.workshop import Workshop
from . import html as h
from .base import Panel

# label, how to draw it from a view
FIGURES: dict[str, tuple[str, Callable[[CoverageView], go.Figure]]] = {
    "covered": ("Coverage by gap size and priority (share of weight covered)",
                lambda v: plots.coverage_heatmap(v.coverage_matrix())),
    "open": ("Open gaps by gap size and priority",
             lambda v: plots.coverage_heatmap(v.coverage_matrix(), show="open")),
    "aspects": ("Aspects x service categories", plots.aspect_category_heatmap),
    "trace": ("Traceability: gaps x assigned services", plots.traceability_matrix),
    "status": ("Where the gaps stand (by weight and by count)", plots.status_overview),
    "load": ("Load per service", plots.service_load),
}
# label, the view's table, its columns (name -> heading), what to say when it is empty
TABLES: dict[str, tuple[str, Callable[[CoverageView], pd.DataFrame], dict[str, str], str]] = {
    "open": ("What is still open (heaviest first)", CoverageView.open_gaps, {
        "gap_id": "Gap", "aspect": "Aspect", "size": "Size", "priority": "Priority",
        "weight": "Weight", "current_state": "Today", "future_state": "Target"},
        "No open gap among these."),
    "candidates": ("Candidate list", CoverageView.candidate_list, {
        "Product / Service": "Product / Service", "Gap Size": "Gap Size",
        "Addresses Aspect": "Addresses Aspect", "gap_id": "Gap", "contribution": "Part",
        "tier": "Tier", "category": "Category"},
        "No service assigned among these."),
    "handed": ("Outside the PMO (handed over)", CoverageView.handed_over, {
        "gap_id": "Gap", "aspect": "Aspect", "owner": "Owner", "handover": "Hands over",
        "note": "Note"}, "No gap handed over among these."),
    "register": ("Gap register", CoverageView.gap_register, {
        "gap_id": "Gap", "aspect": "Aspect", "size": "Size", "priority": "Priority",
        "weight": "Weight", "status": "Status", "services": "Services"}, "No gap."),
}
_LEVEL_COLUMNS = ("size", "priority", "Gap Size")
# gap ids such as "G-11" must not break at the hyphen in a narrow column
CSS = """<style>
.pmo-x-open td:first-child, .pmo-x-handed td:first-child, .pmo-x-register td:first-child,
.pmo-x-candidates td:nth-child(4) { white-space: nowrap; }
</style>"""


class CoverageExplorer(Panel):
    """Filter by tier, category, aspect and status; see one figure and one table at a time."""

    plain = ("Coverage explorer (interactive with a running kernel; the figures and tables "
             "below record the session at run time, unfiltered).")

    def __init__(self, ws: Workshop):
        super().__init__(ws)
        self.status.value = h.info("Filters only change what is shown, never the session.")
        narrow = dict(width="18%", min_width="190px")
        wide = dict(width="29%", min_width="260px")
        style = {"description_width": "80px"}
        self.tier = w.Dropdown(description="Tier", layout=w.Layout(**narrow), style=style)
        self.category = w.Dropdown(description="Category", layout=w.Layout(**wide), style=style)
        self.aspect = w.Dropdown(description="Aspect", layout=w.Layout(**wide), style=style)
        self.gap_status = w.Dropdown(description="Status", layout=w.Layout(**narrow), style=style,
                                     options=[
            ("Any status", "")] + [(s, s) for s in cov.STATUSES])
        self.reset_button = w.Button(description="Clear filters", icon="times",
                                     layout=w.Layout(width="150px"))
        self.refresh_button = w.Button(description="Refresh", icon="refresh",
                                       layout=w.Layout(width="120px"))
        self.summary = w.HTML(layout=w.Layout(width="100%"))
        self.figure_choice = w.Dropdown(options=[(v[0], k) for k, v in FIGURES.items()],
                                        layout=w.Layout(width="60%"))
        self.chart = w.Output(layout=w.Layout(width="100%", min_height="420px"))
        self.table_choice = w.Dropdown(options=[(v[0], k) for k, v in TABLES.items()],
                                       layout=w.Layout(width="60%"))
        self.table = w.HTML(layout=w.Layout(width="100%"))
        self.table.add_class("pmo-scroll")
        self.view: CoverageView | None = None
        self.figure: go.Figure | None = None
        self.table_frame: pd.DataFrame | None = None
        for dropdown in (self.tier, self.category, self.aspect, self.gap_status):
            dropdown.observe(lambda _: self._syncing or self._safe(self._show), "value")
        self.figure_choice.observe(lambda _: self._safe(self._draw_figure), "value")
        self.table_choice.observe(lambda _: self._safe(self._draw_table), "value")
        self.reset_button.on_click(lambda _: self._safe(self.clear_filters))
        self.refresh_button.on_click(lambda _: self._run(self._reload))
        self.widget = self._layout()
        self.widget.add_class("pmo-panel")
        self.refresh()

    def _layout(self) -> w.Box:
        filters = w.HBox([self.tier, self.category, self.aspect, self.gap_status],
                         layout=w.Layout(flex_flow="row wrap", width="100%"))
        toolbar = w.HBox([self.reset_button, self.refresh_button, self.status],
                         layout=w.Layout(align_items="center", width="100%"))
        return w.VBox([w.HTML(h.CSS + CSS), filters, toolbar, self.summary,
                       w.HTML(h.section("Figure")), self.figure_choice, self.chart,
                       w.HTML(h.section("Table")), self.table_choice, self.table],
                      layout=w.Layout(width="100%"))

    # -- views ---------------------------------------------------------------------------
    def refresh(self) -> None:
        """Re-read the session (new services, categories, aspects) and redraw."""
        cat, gaps = self.ws.catalog, self.ws.gaps
        tiers = sorted(set(cat["tier"]), key=lambda t: (t != "basic", t != "advanced", t))
        with self._sync():
            _set_options(self.tier, "All tiers", tiers)
            _set_options(self.category, "All categories", list(dict.fromkeys(cat["category"])))
            _set_options(self.aspect, "All aspects", list(dict.fromkeys(gaps["aspect"])))
        self._show()

    def clear_filters(self) -> None:
        with self._sync():
            for dropdown in (self.tier, self.category, self.aspect, self.gap_status):
                dropdown.value = ""
        self._show()

    def _show(self) -> None:
        self.view = CoverageView(self.ws, tier=self.tier.value, category=self.category.value,
                                 aspect=self.aspect.value, status=self.gap_status.value)
        self.summary.value = _summary(self.view)
        self._draw_table()
        self._draw_figure()  # last: the slowest view

    def _draw_figure(self) -> None:
        if self.view is None:
            return
        if self.view.gaps.empty:
            self.figure = None
            self.chart.layout.min_height = "0px"  # no tall blank area under the message
            message = h.info(_no_match(self.view))
            self.chart.outputs = ({"output_type": "display_data", "metadata": {}, "data": {
                "text/html": message, "text/plain": _no_match(self.view)}},)
            return
        fig = FIGURES[self.figure_choice.value][1](self.view)
        self.figure = fig
        self.chart.layout.min_height = "420px"  # keeps the table still while plotly redraws
        self.chart.outputs = h.figure_outputs(fig, FIGURES[self.figure_choice.value][0])

    def _draw_table(self) -> None:
        if self.view is None:
            return
        key = self.table_choice.value
        _, table, columns, empty = TABLES[key]
        for name in TABLES:
            self.table.remove_class(f"pmo-x-{name}")
        self.table.add_class(f"pmo-x-{key}")
        frame = table(self.view)
        self.table_frame = frame
        if self.view.gaps.empty:
            empty = _no_match(self.view)
        shown = frame.assign(**{c: frame[c].map(h.LEVEL_NAMES) for c in _LEVEL_COLUMNS
                                if c in frame})
        self.table.value = h.table(shown, columns, empty, limit=len(frame))


def _set_options(dropdown: w.Dropdown, everything: str, values: list[str]) -> None:
    options = [(everything, "")] + [(str(v), v) for v in values]
    if options != list(dropdown.options):
        keep = dropdown.value if dropdown.value in values else ""
        dropdown.options, dropdown.value = options, keep


def _chosen(view: CoverageView) -> str:
    return ", ".join(f"{k} {v}" for k, v in view.filters.items() if v)


def _no_match(view: CoverageView) -> str:
    return (f"No gap matches these filters ({_chosen(view)}). Choose another value or "
            "press Clear filters.")


def _summary(view: CoverageView) -> str:
    cover = view.coverage()
    total = float(cover["weight"].sum())
    text = f"<b>{len(cover)} of {view.total_gaps}</b> gaps shown"
    if total:
        share = cover.groupby("status")["weight"].sum() / total
        text += (f" (weight {total:g}): <b>{share.get('covered', 0):.0%}</b> of the weight "
                 f"covered, {share.get('partial', 0):.0%} partial, "
                 f"{share.get('open', 0):.0%} open")
    text += "."
    if view.services_filtered:
        services = " ".join(h.esc(v) for v in (view.filters["tier"], view.filters["category"])
                            if v)
        text += (f' <span class="pmo-muted">Statuses count only the assignments of '
                 f"<b>{services}</b> services: what they achieve on their own.</span>")
    return text


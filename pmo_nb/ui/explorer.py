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
from ..i18n import N_, Translator
from ..session.views import CoverageView
from ..session.workshop import Workshop
from . import html as h
from .base import Panel

# label, how to draw it from a view
FIGURES: dict[str, tuple[str, Callable[[CoverageView], go.Figure]]] = {
    "covered": (N_("Coverage by gap size and priority (share of weight covered)"),
                lambda v: plots.coverage_heatmap(v.coverage_matrix(), language=v.language)),
    "open": (N_("Open gaps by gap size and priority"),
             lambda v: plots.coverage_heatmap(v.coverage_matrix(), show="open",
                                              language=v.language)),
    "aspects": (N_("Aspects x service categories"), plots.aspect_category_heatmap),
    "trace": (N_("Traceability: gaps x assigned services"), plots.traceability_matrix),
    "status": (N_("Where the gaps stand (by weight and by count)"), plots.status_overview),
    "load": (N_("Load per service"), plots.service_load),
}
# label, the view's table, its columns (name -> heading), what to say when it is empty
TABLES: dict[str, tuple[str, Callable[[CoverageView], pd.DataFrame], dict[str, str], str]] = {
    "open": (N_("What is still open (heaviest first)"), CoverageView.open_gaps, {
        "gap_id": N_("Gap"), "aspect": N_("Aspect"), "size": N_("Size"),
        "priority": N_("Priority"), "weight": N_("Weight"), "current_state": N_("Today"),
        "future_state": N_("Target")}, N_("No open gap among these.")),
    "candidates": (N_("Candidate list"), CoverageView.candidate_list, {
        "Product / Service": N_("Product / Service"), "Gap Size": N_("Gap Size"),
        "Addresses Aspect": N_("Addresses Aspect"), "gap_id": N_("Gap"),
        "contribution": N_("Part"), "tier": N_("Tier"), "category": N_("Category")},
        N_("No service assigned among these.")),
    "handed": (N_("Outside the PMO (handed over)"), CoverageView.handed_over, {
        "gap_id": N_("Gap"), "aspect": N_("Aspect"), "owner": N_("Owner"),
        "handover": N_("Hands over"), "note": N_("Note")},
        N_("No gap handed over among these.")),
    "register": (N_("Gap register"), CoverageView.gap_register, {
        "gap_id": N_("Gap"), "aspect": N_("Aspect"), "size": N_("Size"),
        "priority": N_("Priority"), "weight": N_("Weight"), "status": N_("Status"),
        "services": N_("Services")}, N_("No gap.")),
}
_LEVEL_COLUMNS = ("size", "priority", "Gap Size")
_WORD_COLUMNS = ("status", "contribution", "tier")  # pmo_nb's words, translated
HANDOVER_WORDS = {"whole": N_("whole gap"), "rest": N_("the rest")}
# gap ids such as "G-11" must not break at the hyphen in a narrow column
CSS = """<style>
.pmo-x-open td:first-child, .pmo-x-handed td:first-child, .pmo-x-register td:first-child,
.pmo-x-candidates td:nth-child(4) { white-space: nowrap; }
</style>"""


class CoverageExplorer(Panel):
    """Filter by tier, category, aspect and status; see one figure and one table at a time."""

    def __init__(self, ws: Workshop):
        super().__init__(ws)
        _ = self._
        self.plain = _("Coverage explorer (interactive with a running kernel; the figures and "
                       "tables below record the session at run time, unfiltered).")
        self.status.value = h.info(_("Filters only change what is shown, never the session."))
        narrow = dict(width="18%", min_width="190px")
        wide = dict(width="29%", min_width="260px")
        style = {"description_width": "80px"}
        self.tier = w.Dropdown(description=_("Tier"), layout=w.Layout(**narrow), style=style)
        self.category = w.Dropdown(description=_("Category"), layout=w.Layout(**wide), style=style)
        self.aspect = w.Dropdown(description=_("Aspect"), layout=w.Layout(**wide), style=style)
        self.gap_status = w.Dropdown(description=_("Status"), layout=w.Layout(**narrow),
                                     style=style, options=[
            (_("Any status"), "")] + [(_(s), s) for s in cov.STATUSES])
        self.reset_button = w.Button(description=_("Clear filters"), icon="times",
                                     layout=w.Layout(width="150px"))
        self.refresh_button = w.Button(description=_("Refresh"), icon="refresh",
                                       layout=w.Layout(width="120px"))
        self.summary = w.HTML(layout=w.Layout(width="100%"))
        self.figure_choice = w.Dropdown(options=[(_(v[0]), k) for k, v in FIGURES.items()],
                                        layout=w.Layout(width="60%"))
        self.chart = w.Output(layout=w.Layout(width="100%", min_height="420px"))
        self.table_choice = w.Dropdown(options=[(_(v[0]), k) for k, v in TABLES.items()],
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
                       w.HTML(h.section(self._("Figure"))), self.figure_choice, self.chart,
                       w.HTML(h.section(self._("Table"))), self.table_choice, self.table],
                      layout=w.Layout(width="100%"))

    # -- views ---------------------------------------------------------------------------
    def refresh(self) -> None:
        """Re-read the session (new services, categories, aspects) and redraw."""
        cat, gaps = self.ws.catalog, self.ws.gaps
        tiers = sorted(set(cat["tier"]), key=lambda t: (t != "basic", t != "advanced", t))
        _ = self._
        with self._sync():
            _set_options(self.tier, _("All tiers"), tiers, _)
            _set_options(self.category, _("All categories"),
                         list(dict.fromkeys(cat["category"])))
            _set_options(self.aspect, _("All aspects"), list(dict.fromkeys(gaps["aspect"])))
        self._show()

    def clear_filters(self) -> None:
        with self._sync():
            for dropdown in (self.tier, self.category, self.aspect, self.gap_status):
                dropdown.value = ""
        self._show()

    def _show(self) -> None:
        self.view = CoverageView(self.ws, tier=self.tier.value, category=self.category.value,
                                 aspect=self.aspect.value, status=self.gap_status.value)
        self.summary.value = _summary(self.view, self._)
        self._draw_table()
        self._draw_figure()  # last: the slowest view

    def _draw_figure(self) -> None:
        if self.view is None:
            return
        if self.view.gaps.empty:
            self.figure = None
            self.chart.layout.min_height = "0px"  # no tall blank area under the message
            said = _no_match(self.view, self._)
            self.chart.outputs = ({"output_type": "display_data", "metadata": {}, "data": {
                "text/html": h.info(said), "text/plain": said}},)
            return
        fig = FIGURES[self.figure_choice.value][1](self.view)
        self.figure = fig
        self.chart.layout.min_height = "420px"  # keeps the table still while plotly redraws
        self.chart.outputs = h.figure_outputs(fig, self._(FIGURES[self.figure_choice.value][0]))

    def _draw_table(self) -> None:
        if self.view is None:
            return
        key, _ = self.table_choice.value, self._
        table, columns, empty = TABLES[key][1], TABLES[key][2], _(TABLES[key][3])
        for name in TABLES:
            self.table.remove_class(f"pmo-x-{name}")
        self.table.add_class(f"pmo-x-{key}")
        frame = table(self.view)
        self.table_frame = frame
        if self.view.gaps.empty:
            empty = _no_match(self.view, _)
        shown = frame.assign(**{c: frame[c].map(lambda v: _(h.LEVEL_NAMES[v])
                                                if v in h.LEVEL_NAMES else v)
                                for c in _LEVEL_COLUMNS if c in frame},
                             **{c: frame[c].map(lambda v: _(v) if isinstance(v, str) else v)
                                for c in _WORD_COLUMNS if c in frame},
                             **({"handover": frame["handover"].map(
                                 lambda v: _(HANDOVER_WORDS.get(v, v)))}
                                if "handover" in frame else {}))
        self.table.value = h.table(shown, {k: _(v) for k, v in columns.items()}, empty,
                                   limit=len(frame), _=_)


def _set_options(dropdown: w.Dropdown, everything: str, values: list[str],
                 _: Translator | None = None) -> None:
    """``values`` as the choices after ``everything`` (shown in ``_``'s words if given:
    pmo_nb's own words such as the tiers)."""
    options = [(everything, "")] + [(_(str(v)) if _ else str(v), v) for v in values]
    if options != list(dropdown.options):
        keep = dropdown.value if dropdown.value in values else ""
        dropdown.options, dropdown.value = options, keep


FILTER_NAMES = {"tier": N_("tier"), "category": N_("category"), "aspect": N_("aspect"),
                "status": N_("status")}


def _chosen(view: CoverageView, _: Translator) -> str:
    said = {"tier": _, "status": _}  # pmo_nb's words; a category or an aspect is the customer's
    return ", ".join(f"{_(FILTER_NAMES[k])} {said.get(k, str)(v)}"
                     for k, v in view.filters.items() if v)


def _no_match(view: CoverageView, _: Translator) -> str:
    return _("No gap matches these filters ({filters}). Choose another value or press "
             "Clear filters.", filters=_chosen(view, _))


def _summary(view: CoverageView, _: Translator) -> str:
    cover = view.coverage()
    total = float(cover["weight"].sum())
    text = _("{shown} of {total} gaps shown", shown="<b>" + _.number(len(cover)),
             total=_.number(view.total_gaps) + "</b>")
    if total:
        share = cover.groupby("status")["weight"].sum() / total
        text += " " + _("(weight {weight}): {covered} of the weight covered, {partial} "
                        "partial, {open} open", weight=_.number(total),
                        covered=f"<b>{_.percent(share.get('covered', 0))}</b>",
                        partial=_.percent(share.get("partial", 0)),
                        open=_.percent(share.get("open", 0)))
    text += "."
    if view.services_filtered:
        tier, category = view.filters["tier"], view.filters["category"]
        services = " ".join(h.esc(v) for v in (_(tier) if tier else "", category) if v)
        text += (' <span class="pmo-muted">' + _(
            "Statuses count only the assignments of {services} services: what they achieve "
            "on their own.", services=h.bold(services)) + "</span>")
    return text


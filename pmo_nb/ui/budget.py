"""The budget panel: what a budget buys, chosen exactly, and the waves to deploy it in.

One slider sets the budget; the panel shows at once the best set of services within it
(a mixed-integer program, :func:`pmo_nb.plan.select_services`), its cost and covered
share, whether it is proven optimal, what the greedy rule of thumb would get, the
coverage heatmap of the plan, the budget curve with the budget marked and the roadmap.
Must-haves and exclusions narrow the choice (ticked in the panel, or given as
``must=``/``exclude=``, as ``pmo-nb record --must/--exclude``). An impossible request
(must-haves over budget, a service both required and excluded) shows its message in the
panel.

The panel never waits for the curve. The plan at the chosen budget is computed in the
callback (tens of milliseconds); the exact budget curve, which a new set of must-haves or
exclusions needs again (seconds at workshop scale), is computed on a worker thread from a
snapshot of the session's tables, while the old curve stays greyed under "Updating the
budget curve"; a newer change cancels the stale computation (:class:`pmo_nb.errors.PlanCancelled`).
:meth:`BudgetPanel.wait` waits for it (tests, scripts).

Examples
--------
>>> import tempfile, pmo_nb
>>> from pathlib import Path
>>> ws = pmo_nb.Workshop.open(Path(tempfile.mkdtemp()) / "s.sqlite",
...                           gaps="data/sample_gaps.csv", catalog="data/catalog.csv",
...                           assignments="data/sample_assignments.csv")
>>> panel = BudgetPanel(ws, budget=370)
>>> panel.must.value = ("S-TOOL-PPM",)
>>> "S-TOOL-PPM" in panel.plan.services["service_id"].tolist()
True
>>> bool(panel.wait().curve["services"].str.contains("S-TOOL-PPM").all())
True
>>> panel.budget.value = 300
>>> panel.plan.cost <= 300, panel.plan.optimal
(True, True)
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterable
from dataclasses import dataclass

import ipywidgets as w
import pandas as pd
import plotly.graph_objects as go

from .. import plan as pl
from .. import plots
from ..analysis.coverage import candidate_services, coverage_matrix
from ..errors import PlanCancelled, PmoError, UnknownServiceError
from ..i18n import N_, Translator
from ..plan.words import (
    TABLE_COLUMNS,
    curve_with_plan,
    plan_table,
    proof,
    versus_greedy,
)
from ..session.workshop import Workshop
from . import html as h
from .base import Panel
from .heatmap import GridHeatmap

NB_HYPHEN = "\u2011"
CSS = """<style>
.pmo-budget .widget-readout { font-size: 20px; font-weight: 700; min-width: 70px; }
.pmo-budget .widget-slider .widget-label { font-weight: 700; }
.pmo-budget-summary { font-size: 26px; line-height: 1.3; margin: 6px 0 2px; }
.pmo-budget-proof { font-size: 17px; margin: 2px 0 6px; }
.pmo-budget .pmo-stale { opacity: 0.4; }
.pmo-budget-updating { font-size: 16px; min-height: 22px; }
</style>"""
UPDATING = N_("Updating the budget curve (below) for these must-haves and exclusions…")


@dataclass(frozen=True)
class _Tables:
    """What the budget curve reads of the session, taken on the kernel's thread, so the
    worker never touches the session (or its database connection)."""

    catalog: pd.DataFrame
    assignments: pd.DataFrame
    per_gap: pd.DataFrame
    last_wave: pd.DataFrame  # a follow-up's services from the last wave (plans read it)

    def coverage(self) -> pd.DataFrame:
        return self.per_gap


def _nice_step(total: float) -> float:
    """A 1-2-5 step giving about 100 slider positions up to ``total``."""
    if total <= 0:
        return 1.0
    scale = 10 ** math.floor(math.log10(total / 100))
    return next(m * scale for m in (1, 2, 5, 10) if m * scale >= total / 100)


class BudgetPanel(Panel):
    """A budget slider and what it buys: the services, the covered share, the proof, the
    plan's heatmap, the budget curve and the roadmap; must-haves and exclusions."""

    watches = Panel.watches | {"progress"}  # a follow-up's delivery changes what is bought

    def __init__(self, ws: Workshop, budget: float | None = None,
                 wave_budget: float | None = None, *, must: Iterable[str] = (),
                 exclude: Iterable[str] = (), unit: str = "k$", time_limit: float = 10,
                 background: bool = True):
        super().__init__(ws)
        self.background = background
        self._lock, self._job = threading.RLock(), 0
        self._worker: threading.Thread | None = None
        self._pending: tuple | None = None  # the choices whose curve is being computed
        self.plain = self._("Budget panel on '{label}' (interactive with a running kernel; "
                            "the tables and figures below record the plan at run time).",
                            label=ws.label)
        self.unit, self.time_limit = unit, time_limit
        self.plan: pl.Plan | None = None
        self.greedy: pl.Plan | None = None
        self.curve: pd.DataFrame | None = None
        self.roadmap: pd.DataFrame | None = None
        self.figures: dict[str, go.Figure] = {}
        self._curve_key: tuple | None = None
        self._build(budget, wave_budget)
        self.widget = self._layout()
        self.widget.add_class("pmo-panel")
        self.widget.add_class("pmo-budget")
        self._update_choices(must, exclude)
        with self._sync():
            self.must.value, self.exclude.value = _ids(must), _ids(exclude)
        self._curve_key = None
        self._replan(wait=True)  # the first curve comes with the panel (a record shows it)

    # -- building ------------------------------------------------------------------------
    def _build(self, budget: float | None, wave_budget: float | None) -> None:
        _ = self._
        total = float(self._candidates()["cost"].sum())
        step = _nice_step(total)
        top = math.ceil(total / step) * step
        fmt = ",.0f" if step >= 1 else ",.2f"
        value = round(0.4 * total / step) * step if budget is None else budget
        slider = dict(min=0.0, max=max(top, value, step), step=step, readout_format=fmt,
                      continuous_update=False, style={"description_width": "initial"})
        self.budget = w.FloatSlider(value=value, description=_("Budget ({unit})", unit=self.unit),
                                    layout=w.Layout(width="60%"), **slider)
        waves = round(value / 3 / step) * step if wave_budget is None else wave_budget
        self.wave_budget = w.FloatSlider(value=max(waves, step), description=_("Per wave"),
                                         layout=w.Layout(width="38%"), **{**slider, "min": step})
        box = w.Layout(width="98%")
        self.must = w.SelectMultiple(rows=6, layout=box)
        self.exclude = w.SelectMultiple(rows=6, layout=box)
        self.summary = w.HTML(layout=w.Layout(width="100%"))
        self.last_wave = w.HTML(layout=w.Layout(width="100%"))
        self.table = w.HTML(layout=w.Layout(width="100%"))
        self.heatmap = GridHeatmap(_("Coverage with this plan: share of weight covered"), _=_)
        self.curve_view = w.Output(layout=w.Layout(width="100%", min_height="420px"))
        self.curve_state = w.HTML(layout=w.Layout(width="100%"))
        self.roadmap_view = w.Output(layout=w.Layout(width="100%", min_height="420px"))
        self.budget.observe(lambda _: self._safe(self._replan), "value")
        self.wave_budget.observe(lambda _: self._safe(self._draw_roadmap), "value")
        for box_ in (self.must, self.exclude):
            box_.observe(lambda _: self._syncing or self._safe(self._replan), "value")

    def _layout(self) -> w.Box:
        _ = self._
        choice = w.Layout(width="49%")
        choices = w.HBox([
            w.VBox([w.HTML(h.group(_("Must-haves (already decided)"))), self.must],
                   layout=choice),
            w.VBox([w.HTML(h.group(_("Exclude (ruled out)"))), self.exclude], layout=choice)],
            layout=w.Layout(width="100%", justify_content="space-between"))
        narrowing = w.Accordion([choices], titles=(_("Must-haves and exclusions"),),
                                selected_index=None, layout=w.Layout(width="100%"))
        # side by side when there is room (a wide screen, no file browser), else stacked
        left = w.VBox([w.HTML(h.section(_("The services to deploy"))), self.table],
                      layout=w.Layout(flex="1 1 520px", min_width="440px", padding="0 12px 0 0"))
        right = w.VBox([self.heatmap.widget], layout=w.Layout(flex="1 1 400px",
                                                               min_width="400px"))
        row = w.Layout(width="100%", flex_flow="row wrap")
        half = w.Layout(flex="1 1 520px", min_width="480px")
        return w.VBox([
            w.HTML(h.CSS + CSS),
            w.HBox([self.budget, self.wave_budget], layout=w.Layout(width="100%",
                                                                    align_items="center")),
            self.summary, self.last_wave, self.curve_state, self.status, narrowing,
            w.HBox([left, right], layout=row),
            w.HBox([w.VBox([self.curve_view], layout=half),
                    w.VBox([self.roadmap_view], layout=half)], layout=row),
        ], layout=w.Layout(width="100%"))

    # -- views ---------------------------------------------------------------------------
    def refresh(self) -> None:
        """Re-read the session (candidates may have changed), then re-plan."""
        self._update_choices(self.must.value, self.exclude.value)
        self._curve_key = None
        self._replan()

    def _candidates(self) -> pd.DataFrame:
        return candidate_services(self.ws.catalog, self.ws.assignments)

    def _update_choices(self, must: Iterable[str] = (), exclude: Iterable[str] = ()) -> None:
        """The candidates as choices, with any service named in ``must``/``exclude`` (from
        the catalog: a must-have need not be assigned to a gap); an unknown id is refused."""
        catalog = self.ws.catalog
        known = catalog["service_id"].astype(str).tolist()
        named = set(_ids(must)) | set(_ids(exclude))
        for value in sorted(named - set(known)):
            raise UnknownServiceError(value, known)
        cand = self._candidates()
        extra = catalog["service_id"].isin(named - set(cand["service_id"]))
        if extra.any():  # e.g. a must-have that no gap has yet
            cand = pd.concat([cand, catalog.loc[extra, cand.columns]])
        cand = cand.sort_values("name", kind="stable")
        options = [(f"{n} ({s}) · {self._.number(c)}", s) for n, s, c in
                   zip(cand["name"], cand["service_id"], cand["cost"], strict=True)]
        with self._sync():
            for box in (self.must, self.exclude):
                if options != list(box.options):
                    keep = [v for v in box.value if v in set(cand["service_id"])]
                    box.options, box.value = options, tuple(keep)

    def wait(self, timeout: float | None = None) -> BudgetPanel:
        """Wait until the budget curve being computed (if any) is shown; the panel."""
        worker = self._worker
        if worker is not None:
            worker.join(timeout)
        return self

    def _replan(self, wait: bool = False) -> None:
        if self.ws.poll():  # another handle changed the session: its event re-planned
            return None
        with self._lock:
            self._replan_now(wait)

    def _replan_now(self, wait: bool) -> None:
        must, exclude, budget = self.must.value, self.exclude.value, self._budget()
        self.status.value = ""
        try:
            self.plan = pl.select_services(self.ws, budget, must=must, exclude=exclude,
                                           time_limit=self.time_limit)
            self.greedy = pl.greedy_services(self.ws, budget, must=must, exclude=exclude)
        except PmoError as exc:
            return self._no_plan(exc.said(self._), wait)
        self.summary.value = self._summary_html()
        _ = self._
        self.last_wave.value = last_wave_html(self.ws.last_wave, _)
        table = plan_table(self.plan, _)
        gaps = _(TABLE_COLUMNS["gap_ids"])  # on screen an id never breaks at its hyphen
        table[gaps] = table[gaps].str.replace("-", NB_HYPHEN)
        table[_("Cost")] = table[_("Cost")].map(_.number)
        table[_("Value")] = table[_("Value")].map(_.number)
        self.table.value = h.table(table, {c: c for c in table.columns},
                                   _("No service fits this budget."), limit=30,
                                   nowrap=(_("Tier"), _("Cost"), _("Value")), _=_)
        self._draw_heatmap()
        self._request_curve(wait)
        self._draw_roadmap()

    def _budget(self) -> float:
        """The slider's budget on its own grid: the browser's steps add float noise
        (1200 - 50 came as 1149.9999999999998), which must not cost a plan its proof."""
        step = float(self.budget.step)
        return round(round(float(self.budget.value) / step) * step, 9)

    def _summary_html(self) -> str:
        plan, unit, _ = self.plan, self.unit, self._
        mark = '<span class="pmo-ok">✓</span> ' if plan.optimal else "⚠ "
        services = _.plural("{count} service", "{count} services", len(plan.services))
        said = _("Covers {share} of the weighted gap value for {cost} of {budget}",
                 share=h.bold(_.percent(plan.covered_share)),
                 cost=h.bold(_.number(plan.cost, 0)),
                 budget=h.bold(_.number(plan.budget, 0) + " " + h.plain(unit)))
        greedy = versus_greedy(plan, self.greedy, unit, _)
        return (f'<div class="pmo-budget-summary">{said} '
                f'<span class="pmo-muted">({services})</span>'
                f'</div><div class="pmo-budget-proof">{mark}{h.plain(proof(plan, _))} '
                f'<span class="pmo-muted">{h.plain(greedy)}</span></div>')

    def _no_plan(self, message: str, wait: bool = False) -> None:
        self.plan = self.greedy = None
        said = self._("No plan for this budget")
        self.summary.value = f'<div class="pmo-budget-summary">{said}</div>' + h.error(message)
        self.table.value = h.info(self._("Change the budget, the must-haves or the exclusions."))
        self.heatmap.clear()
        self.roadmap_view.outputs = ()
        self.figures = {k: v for k, v in self.figures.items() if k == "curve"}
        self._request_curve(wait)  # what each budget buys still holds (must-haves over budget)

    def _draw_heatmap(self) -> None:
        self.heatmap.show(self._plan_matrix())

    def _plan_matrix(self) -> pd.DataFrame:
        return coverage_matrix(pl.plan_coverage(self.ws, self.plan))

    def _request_curve(self, wait: bool = False) -> None:
        """Draw the curve; when the must-haves or exclusions changed, compute it first, on
        a worker thread (unless ``wait`` or not ``background``): the panel answers now."""
        key = (self.must.value, self.exclude.value)
        if key == self._pending and self._worker is not None and self._worker.is_alive():
            return None  # on its way: it is drawn at the budget of the moment it is done
        self._job += 1  # a computation still running for other choices is now stale
        self._pending = key
        if key == self._curve_key:
            self._curve_done()
            return self._draw_curve()
        job, tables = self._job, _Tables(self.ws.catalog, self.ws.assignments,
                                         self.ws.coverage(), self.ws.last_wave)
        if wait or not self.background:
            return self._curve_job(job, key, tables)
        self.curve_state.value = ('<div class="pmo-budget-updating pmo-muted">⟳ '
                                  f"{h.plain(self._(UPDATING))}</div>")
        self.curve_view.add_class("pmo-stale")
        self._worker = threading.Thread(target=self._curve_job, args=(job, key, tables),
                                        name="pmo-nb budget curve", daemon=True)
        self._worker.start()

    def _curve_job(self, job: int, key: tuple, tables: _Tables) -> None:
        """Compute the curve for ``key``; show it unless a newer job replaced this one."""
        stale = lambda: job != self._job  # noqa: E731
        try:
            curve = pl.budget_curve(tables, must=key[0], exclude=key[1],
                                    time_limit=self.time_limit, stop=stale)
        except PlanCancelled:
            return
        except Exception as exc:  # on a worker: shown in the panel, never raised
            with self._lock:
                if not stale():
                    self.curve, self._curve_key = None, None
                    self._curve_done()
                    self.curve_view.outputs = ()
                    if not isinstance(exc, PmoError):
                        self._show_error(exc)
            return
        with self._lock:
            if stale():
                return
            self.curve, self._curve_key = curve, key
            self._curve_done()
            self._safe(self._draw_curve)

    def _curve_done(self) -> None:
        self._pending = None
        self.curve_view.remove_class("pmo-stale")  # before the notice goes: what is seen
        self.curve_state.value = ""

    def _draw_curve(self) -> None:
        if self.curve is None:
            return
        budget = self._budget()
        fig = plots.budget_curve_figure(curve_with_plan(self.curve, self.plan), budget,
                                        language=self._.tag)
        top = max(float(self.budget.max), budget)  # the slider's end: every candidate's cost
        if fig.layout.annotations and budget < top / 2:  # the label stays in the figure
            fig.layout.annotations[0].update(xanchor="left", xshift=6)
        fig.update_xaxes(range=[0, top * 1.03], autorange=False)  # not the label's width
        fig.update_layout(height=420, margin=dict(l=10, r=10, b=10))
        self.figures["curve"] = fig
        self.curve_view.outputs = h.figure_outputs(fig, self._("budget curve"))

    def _draw_roadmap(self) -> None:
        if self.plan is None:
            return
        self.roadmap = pl.roadmap(self.ws, self.plan, float(self.wave_budget.value),
                                  language=self._.tag)
        _ = self._
        fig = plots.roadmap_timeline(self.roadmap, language=_.tag)
        waves, cost = self.roadmap["wave"].nunique(), self.roadmap["cost"].sum()
        end = float(self.roadmap["end_month"].max()) if len(self.roadmap) else 0.0
        fig.update_xaxes(dtick=1 if end <= 8 else 3 if end <= 36 else 6, tickfont_size=15)
        fig.update_layout(title_text=_.plural("Roadmap: {count} wave, {cost}",
                                              "Roadmap: {count} waves, {cost}", waves,
                                              cost=_.number(cost, 0) + " " + self.unit),
                          margin=dict(l=10, r=10, b=10),
                          legend=dict(orientation="h", x=0, y=-0.16, yanchor="top"))
        self.figures["roadmap"] = fig
        self.roadmap_view.outputs = h.figure_outputs(fig, _("roadmap"))


def last_wave_html(wave: pd.DataFrame, _: Translator) -> str:
    """What a follow-up's plan starts from: its services from the last wave by status
    (nothing for a first assessment).

    >>> from pmo_nb.i18n import translator
    >>> wave = pd.DataFrame({"status": ["delivered", "delivered", "dropped"]})
    >>> print(last_wave_html(wave, translator("en")))  # doctest: +ELLIPSIS
    <div class="pmo-muted">From the last wave: 2 delivered (cost 0 now), 0 in progress, ...
    """
    if not len(wave):
        return ""
    n = wave["status"].value_counts()
    return '<div class="pmo-muted">' + h.plain(_(
        "From the last wave: {delivered} delivered (cost 0 now), {progress} in progress, "
        "{waiting} not started, {dropped} dropped (left out until assigned again).",
        delivered=n.get("delivered", 0), progress=n.get("in progress", 0),
        waiting=n.get("not started", 0), dropped=n.get("dropped", 0))) + "</div>"


def _ids(ids: Iterable[str]) -> tuple[str, ...]:
    return (ids,) if isinstance(ids, str) else tuple(dict.fromkeys(str(i) for i in ids))

"""The budget panel: what a budget buys, chosen exactly, and the waves to deploy it in.

One slider sets the budget; the panel shows at once the best set of services within it
(a mixed-integer program, :func:`pmo_nb.plan.select_services`), its cost and covered
share, whether it is proven optimal, what the greedy rule of thumb would get, the
coverage heatmap of the plan, the budget curve with the budget marked and the roadmap.
Must-haves and exclusions narrow the choice. An impossible request (must-haves over
budget, a service both required and excluded) shows its message in the panel.

Examples
--------
>>> panel = BudgetPanel(ws, budget=370)            # doctest: +SKIP
>>> panel.budget.value = 200                       # doctest: +SKIP
>>> panel.plan.cost <= 200                         # doctest: +SKIP
True
"""

from __future__ import annotations

import math

import ipywidgets as w
import pandas as pd
import plotly.graph_objects as go

from . import _panel_html as h
from . import plan as pl
from . import plots
from ._panel_base import _Panel
from .coverage import coverage_matrix
from .errors import PmoError
from .workshop import Workshop

NB_HYPHEN = "\u2011"
TABLE_COLUMNS = {"name": "Service", "category": "Category", "tier": "Tier", "cost": "Cost",
                 "gap_ids": "Gaps it serves", "standalone_value": "Value"}
CSS = """<style>
.pmo-budget .widget-readout { font-size: 20px; font-weight: 700; min-width: 70px; }
.pmo-budget .widget-slider .widget-label { font-weight: 700; }
.pmo-budget-summary { font-size: 26px; line-height: 1.3; margin: 6px 0 2px; }
.pmo-budget-proof { font-size: 17px; margin: 2px 0 6px; }
</style>"""


def plan_summary(plan: pl.Plan, greedy: pl.Plan | None = None, unit: str = "k$") -> str:
    """The plan in one line, how sure we are and what greedy gets, in plain text (lines).

    Examples
    --------
    >>> plan_summary(plan)                              # doctest: +SKIP
    'Covers 60% of the weighted gap value for 290 of 370 k$ (8 services).\nProven optimal ...'
    """
    share = plan.covered_share
    lines = [f"Covers {_percent(share)} of the weighted gap value for {plan.cost:,.0f} of "
             f"{plan.budget:,.0f} {unit} ({_count(len(plan.services), 'service')}).",
             _proof(plan)]
    return "\n".join(lines + ([_greedy(plan, greedy, unit)] if greedy else []))


def plan_table(plan: pl.Plan) -> pd.DataFrame:
    """The chosen services as the panel lists them: service, category, tier, cost, gaps, value.

    ``Value``: the weighted gap value the service covers on its own.
    """
    out = plan.services.assign(name=plan.services["name"].where(
        ~plan.services["must"], plan.services["name"] + " (must-have)"))
    return out[list(TABLE_COLUMNS)].rename(columns=TABLE_COLUMNS)


def _percent(share: float) -> str:
    return "—" if math.isnan(share) else f"{share:.0%}"


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _proof(plan: pl.Plan) -> str:
    if plan.optimal:
        return "Proven optimal: no other set of services within the budget covers more."
    return (f"Best found in the time allowed, within {plan.gap:.1%} of the best possible "
            "(not proven optimal).")


def _greedy(plan: pl.Plan, greedy: pl.Plan, unit: str) -> str:
    if greedy.covered_weight >= plan.covered_weight - 1e-9:
        return "The rule of thumb (best value per cost first) finds as much here."
    return (f"The rule of thumb (best value per cost first) would cover "
            f"{_percent(greedy.covered_share)} for {greedy.cost:,.0f} {unit}.")


def _with_plan(curve: pd.DataFrame, plan: pl.Plan | None) -> pd.DataFrame:
    """The curve with the current plan as one more point, so the marked budget reads the
    share the headline says (not the share at the curve's previous step)."""
    if plan is None or (curve["budget"] == plan.budget).any():
        return curve
    ids = plan.services["service_id"].tolist()
    before = curve[curve["budget"] < plan.budget]
    prev = set(before["services"].iloc[-1].split("; ")) - {""} if len(before) else set()
    row = {"budget": plan.budget, "cost": plan.cost, "covered_weight": plan.covered_weight,
           "covered_share": plan.covered_share, "optimal": plan.optimal, "gap": plan.gap,
           "added": "; ".join(i for i in ids if i not in prev),
           "removed": "; ".join(sorted(prev - set(ids))), "services": "; ".join(ids)}
    out = pd.concat([curve, pd.DataFrame([row])], ignore_index=True)
    return out.sort_values("budget", kind="stable").reset_index(drop=True)


def _nice_step(total: float) -> float:
    """A 1-2-5 step giving about 100 slider positions up to ``total``."""
    if total <= 0:
        return 1.0
    scale = 10 ** math.floor(math.log10(total / 100))
    return next(m * scale for m in (1, 2, 5, 10) if m * scale >= total / 100)


class BudgetPanel(_Panel):
    """A budget slider and what it buys: the services, the covered share, the proof, the
    plan's heatmap, the budget curve and the roadmap; must-haves and exclusions."""

    def __init__(self, ws: Workshop, budget: float | None = None,
                 wave_budget: float | None = None, *, unit: str = "k$",
                 time_limit: float = 10):
        super().__init__(ws)
        self.plain = (f"Budget panel on '{ws.path.name}' (interactive with a running kernel; "
                      "the tables and figures below record the plan at run time).")
        self.unit, self.time_limit = unit, time_limit
        self.plan: pl.Plan | None = None
        self.greedy: pl.Plan | None = None
        self.curve: pd.DataFrame | None = None
        self.roadmap: pd.DataFrame | None = None
        self.figures: dict[str, go.Figure] = {}
        self._curve_key: tuple | None = None
        self._matrix: pd.DataFrame | None = None
        self._build(budget, wave_budget)
        self.widget = self._layout()
        self.widget.add_class("pmo-panel")
        self.widget.add_class("pmo-budget")
        self.refresh()

    # -- building ------------------------------------------------------------------------
    def _build(self, budget: float | None, wave_budget: float | None) -> None:
        total = self._candidate_cost()
        step = _nice_step(total)
        top = math.ceil(total / step) * step
        fmt = ",.0f" if step >= 1 else ",.2f"
        value = round(0.4 * total / step) * step if budget is None else budget
        slider = dict(min=0.0, max=max(top, value), step=step, readout_format=fmt,
                      continuous_update=False, style={"description_width": "initial"})
        self.budget = w.FloatSlider(value=value, description=f"Budget ({self.unit})",
                                    layout=w.Layout(width="60%"), **slider)
        waves = round(value / 3 / step) * step if wave_budget is None else wave_budget
        self.wave_budget = w.FloatSlider(value=max(waves, step), description="Per wave",
                                         layout=w.Layout(width="38%"), **{**slider, "min": step})
        box = w.Layout(width="98%")
        self.must = w.SelectMultiple(rows=6, layout=box)
        self.exclude = w.SelectMultiple(rows=6, layout=box)
        self.summary = w.HTML(layout=w.Layout(width="100%"))
        self.table = w.HTML(layout=w.Layout(width="100%"))
        self.heatmap = w.Output(layout=w.Layout(width="100%", min_height="400px"))
        self.curve_view = w.Output(layout=w.Layout(width="100%", min_height="420px"))
        self.roadmap_view = w.Output(layout=w.Layout(width="100%", min_height="420px"))
        self.budget.observe(lambda _: self._safe(self._replan), "value")
        self.wave_budget.observe(lambda _: self._safe(self._draw_roadmap), "value")
        for box_ in (self.must, self.exclude):
            box_.observe(lambda _: self._syncing or self._safe(self._replan), "value")

    def _layout(self) -> w.Box:
        half = w.Layout(width="49%")
        choices = w.HBox([
            w.VBox([w.HTML(h.group("Must-haves (already decided)")), self.must], layout=half),
            w.VBox([w.HTML(h.group("Exclude (ruled out)")), self.exclude], layout=half)],
            layout=w.Layout(width="100%", justify_content="space-between"))
        narrowing = w.Accordion([choices], titles=("Must-haves and exclusions",),
                                selected_index=None, layout=w.Layout(width="100%"))
        left = w.VBox([w.HTML(h.section("The services to deploy")), self.table],
                      layout=w.Layout(width="57%", padding="0 12px 0 0"))
        right = w.VBox([self.heatmap], layout=w.Layout(width="42%"))
        row = w.Layout(width="100%", flex_flow="row wrap")
        return w.VBox([
            w.HTML(h.CSS + CSS),
            w.HBox([self.budget, self.wave_budget], layout=w.Layout(width="100%",
                                                                    align_items="center")),
            self.summary, self.status, narrowing, w.HBox([left, right], layout=row),
            w.HBox([w.VBox([self.curve_view], layout=half),
                    w.VBox([self.roadmap_view], layout=half)], layout=row),
        ], layout=w.Layout(width="100%"))

    # -- views ---------------------------------------------------------------------------
    def refresh(self) -> None:
        """Re-read the session (candidates may have changed), then re-plan."""
        self._seen = self.ws.data_version()
        self._update_choices()
        self._curve_key = None
        self._replan()

    def _candidate_cost(self) -> float:
        cat = self.ws.catalog
        return float(cat.loc[cat["service_id"].isin(self.ws.assignments["service_id"]),
                             "cost"].sum())

    def _update_choices(self) -> None:
        cat = self.ws.catalog
        cand = cat[cat["service_id"].isin(self.ws.assignments["service_id"])]
        cand = cand.sort_values("name", kind="stable")
        options = [(f"{n} ({s}) · {c:g}", s) for n, s, c in
                   zip(cand["name"], cand["service_id"], cand["cost"], strict=True)]
        with self._sync():
            for box in (self.must, self.exclude):
                if options != list(box.options):
                    keep = [v for v in box.value if v in set(cand["service_id"])]
                    box.options, box.value = options, tuple(keep)

    def _replan(self) -> None:
        if self.ws.data_version() != self._seen:  # another handle changed the session
            return self.refresh()
        must, exclude, budget = self.must.value, self.exclude.value, float(self.budget.value)
        self.status.value = ""
        try:
            self.plan = pl.select_services(self.ws, budget, must=must, exclude=exclude,
                                           time_limit=self.time_limit)
            self.greedy = pl.greedy_services(self.ws, budget, must=must, exclude=exclude)
        except (PmoError, ValueError, KeyError) as exc:
            return self._no_plan(str(exc))
        self.summary.value = self._summary_html()
        table = plan_table(self.plan)
        gaps = TABLE_COLUMNS["gap_ids"]  # on screen an id never breaks at its hyphen
        table[gaps] = table[gaps].str.replace("-", NB_HYPHEN)
        self.table.value = h.table(table, {v: v for v in TABLE_COLUMNS.values()},
                                   "No service fits this budget.", limit=30)
        self._draw_heatmap()
        self._draw_curve()
        self._draw_roadmap()

    def _summary_html(self) -> str:
        plan, unit = self.plan, self.unit
        mark = '<span class="pmo-ok">✓</span> ' if plan.optimal else "⚠ "
        return (f'<div class="pmo-budget-summary">Covers <b>{_percent(plan.covered_share)}</b>'
                f" of the weighted gap value for <b>{plan.cost:,.0f}</b> of "
                f"<b>{plan.budget:,.0f} {h.esc(unit)}</b> "
                f'<span class="pmo-muted">({_count(len(plan.services), "service")})</span>'
                f'</div><div class="pmo-budget-proof">{mark}{h.esc(_proof(plan))} '
                f'<span class="pmo-muted">{h.esc(_greedy(plan, self.greedy, unit))}</span>'
                "</div>")

    def _no_plan(self, message: str) -> None:
        self.plan = self.greedy = None
        self.summary.value = ('<div class="pmo-budget-summary">No plan for this budget</div>'
                              + h.error(message))
        self.table.value = h.info("Change the budget, the must-haves or the exclusions.")
        self._matrix = None
        for view in (self.heatmap, self.roadmap_view):
            view.outputs = ()
        self.figures = {k: v for k, v in self.figures.items() if k == "curve"}
        try:
            self._draw_curve()  # what each budget buys still holds (must-haves over budget)
        except (PmoError, ValueError, KeyError):
            self.curve_view.outputs = ()  # the message above says why

    def _draw_heatmap(self) -> None:
        matrix = coverage_matrix(pl.plan_coverage(self.ws, self.plan))
        if self._matrix is not None and matrix.equals(self._matrix):
            return  # same cells: no redraw, no flicker
        self._matrix = matrix
        fig = plots.coverage_heatmap(matrix)
        fig.update_traces(showscale=False)  # each cell says its share
        fig.update_annotations(font_size=15)
        fig.update_layout(height=400, title_text="Coverage with this plan",
                          margin=dict(l=10, r=10, t=50, b=10))
        self.figures["heatmap"] = fig
        self.heatmap.outputs = h.figure_outputs(fig, "coverage heatmap of the plan")

    def _draw_curve(self) -> None:
        key = (self.must.value, self.exclude.value)
        if key != self._curve_key:
            self.curve = None
            self.curve = pl.budget_curve(self.ws, must=key[0], exclude=key[1],
                                         time_limit=self.time_limit)
            self._curve_key = key
        budget = float(self.budget.value)
        fig = plots.budget_curve_figure(_with_plan(self.curve, self.plan), budget)
        if fig.layout.annotations and budget < float(self.curve["budget"].max()) / 2:
            fig.layout.annotations[0].update(xanchor="left", xshift=6)  # stay in the figure
        fig.update_layout(height=420, margin=dict(l=10, r=10, b=10))
        self.figures["curve"] = fig
        self.curve_view.outputs = h.figure_outputs(fig, "budget curve")

    def _draw_roadmap(self) -> None:
        if self.plan is None:
            return
        self.roadmap = pl.roadmap(self.ws, self.plan, float(self.wave_budget.value))
        fig = plots.roadmap_timeline(self.roadmap)
        waves, cost = self.roadmap["wave"].nunique(), self.roadmap["cost"].sum()
        fig.update_layout(title_text=f"Roadmap: {_count(waves, 'wave')}, {cost:,.0f} "
                          f"{h.esc(self.unit)}", margin=dict(l=10, r=10, b=10),
                          legend=dict(y=-0.24, yanchor="top"))  # under the axis: the
        # title needs the top of a half-width figure
        self.figures["roadmap"] = fig
        self.roadmap_view.outputs = h.figure_outputs(fig, "roadmap")

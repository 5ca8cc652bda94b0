"""Budget figures: the plan's coverage heatmap, what each budget buys, the roadmap."""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go

from ..analysis import coverage as cov
from ..errors import UsageError
from .coverage import coverage_heatmap
from .style import (
    DARK_TEXT,
    OKABE_ITO,
    empty_figure,
    esc,
    esc_wrap,
    finish,
    on_colour,
    shorten,
    words_of,
)

__all__ = ["budget_curve_figure", "plan_heatmap", "roadmap_timeline"]
TIMELINE_COLUMNS = ("wave", "service_id", "name", "cost", "start_month", "end_month")


def plan_heatmap(ws: Any, plan: Any, *, language: str | None = None) -> go.Figure:
    """The size x priority coverage heatmap as it would be with only ``plan``'s services
    (in ``language``, default the workshop's).

    ``plan`` is a :class:`pmo_nb.plan.Plan` (anything with ``services["service_id"]``).
    """
    _ = words_of(ws, language)
    matrix = cov.coverage_matrix(cov.deployed_coverage(
        ws.gaps, ws.catalog, ws.assignments, ws.weights, plan.services["service_id"]))
    return coverage_heatmap(matrix, title=_("Coverage with this plan (share of weight covered)"),
                            language=_.tag)


def roadmap_timeline(roadmap_df: pd.DataFrame, *, language: str | None = None) -> go.Figure:
    """Gantt-like bars from ``wave, service_id, name, cost, start_month, end_month``, in
    ``language`` (default English)."""
    _ = words_of(None, language)
    missing = [c for c in TIMELINE_COLUMNS if c not in roadmap_df.columns]
    if missing:
        raise UsageError(f"roadmap_df lacks column(s) {', '.join(missing)}; "
                         f"expected {', '.join(TIMELINE_COLUMNS)}.")
    if roadmap_df.empty:
        return empty_figure(_("Roadmap"), _("No services in the roadmap."))
    road = roadmap_df.sort_values(["start_month", "wave", "end_month"], kind="stable") \
        .reset_index(drop=True)
    waves = list(dict.fromkeys(road.sort_values("wave", kind="stable")["wave"]))
    fig = go.Figure()
    for k, wave in enumerate(waves):
        part = road[road["wave"] == wave]
        label = (_("Wave {number}", number=wave) if str(wave).isdigit()
                 or isinstance(wave, int) else esc(wave))
        fig.add_trace(go.Bar(
            name=label, y=list(part.index), base=part["start_month"].tolist(),
            x=(part["end_month"] - part["start_month"]).tolist(), orientation="h",
            marker_color=OKABE_ITO[k % len(OKABE_ITO)],
            text=[_.number(c) for c in part["cost"]], textposition="inside",
            insidetextanchor="middle", textfont=dict(color=on_colour(OKABE_ITO[k % 8])),
            hovertext=[f"<b>{esc(r.name)}</b> ({esc(r.service_id)})<br>" + _(
                "{wave}, months {start}–{end}<br>cost {cost}", wave=label,
                start=_.number(r.start_month), end=_.number(r.end_month),
                cost=_.number(r.cost)) for r in part.itertuples(index=False)],
            hovertemplate="%{hovertext}<extra></extra>"))
    end = float(road["end_month"].max())
    fig.update_yaxes(autorange="reversed", tickvals=list(road.index),
                     ticktext=[esc(shorten(n, 34)) for n in road["name"]])
    fig.update_xaxes(title_text=_("Month"), range=[0, end + 0.5], dtick=1 if end <= 24 else None)
    fig.update_layout(barmode="overlay", legend=dict(orientation="h", x=0, y=1.0,
                                                     yanchor="bottom", traceorder="normal"))
    title = _("Roadmap: {services} services in {waves} waves, total cost {cost}",
              services=_.number(len(road)), waves=_.number(len(waves)),
              cost=_.number(road["cost"].sum()))
    return finish(fig, title, height=max(380, 34 * len(road) + 200))


def budget_curve_figure(curve_df: pd.DataFrame, current_budget: float | None = None, *,
                        language: str | None = None) -> go.Figure:
    """Step line of the weight covered (share, or weight) per budget; the current budget
    marked; in ``language`` (default English)."""
    _ = words_of(None, language)
    if curve_df.empty:
        return empty_figure(_("What each budget buys"), _("No budgets to show."))
    curve = curve_df.sort_values("budget", kind="stable")
    share = "covered_share" in curve
    y = curve["covered_share"] * 100 if share else curve["covered_weight"]
    added = [esc_wrap("; ".join(a) if isinstance(a, list | tuple) else a, 60)
             for a in curve.get("added", pd.Series([""] * len(curve)))]
    fig = go.Figure(go.Scatter(
        x=curve["budget"], y=y, mode="lines+markers", line=dict(shape="hv", width=3,
                                                                color=OKABE_ITO[0]),
        marker=dict(size=9), name=_("covered"), hovertext=[
            _("budget {budget}: cost {cost}, weight covered {weight}<br>added: {added}",
              budget=_.number(b), cost=_.number(c), weight=_.number(w), added=a or "—")
            for b, c, w, a in zip(curve["budget"], curve["cost"], curve["covered_weight"], added)],
        hovertemplate="%{hovertext}<extra></extra>"))
    if current_budget is not None:
        reached = y[curve["budget"] <= current_budget]
        at = "" if not len(reached) else " → " + _(
            "{value} covered", value=_.percent(reached.iloc[-1] / 100) if share
            else _.number(reached.iloc[-1], 0))
        fig.add_vline(x=current_budget, line=dict(color=DARK_TEXT, dash="dash", width=2),
                      annotation=dict(text=_("Current budget {budget}",
                                                        budget=_.number(current_budget)) + at,
                                      font=dict(size=16, color=DARK_TEXT),
                                      bgcolor="rgba(255,255,255,0.85)", xshift=-6),
                      annotation_position="top left" if share else "top right")
    fig.update_xaxes(title_text=_("Budget"), rangemode="tozero")
    fig.update_yaxes(title_text=_("Share of weight covered") if share else _("Weight covered"),
                     range=[0, 105] if share else None, rangemode="tozero",
                     ticksuffix="%" if share else None)
    fig.update_layout(showlegend=False)
    return finish(fig, _("What each budget buys"), height=500)

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
)

__all__ = ["budget_curve_figure", "plan_heatmap", "roadmap_timeline"]
TIMELINE_COLUMNS = ("wave", "service_id", "name", "cost", "start_month", "end_month")


def plan_heatmap(ws: Any, plan: Any) -> go.Figure:
    """The size x priority coverage heatmap as it would be with only ``plan``'s services.

    ``plan`` is a :class:`pmo_nb.plan.Plan` (anything with ``services["service_id"]``).
    """
    matrix = cov.coverage_matrix(cov.deployed_coverage(
        ws.gaps, ws.catalog, ws.assignments, ws.weights, plan.services["service_id"]))
    return coverage_heatmap(matrix, title="Coverage with this plan (share of weight covered)")


def roadmap_timeline(roadmap_df: pd.DataFrame) -> go.Figure:
    """Gantt-like bars from ``wave, service_id, name, cost, start_month, end_month``."""
    missing = [c for c in TIMELINE_COLUMNS if c not in roadmap_df.columns]
    if missing:
        raise UsageError(f"roadmap_df lacks column(s) {', '.join(missing)}; "
                         f"expected {', '.join(TIMELINE_COLUMNS)}.")
    if roadmap_df.empty:
        return empty_figure("Roadmap", "No services in the roadmap.")
    road = roadmap_df.sort_values(["start_month", "wave", "end_month"], kind="stable") \
        .reset_index(drop=True)
    waves = list(dict.fromkeys(road.sort_values("wave", kind="stable")["wave"]))
    fig = go.Figure()
    for k, wave in enumerate(waves):
        part = road[road["wave"] == wave]
        label = f"Wave {wave}" if str(wave).isdigit() or isinstance(wave, int) else esc(wave)
        fig.add_trace(go.Bar(
            name=label, y=list(part.index), base=part["start_month"].tolist(),
            x=(part["end_month"] - part["start_month"]).tolist(), orientation="h",
            marker_color=OKABE_ITO[k % len(OKABE_ITO)],
            text=[f"{c:g}" for c in part["cost"]], textposition="inside",
            insidetextanchor="middle", textfont=dict(color=on_colour(OKABE_ITO[k % 8])),
            hovertext=[f"<b>{esc(r.name)}</b> ({esc(r.service_id)})<br>{label}, months "
                       f"{r.start_month:g}–{r.end_month:g}<br>cost {r.cost:g}"
                       for r in part.itertuples(index=False)],
            hovertemplate="%{hovertext}<extra></extra>"))
    end = float(road["end_month"].max())
    fig.update_yaxes(autorange="reversed", tickvals=list(road.index),
                     ticktext=[esc(shorten(n, 34)) for n in road["name"]])
    fig.update_xaxes(title_text="Month", range=[0, end + 0.5], dtick=1 if end <= 24 else None)
    fig.update_layout(barmode="overlay", legend=dict(orientation="h", x=0, y=1.0,
                                                     yanchor="bottom", traceorder="normal"))
    title = (f"Roadmap: {len(road)} services in {len(waves)} waves, "
             f"total cost {road['cost'].sum():g}")
    return finish(fig, title, height=max(380, 34 * len(road) + 200))


def budget_curve_figure(curve_df: pd.DataFrame, current_budget: float | None = None) -> go.Figure:
    """Step line of the weight covered (share, or weight) per budget; the current budget marked."""
    if curve_df.empty:
        return empty_figure("What each budget buys", "No budgets to show.")
    curve = curve_df.sort_values("budget", kind="stable")
    share = "covered_share" in curve
    y = curve["covered_share"] * 100 if share else curve["covered_weight"]
    added = [esc_wrap("; ".join(a) if isinstance(a, list | tuple) else a, 60)
             for a in curve.get("added", pd.Series([""] * len(curve)))]
    fig = go.Figure(go.Scatter(
        x=curve["budget"], y=y, mode="lines+markers", line=dict(shape="hv", width=3,
                                                                color=OKABE_ITO[0]),
        marker=dict(size=9), name="covered", hovertext=[
            f"budget {b:g}: cost {c:g}, weight covered {w:g}<br>added: {a or '—'}"
            for b, c, w, a in zip(curve["budget"], curve["cost"], curve["covered_weight"], added)],
        hovertemplate="%{hovertext}<extra></extra>"))
    if current_budget is not None:
        reached = y[curve["budget"] <= current_budget]
        at = f" → {reached.iloc[-1]:.0f}{'%' if share else ''} covered" if len(reached) else ""
        fig.add_vline(x=current_budget, line=dict(color=DARK_TEXT, dash="dash", width=2),
                      annotation=dict(text=f"Current budget {current_budget:g}{at}",
                                      font=dict(size=16, color=DARK_TEXT),
                                      bgcolor="rgba(255,255,255,0.85)", xshift=-6),
                      annotation_position="top left" if share else "top right")
    fig.update_xaxes(title_text="Budget", rangemode="tozero")
    fig.update_yaxes(title_text="Share of weight covered" if share else "Weight covered",
                     range=[0, 105] if share else None, rangemode="tozero",
                     ticksuffix="%" if share else None)
    fig.update_layout(showlegend=False)
    return finish(fig, "What each budget buys", height=500)

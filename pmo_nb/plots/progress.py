"""Progress over time: what is left of the gaps per aspect, before -> after, and along a chain
of assessments. Both take a follow-up Workshop (``progress_by_aspect()``, ``baseline``,
``progress_chain()``) and are sized for a projector: large type, one row per aspect."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

from ..errors import UsageError
from .style import (
    COUNT_SCALE,
    DARK_TEXT,
    OPEN_SCALE,
    STATUS_COLOURS,
    TICK_SIZE,
    esc,
    esc_wrap,
    finish,
    text_colour,
)

BEFORE_COLOUR = "#999999"
BETTER, WORSE, SAME = STATUS_COLOURS["covered"], STATUS_COLOURS["open"], "#555555"


def _follow_up(ws: Any, what: str) -> Any:
    if getattr(ws, "baseline", None) is None:
        raise UsageError(f"{what} needs a follow-up assessment (a session made with "
                         "pmo_nb.Workshop.follow_up); this one has no baseline.")
    return ws.baseline


def progress(ws: Any) -> go.Figure:
    """A dumbbell per aspect: the value of its gaps at the baseline (grey) and now (green
    when smaller, vermillion when larger), with the change written beside it."""
    base = _follow_up(ws, "plots.progress")
    table = ws.progress_by_aspect()
    rows = [esc_wrap(a, 28, max_lines=2) for a in table["aspect"]]
    pairs = list(zip(table["value_before"], table["value_after"], strict=True))
    after_colours = [BETTER if a < b else WORSE if a > b else SAME for b, a in pairs]
    fig = go.Figure()
    for colour in dict.fromkeys(after_colours):  # one trace of bars per colour (None: a gap)
        mine = [(y, b, a) for y, (b, a), c in zip(rows, pairs, after_colours, strict=True)
                if c == colour]
        fig.add_trace(go.Scatter(
            x=[v for _, b, a in mine for v in (b, a, None)],
            y=[v for y, _, _ in mine for v in (y, y, None)], mode="lines", showlegend=False,
            line=dict(color=colour, width=4), hoverinfo="skip"))
    fig.add_trace(go.Scatter(
        x=table["value_before"], y=rows, mode="markers", name=f"At the baseline ({base.date})",
        marker=dict(size=16, color=BEFORE_COLOUR, line=dict(color="#FFFFFF", width=1)),
        hovertemplate="%{y}: %{x:g} at the baseline<extra></extra>"))
    fig.add_trace(go.Scatter(
        x=table["value_after"], y=rows, mode="markers", name="Now",
        marker=dict(size=18, color=after_colours, symbol="diamond",
                    line=dict(color="#FFFFFF", width=1)),
        hovertemplate="%{y}: %{x:g} now<extra></extra>"))
    fig.add_trace(go.Scatter(  # the change, right of the dumbbell (never over its bar)
        x=[max(b, a) for b, a in pairs], y=rows, mode="text", showlegend=False,
        text=[_change_text(b, a) for b, a in pairs], textposition="middle right",
        textfont=dict(size=TICK_SIZE + 1, color=DARK_TEXT), hoverinfo="skip"))
    top = float(max(table["value_before"].max(), table["value_after"].max(), 1))
    fig.update_xaxes(title_text="Value of the gaps left (size x priority weight)",
                     range=[-top * 0.03, top * 1.3])  # a closed aspect (0) shows whole
    fig.update_yaxes(autorange="reversed", tickfont_size=TICK_SIZE + 1,
                     categoryorder="array", categoryarray=rows)  # the aspects' own order
    fig.update_layout(legend=dict(orientation="h", x=0, y=1.0, yanchor="bottom"),
                      margin=dict(t=110))
    before, after = table["value_before"].sum(), table["value_after"].sum()
    title = (f"Gaps left per aspect since {esc(base.date)}: {before:g} → {after:g} "
             f"({_pct(before, after)})")  # short: it must fit a printed page's width
    return finish(fig, title, height=160 + 52 * len(rows))


def progress_chain(ws: Any) -> go.Figure:
    """The value of the gaps per aspect at every assessment of the chain (a column each,
    this one last), with the total on top: how the path looks across quarters."""
    _follow_up(ws, "plots.progress_chain")
    chain = ws.progress_chain()
    grid = chain.pivot_table(index="aspect", columns="assessment", values="value",
                             sort=False, fill_value=0.0)
    labels = chain.drop_duplicates("assessment").set_index("assessment")
    columns = [f"{i}. {esc_wrap(labels.at[i, 'label'], 18, max_lines=2)}<br>"
               f"{esc(labels.at[i, 'date'])}" for i in grid.columns]
    rows = ["<b>All aspects</b>", *[esc_wrap(a, 28, max_lines=2) for a in grid.index]]
    z = [grid.sum().tolist(), *grid.values.tolist()]
    top = max(max(r) for r in z[1:]) if len(z) > 1 else 1.0
    fig = go.Figure(go.Heatmap(
        z=[[v / top if i else 0.0 for v in r] for i, r in enumerate(z)], x=columns, y=rows,
        colorscale=OPEN_SCALE, zmin=0, zmax=1, showscale=False, xgap=3, ygap=3,
        customdata=z, hovertemplate="%{y}, %{x}: %{customdata:g}<extra></extra>"))
    for i, (row, values) in enumerate(zip(rows, z, strict=True)):
        for col, v in zip(columns, values, strict=True):
            colour = DARK_TEXT if i == 0 else text_colour(OPEN_SCALE, v / top, 0, 1)
            fig.add_annotation(x=col, y=row, text=f"<b>{v:g}</b>" if i == 0 else f"{v:g}",
                               showarrow=False, font=dict(size=TICK_SIZE + 2, color=colour))
    fig.update_xaxes(side="top", tickfont_size=TICK_SIZE, showgrid=False)
    fig.update_yaxes(autorange="reversed", tickfont_size=TICK_SIZE + 1, showgrid=False)
    fig.update_layout(margin=dict(t=150), plot_bgcolor=COUNT_SCALE[0][1])
    first, last = z[0][0], z[0][-1]
    title = (f"Gaps left per aspect across {len(columns)} assessments: "
             f"{first:g} → {last:g} ({_pct(first, last)})")
    return finish(fig, title, height=220 + 46 * len(rows))


def _change_text(before: float, after: float) -> str:
    if after == before:
        return "   no change"
    return f"   {after - before:+g} ({_pct(before, after)})"


def _pct(before: float, after: float) -> str:
    if not before:
        return "new" if after else "none"
    return f"{100 * (after - before) / before:+.0f}%"

"""Progress over time: what is left of the gaps per aspect, before -> after, and along a chain
of assessments. Both take a follow-up Workshop (``progress_by_aspect()``, ``baseline``,
``progress_chain()``) and are sized for a projector: large type, one row per aspect."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

from ..errors import UsageError
from ..i18n import Translator
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
    words_of,
)

BEFORE_COLOUR = "#999999"
BETTER, WORSE, SAME = STATUS_COLOURS["covered"], STATUS_COLOURS["open"], "#555555"


def _follow_up(ws: Any, what: str) -> Any:
    if getattr(ws, "baseline", None) is None:
        raise UsageError(f"{what} needs a follow-up assessment (a session made with "
                         "pmo_nb.Workshop.follow_up); this one has no baseline.")
    return ws.baseline


def progress(ws: Any, *, language: str | None = None) -> go.Figure:
    """A dumbbell per aspect: the value of its gaps at the baseline (grey) and now (green
    when smaller, vermillion when larger), with the change written beside it; in
    ``language``, default the workshop's."""
    base = _follow_up(ws, "plots.progress")
    _ = words_of(ws, language)
    table = ws.progress_by_aspect()
    rows = [esc_wrap(a, 28, max_lines=2) for a in table["aspect"]]
    pairs = list(zip(table["value_before"], table["value_after"], strict=True))
    after_colours = [BETTER if a < b else WORSE if a > b else SAME for b, a in pairs]
    fig = go.Figure()
    for colour in dict.fromkeys(after_colours):  # one trace of bars per colour (None: a gap)
        mine = [(y, b, a) for y, (b, a), c in zip(rows, pairs, after_colours, strict=True)
                if c == colour]
        fig.add_trace(go.Scatter(
            x=[v for _y, b, a in mine for v in (b, a, None)],
            y=[v for y, _b, _a in mine for v in (y, y, None)], mode="lines", showlegend=False,
            line=dict(color=colour, width=4), hoverinfo="skip"))
    fig.add_trace(go.Scatter(
        x=table["value_before"], y=rows, mode="markers",
        name=_("At the baseline ({date})", date=_.date(base.date)),
        marker=dict(size=16, color=BEFORE_COLOUR, line=dict(color="#FFFFFF", width=1)),
        customdata=[_.number(v) for v in table["value_before"]],
        hovertemplate="%{y}: " + _("{value} at the baseline", value="%{customdata}")
        + "<extra></extra>"))
    fig.add_trace(go.Scatter(
        x=table["value_after"], y=rows, mode="markers", name=_("Now"),
        marker=dict(size=18, color=after_colours, symbol="diamond",
                    line=dict(color="#FFFFFF", width=1)),
        customdata=[_.number(v) for v in table["value_after"]],
        hovertemplate="%{y}: " + _("{value} now", value="%{customdata}") + "<extra></extra>"))
    fig.add_trace(go.Scatter(  # the change, right of the dumbbell (never over its bar)
        x=[max(b, a) for b, a in pairs], y=rows, mode="text", showlegend=False,
        text=[_change_text(_, b, a) for b, a in pairs], textposition="middle right",
        textfont=dict(size=TICK_SIZE + 1, color=DARK_TEXT), hoverinfo="skip"))
    top = float(max(table["value_before"].max(), table["value_after"].max(), 1))
    fig.update_xaxes(title_text=_("Value of the gaps left (size x priority weight)"),
                     range=[-top * 0.03, top * 1.3])  # a closed aspect (0) shows whole
    fig.update_yaxes(autorange="reversed", tickfont_size=TICK_SIZE + 1,
                     categoryorder="array", categoryarray=rows)  # the aspects' own order
    fig.update_layout(legend=dict(orientation="h", x=0, y=1.0, yanchor="bottom"),
                      margin=dict(t=110))
    before, after = table["value_before"].sum(), table["value_after"].sum()
    title = _("Gaps left per aspect since {date}: {before} → {after} ({change})",
              date=esc(_.date(base.date)), before=_.number(before), after=_.number(after),
              change=_pct(_, before, after))  # short: it must fit a printed page's width
    return finish(fig, title, height=160 + 52 * len(rows))


def progress_chain(ws: Any, *, language: str | None = None) -> go.Figure:
    """The value of the gaps per aspect at every assessment of the chain (a column each,
    this one last), with the total on top: how the path looks across quarters; in
    ``language``, default the workshop's."""
    _follow_up(ws, "plots.progress_chain")
    _ = words_of(ws, language)
    chain = ws.progress_chain()
    grid = chain.pivot_table(index="aspect", columns="assessment", values="value",
                             sort=False, fill_value=0.0)
    labels = chain.drop_duplicates("assessment").set_index("assessment")
    columns = [f"{i}. {esc_wrap(labels.at[i, 'label'], 18, max_lines=2)}<br>"
               f"{esc(_.date(labels.at[i, 'date'], 'medium'))}" for i in grid.columns]
    rows = ["<b>" + _("All aspects") + "</b>", *[esc_wrap(a, 28, max_lines=2) for a in grid.index]]
    z = [grid.sum().tolist(), *grid.values.tolist()]
    top = max(max(r) for r in z[1:]) if len(z) > 1 else 1.0
    fig = go.Figure(go.Heatmap(
        z=[[v / top if i else 0.0 for v in r] for i, r in enumerate(z)], x=columns, y=rows,
        colorscale=OPEN_SCALE, zmin=0, zmax=1, showscale=False, xgap=3, ygap=3,
        customdata=[[_.number(v) for v in r] for r in z],
        hovertemplate="%{y}, %{x}: %{customdata}<extra></extra>"))
    for i, (row, values) in enumerate(zip(rows, z, strict=True)):
        for col, v in zip(columns, values, strict=True):
            colour = DARK_TEXT if i == 0 else text_colour(OPEN_SCALE, v / top, 0, 1)
            text = _.number(v)
            fig.add_annotation(x=col, y=row, text=f"<b>{text}</b>" if i == 0 else text,
                               showarrow=False, font=dict(size=TICK_SIZE + 2, color=colour))
    fig.update_xaxes(side="top", tickfont_size=TICK_SIZE, showgrid=False)
    fig.update_yaxes(autorange="reversed", tickfont_size=TICK_SIZE + 1, showgrid=False)
    fig.update_layout(margin=dict(t=150), plot_bgcolor=COUNT_SCALE[0][1])
    first, last = z[0][0], z[0][-1]
    title = _("Gaps left per aspect across {count} assessments: {before} → {after} ({change})",
              count=_.number(len(columns)), before=_.number(first), after=_.number(last),
              change=_pct(_, first, last))
    return finish(fig, title, height=220 + 46 * len(rows))


def _change_text(_: Translator, before: float, after: float) -> str:
    if after == before:
        return "   " + _("no change")
    change = after - before
    return f"   {'+' if change > 0 else '−'}{_.number(abs(change))} ({_pct(_, before, after)})"


def _pct(_: Translator, before: float, after: float) -> str:
    if not before:
        return _("new") if after else _("none")
    share = (after - before) / before
    return ("+" if share > 0 else "−" if share < 0 else "") + _.percent(abs(share))

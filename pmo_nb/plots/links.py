"""Which services meet which gaps: aspects x service categories, and gap x service
traceability; sized and coloured for a projector and for print.

Each function takes a Workshop (``gaps``, ``catalog``, ``assignments``, ``coverage()``)
and returns a new :class:`plotly.graph_objects.Figure`; customer text is escaped, and
column labels wrap between words only.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go

from ..i18n import N_, Translator
from .style import (
    BOTTOM_LEGEND,
    CONTRIBUTION_COLOURS,
    COUNT_SCALE,
    DARK_TEXT,
    TICK_SIZE,
    TITLE_SPACE,
    column_labels,
    empty_figure,
    esc,
    esc_wrap,
    finish,
    shorten,
    text_colour,
    text_px,
    words_of,
)

__all__ = ["aspect_category_heatmap", "traceability_matrix"]

_ROW_PX = 22  # traceability: pixels per gap row
SCREEN_WIDTH = 1100  # px: a figure on the record's page on a 1280 px screen


def aspect_category_heatmap(ws: Any, *, width: int | None = None,
                            language: str | None = None) -> go.Figure:
    """Aspects (rows) x service categories (columns): gaps of each aspect a category helps.

    Counted through the assignments; handed-over gaps are left out. The category labels
    wrap between words to fit their column at ``width`` px (default: a page on a
    1280 px screen; the printed record passes its own and gets a figure that wide);
    when a word is too long for its column, the labels stand upright. Its words are in
    ``language``, default the workshop's.
    """
    _ = words_of(ws, language)
    per_gap, cat = ws.coverage(), ws.catalog
    acted = per_gap.loc[per_gap["status"] != "handed over", ["gap_id", "aspect"]]
    links = (ws.assignments.merge(acted, on="gap_id")
             .merge(cat[["service_id", "name", "category"]], on="service_id"))
    aspects = list(dict.fromkeys(per_gap["aspect"]))
    categories = list(dict.fromkeys(cat["category"]))
    groups = {key: g for key, g in links.groupby(["aspect", "category"], sort=False)}
    z = [[groups[(a, c)]["gap_id"].nunique() if (a, c) in groups else 0 for c in categories]
         for a in aspects]
    zmax = max([v for row in z for v in row] + [1])
    hover = [[_link_hover(_, a, c, groups.get((a, c))) for c in categories] for a in aspects]
    fig = go.Figure(go.Heatmap(
        z=z, x=list(range(len(categories))), y=list(range(len(aspects))), zmin=0, zmax=zmax,
        colorscale=COUNT_SCALE, xgap=2, ygap=2, hovertext=hover,
        hovertemplate="%{hovertext}<extra></extra>",
        colorbar=dict(title=dict(text=_("Gaps helped"), side="right"),
                      dtick=1 if zmax <= 10 else None)))
    fig.update_layout(annotations=[
        dict(x=j, y=i, text=str(value), showarrow=False,
             font=dict(size=16, color=text_colour(COUNT_SCALE, value, 0, zmax)))
        for i, row in enumerate(z) for j, value in enumerate(row) if value])
    rows = [esc_wrap(a, 32, max_lines=2) for a in aspects]  # two lines fit a row
    ticks, angle, label_px = _category_ticks(categories, rows, width or SCREEN_WIDTH)
    two = any("<br>" in r for r in rows)  # rows a little taller for two-line labels
    fig.update_xaxes(title_text=_("Service category"), side="top", tickangle=angle, showgrid=False,
                     tickvals=list(range(len(categories))), ticktext=ticks,
                     tickfont_size=14 if angle == 0 else 13)
    fig.update_yaxes(title_text=_("Aspect"), autorange="reversed", showgrid=False,
                     tickvals=list(range(len(aspects))), ticktext=rows)
    fig.update_layout(margin_t=TITLE_SPACE + label_px + 40)  # ticks + axis title
    if width:
        fig.update_layout(width=width)
    return finish(fig, _("Which service categories help which aspects (gaps helped)"),
                  height=max(480, (36 + 8 * two) * len(aspects) + label_px + 190))


def _category_ticks(categories: list[str], rows: list[str],
                    width: int) -> tuple[list[str], int, int]:
    """The column labels for a figure ``width`` px wide with ``rows`` as its row labels."""
    widest = max([text_px(line, TICK_SIZE) for r in rows for line in r.split("<br>")] + [0])
    column = max((width - 60 - widest - 130) / max(len(categories), 1), 16)  # 130: colour bar
    return column_labels(categories, column)


def _link_hover(_: Translator, aspect: str, category: str, group: pd.DataFrame | None) -> str:
    head = f"<b>{esc(aspect)}</b><br>{esc(category)}"
    if group is None:
        return head + "<br>" + _("no gaps helped")
    gaps = ", ".join(esc(g) for g in dict.fromkeys(group["gap_id"]))
    names = esc_wrap("; ".join(dict.fromkeys(group["name"])), 60)
    return "<br>".join([head, _("gaps: {ids}", ids=gaps), _("services: {names}", names=names)])


def traceability_matrix(ws: Any, *, language: str | None = None) -> go.Figure:
    """Gaps (rows) x assigned services (columns): full (green) / partial (orange, ½) / blank
    (in ``language``, default the workshop's)."""
    _ = words_of(ws, language)
    per_gap, cat, asg = ws.coverage(), ws.catalog, ws.assignments
    if asg.empty:
        return empty_figure(_("Traceability: gaps x assigned services"),
                            _("No services assigned yet."))
    names = dict(zip(cat["service_id"], cat["name"]))
    services = list(dict.fromkeys([s for s in cat["service_id"] if s in set(asg["service_id"])]
                                  + list(asg["service_id"])))
    level = {"full": 2, "partial": 1}
    links = {(g, s): level.get(c, 1) for g, s, c in
             zip(asg["gap_id"], asg["service_id"], asg["contribution"])}
    gap_rows = list(per_gap.itertuples(index=False))
    z = [[links.get((g.gap_id, s)) for s in services] for g in gap_rows]
    marks = [["½" if v == 1 else "" for v in row] for row in z]
    hover = [[_trace_hover(_, g, names.get(s, s), s, v) for s, v in zip(services, row)]
             for g, row in zip(gap_rows, z)]
    colours = CONTRIBUTION_COLOURS
    fig = go.Figure(go.Heatmap(
        z=z, x=list(range(len(services))), y=list(range(len(gap_rows))), zmin=1, zmax=2,
        colorscale=[[0, colours["partial"]], [0.5, colours["partial"]],
                    [0.5, colours["full"]], [1, colours["full"]]],
        showscale=False, xgap=2, ygap=2, text=marks, texttemplate="%{text}",
        textfont=dict(size=15, color=DARK_TEXT), hovertext=hover,
        hovertemplate="%{hovertext}<extra></extra>"))
    for kind, name in (("full", _("full contribution")),
                       ("partial", _("partial contribution (½)"))):
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=name,
                                 marker=dict(symbol="square", size=16, color=colours[kind]),
                                 hoverinfo="skip"))
    ticks = [shorten(names.get(s, s), 28) for s in services]
    fig.update_xaxes(side="top", tickangle=-90, showgrid=False, zeroline=False,
                     tickvals=list(range(len(services))), tickfont_size=13,
                     ticktext=[esc(t) for t in ticks])
    fig.update_yaxes(autorange="reversed", showgrid=False, zeroline=False, tickfont_size=13,
                     tickvals=list(range(len(gap_rows))),
                     ticktext=[esc(f"{g.gap_id} · {shorten(g.aspect, 28)}") for g in gap_rows])
    # upright labels of 13 px text: side by side, they never run into each other at any width
    label_px = int(0.6 * 13 * max(len(t) for t in ticks)) + 16
    fig.update_layout(plot_bgcolor="#F4F4F4", margin=dict(t=TITLE_SPACE + label_px, b=70),
                      legend=BOTTOM_LEGEND)  # under the plot: never on the title
    return finish(fig, _("Traceability: gaps x assigned services"),
                   height=_ROW_PX * len(gap_rows) + TITLE_SPACE + label_px + 80)


def _trace_hover(_: Translator, gap: Any, name: str, service_id: str, value: int | None) -> str:
    what = _({2: N_("full"), 1: N_("partial"), None: N_("not assigned")}[value])
    return (f"<b>{esc(gap.gap_id)}</b> {esc(gap.aspect)} ({esc(_(gap.status))})<br>"
            f"{esc(name)} ({esc(service_id)})<br>" + _("contribution: {part}", part=what))

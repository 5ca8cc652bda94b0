"""Coverage figures: the size x priority heatmap, status and load per service; sized and
coloured for a projector and for print (which services meet which gaps and aspects:
:mod:`.links`).

Every function takes a Workshop (anything with ``gaps``, ``catalog``, ``assignments``
and ``coverage()``/``coverage_matrix()`` as in the session contract) or the DataFrame
it would give, and returns a new :class:`plotly.graph_objects.Figure`; nothing is
shown here. Customer text is HTML-escaped before plotly sees it.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..analysis.coverage import STATUSES
from ..errors import UsageError
from ..i18n import N_, Translator, translator
from .style import (
    BOTTOM_LEGEND,
    CONTRIBUTION_COLOURS,
    COVERED_SCALE,
    DARK_TEXT,
    EMPTY_CELL,
    LEVEL_NAMES,
    OPEN_SCALE,
    STATUS_COLOURS,
    cell_colour,
    empty_figure,
    esc,
    finish,
    on_colour,
    shorten,
    text_colour,
    words_of,
)

__all__ = ["coverage_heatmap", "heatmap_grid", "service_load", "status_overview"]

EN = translator("en")
PRIORITY_ROWS = ("H", "M", "L")  # top to bottom
SIZE_COLUMNS = ("L", "M", "H")  # left to right
_ROW_PX = 22  # traceability: pixels per gap row
SCREEN_WIDTH = 1100  # px: a figure on the record's page on a 1280 px screen


def coverage_heatmap(ws_or_matrix: Any, *, show: str = "covered",
                     title: str | None = None, language: str | None = None) -> go.Figure:
    """Priority (H, M, L from the top) x gap size (L, M, H) heatmap of coverage.

    ``show="covered"`` colours each cell by the share of weight covered (0..1);
    ``show="open"`` by the number of open gaps. Cells without gaps are grey, "no gaps".
    (The live panels draw the same heatmap in HTML from :func:`heatmap_grid`.) Its words
    are in ``language``, default the workshop's (``ws.language``; English for a matrix).

    Examples
    --------
    >>> m = pd.DataFrame({"priority": ["H"], "size": ["L"], "gaps": [2], "covered": [1],
    ...                   "partial": [0], "open": [1], "handed_over": [0], "weight": [6.0],
    ...                   "covered_weight": [3.0], "covered_share": [0.5]})
    >>> coverage_heatmap(m).data[0].z[0][0]
    0.5
    """
    matrix = ws_or_matrix if isinstance(ws_or_matrix, pd.DataFrame) \
        else ws_or_matrix.coverage_matrix()
    _ = translator(language or getattr(ws_or_matrix, "language", None))
    cells = heatmap_cells(matrix, show=show, _=_)
    scale = COVERED_SCALE if show == "covered" else OPEN_SCALE
    xs = [_(LEVEL_NAMES[s]) for s in SIZE_COLUMNS]
    ys = [_(LEVEL_NAMES[p]) for p in PRIORITY_ROWS]
    zmax = cells["zmax"]
    key = _("Weight covered") if show == "covered" else _("Open gaps")
    fig = go.Figure(go.Heatmap(
        z=cells["z"], x=xs, y=ys, zmin=0, zmax=zmax, colorscale=scale, xgap=4, ygap=4,
        hovertext=cells["hovertext"], hovertemplate="%{hovertext}<extra></extra>",
        colorbar=dict(title=dict(text=key, side="right"),
                      tickformat=".0%" if show == "covered" else "d", len=0.9,
                      dtick=None if show == "covered" or zmax > 10 else 1)))
    fig.update_layout(annotations=cells["annotations"], shapes=cells["shapes"])
    title = title or (_("Coverage by gap size and priority (share of weight covered)")
                      if show == "covered" else _("Open gaps by gap size and priority"))
    fig.update_xaxes(title_text=_("Gap size"), type="category", categoryorder="array",
                     categoryarray=xs, showgrid=False, tickfont_size=16)
    fig.update_yaxes(title_text=_("Priority"), type="category", categoryorder="array",
                     categoryarray=ys, autorange="reversed", showgrid=False, tickfont_size=16)
    return finish(fig, title, height=560)


def heatmap_cells(matrix: pd.DataFrame, *, show: str = "covered",
                  _: Translator = EN) -> dict[str, Any]:
    """The numbers and labels of :func:`coverage_heatmap`, as plain lists and dicts:
    ``z``, ``zmax``, ``hovertext``, ``annotations`` (the cell labels), ``shapes``."""
    rows, z, zmax = _grid(matrix, show)
    scale = COVERED_SCALE if show == "covered" else OPEN_SCALE
    notes, tiles = _label_cells(rows, z, show, scale, zmax, _)
    hover = [[_cell_hover(c, p, s, _) for c, s in zip(row, SIZE_COLUMNS)]
             for row, p in zip(rows, PRIORITY_ROWS)]
    return {"z": z, "zmax": zmax, "hovertext": hover, "annotations": notes, "shapes": tiles}


def heatmap_grid(matrix: pd.DataFrame, *, show: str = "covered",
                 _: Translator = EN) -> dict[str, Any]:
    """The same heatmap as plain data for one drawn in HTML (the live panels): ``rows``
    (priorities, High first), ``columns`` (gap sizes, Low first), ``zmax`` and ``cells``,
    a list per row of dicts: ``value`` (None: no gaps, or all handed over), ``fill`` and
    ``ink`` (the cell's colour and a text colour that contrasts with it), ``head`` (the
    share, or the open count), ``lines`` (the counts under it) and ``hover`` (plain text,
    a line per fact); every word in ``_``'s language.

    Examples
    --------
    >>> m = pd.DataFrame({"priority": ["H"], "size": ["L"], "gaps": [3], "covered": [1],
    ...                   "partial": [1], "open": [1], "handed_over": [0], "weight": [9.0],
    ...                   "covered_weight": [4.5], "covered_share": [0.5]})
    >>> cell = heatmap_grid(m)["cells"][0][0]
    >>> cell["head"], cell["lines"], cell["value"]
    ('50%', ['1/3 covered', '+1 partial'], 0.5)
    >>> heatmap_grid(m)["cells"][0][1]["head"]  # High priority, Medium size: no gaps
    'no gaps'
    >>> m[["gaps", "handed_over"]] = [4, 1]  # the share leaves handed-over gaps out: say so
    >>> heatmap_grid(m)["cells"][0][0]["lines"]
    ['1/4 covered', '+1 partial', '1 handed over']
    """
    rows, z, zmax = _grid(matrix, show)
    scale = COVERED_SCALE if show == "covered" else OPEN_SCALE

    def one(cell: dict, value: float | None, priority: str, size: str) -> dict[str, Any]:
        head, lines = _grid_label(cell, show, _)
        return {"value": value, "head": head, "lines": lines,
                "fill": EMPTY_CELL if value is None else cell_colour(scale, value, 0, zmax),
                "ink": DARK_TEXT if value is None else text_colour(scale, value, 0, zmax),
                "hover": _cell_hover(cell, priority, size, _).replace("<br>", "\n")}

    return {"rows": [_(LEVEL_NAMES[p]) for p in PRIORITY_ROWS],
            "columns": [_(LEVEL_NAMES[s]) for s in SIZE_COLUMNS], "zmax": zmax,
            "cells": [[one(c, v, p, s) for c, v, s in zip(row, zs, SIZE_COLUMNS)]
                      for row, zs, p in zip(rows, z, PRIORITY_ROWS)]}


def _grid(matrix: pd.DataFrame, show: str) -> tuple[list[list[dict]], list[list], float]:
    """The coverage matrix's rows as a priority x size grid of dicts, its values, their top."""
    if show not in ("covered", "open"):
        raise UsageError(f"show must be 'covered' or 'open', not {show!r}.")
    cells = {(r["priority"], r["size"]): r for r in matrix.to_dict("records")}
    rows = [[cells.get((p, s), {}) for s in SIZE_COLUMNS] for p in PRIORITY_ROWS]
    z = [[_cell_value(c, show) for c in row] for row in rows]
    zmax = 1.0 if show == "covered" else max([v or 0 for row in z for v in row] + [1])
    return rows, z, zmax


def _label_cells(rows: list, z: list, show: str, scale: Any,
                 zmax: float, _: Translator = EN) -> tuple[list[dict], list[dict]]:
    """Each cell's label (text contrasting with its colour); grey tiles behind blank cells."""
    xs = [_(LEVEL_NAMES[s]) for s in SIZE_COLUMNS]
    ys = [_(LEVEL_NAMES[p]) for p in PRIORITY_ROWS]
    notes, tiles = [], []  # added in one layout update: add_annotation per cell is slow
    for i, row in enumerate(rows):
        for j, cell in enumerate(row):
            value = z[i][j]
            colour = DARK_TEXT if value is None else text_colour(scale, value, 0, zmax)
            notes.append(dict(x=xs[j], y=ys[i], text=_cell_label(cell, show, _), showarrow=False,
                              font=dict(size=18, color=colour)))
            if value is None:
                tiles.append(dict(type="rect", x0=j - 0.5, x1=j + 0.5, y0=i - 0.5, y1=i + 0.5,
                                  fillcolor=EMPTY_CELL, line=dict(width=4, color="#FFFFFF"),
                                  layer="below"))
    return notes, tiles


def _cell_value(cell: dict, show: str) -> float | None:
    if not cell or not cell.get("gaps"):
        return None
    if show == "open":
        return int(cell["open"])
    share = cell.get("covered_share")
    return None if share is None or pd.isna(share) else float(share)


def _label_facts(cell: dict, show: str) -> tuple[str, dict[str, Any]]:
    """The rules of a cell's label, for both heatmaps (plotly and the live HTML one): which
    case it is (``empty``, ``open``, ``handed``: all handed over, ``covered``) and its
    numbers, as text. :func:`_cell_label` and :func:`_grid_label` only lay them out."""
    gaps = int(cell.get("gaps") or 0)
    if not gaps:
        return "empty", {}
    if show == "open":
        return "open", {"open": f"{int(cell['open'])} open",
                        "of": f"of {gaps} gap{'s' * (gaps != 1)}"}
    share = cell.get("covered_share")
    if share is None or pd.isna(share):
        return "handed", {"handed": f"{int(cell['handed_over'])}/{gaps}"}
    return "covered", {"covered": f"{int(cell['covered'])}/{gaps} covered",
                       "share": f"{share:.0%}", "partial": int(cell.get("partial") or 0),
                       "handed": int(cell.get("handed_over") or 0)}


def _cell_label(cell: dict, show: str, _: Translator = EN) -> str:
    """The plotly heatmap's label: the counts first, then the share of weight."""
    if _.tag != "en":
        head, lines = _grid_label(cell, show, _)
        if not cell.get("gaps") or show == "open" or not lines or "/" not in lines[0]:
            return "<br>".join([head, *lines])
        return "<br>".join([lines[0], _("{share} of weight", share=head),
                            *[f"({line})" for line in lines[1:]]])
    case, f = _label_facts(cell, show)
    if case == "empty":
        return "no gaps"
    if case == "open":
        return f"{f['open']}<br>{f['of']}"
    if case == "handed":
        return f"{f['handed']} handed over"
    more = f"<br>(+{f['partial']} partial)" if f["partial"] else ""
    more += f"<br>({f['handed']} handed over)" if f["handed"] else ""
    return f"{f['covered']}<br>{f['share']} of weight{more}"


def _grid_label(cell: dict, show: str, _: Translator = EN) -> tuple[str, list[str]]:
    """The HTML heatmap's headline (the share, or the open count) and the counts under it."""
    gaps = int(cell.get("gaps") or 0)
    case, f = _label_facts(cell, show)
    if case == "empty":
        return _("no gaps"), []
    if case == "open":
        return (_("{count} open", count=int(cell["open"])),
                [_.plural("of {count} gap", "of {count} gaps", gaps)])
    if case == "handed":
        return f["handed"], [_("handed over")]
    covered = _("{done}/{total} covered", done=int(cell["covered"]), total=gaps)
    return _.percent(cell["covered_share"]) if _.tag != "en" else f["share"], [
        covered, *([_("+{count} partial", count=f["partial"])] if f["partial"] else []),
        *([_("{count} handed over", count=f["handed"])] if f["handed"] else [])]


def _cell_hover(cell: dict, priority: str, size: str, _: Translator = EN) -> str:
    head = _("Priority {priority}, size {size}", priority=_(LEVEL_NAMES[priority]),
             size=_(LEVEL_NAMES[size]))
    if not cell or not cell.get("gaps"):
        return head + "<br>" + _("no gaps")
    counts = ", ".join(f"{int(cell[k])} {_(word)}" for k, word in (
        ("covered", N_("covered")), ("partial", N_("partial")), ("open", N_("open")),
        ("handed_over", N_("handed over"))))
    gaps = _("{count} gaps", count=int(cell["gaps"]))  # (the record says "1 gaps" too)
    done, total = f"{cell['covered_weight']:g}", f"{cell['weight']:g}"
    weight = _("weight covered {done} of {total}", done=done, total=total)
    return f"{head}<br>{gaps}: {counts}<br>{weight}"


def status_overview(ws: Any, *, language: str | None = None) -> go.Figure:
    """Covered / partial / open / handed over, as shares of total weight and of gap count
    (in ``language``, default the workshop's)."""
    _ = words_of(ws, language)
    per_gap = ws.coverage()
    if per_gap.empty or not per_gap["weight"].sum():
        return empty_figure(_("Where the gaps stand"), _("No gaps with weight."))
    weight = per_gap.groupby("status")["weight"].sum()
    count = per_gap.groupby("status")["gap_id"].count()
    total_w, total_n = float(per_gap["weight"].sum()), len(per_gap)
    rows = [_("By weight"), _("By number of gaps")]
    fig = go.Figure()
    for status in STATUSES:
        w, n = float(weight.get(status, 0.0)), int(count.get(status, 0))
        shares = [w / total_w, n / total_n]
        name = _(status)
        fig.add_trace(go.Bar(
            name=name, y=rows, x=[100 * s for s in shares], orientation="h",
            marker=dict(color=STATUS_COLOURS[status], line=dict(color="#FFFFFF", width=1)),
            text=[_.percent(s) if s >= 0.03 else "" for s in shares], textposition="inside",
            insidetextanchor="middle", textfont=dict(size=18, color=on_colour(
                STATUS_COLOURS[status])),
            hovertext=[_("{status}: weight {done} of {total} ({share})", status=name,
                         done=_.number(w), total=_.number(total_w), share=_.percent(shares[0])),
                       _("{status}: {done} of {total} gaps ({share})", status=name,
                         done=_.number(n), total=_.number(total_n),
                         share=_.percent(shares[1]))],
            hovertemplate="%{hovertext}<extra></extra>"))
    fig.update_layout(barmode="stack", legend=dict(orientation="h", x=0, y=1.02,
                                                   yanchor="bottom", traceorder="normal"))
    fig.update_xaxes(title_text=_("Share (%)"), range=[0, 100], ticksuffix="%", dtick=20)
    fig.update_yaxes(autorange="reversed", tickfont_size=16)
    title = _("Where the gaps stand ({count} gaps, total weight {weight})",
              count=_.number(total_n), weight=_.number(total_w))
    return finish(fig, title, height=400)


def service_load(ws: Any, *, language: str | None = None) -> go.Figure:
    """Per assigned service: gaps and weight it addresses, split full / partial, sorted
    (in ``language``, default the workshop's)."""
    _ = words_of(ws, language)
    per_gap, cat = ws.coverage(), ws.catalog
    acted = per_gap.loc[per_gap["status"] != "handed over", ["gap_id", "weight"]]
    links = ws.assignments.merge(acted, on="gap_id")
    if links.empty:
        return empty_figure(_("Load per service"), _("No services assigned to open gaps yet."))
    names = dict(zip(cat["service_id"], cat["name"]))
    per = (links.groupby(["service_id", "contribution"])
           .agg(gaps=("gap_id", "nunique"), weight=("weight", "sum")).unstack(fill_value=0))
    order = (links.groupby("service_id").agg(weight=("weight", "sum"), gaps=("gap_id", "nunique"))
             .assign(name=lambda d: [names.get(s, s) for s in d.index])
             .sort_values(["weight", "gaps", "name"], ascending=[False, False, True]))
    ids = list(order.index)
    labels = [esc(shorten(names.get(s, s), 34)) for s in ids]
    gap_lists = links.groupby("service_id")["gap_id"].agg(lambda g: ", ".join(dict.fromkeys(g)))
    fig = make_subplots(rows=1, cols=2, shared_yaxes=True, horizontal_spacing=0.04,
                        subplot_titles=(_("Gaps addressed"), _("Weight addressed")))
    kinds = {"full": _("full contribution"), "partial": _("partial contribution")}
    for kind in ("full", "partial"):
        for col, measure in ((1, "gaps"), (2, "weight")):
            values = [per[(measure, kind)].get(s, 0) if (measure, kind) in per else 0
                      for s in ids]
            fig.add_trace(go.Bar(
                y=list(range(len(ids))), x=values, orientation="h", name=kinds[kind],
                legendgroup=kind, showlegend=col == 1, marker_color=CONTRIBUTION_COLOURS[kind],
                hovertext=[_load_hover(_, names.get(s, s), s, kind, v, measure, gap_lists[s])
                           for s, v in zip(ids, values)],
                hovertemplate="%{hovertext}<extra></extra>"), row=1, col=col)
    fig.update_layout(barmode="stack", legend=BOTTOM_LEGEND, margin_b=90)
    fig.update_yaxes(autorange="reversed", tickvals=list(range(len(ids))), ticktext=labels,
                     row=1, col=1)
    fig.update_xaxes(dtick=1, row=1, col=1)
    fig.update_annotations(font_size=18)
    return finish(fig, _("Load per service (gaps the PMO acts on)"),
                   height=max(440, 30 * len(ids) + 260))


def _load_hover(_: Translator, name: str, service_id: str, kind: str, value: float,
                measure: str, gaps: str) -> str:
    amount = (_("{count} gaps", count=_.number(value)) if measure == "gaps"
              else _("weight {value}", value=_.number(value)))
    ids = _("gaps: {ids}", ids=esc(gaps))
    return f"<b>{esc(name)}</b> ({esc(service_id)})<br>{_(kind)}: {amount}<br>{ids}"

"""The live size x priority heatmap of the panels, drawn as an HTML table.

A click in the workshop panel (or a move of the budget slider) sets one ``HTML``
widget's value, about 3 KB: the browser swaps the table in a few milliseconds. The
plotly figure it replaces took 100-175 ms from click to drawn in JupyterLab (issue 15:
Lab builds a new plot in the ``Output`` each time, then plotly renders a PNG snapshot of
it). The numbers, the colours and the text contrast come from
:func:`pmo_nb.plots.heatmap_grid`, the same as the notebooks' plotly heatmap
(:func:`pmo_nb.plots.coverage_heatmap`). Its style sheet is in :data:`pmo_nb.ui.html.CSS`.
"""

from __future__ import annotations

from html import escape

import ipywidgets as w
import pandas as pd

from ..i18n import N_, Translator, translator
from ..plots.coverage import heatmap_grid
from ..plots.style import COVERED_SCALE, EMPTY_CELL, OPEN_SCALE

_COLUMNS = ('<colgroup><col style="width:26px"><col style="width:80px"><col><col><col>'
            "</colgroup>")
_LEGEND = {"covered": N_("of weight covered"), "open": N_("open gaps")}
EN = translator("en")


def grid_html(grid: dict, title: str, show: str = "covered", _: Translator = EN) -> str:
    """The table of :func:`pmo_nb.plots.heatmap_grid`'s ``grid``, with ``title`` over it
    and a colour key under it. Only our own words and numbers: no customer text.

    Examples
    --------
    >>> m = pd.DataFrame({"priority": ["H"], "size": ["L"], "gaps": [2], "covered": [2],
    ...                   "partial": [0], "open": [0], "handed_over": [0], "weight": [6.0],
    ...                   "covered_weight": [6.0], "covered_share": [1.0]})
    >>> page = grid_html(heatmap_grid(m), "Coverage")
    >>> page.count("<td"), "100%" in page, "no gaps" in page
    (9, True, True)
    """
    head = "".join(f'<th scope="col">{escape(c)}</th>' for c in grid["columns"])
    body = []
    for k, (name, cells) in enumerate(zip(grid["rows"], grid["cells"], strict=True)):
        axis = ('<th class="pmo-hm-yaxis" rowspan="3"><span>' + escape(_("Priority"))
                + "</span></th>" if k == 0 else "")
        tds = "".join(_cell(c) for c in cells)
        body.append(f'<tr>{axis}<th class="pmo-hm-row" scope="row">{escape(name)}</th>'
                    f"{tds}</tr>")
    scale = COVERED_SCALE if show == "covered" else OPEN_SCALE
    low, high = ("0%", "100%") if show == "covered" else ("0", f"{grid['zmax']:g}")
    key, empty, size = _(_LEGEND[show]), _("no gaps, or all handed over"), _("Gap size")
    legend = (f'<span>{low}<span class="pmo-hm-swatch" style="background:linear-gradient('
              f'to right, {scale[0][1]}, {scale[-1][1]})"></span>{high} {escape(key)}</span>'
              f' <span><span class="pmo-hm-swatch pmo-hm-empty" style="background:{EMPTY_CELL}">'
              f"</span>{escape(empty)}</span>")
    return (f'<div class="pmo-hm" role="figure" aria-label="{escape(title)}">'
            f'<div class="pmo-hm-title">{escape(title)}</div><table>{_COLUMNS}'
            '<thead><tr><th colspan="2" class="pmo-hm-yaxis"></th>'
            f'<th colspan="3" class="pmo-hm-axis">{escape(size)}</th></tr>'
            f'<tr><th colspan="2" class="pmo-hm-yaxis"></th>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table>'
            f'<div class="pmo-hm-legend">{legend}</div></div>')


def _cell(cell: dict) -> str:
    lines = "".join(f"<div>{escape(line)}</div>" for line in cell["lines"])
    return (f'<td style="background:{cell["fill"]};color:{cell["ink"]}" '
            f'title="{escape(cell["hover"])}"><div class="pmo-hm-head">{escape(cell["head"])}'
            f"</div>{lines}</td>")


class GridHeatmap:
    """An ``HTML`` widget showing the heatmap of the latest coverage matrix given to
    :meth:`show`; ``show="open"`` colours by open gaps instead of the share covered."""

    def __init__(self, title: str, *, show: str = "covered", _: Translator = EN):
        self.title, self.kind, self._ = title, show, _
        self.widget = w.HTML(layout=w.Layout(width="100%", min_height="440px"))
        self.widget.add_class("pmo-heatmap")
        self.grid: dict | None = None
        self._data: pd.DataFrame | None = None

    def show(self, matrix: pd.DataFrame) -> bool:
        """Draw ``matrix`` (a coverage matrix) unless it equals what is shown; True if
        redrawn."""
        if self._data is not None and matrix.equals(self._data):
            return False
        self._data = matrix
        self.grid = heatmap_grid(matrix, show=self.kind, _=self._)
        self.widget.value = grid_html(self.grid, self.title, self.kind, self._)
        return True

    def value_at(self, priority: str, size: str) -> float | None:
        """The value shown in a cell, by level names (``value_at("High", "Low")``)."""
        if self.grid is None:
            return None
        row, col = self.grid["rows"].index(priority), self.grid["columns"].index(size)
        return self.grid["cells"][row][col]["value"]

    def clear(self) -> None:
        """Show nothing (e.g. no plan for this budget)."""
        self._data, self.grid = None, None
        self.widget.value = ""

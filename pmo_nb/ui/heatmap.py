"""Live figures in a panel: a plotly figure in an ``Output``, redrawn only when its data
changed (no flicker, no cost on a click that moves nothing).

No FigureWidget: in plotly 7 it needs anywidget, and each executed instance stores all
of plotly.js in the notebook. The figure goes out as plotly's own mime bundle, which
JupyterLab and Voilà draw directly.

Voilà (issue 16, measured): plotly's JupyterLab renderer (jupyterlab-plotly 7.1) draws a
figure, renders a PNG of it and stores it with ``model.setData``. What an ``Output``
shows goes through JupyterLab's output area, whose models have ``setData``: these live
figures draw in Voilà with no error, at the first content and after. Only a cell's own
(top-level) figure fails there (``r.setData is not a function``: Voilà gives those
outputs plain objects); :func:`pmo_nb.setup_notebook` shows such figures inside an
``Output`` in a Voilà kernel (:mod:`pmo_nb.ui.figures`).
"""

from __future__ import annotations

import json
from collections.abc import Callable

import ipywidgets as w
import pandas as pd
import plotly.graph_objects as go

from . import html as h

Parts = Callable[[pd.DataFrame], tuple[dict, dict]]  # data -> (first trace, layout) values


class LiveFigure:
    """An ``Output`` showing the figure of the latest data given to :meth:`show`.

    A figure whose numbers change but not its shape (the coverage heatmap) is drawn once
    with plotly and then patched: ``parts(data)`` gives the first trace's and the
    layout's new values as plain lists, which replace those of the figure's JSON (plotly's
    validation, 40 ms a heatmap, is skipped on a click)."""

    def __init__(self, name: str, min_height: str = "420px"):
        self.name = name
        self.output = w.Output(layout=w.Layout(width="100%", min_height=min_height))
        self._spec: dict | None = None
        self._figure: object | None = None
        self._data: pd.DataFrame | None = None

    @property
    def outputs(self) -> tuple:
        """What the ``Output`` shows (plotly's mime bundle, or nothing)."""
        return self.output.outputs

    @property
    def figure(self) -> object | None:
        """The figure shown, as a plotly ``Figure``."""
        if self._figure is None and self._spec is not None:
            self._figure = go.Figure(self._spec)
        return self._figure

    def show(self, data: pd.DataFrame, draw: Callable[[pd.DataFrame], object],
             parts: Parts | None = None) -> bool:
        """Draw ``draw(data)`` (or patch the figure shown with ``parts(data)``) unless
        ``data`` equals what is shown; True if redrawn."""
        if self._data is not None and data.equals(self._data):
            return False
        self._data = data
        if parts is not None and self._spec is not None:
            trace, layout = parts(data)
            old = self._spec
            self._spec = {**old, "data": [{**old["data"][0], **trace}, *old["data"][1:]],
                          "layout": {**old["layout"], **layout}}
            self._figure = None
        else:
            self._figure = draw(data)
            self._spec = json.loads(self._figure.to_json())
        self.output.outputs = h.spec_outputs(self._spec, self.name)
        return True

    def clear(self) -> None:
        """Show nothing (e.g. no plan for this budget)."""
        self._data, self._spec, self._figure = None, None, None
        self.output.outputs = ()

"""Live figures in a panel: a plotly figure in an ``Output``, redrawn only when its data
changed (no flicker, no cost on a click that moves nothing).

No FigureWidget: in plotly 7 it needs anywidget, and each executed instance stores all
of plotly.js in the notebook. The figure goes out as plotly's own mime bundle, which
JupyterLab and Voilà draw directly.
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as w
import pandas as pd

from . import html as h


class LiveFigure:
    """An ``Output`` showing the figure of the latest data given to :meth:`show`."""

    def __init__(self, name: str, min_height: str = "420px"):
        self.name = name
        self.output = w.Output(layout=w.Layout(width="100%", min_height=min_height))
        self.figure: object | None = None
        self._data: pd.DataFrame | None = None

    @property
    def outputs(self) -> tuple:
        """What the ``Output`` shows (plotly's mime bundle, or nothing)."""
        return self.output.outputs

    def show(self, data: pd.DataFrame, draw: Callable[[pd.DataFrame], object]) -> bool:
        """Draw ``draw(data)`` unless ``data`` equals what is shown; True if redrawn."""
        if self._data is not None and data.equals(self._data):
            return False
        self._data = data
        self.figure = draw(data)
        self.output.outputs = h.figure_outputs(self.figure, self.name)
        return True

    def clear(self) -> None:
        """Show nothing (e.g. no plan for this budget)."""
        self._data, self.figure = None, None
        self.output.outputs = ()

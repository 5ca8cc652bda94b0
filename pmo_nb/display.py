"""Notebook display set-up: one call at the top of every notebook.

Committed notebooks render plotly figures with the small ``plotly_mimetype``
renderer (stable under nbval, drawn by JupyterLab even when untrusted). The record
step re-executes them with ``PMO_NB_PLOTLY_RENDERER=plotly_mimetype+notebook`` so the
HTML export carries plotly.js once and opens offline.
"""

from __future__ import annotations

import os

RENDERER_ENV = "PMO_NB_PLOTLY_RENDERER"
DEFAULT_RENDERER = "plotly_mimetype"


def setup_notebook() -> None:
    """Pin the plotly renderer (see ``PMO_NB_PLOTLY_RENDERER``) and pandas display options."""
    import pandas as pd
    import plotly.io as pio

    renderer = os.environ.get(RENDERER_ENV, DEFAULT_RENDERER)
    pio.renderers.default = renderer
    pd.set_option("display.max_colwidth", 120)
    pd.set_option("display.max_rows", 200)

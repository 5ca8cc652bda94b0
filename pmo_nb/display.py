"""Notebook display set-up: one call at the top of every notebook.

Committed notebooks render plotly figures with the small ``plotly_mimetype``
renderer (stable under nbval, drawn by JupyterLab even when untrusted). The record
keeps that renderer too, and its HTML export inlines plotly.js once per page, so the
page opens offline (``PMO_NB_PLOTLY_RENDERER`` can still pick another renderer).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

RENDERER_ENV = "PMO_NB_PLOTLY_RENDERER"
DEFAULT_RENDERER = "plotly_mimetype"


def setup_notebook() -> None:
    """Pin the plotly renderer (see ``PMO_NB_PLOTLY_RENDERER``) and pandas display options."""
    import pandas as pd
    import plotly.io as pio

    renderer = os.environ.get(RENDERER_ENV, DEFAULT_RENDERER)
    pio.renderers.default = renderer
    pd.set_option("display.max_colwidth", None)  # a record shows every state in full
    pd.set_option("display.max_rows", 200)


class Table:
    """A table shown in full (no ``display.max_colwidth`` truncation), its text escaped.

    What a record needs: a reader who was not in the room reads every state and
    description in the HTML export, and no customer text becomes markup. The HTML has
    no random ids, so it is stable under nbval.
    """

    def __init__(self, frame: pd.DataFrame):
        self.frame = frame

    def _repr_html_(self) -> str:
        return self.frame.to_html(index=False, escape=True, border=0, na_rep="",
                                  classes="dataframe pmo-table")

    def __repr__(self) -> str:
        return self.frame.to_string(index=False, na_rep="")


def show_table(frame: pd.DataFrame) -> Table:
    """Wrap a DataFrame so a notebook shows it in full, text escaped (return it, last in a cell).

    Examples
    --------
    >>> import pandas as pd
    >>> t = show_table(pd.DataFrame({"current_state": ["<b>" + "x" * 200]}))
    >>> "&lt;b&gt;" in t._repr_html_() and "..." not in t._repr_html_()
    True
    """
    return Table(frame)

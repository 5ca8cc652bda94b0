"""Notebook display set-up: one call at the top of every notebook.

Committed notebooks render plotly figures with the small ``plotly_mimetype``
renderer (stable under nbval, drawn by JupyterLab even when untrusted). The record
keeps that renderer too, and its HTML export inlines plotly.js once per page, so the
page opens offline (``PMO_NB_PLOTLY_RENDERER`` can still pick another renderer).

In a Voilà kernel (Voilà sets ``VOILA_KERNEL_ID`` and ``VOILA_SERVER_URL`` in the
kernel's environment) a cell's figure goes out inside an ipywidgets ``Output`` instead
(:mod:`pmo_nb.ui.figures`): Voilà hands plotly's JupyterLab renderer a cell's own outputs
as plain objects without ``setData``, and the renderer's PNG snapshot then logs
``r.setData is not a function`` once per figure; an ``Output``'s content has a real
model. ``PMO_NB_PLOTLY_RENDERER``, when set, wins (the record sets it).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

RENDERER_ENV = "PMO_NB_PLOTLY_RENDERER"
DEFAULT_RENDERER = "plotly_mimetype"
VOILA_ENV = ("VOILA_KERNEL_ID", "VOILA_SERVER_URL")  # set by Voilà in its kernels


def setup_notebook() -> None:
    """Pin the plotly renderer (:func:`plotly_renderer`) and pandas display options (tables
    in full, never typeset by MathJax)."""
    import pandas as pd
    import plotly.io as pio

    pio.renderers.default = plotly_renderer()
    pd.set_option("display.max_colwidth", None)  # a record shows every state in full
    pd.set_option("display.max_rows", 200)
    # tables get the class mathjax_ignore: JupyterLab and Voilà would typeset a customer's
    # `$\href{...}{...}$` in a table cell as a live link (pandas escapes only HTML)
    pd.set_option("display.html.use_mathjax", False)


def in_voila(environ: Mapping[str, str] | None = None) -> bool:
    """True in a kernel that Voilà started (``environ``: ``os.environ`` by default).

    Examples
    --------
    >>> in_voila({"VOILA_KERNEL_ID": "0b1f"}), in_voila({})
    (True, False)
    """
    environ = os.environ if environ is None else environ
    return any(name in environ for name in VOILA_ENV)


def plotly_renderer(environ: Mapping[str, str] | None = None) -> str:
    """The plotly renderer a notebook uses: ``PMO_NB_PLOTLY_RENDERER`` when set; in Voilà,
    figures inside an ``Output`` (``pmo_nb_output``); else ``plotly_mimetype``.

    Examples
    --------
    >>> plotly_renderer({}), plotly_renderer({"VOILA_SERVER_URL": "/"})
    ('plotly_mimetype', 'pmo_nb_output')
    >>> plotly_renderer({"VOILA_SERVER_URL": "/", RENDERER_ENV: "notebook"})
    'notebook'
    """
    environ = os.environ if environ is None else environ
    if RENDERER_ENV in environ:
        return environ[RENDERER_ENV]
    if in_voila(environ):
        from .ui.figures import use_output_renderer  # ipywidgets: Voilà has them anyway

        return use_output_renderer()
    return DEFAULT_RENDERER


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
                                  classes="pmo-table mathjax_ignore")

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
    >>> "mathjax_ignore" in t._repr_html_()  # a `$...$` in the text is not typeset either
    True
    """
    return Table(frame)

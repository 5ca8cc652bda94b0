"""Plotly figures shown through an ipywidgets ``Output``: how Voilà draws a cell's figure
without a console error.

jupyterlab-plotly 7.1 draws a figure, then renders a PNG of it (``Plotly.toImage``) and
stores it in the output's model with ``model.setData``. Voilà 0.5 renders a cell's own
(top-level) outputs from plain JSON objects that have no ``setData``, so every
top-level figure logs ``r.setData is not a function`` (the figure itself shows). What an
``Output`` widget holds goes through JupyterLab's output area, whose models do have
``setData``: no error. :func:`use_output_renderer` makes plotly's renderer put each
figure shown in a cell into its own ``Output``; :func:`pmo_nb.setup_notebook` does so in a
Voilà kernel only (JupyterLab, nbval and the record keep plotly's plain mime bundle).
"""

from __future__ import annotations

import ipywidgets as w
import plotly.io as pio
from plotly.io.base_renderers import PlotlyRenderer

OUTPUT_RENDERER = "pmo_nb_output"


class OutputRenderer(PlotlyRenderer):
    """plotly's ``application/vnd.plotly.v1+json`` bundle, inside an ipywidgets ``Output``.

    Examples
    --------
    >>> bundle = OutputRenderer().to_mimebundle({"data": [{"type": "bar", "y": [1, 2]}]})
    >>> sorted(bundle)
    ['application/vnd.jupyter.widget-view+json', 'text/plain']
    """

    def to_mimebundle(self, fig_dict: dict) -> dict:
        output = w.Output(layout=w.Layout(width="100%"))
        output.outputs = ({"output_type": "display_data", "metadata": {},
                           "data": {**super().to_mimebundle(fig_dict),
                                    "text/plain": "Figure"}},)
        bundle = output._repr_mimebundle_()
        bundle["text/plain"] = "Figure"  # not the Output's repr (the figure's JSON, cut)
        return bundle


def use_output_renderer() -> str:
    """Register :class:`OutputRenderer` as plotly's ``pmo_nb_output`` renderer; its name.

    Examples
    --------
    >>> import plotly.io as pio
    >>> name = use_output_renderer()
    >>> name, name in pio.renderers
    ('pmo_nb_output', True)
    """
    if OUTPUT_RENDERER not in pio.renderers:
        config = pio.renderers["plotly_mimetype"].config
        pio.renderers[OUTPUT_RENDERER] = OutputRenderer(config=config)
    return OUTPUT_RENDERER

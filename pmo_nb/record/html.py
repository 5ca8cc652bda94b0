"""The record's HTML: an executed notebook as one page that loads nothing from the network.

Each figure's HTML is rebuilt from its plotly JSON without the MathJax CDN script plotly
adds; plotly.js is inlined once in the page head; the exporter's template (nbconvert
"lab") drops require.js, MathJax, mermaid and the widget manager, which all load from
CDNs. Customer text reaches the HTML only through pandas (escaped) and plotly JSON
(``<`` written as ``\\u003c``).
"""

from __future__ import annotations

import copy

import nbformat

_PLOTLY_JSON = "application/vnd.plotly.v1+json"
_TEMPLATE_FILE = "pmo_record.html.j2"
_TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js_requirejs -%}{{ resources.plotly_js }}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block extra_css -%}
<style>
/* the record is read, not scrolled: text left-aligned and wrapped, numbers right */
.jp-RenderedHTMLCommon table { table-layout: auto; max-width: 100%; }
.jp-RenderedHTMLCommon td, .jp-RenderedHTMLCommon th {
  text-align: left !important; vertical-align: top; white-space: normal; max-width: 36em; }
</style>
{%- endblock extra_css -%}
"""



def offline_figures(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Give each plotly figure a ``text/html`` drawn from its JSON, without plotly.js or MathJax.

    The HTML page loads plotly.js once (:func:`to_html` inlines it in the head); the
    ``notebook`` renderer's own figure HTML would load MathJax from a CDN. Changes ``nb``
    in place and returns it.
    """
    import plotly.io as pio

    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if _PLOTLY_JSON in data:
                spec = dict(data[_PLOTLY_JSON])
                config = spec.pop("config", None)
                data["text/html"] = pio.to_html(spec, config=config, include_plotlyjs=False,
                                                include_mathjax=False, full_html=False,
                                                default_width="100%", default_height=525,
                                                validate=False)
    return nb


def to_html(nb: nbformat.NotebookNode, title: str) -> str:
    """A standalone HTML page of an executed notebook that loads nothing from the network."""
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    nb = offline_figures(copy.deepcopy(nb))
    outputs = [o for cell in nb.cells for o in cell.get("outputs", [])]
    figures = any(_PLOTLY_JSON in o.get("data", {}) for o in outputs)
    exporter = HTMLExporter(template_name="lab", template_file=_TEMPLATE_FILE,
                            extra_loaders=[DictLoader({_TEMPLATE_FILE: _TEMPLATE})])
    resources = {"metadata": {"name": title}, "plotly_js": _plotly_js() if figures else ""}
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    return body


def _plotly_js() -> str:
    """plotly.js, inline, once per page: the figures draw with no network."""
    from plotly.offline import get_plotlyjs

    return '<script type="text/javascript">' + get_plotlyjs() + "</script>"

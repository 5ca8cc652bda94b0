"""setup_notebook's plotly renderer: plotly's mime bundle in Lab, nbval and the record; in a
Voilà kernel, each figure inside an ipywidgets ``Output`` (no ``r.setData`` console error)."""

from __future__ import annotations

import json

import plotly.graph_objects as go
import plotly.io as pio
import pytest
from ipywidgets.widgets.widget import _instances

import pmo_nb
from pmo_nb.display import RENDERER_ENV, VOILA_ENV, plotly_renderer

PLOTLY = "application/vnd.plotly.v1+json"
WIDGET = "application/vnd.jupyter.widget-view+json"


@pytest.fixture(autouse=True)
def renderer(monkeypatch: pytest.MonkeyPatch):
    """No Voilà or renderer setting from the outside; plotly's default restored after."""
    for name in (*VOILA_ENV, RENDERER_ENV):
        monkeypatch.delenv(name, raising=False)
    before = pio.renderers.default
    yield
    pio.renderers.default = before


def bar() -> go.Figure:
    return go.Figure(go.Bar(x=["a", "b"], y=[3, 1]), layout={"title": {"text": "<b>t$x$</b>"}})


def test_outside_voila_figures_stay_plotly_mime_bundles() -> None:
    pmo_nb.setup_notebook()
    assert pio.renderers.default == "plotly_mimetype"
    bundle = bar()._repr_mimebundle_()
    assert set(bundle) == {PLOTLY}
    assert bundle[PLOTLY]["data"][0]["y"] == [3, 1]


@pytest.mark.parametrize("variable", VOILA_ENV)
def test_in_voila_each_figure_is_shown_inside_an_output(
        monkeypatch: pytest.MonkeyPatch, variable: str) -> None:
    monkeypatch.setenv(variable, "x")
    pmo_nb.setup_notebook()
    assert pio.renderers.default == "pmo_nb_output"
    bundle = bar()._repr_mimebundle_()
    assert set(bundle) == {WIDGET, "text/plain"} and bundle["text/plain"] == "Figure"
    output = _instances[bundle[WIDGET]["model_id"]]
    assert type(output).__name__ == "Output"
    (shown,) = output.outputs
    assert shown["output_type"] == "display_data"
    plain = pio.renderers["plotly_mimetype"].to_mimebundle(bar().to_dict())[PLOTLY]
    assert json.dumps(shown["data"][PLOTLY]) == json.dumps(plain)  # the figure, text as is


def test_two_figures_get_two_outputs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VOILA_KERNEL_ID", "x")
    pmo_nb.setup_notebook()
    first, second = (bar()._repr_mimebundle_()[WIDGET]["model_id"] for _ in range(2))
    assert first != second


def test_the_renderer_setting_wins_over_voila(monkeypatch: pytest.MonkeyPatch) -> None:
    """The record sets PMO_NB_PLOTLY_RENDERER: its notebooks keep plotly's own bundle even
    when ``pmo-nb record`` runs from a Voilà kernel."""
    monkeypatch.setenv("VOILA_KERNEL_ID", "x")
    monkeypatch.setenv(RENDERER_ENV, "plotly_mimetype")
    pmo_nb.setup_notebook()
    assert pio.renderers.default == "plotly_mimetype"
    assert set(bar()._repr_mimebundle_()) == {PLOTLY}


def test_plotly_renderer_reads_the_given_environment() -> None:
    assert plotly_renderer({}) == "plotly_mimetype"
    assert plotly_renderer({"VOILA_SERVER_URL": "/", "VOILA_PREHEAT": "True"}) == "pmo_nb_output"
    assert plotly_renderer({RENDERER_ENV: "notebook"}) == "notebook"


def test_tables_shown_in_notebooks_are_never_typeset() -> None:
    """pandas tables get MathJax's ignore class (JupyterLab and Voilà typeset `$...$` in
    an HTML output: a customer's `$\\href{...}{...}$` would become a live link)."""
    import pandas as pd

    frame = pd.DataFrame({"name": [r"$\href{https://evil.example/}{x}$"]})
    with pd.option_context("display.html.use_mathjax", True):
        pmo_nb.setup_notebook()
        assert 'class="dataframe mathjax_ignore' in frame._repr_html_().replace(
            "tex2jax_ignore ", "")
        assert "mathjax_ignore" in pmo_nb.display.show_table(frame)._repr_html_()

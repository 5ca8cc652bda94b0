"""The one style of pmo_nb: colours, level names, the plotly template and text helpers.

Public: the figures (:mod:`pmo_nb.plots`), the live panels (:mod:`pmo_nb.ui`: the HTML
heatmap, the status tags) and the record's page (:mod:`pmo_nb.record`) all colour and
label a status or a level from here, so they agree. Colours are Okabe-Ito (safe for the
common colour-vision deficiencies); every piece of customer text goes through :func:`esc`
before plotly sees it, because plotly renders text, hover text, annotations and tick
labels as limited HTML.
"""

from __future__ import annotations

import html
import textwrap

import plotly.graph_objects as go
from plotly.colors import hex_to_rgb, sample_colorscale, unlabel_rgb

from ..i18n import N_, Translator, translator
from ..inputs.schema import as_text

OKABE_ITO = ("#0072B2", "#009E73", "#E69F00", "#56B4E9", "#D55E00", "#CC79A7",
             "#F0E442", "#000000")
STATUS_COLOURS = {"covered": "#009E73", "partial": "#E69F00", "open": "#D55E00",
                  "handed over": "#999999"}
CONTRIBUTION_COLOURS = {"full": STATUS_COLOURS["covered"], "partial": STATUS_COLOURS["partial"]}
TIER_COLOURS = {"basic": "#56B4E9", "advanced": "#0072B2"}  # sky blue, blue
ADDED_COLOUR = "#CC79A7"  # reddish purple: services added during the workshop
CATEGORY_FILL = "#EDEDED"
EMPTY_CELL = "#E5E5E5"  # plot background behind blank heatmap cells ("no gaps")
COVERED_SCALE = [[0.0, "#F7F7F2"], [1.0, STATUS_COLOURS["covered"]]]  # white -> bluish green
OPEN_SCALE = [[0.0, "#FFF4EC"], [1.0, STATUS_COLOURS["open"]]]  # light -> vermillion
COUNT_SCALE = [[0.0, "#F2F7FB"], [1.0, OKABE_ITO[0]]]  # light -> blue
DARK_TEXT, LIGHT_TEXT = "#1A1A1A", "#FFFFFF"
FONT_SIZE, TITLE_SIZE, TICK_SIZE = 16, 22, 14
TITLE_SPACE = 80  # px above the plot area kept for the title (title sits in the top margin)

_AXIS = dict(tickfont=dict(size=TICK_SIZE), automargin=True, ticks="", showline=False,
             ticklabelstandoff=6,
             title=dict(font=dict(size=FONT_SIZE + 2), standoff=14),  # standoff: automargin fits it
             gridcolor="#DDDDDD", zeroline=False)
TEMPLATE = go.layout.Template(layout=go.Layout(
    font=dict(family="Arial, Helvetica, 'Liberation Sans', sans-serif", size=FONT_SIZE,
              color=DARK_TEXT),
    title=dict(font=dict(size=TITLE_SIZE), x=0.0, xanchor="left", xref="container",
               y=1.0, yanchor="top", yref="container", pad=dict(t=20, l=20)),
    colorway=list(OKABE_ITO),
    paper_bgcolor="#FFFFFF",
    plot_bgcolor="#FFFFFF",
    hoverlabel=dict(font=dict(size=FONT_SIZE), align="left"),
    legend=dict(font=dict(size=FONT_SIZE)),
    xaxis=_AXIS,
    yaxis=_AXIS,
    margin=dict(l=40, r=40, t=TITLE_SPACE, b=50),
))
"""Applied to every figure of :mod:`pmo_nb.plots`: large fonts, Okabe-Ito colour way."""


LEVEL_NAMES = {"H": N_("High"), "M": N_("Medium"), "L": N_("Low")}
# a legend under the plot, left-aligned: a narrow (printed) figure keeps it off the title
BOTTOM_LEGEND = dict(orientation="h", x=0, xanchor="left", y=0, yanchor="bottom",
                     xref="container", yref="container", traceorder="normal")


def esc(value: object) -> str:
    """Customer text as plotly-safe text: ``"<b>x</b>"`` shows literally, NaN/None as ``""``."""
    return html.escape(as_text(value), quote=True)


def esc_wrap(value: object, width: int = 60, max_lines: int | None = None) -> str:
    """Escape and wrap long text into ``<br>``-separated lines (wrap first, then escape).

    Lines break between words only: a word longer than ``width`` stays whole on its own
    line (a label cut inside a word, "Organisatio nal", reads as two words).

    Examples
    --------
    >>> esc_wrap("Organisational learning & R&D", 11)
    'Organisational<br>learning &amp;<br>R&amp;D'
    """
    text = as_text(value)
    lines = textwrap.wrap(text, width=width, break_long_words=False,
                          break_on_hyphens=False) or [""]
    if max_lines is not None and len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: max(width - 1, 1)] + "…"
    return "<br>".join(esc(line) for line in lines)


def text_px(text: str, size: float) -> float:
    """About how wide ``text`` is drawn in Arial at ``size`` px (a generous 0.6 em a
    character, so a label measured to fit does fit)."""
    return 0.6 * size * len(text)


def longest_word(value: object) -> str:
    """The longest word of ``value`` (what a label can never be narrower than)."""
    return max(as_text(value).split() or [""], key=len)


def column_labels(labels: list[str], column: float,
                  size: int = 14) -> tuple[list[str], int, int]:
    """Labels of columns ``column`` px wide that never run into each other, escaped:
    wrapped between words and flat when every word fits the column, else upright (a
    line per 16 px of column, cut with "…" past that); with their angle and height (px).

    Examples
    --------
    >>> column_labels(["Organisational learning", "Tools"], 140)
    (['Organisational<br>learning', 'Tools'], 0, 36)
    >>> column_labels(["Organisational learning", "Tools"], 40)[:2]
    (['Organisational learning', 'Tools'], -90)
    """
    chars = int((column - 8) // (0.6 * size))
    if all(len(longest_word(c)) <= chars for c in labels):
        ticks = [esc_wrap(c, chars) for c in labels]
        return ticks, 0, 18 * max([t.count("<br>") + 1 for t in ticks] + [1])
    per_line = max(int(column // 16), 1)  # upright: lines side by side in the column
    longest = max(len(as_text(c)) for c in labels)  # wrap so the longest fits those lines
    wrap = min(max(24, -(-longest // per_line) + 2), 48)
    ticks = [esc_wrap(c, wrap, max_lines=per_line) for c in labels]
    longest = max([len(line) for t in ticks for line in t.split("<br>")] + [1])
    return ticks, -90, int(0.6 * (size - 1) * longest) + 10


def shorten(value: object, width: int) -> str:
    """Raw text cut to ``width`` characters with an ellipsis (escape afterwards)."""
    text = as_text(value)
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def cell_colour(scale: str | list, value: float, zmin: float, zmax: float) -> str:
    """The colour of ``value`` on ``scale`` (as plotly draws it), as ``"rgb(r, g, b)"``."""
    frac = 0.0 if zmax <= zmin else min(max((value - zmin) / (zmax - zmin), 0.0), 1.0)
    return sample_colorscale(scale, [frac], colortype="rgb")[0]


def text_colour(scale: str | list, value: float, zmin: float, zmax: float) -> str:
    """Dark or light text, whichever contrasts more with the cell colour of ``value``."""
    lum = _luminance(cell_colour(scale, value, zmin, zmax))
    dark_contrast = (lum + 0.05) / (_luminance(DARK_TEXT) + 0.05)
    return DARK_TEXT if dark_contrast >= 1.05 / (lum + 0.05) else LIGHT_TEXT


def _luminance(colour: str) -> float:
    """WCAG relative luminance of ``"#rrggbb"`` or ``"rgb(r, g, b)"``."""
    rgb = hex_to_rgb(colour) if colour.startswith("#") else unlabel_rgb(colour)
    lin = [(c / 255) / 12.92 if c / 255 <= 0.03928 else ((c / 255 + 0.055) / 1.055) ** 2.4
           for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def on_colour(colour: str) -> str:
    """Dark or light text for a solid ``"#rrggbb"`` background."""
    return text_colour([[0, colour], [1, colour]], 0.0, 0.0, 1.0)


def words_of(source: object, language: str | None = None) -> Translator:
    """The translator a figure writes in: ``language``, else its workshop's
    (``source.language``), else English (a bare DataFrame).

    >>> words_of(None, "de")("Month")
    'Monat'
    """
    return translator(language or getattr(source, "language", None))


def finish(fig: go.Figure, title: str, height: int) -> go.Figure:
    """Apply :data:`TEMPLATE`, the title and the height (width follows the page)."""
    fig.update_layout(template=TEMPLATE, title_text=title, height=height)
    return fig


def empty_figure(title: str, message: str) -> go.Figure:
    """A blank figure that says why it is blank (no assignments yet, empty table, ...)."""
    fig = go.Figure()
    fig.add_annotation(text=message, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False,
                       font=dict(size=20, color="#555555"))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return finish(fig, title, height=360)

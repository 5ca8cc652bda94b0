"""HTML building blocks of the stakeholders' page: escaped text, report tables, figures, page.

Customer text goes through :func:`esc` (HTML-escaped; ``$`` as ``&#36;``, and the page
loads no MathJax, so nothing is ever typeset). Tables are written here rather than by
pandas: no index, human headers, numbers with the currency, long text wrapped and its
line breaks kept (pandas prints a line break as a literal ``\\n``). Figures are plotly
JSON drawn by one inlined plotly.js cartesian bundle (heatmap, bar, scatter: 1.5 MB
instead of the full 4.8 MB); the page loads nothing from the network.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

import pandas as pd

from ..i18n import N_, Translator, translator
from ..inputs.schema import as_text
from ..plots.style import STATUS_COLOURS, on_colour

PLOTLY_BUNDLE = "plotly-cartesian.min.js"
PLOTLY_CONFIG = {"displayModeBar": False, "responsive": True}

EN = translator("en")


def esc(value: object) -> str:
    """Customer text as page text: HTML-escaped, ``$`` defused, NaN/None as ``""``.

    Examples
    --------
    >>> esc("<b>R&D</b> costs $5")
    '&lt;b&gt;R&amp;D&lt;/b&gt; costs &#36;5'
    """
    return html.escape(as_text(value), quote=True).replace("$", "&#36;")


def number(value: object, unit: str = "") -> str:
    """``120.0`` -> ``'120'``, ``1234.5`` -> ``'1,234.5'``; with ``unit``: ``'120 k$'``.

    Examples
    --------
    >>> number(1234.5, "k€"), number(80.0), number(None)
    ('1,234.5 k€', '80', '')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if hasattr(unit, "amount"):  # a currency of the record's language (pmo_nb.i18n.Money)
        return unit.amount(value)
    text = f"{float(value):,.2f}".rstrip("0").rstrip(".")  # type: ignore[arg-type]
    return f"{text} {unit}" if unit else text


@dataclass(frozen=True)
class Col:
    """One column of a report table: the frame's ``key``, its ``header`` and ``kind``.

    Kinds: ``text`` (wrapped, line breaks kept), ``id`` and ``short`` (never wrapped),
    ``number``,
    ``money`` (with the currency), ``percent`` (a share 0..1), ``status`` (a coloured tag),
    ``html`` (already safe markup made by this package).
    """

    key: str
    header: str
    kind: str = "text"


def cell(value: object, kind: str, unit: str = "", _: Translator = EN) -> str:
    """One ``<td>``: the value formatted and escaped by its kind; numbers, shares and
    pmo_nb's own words (``short``, ``status``: a tier, a level, a status) in ``_``'s
    language."""
    if kind == "html":
        return f"<td>{value}</td>"
    if kind == "money" or (kind == "number" and _.tag == "en"):
        return f'<td class="num">{esc(number(value, unit if kind == "money" else ""))}</td>'
    if kind == "number":
        ok = isinstance(value, int | float) and not math.isnan(value)
        return f'<td class="num">{esc(_.number(value) if ok else as_text(value))}</td>'
    if kind == "percent":
        ok = isinstance(value, int | float) and not math.isnan(value)
        return f'<td class="num">{_.percent(value) if ok else ""}</td>'
    if kind == "status":
        return f"<td>{status_tag(as_text(value), _)}</td>"
    if kind == "short" and isinstance(value, str):
        value = _(value)
    return f'<td class="{kind}">{esc(value)}</td>'


def status_tag(status: str, _: Translator = EN) -> str:
    """A gap status as a small coloured label (colour plus word: readable in grey print)."""
    colour = STATUS_COLOURS.get(status, "#DDDDDD")
    return (f'<span class="tag" style="background:{colour};color:{on_colour(colour)}">'
            f"{esc(_(status))}</span>")


def table(frame: pd.DataFrame, columns: Sequence[Col], *, unit: str = "",
          empty: str = N_("None."), cls: str = "", _: Translator = EN) -> str:
    """A report table of ``frame``'s ``columns``: no index, human headers, text escaped.

    Examples
    --------
    >>> t = table(pd.DataFrame({"cost": [80.0], "note": ["a\\nb <c>"]}),
    ...           [Col("note", "Note"), Col("cost", "Cost", "money")], unit="k€")
    >>> "<th>Note</th>" in t, "a\\nb &lt;c&gt;" in t, "80 k€" in t
    (True, True, True)

    A column with nothing in it is left out. Headers and ``empty`` are said in ``_``'s
    language (the record's).
    """
    if frame.empty:
        return f'<p class="empty">{esc(_(empty))}</p>'
    columns = [c for c in columns if frame[c.key].map(as_text).str.strip().ne("").any()]
    head = "".join(f'<th class="{c.kind}">{esc(_(c.header))}</th>' if c.kind in (
        "number", "money", "percent") else f"<th>{esc(_(c.header))}</th>" for c in columns)
    rows = []
    for record in frame[[c.key for c in columns]].itertuples(index=False):
        cells = "".join(cell(v, c.kind, unit, _) for v, c in zip(record, columns, strict=True))
        rows.append(f"<tr>{cells}</tr>")
    return (f'<table class="report {cls}"><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>")


def figure(fig: Any, div_id: str) -> str:
    """A plotly figure as a ``<div>`` and the script that draws it (plotly.js loaded once)."""
    spec = fig.to_plotly_json()
    data = _json(spec.get("data", []))
    layout = _json(spec.get("layout", {}))
    return (f'<div class="figure" id="{div_id}"></div><script>Plotly.newPlot('
            f'"{div_id}", {data}, {layout}, {json.dumps(PLOTLY_CONFIG)});</script>')


def _json(value: Any) -> str:
    """JSON safe inside a ``<script>``: ``<``, ``>`` and ``&`` as unicode escapes."""
    from plotly.utils import PlotlyJSONEncoder

    text = json.dumps(value, cls=PlotlyJSONEncoder, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def plotly_js() -> str:
    """The vendored plotly.js cartesian bundle (MIT; see ``_vendor/README.md``)."""
    return resources.files(__package__).joinpath("_vendor", PLOTLY_BUNDLE).read_text("utf-8")


def page(title: str, body: str, *, figures: bool, style: str = "", lang: str = "en") -> str:
    """The whole page: head with the style and (when ``figures``) plotly.js, then ``body``.

    ``title`` is plain text (escaped here); ``body`` is markup built with this module;
    ``style`` is more CSS made by this package (the print style of :mod:`.pdf`); ``lang``
    the page's language (a tag of :data:`pmo_nb.LANGUAGES`).
    """
    script = f"<script>{plotly_js()}</script>" if figures else ""
    return (f'<!DOCTYPE html>\n<html lang="{esc(lang)}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{esc(title)}</title><style>{STYLE}{style}</style>{script}</head>"
            f"<body><main>{body}</main></body></html>\n")


STYLE = """
body{margin:0;background:#fff;color:#1a1a1a;
 font:17px/1.45 Arial,Helvetica,'Liberation Sans',sans-serif}
main{max-width:1200px;margin:0 auto;padding:24px 32px 64px}
h1{font-size:34px;margin:8px 0 4px}
h2{font-size:26px;margin:40px 0 10px;padding-top:8px;border-top:3px solid #0072B2}
h3{font-size:20px;margin:22px 0 8px}
.meta{color:#444;margin:0 0 6px}.lead{font-size:19px;margin:8px 0 18px;max-width:60em}
.tiles{display:flex;gap:12px;flex-wrap:wrap;margin:8px 0 4px}
.tile{flex:1 1 150px;border-radius:6px;padding:8px 14px;border:1px solid #ccc}
.tile b{display:block;font-size:34px;line-height:1.1}
.grid{display:grid;grid-template-columns:1fr 1fr;gap:4px 32px}
.grid>div{min-width:0}
@media (max-width:900px){.grid{grid-template-columns:1fr}}
.headline{font-size:20px;font-weight:bold;margin:6px 0}
.progress-lines{font-size:18px;margin:6px 0 12px}.progress-lines li{margin:3px 0}
.note{color:#444;font-size:15px}.empty{color:#555;font-style:italic}
table.report{border-collapse:collapse;width:100%;margin:6px 0 14px;font-size:15px}
table.report th{background:#EEF3F8;text-align:left;padding:6px 8px;border-bottom:2px solid #888}
table.report td{padding:5px 8px;border-bottom:1px solid #ddd;vertical-align:top}
table.report th.money,table.report th.number,table.report th.percent,td.num{text-align:right}
td.num,td.id,td.short{white-space:nowrap}
td.text{white-space:pre-line;overflow-wrap:break-word}
table.compact{font-size:15px}
.tag{display:inline-block;padding:1px 8px;border-radius:10px;font-size:14px;white-space:nowrap}
.figure{width:100%;margin:8px 0 18px;break-inside:avoid}
ul.waves{padding-left:20px;margin:4px 0}ul.waves li{margin:4px 0}
#summary .tile{padding:6px 12px}#summary .tile b{display:inline;font-size:28px;margin-right:6px}
#summary h3{margin:14px 0 6px}#summary .headline{font-size:18px}
#summary table.report{font-size:14px;line-height:1.3;margin:4px 0 8px}
#summary table.report td{padding:3px 8px}#summary table.report th{padding:4px 8px}
#summary p,#summary ul.waves{font-size:15px;line-height:1.4;margin:4px 0}
#summary ul.waves li{margin:2px 0}
.appendix{break-before:page}
nav.contents{margin:4px 0 8px;font-size:15px}nav.contents ol{margin:2px 0;padding-left:22px;
 columns:2;column-gap:32px}nav.contents a{color:#0B4F8A}
@media print{main{padding:0}h2{break-after:avoid}tr{break-inside:avoid}}
"""

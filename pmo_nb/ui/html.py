r"""HTML pieces of the workshop panels: the gap card, badges, tables and the panel's CSS.

Pure string builders (no widgets). Every piece of customer text goes through
:func:`esc` (HTML) or :func:`label` (a widget's description), so a gap text such as
``<img src=x onerror=alert(1)>`` shows literally and a service named
``$\href{https://evil.example/}{click}$`` is never typeset by MathJax (JupyterLab and
Voilà typeset ``$...$``, ``\(...\)``, ``\[...\]`` and ``\begin{...}`` in widget
labels). Colours are Okabe-Ito, the same as :mod:`pmo_nb.plots`.
"""

from __future__ import annotations

import json
import math

import pandas as pd

from ..i18n import N_, Translator, translator
from ..plots.style import LEVEL_NAMES, STATUS_COLOURS, on_colour
from ..plots.style import esc as _html_escape

__all__ = ["LEVEL_NAMES", "esc", "figure_outputs", "label", "plain"]  # re-used by the panels
plain = _html_escape  # our own words (a unit such as k$): HTML-escaped only
_ZWSP = "\u200b"  # zero-width space: ends a TeX command or delimiter, shows nothing
EN = translator("en")  # a helper's words when no panel's language is given
STATUS_WORDS = {"covered": N_("covered"), "partial": N_("partial"), "open": N_("open"),
                "handed over": N_("handed over")}


def esc(value: object) -> str:
    """Customer text for an HTML widget: HTML-escaped, and every ``$`` and backslash in a
    ``<span>`` of its own, which ends MathJax's run of text (no delimiter pair forms).

    Examples
    --------
    >>> esc("<b>$x$</b>")
    '&lt;b&gt;<span>$</span>x<span>$</span>&lt;/b&gt;'
    """
    text = _html_escape(value)
    return text.replace("$", "<span>$</span>").replace("\\", "<span>\\</span>")


def label(value: object) -> str:
    r"""Customer text for a widget's ``description`` (plain text that MathJax typesets):
    ``$`` becomes ``\$`` (MathJax shows a dollar) and a zero-width space follows each
    backslash, so ``\(``, ``\[`` and ``\begin`` open nothing.

    Examples
    --------
    >>> label(r"Costs in $ and $\href{x}{y}$") == "Costs in \\$ and \\$\\\u200bhref{x}{y}\\$"
    True
    """
    text = _as_text(value).replace("\\", "\\" + _ZWSP)
    return text.replace("$", "\\$")


def _as_text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) \
        else str(value)


STATUS_MARKS = {"covered": "✓", "partial": "◐", "open": "○", "handed over": "→"}
TABLE_ROWS = 12  # rows of a live table before "... and N more"

CSS = """<style>
.pmo-panel { --jp-widgets-font-size: 16px; --jp-widgets-inline-height: 34px;
  --jp-widgets-inline-label-width: 110px; font-size: 16px; line-height: 1.4; }
.pmo-panel .widget-label, .pmo-panel .widget-html-content, .pmo-panel .widget-label-basic,
.pmo-panel input, .pmo-panel select, .pmo-panel textarea, .pmo-panel button { font-size: 16px; }
.pmo-panel .widget-html-content { line-height: 1.4; }
.pmo-panel .widget-html { overflow-wrap: break-word; }
.pmo-nav { container-type: inline-size; }
@container (max-width: 560px) {  /* Lab's file browser open: the gap's name gets the room */
  .pmo-nav button.jupyter-button { font-size: 0 !important; padding: 0 12px; }
  .pmo-nav button.jupyter-button i { font-size: 16px; margin: 0; }
}
.pmo-services > *, .pmo-services .pmo-service-row > * { flex-shrink: 0; }
.pmo-card-title { font-size: 24px; font-weight: 700; margin: 4px 0 8px; }
.pmo-badge { display: inline-block; padding: 1px 10px; margin: 0 6px 4px 0; border-radius: 12px;
  font-weight: 700; border: 2px solid #555; background: #fff; color: #1a1a1a; }
.pmo-states { display: flex; gap: 10px; align-items: stretch; margin: 8px 0; }
.pmo-states > div { flex: 1 1 0; padding: 8px 10px; background: #F4F4F4; border-radius: 6px; }
.pmo-states > .pmo-arrow { flex: 0 0 auto; background: none; font-size: 26px; align-self: center; }
.pmo-section { font-size: 19px; font-weight: 700; margin: 14px 0 4px;
  border-bottom: 2px solid #ccc; }
.pmo-group { font-size: 16px; font-weight: 700; color: #444; margin: 8px 0 0; }
.pmo-table { border-collapse: collapse; width: 100%; font-size: 15px; table-layout: auto; }
.pmo-table th { text-align: left; border-bottom: 2px solid #555; padding: 3px 6px; }
.pmo-table td { border-bottom: 1px solid #ddd; padding: 3px 6px; vertical-align: top; }
.pmo-table td { overflow-wrap: anywhere; word-break: normal; }
.pmo-table th { overflow-wrap: normal; word-break: normal; }
.pmo-muted { color: #555; }
.pmo-ok { color: #00704F; font-weight: 700; }
.pmo-error { color: #B00020; font-weight: 700; white-space: pre-wrap; }
.pmo-panel .pmo-detail { margin-left: 28px; }
.pmo-panel .pmo-hidden { display: none !important; }
.pmo-scroll { max-height: 420px; overflow-y: auto; overflow-x: hidden; }
.pmo-hm { font-size: 16px; line-height: 1.25; color: #1A1A1A; }
.pmo-hm-title { font-size: 19px; font-weight: 700; margin: 4px 0 6px; }
.pmo-hm table { width: 100%; table-layout: fixed; border-collapse: separate;
  border-spacing: 4px; }
.pmo-hm th { font-weight: 700; text-align: center; padding: 0 2px; overflow-wrap: normal; }
.pmo-hm th.pmo-hm-row { text-align: right; padding-right: 4px; }
.pmo-hm th.pmo-hm-yaxis { padding: 0; }
.pmo-hm th.pmo-hm-yaxis span { writing-mode: vertical-rl; transform: rotate(180deg);
  font-size: 17px; }
.pmo-hm th.pmo-hm-axis { font-size: 17px; }
.pmo-hm td { height: 96px; padding: 4px; text-align: center; vertical-align: middle;
  border-radius: 4px; font-size: 15px; overflow-wrap: normal; word-break: normal; }
.pmo-hm-head { font-size: 24px; font-weight: 700; }
.pmo-hm-legend { font-size: 14px; color: #444; margin: 4px 0 0 30px; }
.pmo-hm-legend > span { white-space: nowrap; margin-right: 12px; }
.pmo-hm-swatch { display: inline-block; width: 64px; height: 12px; margin: 0 4px;
  vertical-align: middle; border: 1px solid #bbb; }
.pmo-hm-swatch.pmo-hm-empty { width: 14px; }
</style>"""


def figure_outputs(fig: object, name: str) -> tuple[dict, ...]:
    """A plotly figure as an ``Output``'s content: plotly's mime bundle, which JupyterLab
    and Voila draw directly (no FigureWidget: in plotly 7 it needs anywidget)."""
    return spec_outputs(json.loads(fig.to_json()), name)


def spec_outputs(spec: dict, name: str) -> tuple[dict, ...]:
    """:func:`figure_outputs` of a figure already in plotly's JSON form (``spec``)."""
    # Not "responsive": in Voilà a responsive figure in an Output drew at 0 px high in 3
    # page loads of 4 (the catalog's treemap was a blank box). JupyterLab's plotly
    # renderer resizes figures with their panel anyway.
    spec = {**spec, "config": {"displayModeBar": False}}
    return ({"output_type": "display_data", "metadata": {},
             "data": {"application/vnd.plotly.v1+json": spec, "text/plain": name}},)


def status_badge(status: str, _: Translator = EN) -> str:
    colour = STATUS_COLOURS.get(status, "#999999")
    word = _(STATUS_WORDS[status]) if status in STATUS_WORDS else status
    return (f'<span class="pmo-badge" style="background:{colour};color:{on_colour(colour)};'
            f'border-color:{colour}">{STATUS_MARKS.get(status, "")} {esc(word)}</span>')


def level_badge(label: str, level: str, _: Translator = EN) -> str:
    shown = esc(_(LEVEL_NAMES[level])) if level in LEVEL_NAMES else esc(level)
    return f'<span class="pmo-badge">{esc(label)}: {shown}</span>'


def gap_label(gap_id: str, aspect: str, status: str, _: Translator = EN) -> str:
    """A dropdown entry (plain text: the browser shows it as text)."""
    word = _(STATUS_WORDS[status]) if status in STATUS_WORDS else status
    return f"{STATUS_MARKS.get(status, '')} {gap_id} · {aspect} — {word}"


def gap_card(gap: dict, status: str, _: Translator = EN) -> str:
    """The gap in front of everyone: id, aspect, badges, today -> target, description."""
    owner = ""
    if gap.get("pmo_role") in ("none", "partial") and gap.get("other_owner"):
        note = f" ({esc(gap.get('handover_note'))})" if gap.get("handover_note") else ""
        text = (_("The whole gap is for {owner}{note}.") if gap["pmo_role"] == "none"
                else _("The rest of this gap is for {owner}{note}."))
        outside = esc(_("Outside the PMO:"))
        said = esc(text).format(owner=f"<b>{esc(gap['other_owner'])}</b>", note=note)
        owner = f"<p><b>{outside}</b> {said}</p>"
    desc = f'<p class="pmo-muted">{esc(gap.get("description"))}</p>' \
        if gap.get("description") else ""
    today, target = esc(_("Today")), esc(_("Target"))
    badges = (level_badge(_("Size"), gap["size"], _)
              + level_badge(_("Priority"), gap["priority"], _) + status_badge(status, _))
    return (f'<div class="pmo-card"><div class="pmo-card-title">{esc(gap["gap_id"])} · '
            f'{esc(gap["aspect"])}</div><div>{badges}</div>'
            f'<div class="pmo-states"><div><b>{today}</b><br>{esc(gap["current_state"])}</div>'
            f'<div class="pmo-arrow">→</div><div><b>{target}</b><br>'
            f'{esc(gap["future_state"])}</div></div>{desc}{owner}</div>')


def no_gap_card(_: Translator = EN) -> str:
    title, hint = _("No gap matches the filter"), _("Change the filter above to see more gaps.")
    return (f'<div class="pmo-card"><div class="pmo-card-title">{esc(title)}</div>'
            f'<p class="pmo-muted">{esc(hint)}</p></div>')


def service_info(tier: str, cost: float | None, show_cost: bool, added: bool,
                 _: Translator = EN, mark: str = "") -> str:
    """A service's line in a list: tier, cost (when shown), new, and ``mark`` (our words,
    e.g. that it comes from the last wave or what peers chose)."""
    cost_text = " · " + _("cost {cost}", cost=_.number(cost)) \
        if show_cost and cost is not None and not pd.isna(cost) else ""
    star = " · ★ " + _("new") if added else ""
    tiers = {"basic": _("basic"), "advanced": _("advanced")}
    said = f" · {mark}" if mark else ""
    return (f'<span class="pmo-muted">{esc(tiers.get(tier, tier))}{esc(cost_text)}{esc(star)}'
            f"{esc(said)}</span>")


def progress(done: int, total: int, _: Translator = EN) -> str:
    count = _("{done} of {total}", done=done, total=total)
    what, which = _("gaps addressed"), _("(covered, partial or handed over)")
    return f'<b>{esc(count)}</b> {esc(what)} <span class="pmo-muted">{esc(which)}</span>'


def bold(html_text: str) -> str:
    """Already escaped ``html_text`` in bold (a message's value said with weight)."""
    return "<b>" + html_text + "</b>"


def section(title: str) -> str:
    return f'<div class="pmo-section">{esc(title)}</div>'


def group(title: str) -> str:
    return f'<div class="pmo-group">{esc(title)}</div>'


def saved(clock: str, what: str, word: str = "saved") -> str:
    """``saved ✓ 10:02:03`` and what was saved (``word``: "saved" in the panel's language)."""
    return f'<span class="pmo-ok">{esc(word)} ✓ {esc(clock)}</span> <span class="pmo-muted">' \
           f"{esc(what)}</span>"


def error(message: str) -> str:
    return f'<div class="pmo-error">⚠ {esc(message)}</div>'


def info(message: str) -> str:
    return f'<span class="pmo-muted">{esc(message)}</span>'


def table(frame: pd.DataFrame, columns: dict[str, str], empty: str,
          limit: int = TABLE_ROWS, nowrap: tuple[str, ...] = (), _: Translator = EN) -> str:
    """``frame[columns]`` as an escaped HTML table, headed by ``columns``' values; the
    ``nowrap`` columns (short ids, levels) never break inside a value."""
    if frame.empty:
        return f'<p class="pmo-muted">{esc(empty)}</p>'
    head = "".join(f"<th>{esc(label)}</th>" for label in columns.values())
    styles = ["white-space:nowrap" if c in nowrap else "" for c in columns]
    rows = "".join("<tr>" + "".join(f'<td style="{st}">{_cell(v)}</td>'
                                    for st, v in zip(styles, rec, strict=True)) + "</tr>"
                   for rec in frame[list(columns)].head(limit).itertuples(index=False))
    more = len(frame) - limit
    tail = '<p class="pmo-muted">' + esc(_("… and {more} more.", more=more)) + "</p>" \
        if more > 0 else ""
    return f'<table class="pmo-table"><tr>{head}</tr>{rows}</table>{tail}'


def _cell(value: object) -> str:
    if isinstance(value, float) and not math.isnan(value):
        return f"{value:g}"
    return esc(value)

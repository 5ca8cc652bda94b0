"""HTML pieces of the vote panels: the answered count, result bars, the priority spread.

Pure string builders; customer text goes through :func:`text` (HTML-escaped, and ``$``
as ``&#36;`` so MathJax never typesets it).
"""

from __future__ import annotations

import pandas as pd

from ..i18n import N_, Translator, translator
from ..plots.style import LEVEL_NAMES, STATUS_COLOURS, esc

BAR = STATUS_COLOURS["covered"]  # bluish green: at or above the consensus share
BAR_LOW = "#56B4E9"  # sky blue: below it
KIND_QUESTION = {"services": N_("Which services would close these gaps?"),
                 "priority": N_("How urgent is each gap? (Low, Medium, High)"),
                 "size": N_("How big is each gap now? (Closed, Low, Medium, High)")}
SIZE_NAMES = {**LEVEL_NAMES, "closed": N_("Closed")}
EN = translator("en")

CSS = """<style>
.pmo-votes .pmo-count { font-size: 30px; font-weight: 700; }
.pmo-bar-row { display: grid; grid-template-columns: minmax(120px, 36%) 1fr 180px;
  gap: 8px; align-items: center; margin: 3px 0; font-size: 16px; }
.pmo-bar-track { background: #EEE; border-radius: 4px; height: 22px; }
.pmo-bar { height: 22px; border-radius: 4px; }
.pmo-gap-result { border-top: 2px solid #ccc; padding: 6px 0 2px; }
.pmo-gap-title { font-size: 19px; font-weight: 700; }
.pmo-chip { display: inline-block; padding: 1px 10px; margin: 2px 4px 2px 0;
  border-radius: 12px; background: #F0F0F0; }
.pmo-chip.pmo-done { background: #DDF3EA; }
.pmo-participant { max-width: 720px; box-sizing: border-box; padding-right: 10px; }
.pmo-participant .widget-checkbox { height: auto; min-height: var(--jp-widgets-inline-height); }
.pmo-participant .widget-checkbox .widget-label-basic { display: flex; gap: 6px;
  align-items: flex-start; height: auto; padding: 4px 0; }
.pmo-participant .widget-checkbox .widget-label-basic span { white-space: normal;
  overflow: visible; text-overflow: clip; line-height: 1.3; }
.pmo-participant .widget-checkbox input { flex-shrink: 0; }
.pmo-sticky { position: sticky; bottom: 0; background: #fff; border-top: 2px solid #ccc;
  padding: 6px 0; z-index: 10; }
.pmo-participant .pmo-card-title { font-size: 21px; }
@media (max-width: 560px) {
  .pmo-participant .pmo-states { flex-direction: column; }
  .pmo-participant .pmo-states > .pmo-arrow { transform: rotate(90deg); }
  .pmo-bar-row { grid-template-columns: 1fr 90px; }
  .pmo-bar-row .pmo-bar-track { grid-column: 1 / span 2; grid-row: 2; }
}
</style>"""


def text(value: object) -> str:
    """Customer text for an HTML widget: escaped, ``$`` kept away from MathJax."""
    return esc(value).replace("$", "&#36;")


def label(value: object) -> str:
    """Customer text for a widget ``description`` (plain text; ``$`` escaped for MathJax)."""
    return str(value).replace("$", r"\$")


def answered(progress: pd.DataFrame, _: Translator = EN) -> str:
    """"7 of 9 answered", how many answered every gap, and one chip per participant."""
    total = len(progress)
    some = int((progress["answered"] > 0).sum())
    every = int((progress["answered"] >= progress["of"]).sum()) if total else 0
    of = int(progress["of"].iloc[0]) if total else 0
    chips = "".join(
        f'<span class="pmo-chip{" pmo-done" if n >= of else ""}">{text(p)} {n}/{of}</span>'
        for p, n in zip(progress["participant"], progress["answered"], strict=True))
    detail = " · " + _("{count} answered all {of} gaps", count=_.number(every),
                       of=_.number(of)) if of > 1 else ""
    said = _("{some} of {total} answered", some=_.number(some), total=_.number(total))
    joined = _("{count} joined", count=_.number(total))
    return (f'<div class="pmo-count">{text(said)}</div>'
            f'<div class="pmo-muted">{text(joined + detail)}</div><div>{chips}</div>')


def vote_title(vote: dict | None, _: Translator = EN) -> str:
    if vote is None:
        return '<div class="pmo-section">' + text(_("No vote open")) + "</div>"
    state = _("revealed") if vote["revealed"] else _("hidden until you reveal it")
    named = _("named") if vote["named"] else _("anonymous")
    gaps = _.plural("{count} gap", "{count} gaps", len(vote["gap_ids"]))
    head = _("Vote {number}: {question}", number=vote["vote_id"],
             question=_(KIND_QUESTION[vote["kind"]]))
    return (f'<div class="pmo-section">{text(head)}</div><div class="pmo-muted">'
            f'{text(gaps)} · {text(named)} · {text(state)}</div>')


def bar_row(name: str, count: int, total: int, share: float, consensus: bool,
            _: Translator = EN) -> str:
    colour = BAR if consensus else BAR_LOW
    mark = " ✓" if consensus else ""
    of = _("{count} of {total}", count=_.number(count), total=_.number(total))
    return (f'<div class="pmo-bar-row"><div>{text(name)}</div><div class="pmo-bar-track">'
            f'<div class="pmo-bar" style="width:{share:.0%};background:{colour}"></div></div>'
            f'<div><b>{text(of)}</b> · {text(_.percent(share))}{mark}</div></div>')


def gap_title(gap: dict) -> str:
    return (f'<div class="pmo-gap-title">{text(gap["gap_id"])} · {text(gap["aspect"])}</div>')


def service_bars(results: pd.DataFrame, names: dict[str, str], _: Translator = EN) -> str:
    """One gap's services, most voted first; ✓ marks a consensus."""
    if results.empty:
        return '<p class="pmo-muted">' + text(_("Nobody chose a service for this gap.")) + "</p>"
    return "".join(bar_row(names.get(r.service_id, r.service_id), r.votes, r.answered,
                           r.share, bool(r.consensus), _) for r in results.itertuples())


def participant_card(gap: dict, show_priority: bool = True, size_label: str = "Size",
                     _: Translator = EN) -> str:
    """The gap as a participant sees it: id, aspect, today → target, description; no
    coverage status, and no present priority while they rate it (no anchoring). In a
    size vote the size shown is the baseline's (``size_label``, already in ``_``'s
    language); every word around the customer's text is in ``_``'s language."""
    level = {k: _(v) for k, v in LEVEL_NAMES.items()}
    priority, today, target = _("Priority"), _("Today"), _("Target")
    badges = (f'<span class="pmo-badge">{text(size_label)}: '
              f'{level.get(gap["size"], "")}</span>')
    if show_priority:
        badges += (f'<span class="pmo-badge">{text(priority)}: '
                   f'{level.get(gap["priority"], "")}</span>')
    desc = f'<p class="pmo-muted">{text(gap.get("description"))}</p>' \
        if gap.get("description") else ""
    return (f'<div class="pmo-card"><div class="pmo-card-title">{text(gap["gap_id"])} · '
            f'{text(gap["aspect"])}</div><div>{badges}</div><div class="pmo-states"><div>'
            f'<b>{text(today)}</b><br>{text(gap["current_state"])}</div>'
            f'<div class="pmo-arrow">→</div><div><b>{text(target)}</b><br>'
            f'{text(gap["future_state"])}</div></div>{desc}</div>')


def priority_bars(row: pd.Series, current: str, levels: tuple[str, ...] = ("H", "M", "L"),
                  now: str = "now", _: Translator = EN) -> str:
    """One gap's L/M/H spread (or a size vote's, with closed), its consensus, agreement and
    the gap's present priority (or its size at the baseline: ``now``, in ``_``'s words)."""
    total = int(row["answered"])
    bars = "".join(bar_row(_(SIZE_NAMES[lv]), int(row[lv]), total, int(row[lv]) / total,
                           lv == row["consensus"], _) for lv in levels)
    verdict = text(_("No consensus (a tie)")) if not row["consensus"] else _(
        "Consensus {level}, agreement {share}",
        level="<b>" + text(_(SIZE_NAMES[row["consensus"]])) + "</b>",
        share=text(_.percent(row["agreement"])))
    shown = _(SIZE_NAMES[current]) if current in SIZE_NAMES else _(current)
    return (f"{bars}<div>{verdict} · <span class='pmo-muted'>{text(now)} "
            f"{text(shown)}</span></div>")

"""A follow-up's record opens with its progress since the baseline: the numbers in three
lines, what is left of the gaps per aspect (the figure), the two findings, the services
committed then, and the path along the chain when there are three or more assessments.
Read from :class:`~.facts.Progress`; nothing here for a first assessment."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from .. import plots
from ..analysis import progress as prog
from ..i18n import N_, Translator, translator
from ..plots.style import LEVEL_NAMES
from .facts import Facts, Progress
from .html import Col, esc, table

EN = translator("en")
DELIVERY_WORDS = {"delivered": N_("delivered"), "in progress": N_("in progress"),
                  "not started": N_("not started"), "dropped": N_("dropped")}


def title(p: Progress, _: Translator = EN) -> str:
    """The section's heading, from the baseline's date: ``'Progress since 12 March 2026'``.

    >>> title(Progress("Acme Q1", "2026-03-12", 1, *[None] * 8))
    'Progress since 12 March 2026'
    >>> title(Progress("Acme Q1", "2026-03-12", 1, *[None] * 8), translator("pt-BR"))
    'Progresso desde 12 de março de 2026'
    """
    return _("Progress since {date}", date=_.date(p.date))


def section(f: Facts, ws: Any, fig: Callable[[Any], str]) -> str:
    """The page's progress section (empty for a first assessment), in the record's language."""
    p, _ = f.progress, translator(f.language)
    if p is None:
        return ""
    said = prog.headline(p.numbers, _)
    lines = "".join(f"<li><b>{esc(m)}:</b> {esc(r)}</li>"
                    for m, r in zip(said["measure"], said["result"], strict=True))
    aspect_cols = [Col("aspect", "Aspect"), Col("gaps", "Gaps", "number"),
                   Col("value_before", "Value then", "number"),
                   Col("value_after", "Value now", "number"),
                   Col("change_pct", "Change (%)", "number"), Col("closed", "Closed", "number"),
                   Col("shrunk", "Smaller", "number"), Col("grown", "Larger", "number")]
    shrank_cols = [Col("gap_id", "Gap", "id"), Col("aspect", "Aspect"),
                   Col("size_before", "Size then", "short"), Col("size_after", "Now", "short")]
    effect_cols = [Col("name", "Service"), Col("gaps", "Gaps committed to", "number")]
    service_cols = [Col("name", "Service"), Col("status", "Status", "short"),
                    Col("gaps", "Gaps", "number"), Col("gaps_reduced", "Of them smaller",
                                                        "number")]
    services = p.services.assign(status=p.services["status"].map(
        lambda v: _(DELIVERY_WORDS.get(v, str(v)))))
    lead = _("This is a follow-up assessment: the room reassessed the gaps of {label} "
             "({date}) and said what became of the services committed then. A gap's value is "
             "size × priority; a closed gap is worth 0.", label=p.label, date=_.date(p.date))
    chain = fig(plots.progress_chain(ws, language=_.tag)) if p.assessment >= 2 else ""
    return (
        f'<section id="progress"><h2>{esc(title(p, _))}</h2>'
        f'<p class="lead">{esc(lead)}</p>'
        f'<ul class="progress-lines" id="progress-headline">{lines}</ul>'
        + fig(plots.progress(ws, language=_.tag))
        + _heading(_("Gaps that shrank with no service delivered"), _(
            "Something other than the PMO moved them, or their first size was off: the PMO "
            "should not claim them."))
        + table(size_words(p.shrank_alone, _), shrank_cols, _=_, empty=N_(
            "None: every gap that shrank had a service delivered."))
        + _heading(_("Services delivered whose gaps did not shrink"), _(
            "They may need time to show, may not be used, or may not be what closes those "
            "gaps: the ones to discuss before the next wave."))
        + table(p.no_effect, effect_cols, _=_,
                empty=N_("None: every delivered service's gaps shrank."))
        + "<h3>" + esc(_("Per aspect")) + "</h3>" + table(p.by_aspect, aspect_cols, _=_)
        + "<h3>" + esc(_("Services committed at the baseline")) + "</h3>"
        + table(services, service_cols, _=_,
                empty=N_("No service was committed at the baseline."))
        + chain + "</section>")


def _heading(title: str, note: str) -> str:
    return f'<h3>{esc(title)}</h3><p class="note">{esc(note)}</p>'


def size_words(frame: pd.DataFrame, _: Translator = EN) -> pd.DataFrame:
    """``size_before``/``size_after`` as words: High, Medium, Low, Closed, New."""
    words = {**LEVEL_NAMES, "closed": N_("Closed"), "new": N_("New")}
    out = frame.copy()
    for col in ("size_before", "size_after"):
        if col in out:
            out[col] = out[col].map(lambda v: _(words.get(v, str(v).capitalize())))
    return out

"""A follow-up's record opens with its progress since the baseline: the numbers in three
lines, what is left of the gaps per aspect (the figure), the two findings, the services
committed then, and the path along the chain when there are three or more assessments.
Read from :class:`~.facts.Progress`; nothing here for a first assessment."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pandas as pd

from .. import plots
from ..plots.style import LEVEL_NAMES
from .facts import Facts, Progress
from .html import Col, esc, table


def title(p: Progress) -> str:
    """The section's heading, from the baseline's date: ``'Progress since 12 March 2026'``.

    >>> title(Progress("Acme Q1", "2026-03-12", 1, *[None] * 8))
    'Progress since 12 March 2026'
    """
    try:
        day = dt.date.fromisoformat(p.date)
    except ValueError:
        return f"Progress since {p.date}"
    return f"Progress since {day.day} {day:%B %Y}"


def section(f: Facts, ws: Any, fig: Callable[[Any], str]) -> str:
    """The page's progress section (empty for a first assessment)."""
    p = f.progress
    if p is None:
        return ""
    lines = "".join(f"<li><b>{esc(m)}:</b> {esc(r)}</li>"
                    for m, r in zip(p.headline["measure"], p.headline["result"], strict=True))
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
    chain = fig(plots.progress_chain(ws)) if p.assessment >= 2 else ""
    return (
        f'<section id="progress"><h2>{esc(title(p))}</h2>'
        f'<p class="lead">This is a follow-up assessment: the room reassessed the gaps of '
        f"{esc(p.label)} ({esc(p.date)}) and said what became of the services committed "
        f'then. A gap\'s value is size × priority; a closed gap is worth 0.</p>'
        f'<ul class="progress-lines" id="progress-headline">{lines}</ul>'
        + fig(plots.progress(ws))
        + "<h3>Gaps that shrank with no service delivered</h3>"
        '<p class="note">Something other than the PMO moved them, or their first size was '
        "off: the PMO should not claim them.</p>"
        + table(size_words(p.shrank_alone), shrank_cols, empty="None: every gap that shrank had a "
                                                           "service delivered.")
        + "<h3>Services delivered whose gaps did not shrink</h3>"
        '<p class="note">They may need time to show, may not be used, or may not be what '
        "closes those gaps: the ones to discuss before the next wave.</p>"
        + table(p.no_effect, effect_cols, empty="None: every delivered service's gaps shrank.")
        + "<h3>Per aspect</h3>" + table(p.by_aspect, aspect_cols)
        + "<h3>Services committed at the baseline</h3>"
        + table(p.services, service_cols, empty="No service was committed at the baseline.")
        + chain + "</section>")


def size_words(frame: pd.DataFrame) -> pd.DataFrame:
    """``size_before``/``size_after`` as words: High, Medium, Low, Closed, New."""
    out = frame.copy()
    for col in ("size_before", "size_after"):
        if col in out:
            out[col] = out[col].map(lambda v: LEVEL_NAMES.get(v, str(v).capitalize()))
    return out

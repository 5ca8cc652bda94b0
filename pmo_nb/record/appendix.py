"""The record page's last sections: the participants' votes, and the gap register and the
service catalog as appendices (with the table columns the other sections share)."""

from __future__ import annotations

import pandas as pd

from ..i18n import N_, translator
from ..plots.style import LEVEL_NAMES
from .facts import Facts
from .html import Col, esc, table

GAP = Col("gap_id", "Gap", "id")
ASPECT = Col("aspect", "Aspect")
SIZE, PRIORITY = Col("size", "Size", "short"), Col("priority", "Priority", "short")


VOTE_HEADERS = {"gap_id": N_("Gap"), "service_id": N_("Service"), "votes": N_("Votes"),
                "answered": N_("Answered"), "share": N_("Share"), "consensus": N_("Consensus"),
                "agreement": N_("Agreement"), "L": N_("Low"), "M": N_("Medium"), "H": N_("High"),
                "closed": N_("Closed")}


def votes(f: Facts) -> str:
    """The participants' votes: shown only when the session has revealed results."""
    _ = translator(f.language)
    if f.votes is None:
        return ""
    cols = [Col(str(c), VOTE_HEADERS.get(str(c), str(c).replace("_", " ").capitalize()),
                "percent" if c in ("share", "agreement") else "text") for c in f.votes.columns]
    title = esc(_("Votes"))
    return f'<section id="votes"><h2>{title}</h2>{table(f.votes, cols, _=_)}</section>'


def register(f: Facts) -> str:
    _ = translator(f.language)
    reg = f.register.merge(f.coverage[["gap_id", "pmo_role"]], on="gap_id", how="left")
    cols = [GAP, ASPECT, SIZE, PRIORITY,
            Col("status", "Status", "status"), Col("current_state", "Today"),
            Col("future_state", "Target"), Col("description", "Description"),
            Col("services", "Services"), Col("other_owner", "Other owner")]
    note = _("Every gap as the workshop left it. Size and priority weigh a gap (Low 1, "
             "Medium 2, High 3; weight = size × priority).")
    return ('<section id="register" class="appendix"><h2>'
            + esc(_("Appendix A. The gap register")) + f'</h2><p class="note">{esc(note)}</p>'
            + table(levels(reg), cols, _=_) + "</section>")


def catalog(f: Facts) -> str:
    _ = translator(f.language)
    cat = f.catalog.assign(label=f.catalog["name"].where(
        f.catalog.get("origin", pd.Series("catalog", index=f.catalog.index)) != "workshop",
        "★ " + f.catalog["name"]))
    cols = [Col("label", "Service"), Col("tier", "Tier", "short"), Col("description", "What it is"),
            Col("cost", "Cost", "money"), Col("lead_time_months", "Months to set up", "number")]
    parts = [f"<h3>{esc(category)}</h3>" + table(group, cols, unit=f.currency, _=_)
             for category, group in cat.groupby("category", sort=False)]
    note = _("Everything the PMO can offer, by category; ★ marks services added during the "
             "workshop.")
    return ('<section id="catalog" class="appendix"><h2>'
            + esc(_("Appendix B. The service catalog")) + f'</h2><p class="note">{esc(note)}</p>'
            + "".join(parts) + "</section>")


def levels(frame: pd.DataFrame) -> pd.DataFrame:
    """``size``/``priority`` as words (High, Medium, Low)."""
    out = frame.copy()
    for col in ("size", "priority"):
        if col in out:
            out[col] = out[col].map(lambda v: LEVEL_NAMES.get(v, v))
    return out

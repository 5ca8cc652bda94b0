"""The record's workbook: every table of the session and of the plan, one sheet each.

The session's tables (:meth:`pmo_nb.Workshop.tables`) plus what the page says about the
budget: a summary sheet (title, date, budget, currency, headline, must-haves and
exclusions), the plan, the gaps it leaves open, the budget curve (the plan's budget
marked) and the roadmap. Written by :func:`pmo_nb.export.write_xlsx`: text cells wrap
and stay text (never a formula).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from ..i18n import N_, translator
from ..inputs import export
from ..plan.words import headline, proof
from .facts import Facts

# the sheets' names as a record in another language than English says them
SHEETS = {"summary": N_("summary"), "gap register": N_("gap register"),
          "candidate list": N_("candidate list"), "coverage": N_("coverage"),
          "coverage matrix": N_("coverage matrix"), "handed over": N_("handed over"),
          "gaps": N_("gaps"), "catalog": N_("catalog"), "assignments": N_("assignments"),
          "votes": N_("votes"), "service votes": N_("service votes"),
          "priority votes": N_("priority votes"), "progress": N_("progress"),
          "progress by aspect": N_("progress by aspect"), "progress chain": N_("progress chain"),
          "deliveries": N_("deliveries"), "history": N_("history"), "plan": N_("plan"),
          "plan leaves open": N_("plan leaves open"), "budget curve": N_("budget curve"),
          "roadmap": N_("roadmap"), "roadmap waves": N_("roadmap waves"),
          "proposed services": N_("proposed services")}


def tables(facts: Facts, ws: Any) -> dict[str, pd.DataFrame]:
    """Every sheet of the workbook by name, the summary first."""
    p = facts.plan
    plan = p.services.drop(columns=["aspects"], errors="ignore")
    curve = facts.curve.assign(plan=facts.curve["budget"] == p.budget)
    return {"summary": _summary(facts), **ws.tables(), "plan": plan,
            "plan leaves open": facts.left_open, "budget curve": curve,
            "roadmap": facts.roadmap, "roadmap waves": facts.waves,
            "proposed services": facts.offer,
            **({"peers": facts.peers} if facts.peers is not None else {})}


def write(facts: Facts, ws: Any, path: Path) -> Path:
    """Write the workbook to ``path``; returns it. Its sheets are named in the record's
    language (English keeps the names the session gives them)."""
    sheets = tables(facts, ws)
    if facts.language != "en":
        _ = translator(facts.language)
        sheets = {(_(SHEETS[name]) if name in SHEETS else name)[:31]: frame
                  for name, frame in sheets.items()}
    return export.write_xlsx(sheets, path)


def _summary(f: Facts) -> pd.DataFrame:
    p, _ = f.plan, translator(f.language)
    rows = [("title", f.title), ("recorded", f"{f.made:%Y-%m-%d %H:%M}"),
            ("session last changed (UTC)", f.last_change), ("currency", f.currency),
            ("budget", p.budget), ("budget set", "yes" if f.budget_given else
                                   "no: every proposed service"),
            ("wave budget", f.wave_budget), ("plan cost", p.cost),
            ("plan covered share", p.covered_share), ("headline", headline(p, f.currency, _)),
            ("proof", proof(p, _)), ("must-haves", "; ".join(f.must["service_id"])),
            ("excluded", "; ".join(f.exclude["service_id"]))]
    rows += [(f"gaps {status}", n) for status, n in f.counts.items()]
    if f.progress is not None:  # a follow-up: what changed since its baseline
        rows += [("baseline", f"{f.progress.label} ({f.progress.date})"),
                 *zip(f.progress.headline["measure"].str.lower(), f.progress.headline["result"],
                      strict=True)]
    return pd.DataFrame(rows, columns=["item", "value"])

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

from ..inputs import export
from ..plan.words import headline, proof
from .facts import Facts


def tables(facts: Facts, ws: Any) -> dict[str, pd.DataFrame]:
    """Every sheet of the workbook by name, the summary first."""
    p = facts.plan
    plan = p.services.drop(columns=["aspects"], errors="ignore")
    curve = facts.curve.assign(plan=facts.curve["budget"] == p.budget)
    return {"summary": _summary(facts), **ws.tables(), "plan": plan,
            "plan leaves open": facts.left_open, "budget curve": curve,
            "roadmap": facts.roadmap, "roadmap waves": facts.waves,
            "proposed services": facts.offer}


def write(facts: Facts, ws: Any, path: Path) -> Path:
    """Write the workbook to ``path``; returns it."""
    return export.write_xlsx(tables(facts, ws), path)


def _summary(f: Facts) -> pd.DataFrame:
    p = f.plan
    rows = [("title", f.title), ("recorded", f"{f.made:%Y-%m-%d %H:%M}"),
            ("session last changed (UTC)", f.last_change), ("currency", f.currency),
            ("budget", p.budget), ("budget set", "yes" if f.budget_given else
                                   "no: every proposed service"),
            ("wave budget", f.wave_budget), ("plan cost", p.cost),
            ("plan covered share", p.covered_share), ("headline", headline(p, f.currency)),
            ("proof", proof(p)), ("must-haves", "; ".join(f.must["service_id"])),
            ("excluded", "; ".join(f.exclude["service_id"]))]
    rows += [(f"gaps {status}", n) for status, n in f.counts.items()]
    if f.progress is not None:  # a follow-up: what changed since its baseline
        rows += [("baseline", f"{f.progress.label} ({f.progress.date})"),
                 *zip(f.progress.headline["measure"].str.lower(), f.progress.headline["result"],
                      strict=True)]
    return pd.DataFrame(rows, columns=["item", "value"])

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

from ..analysis import progress as prog
from ..i18n import N_, Translator, translator
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

# the columns' headers as a record in another language than English says them (English
# keeps the data's own names; a column of the customer's keeps its header)
HEADERS = {"Addresses Aspect": N_("Addresses Aspect"), "Gap Size": N_("Gap Size"),
           "H": N_("High"), "L": N_("Low"), "M": N_("Medium"),
           "Product / Service": N_("Product / Service"), "action": N_("action"),
           "added": N_("added"), "after": N_("after"), "agreement": N_("agreement"),
           "answered": N_("answered"), "aspect": N_("aspect"), "aspects": N_("aspects"),
           "assessment": N_("assessment"), "at": N_("at"), "before": N_("before"),
           "best_contribution": N_("best contribution"), "budget": N_("budget"),
           "category": N_("category"), "change": N_("change"), "change_pct": N_("change (%)"),
           "closed": N_("closed"), "closed_at": N_("closed at"), "consensus": N_("consensus"),
           "contribution": N_("contribution"), "cost": N_("cost"), "covered": N_("covered"),
           "covered_share": N_("covered share"), "covered_weight": N_("covered weight"),
           "cumulative_cost": N_("cumulative cost"), "cumulative_value": N_("cumulative value"),
           "current_state": N_("current state"), "date": N_("date"), "delivered": N_("delivered"),
           "description": N_("description"), "end_month": N_("end month"), "entity": N_("entity"),
           "future_state": N_("future state"), "gap": N_("gap"), "gap_id": N_("gap id"),
           "gap_ids": N_("gap ids"), "gaps": N_("gaps"), "gaps_reduced": N_("gaps reduced"),
           "grown": N_("grown"), "handed_over": N_("handed over"), "handover": N_("hand-over"),
           "handover_note": N_("hand-over note"), "in_plan": N_("in plan"), "item": N_("item"),
           "kind": N_("kind"), "label": N_("label"),
           "lead_time_months": N_("lead time (months)"), "last_wave": N_("last wave"),
           "organisations": N_("organisations"), "chose": N_("chose"),
           "must": N_("must-have"), "n_gaps": N_("number of gaps"),
           "n_services": N_("number of services"), "name": N_("name"), "named": N_("named"),
           "new": N_("new"), "note": N_("note"), "open": N_("open"), "opened_at": N_("opened at"),
           "optimal": N_("optimal"), "origin": N_("origin"), "other_owner": N_("other owner"),
           "owner": N_("owner"), "partial": N_("partial"), "partial_share": N_("partial share"),
           "participants": N_("participants"), "plan": N_("plan"), "pmo_role": N_("PMO role"),
           "priority": N_("priority"), "reassessed": N_("reassessed"), "removed": N_("removed"),
           "revealed_at": N_("revealed at"), "seq": N_("step number"),
           "service_id": N_("service id"), "service_ids": N_("service ids"),
           "services": N_("services"), "share": N_("share"), "shrunk": N_("shrunk"),
           "size": N_("size"), "size_after": N_("size after"), "size_before": N_("size before"),
           "standalone_value": N_("value on its own"), "start_month": N_("start month"),
           "status": N_("status"), "step": N_("step"), "tier": N_("tier"),
           "unchanged": N_("unchanged"), "undone": N_("undone"),
           "unique_value": N_("unique value"), "updated_at": N_("updated at"),
           "value": N_("value"), "value_after": N_("value after"),
           "value_before": N_("value before"), "vote": N_("vote"), "vote_id": N_("vote id"),
           "votes": N_("votes"), "wave": N_("wave"), "weight": N_("weight"), "who": N_("who"),
           "why": N_("why")}


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
        sheets = {(_(SHEETS[name]) if name in SHEETS else name)[:31]: _headed(frame, _)
                  for name, frame in sheets.items()}
    return export.write_xlsx(sheets, path)


def _headed(frame: pd.DataFrame, _: Translator) -> pd.DataFrame:
    """``frame`` with pmo_nb's column names in ``_``'s words (a customer's own column, or
    a name two columns would share, keeps its header)."""
    names = [_(HEADERS[c]) if c in HEADERS else c for c in map(str, frame.columns)]
    if len(set(names)) < len(names):
        names = [n if names.count(n) == 1 else c for n, c in zip(names, frame.columns)]
    return frame.set_axis(names, axis=1)


def _summary(f: Facts) -> pd.DataFrame:
    p, _ = f.plan, translator(f.language)
    rows = [(N_("title"), f.title), (N_("recorded"), f"{f.made:%Y-%m-%d %H:%M}"),
            (N_("session last changed (UTC)"), f.last_change), (N_("currency"), f.currency),
            (N_("budget"), p.budget), (N_("budget set"), _("yes") if f.budget_given else
                                       _("no: every proposed service")),
            (N_("wave budget"), f.wave_budget), (N_("plan cost"), p.cost),
            (N_("plan covered share"), p.covered_share),
            (N_("headline"), headline(p, f.currency, _)), (N_("proof"), proof(p, _)),
            (N_("must-haves"), "; ".join(f.must["service_id"])),
            (N_("excluded"), "; ".join(f.exclude["service_id"]))]
    rows += [(_("gaps {status}", status=_(status)), n) for status, n in f.counts.items()]
    if f.progress is not None:  # a follow-up: what changed since its baseline
        said = prog.headline(f.progress.numbers, _)
        rows += [(N_("baseline"), f"{f.progress.label} ({f.progress.date})"),
                 *zip(said["measure"].str.lower(), said["result"], strict=True)]
    rows = [(_(item), value) for item, value in rows]
    return pd.DataFrame(rows, columns=["item", "value"])

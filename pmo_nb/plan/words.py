"""A plan in words and as a table: the headline, the proof, the services, the curve's point.

Pure functions of a :class:`~pmo_nb.plan.Plan`, public: the budget panel, the notebooks
(through :mod:`pmo_nb.plan`) and the record all say a plan the same way.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import pandas as pd

from ..i18n import N_, Translator, translator
from ..i18n.formats import is_currency

EN = translator("en")
if TYPE_CHECKING:
    from .result import Plan

TABLE_COLUMNS = {"name": N_("Service"), "category": N_("Category"), "tier": N_("Tier"),
                 "cost": N_("Cost"), "gap_ids": N_("Gaps it serves"),
                 "standalone_value": N_("Value")}
CURVE_COLUMNS = ["budget", "cost", "covered_weight", "covered_share", "optimal", "gap",
                 "added", "removed", "services"]


def percent(share: float) -> str:
    """``0.657`` -> ``'66%'``; NaN -> ``'—'``."""
    return "—" if math.isnan(share) else f"{share:.0%}"


def count(n: int, word: str) -> str:
    """``count(1, "service")`` -> ``'1 service'``; ``count(2, "wave")`` -> ``'2 waves'``."""
    return f"{n} {word}{'' if n == 1 else 's'}"


def _amount(_: Translator, unit: str) -> object:
    """How ``unit`` writes an amount: a :class:`~pmo_nb.i18n.Money` itself, else the
    number in ``_``'s way and the free label after it."""
    return unit.amount if hasattr(unit, "amount") else (lambda v: f"{_.number(v, 0)} {unit}")


def headline(plan: Plan, unit: str = "k$", _: Translator = EN) -> str:
    """What the plan covers and costs, in one sentence (in ``_``'s language, its amounts
    as ``unit`` writes them when it is a :class:`~pmo_nb.i18n.Money`)."""
    money = _amount(_, unit)
    budget = money(plan.budget)
    # an ISO currency writes its symbol with both amounts (R$ 290 mil de R$ 300 mil); a
    # free label once, after the budget (290 of 300 k$)
    cost = money(plan.cost) if is_currency(str(unit)) else _.number(plan.cost, 0)
    return _.plural("Covers {share} of the weighted gap value for {cost} of {budget} "
                    "({count} service).", "Covers {share} of the weighted gap value for "
                    "{cost} of {budget} ({count} services).", len(plan.services),
                    share=_.percent(plan.covered_share), cost=cost, budget=budget)


def proof(plan: Plan, _: Translator = EN) -> str:
    """Whether the plan is proven best, in words."""
    if plan.optimal:
        return _("Proven optimal: no other set of services within the budget covers more.")
    return _("Best found in the time allowed, within {gap} of the best possible (not "
             "proven optimal).", gap=format(plan.optimality_gap, ".1%"))


def versus_greedy(plan: Plan, greedy: Plan, unit: str = "k$", _: Translator = EN) -> str:
    """What the rule of thumb (best value per cost first) would get instead."""
    if greedy.covered_weight >= plan.covered_weight - 1e-9:
        return _("The rule of thumb (best value per cost first) finds as much here.")
    return _("The rule of thumb (best value per cost first) would cover {share} for {cost}.",
             share=_.percent(greedy.covered_share), cost=_amount(_, unit)(greedy.cost))


def plan_summary(plan: Plan, greedy: Plan | None = None, unit: str = "k$",
                 language: str | None = None) -> str:
    """The plan in one line, how sure we are and what greedy gets, as plain text lines
    (in ``language``, default English).

    Examples
    --------
    >>> from pmo_nb import plan as pl
    >>> print(plan_summary(pl.select_services(ws, 50), unit="k€"))
    Covers 93% of the weighted gap value for 50 of 50 k€ (2 services).
    Proven optimal: no other set of services within the budget covers more.
    >>> said = plan_summary(pl.select_services(ws, 50), unit="k€", language="es")
    >>> print(said.replace(chr(0xA0), " "))  # Babel puts a no-break space before "%"
    ... # doctest: +NORMALIZE_WHITESPACE
    Cubre el 93 % del valor ponderado de las brechas por 50 de 50 k€ (2 servicios).
    Óptimo demostrado: ningún otro conjunto de servicios dentro del presupuesto cubre más.
    """
    _ = translator(language)
    lines = [headline(plan, unit, _), proof(plan, _)]
    return "\n".join(lines + ([versus_greedy(plan, greedy, unit, _)] if greedy else []))


def plan_table(plan: Plan, _: Translator = EN) -> pd.DataFrame:
    """The chosen services as a report lists them: service, category, tier, cost, gaps, value
    (headers and the tier in ``_``'s language).

    A follow-up's services from the last wave and must-haves are marked
    (:func:`service_label`).

    ``Value``: the weighted gap value the service covers on its own.

    Examples
    --------
    >>> from pmo_nb import plan as pl
    >>> plan_table(pl.select_services(ws, 50))["Service"].tolist()
    ['Service A', 'Service C']
    >>> list(plan_table(pl.select_services(ws, 50), translator("de")))[:3]
    ['Leistung', 'Kategorie', 'Stufe']
    """
    services = plan.services
    out = services.assign(name=[service_label(n, m, w, _) for n, m, w in zip(
        services["name"], services["must"], services.get("last_wave", ""), strict=True)],
                          tier=services["tier"].map(lambda t: _(str(t))))
    columns = {k: _(v) for k, v in TABLE_COLUMNS.items()}
    return out[list(TABLE_COLUMNS)].rename(columns=columns).reset_index(drop=True)


def service_label(name: str, must: bool, last_wave: str = "", _: Translator = EN) -> str:
    """A chosen service as a plan lists it: marked when it comes from the last wave (a
    follow-up's) or is a must-have.

    >>> service_label("Training", True, "delivered"), service_label("PMO", True)
    ('Training (last wave: delivered, cost 0 now)', 'PMO (must-have)')
    """
    if last_wave == "delivered":
        return _("{name} (last wave: delivered, cost 0 now)", name=name)
    if last_wave:
        return _("{name} (last wave: {status})", name=name, status=_(last_wave))
    return _("{name} (must-have)", name=name) if must else name


def curve_row(budget: float, cost: float, value: float, total: float, optimal: bool,
              gap: float, ids: list[str], before: list[str]) -> dict:
    """One row of a budget curve: the plan at ``budget`` and what changed since ``before``."""
    now, prev = list(ids), set(before)
    return {"budget": budget, "cost": cost, "covered_weight": value,
            "covered_share": value / total if total else math.nan, "optimal": optimal,
            "gap": gap, "added": "; ".join(i for i in now if i not in prev),
            "removed": "; ".join(i for i in before if i not in set(now)),
            "services": "; ".join(now)}


def curve_with_plan(curve: pd.DataFrame, plan: Plan | None) -> pd.DataFrame:
    """The curve with ``plan``'s budget as one more point (unless it is one already), so a
    figure marks the budget at the share the headline says."""
    if plan is None or (curve["budget"] == plan.budget).any():
        return curve
    before = curve[curve["budget"] < plan.budget]
    prev = [s for s in before["services"].iloc[-1].split("; ") if s] if len(before) else []
    row = curve_row(plan.budget, plan.cost, plan.covered_weight, plan.total_weight,
                    plan.optimal, plan.optimality_gap, plan.services["service_id"].tolist(), prev)
    out = pd.concat([curve, pd.DataFrame([row])], ignore_index=True)
    return out.sort_values("budget", kind="stable").reset_index(drop=True)

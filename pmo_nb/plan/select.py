"""What a budget buys: the services to deploy, chosen exactly, and the waves to deploy them in.

Reads what the workshop gives (``ws.coverage()``, ``ws.assignments``, ``ws.catalog``;
anything with those three will do) and never imports the workshop or the store.
Only services assigned to some gap in the session are candidates. A gap is worth its
weight x the best contribution of a chosen service assigned to it (full 1, partial
0.5), counted once; handed-over gaps count for nothing. The choice is a 0-1 program
solved exactly by HiGHS (see :mod:`pmo_nb.plan._milp` for the model and the tie-break:
among plans of equal value the cheaper one wins). In a follow-up (``ws.last_wave``) a
service delivered in the last wave is already bought: it costs 0 now and is in every
plan (unless excluded), with lead time 0 in the roadmap; a dropped one has lost its
carried assignments, so it is no candidate until it is assigned again.

Examples
--------
>>> plan = select_services(ws, budget=50)
>>> plan.services["service_id"].tolist(), plan.cost, plan.covered_weight, plan.optimal
(['S-A', 'S-C'], 50.0, 14.0, True)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from numbers import Real
from typing import Any

import numpy as np
import pandas as pd

from ..analysis.coverage import CONTRIBUTION_VALUE, deployed_coverage
from ..errors import PlanCancelled, PlanError, UnknownServiceError
from ..i18n import N_, Translator, translator
from . import _frontier, _milp
from .result import Plan
from .words import CURVE_COLUMNS, curve_row

__all__ = ["budget_curve", "greedy_services", "last_wave_status", "plan_coverage", "roadmap",
           "select_services", "value_at"]
SERVICE_COLUMNS = ["service_id", "name", "category", "tier", "cost", "lead_time_months"]
ROADMAP_COLUMNS = ["wave", "service_id", "name", "category", "cost", "value", "start_month",
                   "end_month", "cumulative_cost", "cumulative_value", "note"]
DEFAULT_LEAD_TIME = 1.0  # months, for services without lead_time_months
DELIVERED = "delivered"  # a follow-up's service delivered in the last wave: already bought
BOUGHT = N_("delivered in the last wave: already bought")


@dataclass(frozen=True)
class _Session:
    services: pd.DataFrame  # candidate catalog rows; row i is model column i
    gaps: pd.DataFrame  # gap_id, aspect, weight, handed_over; row i is model row i
    links: pd.DataFrame  # gap_id, service_id, row, col, level (one per pair)
    model: _milp.Model


def select_services(ws: Any, budget: float, *, must: Iterable[str] = (),
                    exclude: Iterable[str] = (), time_limit: float = 30,
                    rel_gap: float = 0.0) -> Plan:
    """The most valuable set of assigned services whose total cost is within ``budget``.

    Solved as a MILP (HiGHS); ``optimal`` says whether it is proven. ``must`` ids are
    always in (even when assigned to no gap: they cost, add nothing), ``exclude`` ids
    never. ``rel_gap`` > 0 stops once within that proven relative distance; stopped by
    ``time_limit``, the plan is the best known (the solver's or greedy's),
    ``optimality_gap`` > 0.

    Examples
    --------
    >>> plan = select_services(ws, 50, must=["S-B"])
    >>> plan.services["service_id"].tolist(), plan.covered_weight, plan.optimal
    (['S-B', 'S-D'], 6.5, True)
    """
    budget = _check_budget(budget)
    _check_number("time_limit", time_limit, low=0.0)
    s = _read(ws, must, exclude, budget)
    choice = _milp.solve(s.model, budget, float(time_limit), _check_rel_gap(rel_gap))
    return _plan(s, choice, budget, "milp")


def greedy_services(ws: Any, budget: float, *, must: Iterable[str] = (),
                    exclude: Iterable[str] = ()) -> Plan:
    """Baseline: add the service of highest marginal value per cost while one fits and helps.

    Only to show what the exact plan gains: ``optimal`` is False, ``optimality_gap`` NaN.

    Examples
    --------
    >>> greedy_services(ws, 50).covered_weight < select_services(ws, 50).covered_weight
    True
    """
    budget = _check_budget(budget)
    s = _read(ws, must, exclude, budget)
    chosen = _milp.greedy(s.model, budget)
    value = _milp.value(s.model, chosen)
    return _plan(s, _milp.Choice(chosen, value, math.nan, False, "greedy"), budget, "greedy")


def budget_curve(ws: Any, budgets: Sequence[float] | None = None, *,
                 must: Iterable[str] = (), exclude: Iterable[str] = (),
                 time_limit: float = 30, stop: Callable[[], bool] | None = None
                 ) -> pd.DataFrame:
    """What each budget buys: the exact efficient frontier, or one optimal plan per budget.

    Default (``budgets=None``): one row per budget at which the best plan gets better,
    from the must-haves' cost up to the plan that covers all the weight within reach.
    Each row's ``budget`` is the cost of the best plan at that budget, found as the least
    cost of any plan worth more than the row before (then the best plan at that cost,
    the cheapest among equals). So the value at any budget ``B`` is the value of the last
    row with ``budget <= B`` (:func:`value_at`). With ``budgets``, one optimal plan per
    budget given, ascending. ``added``/``removed``/``services`` are ``"; "``-joined
    service ids; ``added``/``removed`` compare with the previous row. ``time_limit``
    holds for each MILP; a row whose MILPs stopped short is not ``optimal``. A plan cut
    short never shows less value than the previous (cheaper) row's. ``stop``: asked
    before each point; when it answers true, :class:`pmo_nb.errors.PlanCancelled`.

    Examples
    --------
    >>> budget_curve(ws)[["budget", "covered_weight"]].values.tolist()
    [[0.0, 0.0], [10.0, 4.5], [20.0, 5.0], [30.0, 9.5], [50.0, 14.0], [80.0, 15.0]]
    >>> budget_curve(ws, [0, 30, 50])[["budget", "covered_weight", "added"]].values.tolist()
    [[0.0, 0.0, ''], [30.0, 9.5, 'S-A; S-D'], [50.0, 14.0, 'S-C']]
    """
    _check_number("time_limit", time_limit, low=0.0)
    scalar = budgets is not None and not hasattr(budgets, "__iter__")
    if scalar or isinstance(budgets, str | bytes):
        raise PlanError(f"budgets must be a list of numbers >= 0; got {budgets!r}.")
    s = _read(ws, must, exclude, math.inf)
    rows, before = [], None
    points = (_frontier.frontier(s.model, float(time_limit), stop) if budgets is None else
              ((b, _milp.solve(s.model, b, float(time_limit), 0.0), True)
               for b in _curve_budgets(s, budgets, stop)))
    for b, choice, proven in points:
        if before is not None and before.value > choice.value:  # keep the better plan
            choice = _milp.judge(s.model, before.chosen, choice.bound, choice.message)
        rows.append(_curve_row(s, b, choice, before, proven))
        before = choice
    return pd.DataFrame(rows, columns=CURVE_COLUMNS)


def value_at(curve: pd.DataFrame, budget: float) -> float:
    """The weight covered at ``budget``, read off an exact frontier (:func:`budget_curve`).

    That of the last row with ``budget <= budget``; NaN below the first row (the
    must-haves' cost).

    Examples
    --------
    >>> curve = budget_curve(ws)
    >>> value_at(curve, 45), value_at(curve, 50), value_at(curve, 1e9)
    (9.5, 14.0, 15.0)
    """
    reached = curve.loc[curve["budget"] <= budget, "covered_weight"]
    return float(reached.iloc[-1]) if len(reached) else math.nan


def roadmap(ws: Any, plan: Plan, wave_budget: float | None = None, *,
            start_month: float = 0.0, language: str | None = None) -> pd.DataFrame:
    """Deploy a plan in waves: highest value per cost first, at most ``wave_budget`` a wave.

    Order: repeatedly the service adding the most value per cost to those already placed
    (``value`` is that marginal value; cost 0 first). Waves fill in that order; a service
    that does not fit starts the next wave, and one costing more than ``wave_budget`` is a
    wave of its own (said in ``note``). Default ``wave_budget``: a third of the plan's cost.
    Wave k starts when wave k-1 has finished, i.e. after the longest lead time of each
    earlier wave; ``end_month = start_month + lead_time_months`` (missing: 1 month, noted;
    delivered in a follow-up's last wave: 0 months, noted). The notes are in ``language``
    (default English).

    Examples
    --------
    >>> roadmap(ws, select_services(ws, 50), 30)[["wave", "service_id", "start_month",
    ...                                            "end_month"]].values.tolist()
    [[1, 'S-C', 0.0, 3.0], [2, 'S-A', 3.0, 4.0]]
    """
    wave_budget = plan.cost / 3 if wave_budget is None else wave_budget
    _check_number("wave_budget", wave_budget, low=0.0, inf=True)
    _check_number("start_month", start_month, low=-math.inf)
    s = _read(ws, plan.services["service_id"], (), math.inf)
    order, gains = _milp.ratio_order(s.model, s.model.forced)
    out = s.services.iloc[order][["service_id", "name", "category", "cost"]]
    out = out.reset_index(drop=True).assign(value=gains)
    _ = translator(language)
    wave, notes = _waves(out["cost"].to_numpy(float), float(wave_budget), _)
    done = s.services["last_wave"].iloc[order].eq(DELIVERED).to_numpy()
    lead = np.where(done, 0.0, s.services["lead_time_months"].iloc[order].to_numpy(float))
    unknown = _("lead time unknown: {months} month assumed", months=_.number(DEFAULT_LEAD_TIME))
    notes = [n + [unknown] * bool(np.isnan(t)) + [_(BOUGHT)] * bool(d)
             for n, t, d in zip(notes, lead, done, strict=True)]
    lead = np.where(np.isnan(lead), DEFAULT_LEAD_TIME, lead)
    longest = pd.Series(lead).groupby(wave).max()
    starts = float(start_month) + np.r_[0.0, longest.cumsum().to_numpy()[:-1]]
    out.insert(0, "wave", wave)
    out["start_month"] = starts[wave - 1]
    out["end_month"] = out["start_month"] + lead
    out["cumulative_cost"], out["cumulative_value"] = out["cost"].cumsum(), out["value"].cumsum()
    out["note"] = pd.Series(["; ".join(n) for n in notes], index=out.index, dtype="str")
    return out[ROADMAP_COLUMNS]


def plan_coverage(ws: Any, plan: Plan) -> pd.DataFrame:
    """``ws.coverage()`` as it would be with only the plan's services deployed.

    The workshop's own rules (:func:`pmo_nb.analysis.coverage.gap_coverage`) on the assignments of
    the plan's services; handed-over gaps stay handed over.

    Examples
    --------
    >>> plan_coverage(ws, select_services(ws, 50))[["gap_id", "status"]].values.tolist()
    [['G-0', 'covered'], ['G-1', 'covered'], ['G-2', 'partial'], ['G-3', 'handed over']]
    """
    return deployed_coverage(ws.gaps, ws.catalog, ws.assignments, ws.weights,
                             plan.services["service_id"])


def _waves(cost: np.ndarray, wave_budget: float,
           _: Translator) -> tuple[np.ndarray, list[list[str]]]:
    """Wave number (1-based) of each service, filled in order, and any note."""
    wave, notes, spent, k = [], [], 0.0, 0
    for c in cost:
        alone = c > wave_budget
        if k == 0 or alone or spent + c > wave_budget or spent > wave_budget:
            k, spent = k + 1, 0.0
        wave.append(k)
        spent += c
        notes.append([_("costs {cost} > wave budget {budget}: a wave of its own",
                        cost=_.number(c), budget=_.number(wave_budget))] if alone else [])
    return np.asarray(wave, int), notes


def _curve_budgets(s: _Session, budgets: Sequence[float],
                   stop: Callable[[], bool] | None = None) -> Iterator[float]:
    checked = sorted({_check_budget(b) for b in budgets})
    if checked:
        _check_must_cost(s, checked[0])
    for budget in checked:
        if stop is not None and stop():
            raise PlanCancelled("the budget curve was cancelled by a newer change.")
        yield budget


def _curve_row(s: _Session, budget: float, c: _milp.Choice, before: _milp.Choice | None,
               proven: bool = True) -> dict:
    ids = s.services["service_id"]
    prev = ids[before.chosen].tolist() if before is not None else []
    return curve_row(budget, float(s.model.cost[c.chosen].sum()), c.value,
                     float(s.model.weight.sum()), c.optimal and proven, c.gap,
                     ids[c.chosen].tolist(), prev)


def _plan(s: _Session, c: _milp.Choice, budget: float, method: str) -> Plan:
    m = s.model
    services = s.services.assign(unique_value=_milp.unique_values(m, c.chosen))[c.chosen]
    counted = ~s.gaps["handed_over"].to_numpy()
    gaps = s.gaps.assign(best_contribution=np.where(counted, _milp.levels(m, c.chosen), 0.0))
    gaps["value"] = gaps["weight"] * gaps["best_contribution"]
    served = s.links[c.chosen[s.links["col"]] & (m.weight[s.links["row"]] > 0)]  # row, col order
    gaps["service_ids"] = _joined(served["row"].to_numpy(), served["service_id"], len(gaps))
    gap = math.nan if method == "greedy" else c.gap
    return Plan(budget, services.reset_index(drop=True), float(m.cost[c.chosen].sum()), c.value,
                float(m.weight.sum()), c.optimal, gap, gaps, c.bound, method)


def _read(ws: Any, must: Iterable[str], exclude: Iterable[str], budget: float) -> _Session:
    """The session's candidates and gaps as a model; checks must/exclude against the catalog."""
    catalog, links_in = ws.catalog, ws.assignments
    must, exclude = _ids(must), _ids(exclude)
    _check_ids(must, exclude, catalog["service_id"].astype(str).tolist())
    keep = catalog["service_id"].isin(set(links_in["service_id"]) | set(must))
    services = catalog.loc[keep, SERVICE_COLUMNS].reset_index(drop=True)
    status = last_wave_status(ws)
    wave = pd.Series([status.get(i, "") for i in services["service_id"]], dtype="str")
    bought = wave.eq(DELIVERED) & ~services["service_id"].isin(exclude)
    services["cost"] = services["cost"].where(~bought, 0.0)  # already bought: cost 0 now
    services["must"] = services["service_id"].isin(must) | bought
    services["last_wave"] = wave
    per_gap = ws.coverage()
    gaps = per_gap[["gap_id", "aspect", "weight"]].assign(
        handed_over=per_gap["status"] == "handed over")
    links = _links(links_in, gaps, services)
    weight = gaps["weight"].to_numpy(float) * ~gaps["handed_over"].to_numpy()
    model = _milp.Model(services["cost"].to_numpy(float), weight, links["row"].to_numpy(),
                        links["col"].to_numpy(), links["level"].to_numpy(float),
                        services["must"].to_numpy(), services["service_id"].isin(exclude)
                        .to_numpy())
    s = _Session(_with_reach(services, links, weight), gaps.reset_index(drop=True), links, model)
    _check_must_cost(s, budget)
    return s


def last_wave_status(ws: Any) -> dict[str, str]:
    """service_id -> status of the services a follow-up carries from its baseline's wave
    (``ws.last_wave``; none for a first assessment or anything without one).

    >>> last_wave_status(ws)
    {}
    """
    wave = getattr(ws, "last_wave", None)
    if wave is None or not len(wave):
        return {}
    return dict(zip(wave["service_id"], wave["status"], strict=True))


def _links(assignments: pd.DataFrame, gaps: pd.DataFrame, services: pd.DataFrame) -> pd.DataFrame:
    """One link per (gap, candidate) pair, its best contribution; by row, then col."""
    row = pd.Index(gaps["gap_id"]).get_indexer(assignments["gap_id"])
    col = pd.Index(services["service_id"]).get_indexer(assignments["service_id"])
    kind = assignments["contribution"].to_numpy(dtype=object)
    level = np.select([kind == k for k in CONTRIBUTION_VALUE],
                      list(CONTRIBUTION_VALUE.values()), 0.0)
    keep = np.flatnonzero((row >= 0) & (col >= 0))
    keep = keep[np.lexsort((-level[keep], col[keep], row[keep]))]
    r, c = row[keep], col[keep]
    keep = keep[np.r_[True, (r[1:] != r[:-1]) | (c[1:] != c[:-1])] if len(keep) else keep]
    return pd.DataFrame({
        "gap_id": pd.array(assignments["gap_id"].to_numpy(dtype=object)[keep], dtype="str"),
        "service_id": pd.array(assignments["service_id"].to_numpy(dtype=object)[keep],
                               dtype="str"),
        "row": row[keep], "col": col[keep], "level": level[keep]})


def _with_reach(services: pd.DataFrame, links: pd.DataFrame, weight: np.ndarray) -> pd.DataFrame:
    mine = links[weight[links["row"]] > 0]
    n, col = len(services), mine["col"].to_numpy()
    return services.assign(
        n_gaps=np.bincount(col, minlength=n),
        gap_ids=pd.array(_joined(col, mine["gap_id"], n), dtype="str"),
        standalone_value=np.bincount(col, weight[mine["row"]] * mine["level"], minlength=n))


def _joined(keys: np.ndarray, values: pd.Series, n: int) -> list[str]:
    """For each key 0..n-1, its ``values`` ``"; "``-joined, in their order."""
    order = np.argsort(keys, kind="stable")
    items, ends = values.to_numpy(dtype=object)[order].tolist(), np.cumsum(
        np.bincount(keys, minlength=n)).tolist()
    return ["; ".join(items[a:b]) for a, b in zip([0, *ends][:n], ends, strict=True)]


def _ids(ids: Iterable[str]) -> tuple[str, ...]:
    return (ids,) if isinstance(ids, str) else tuple(dict.fromkeys(str(i) for i in ids))


def _check_ids(must: tuple[str, ...], exclude: tuple[str, ...], existing: list[str]) -> None:
    for value in must + exclude:
        if value not in existing:
            raise UnknownServiceError(value, existing)
    both = [i for i in must if i in exclude]
    if both:
        raise PlanError.worded(N_("must and exclude both name {ids}; a service cannot be both "
                                  "required and excluded."), ids=", ".join(both))


def _check_must_cost(s: _Session, budget: float) -> None:
    cost = float(s.model.cost[s.model.forced].sum())
    if cost > budget:
        raise PlanError.worded(N_("the must-haves cost {cost} > budget {budget}; raise the "
                                  "budget or drop a must-have."), cost=cost, budget=budget)


def _check_budget(budget: object) -> float:
    _check_number("budget", budget, low=0.0, inf=True)
    return float(budget)  # type: ignore[arg-type]


def _check_number(name: str, value: object, low: float, inf: bool = False) -> None:
    """``value`` must be a real number >= low (a bool is not), finite unless ``inf``."""
    ok = isinstance(value, Real) and not isinstance(value, bool | np.bool_)
    ok = ok and not math.isnan(value) and value >= low  # type: ignore[arg-type]
    if not ok or (not inf and math.isinf(value)):  # type: ignore[arg-type]
        what = f"a number >= {low:g}" if low > -math.inf else "a finite number"
        raise PlanError(f"{name} must be {what}; got {value!r}.")


def _check_rel_gap(rel_gap: object) -> float:
    if not isinstance(rel_gap, Real) or isinstance(rel_gap, bool) or not 0 <= rel_gap < 1:
        raise PlanError(f"rel_gap must be a number in [0, 1); got {rel_gap!r}.")
    return float(rel_gap)

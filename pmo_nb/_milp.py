"""The budget plan as a 0-1 program: arrays in, a choice of services out (scipy's HiGHS MILP).

Model. One binary ``x_s`` per candidate service. Per gap ``g`` of weight ``w_g`` two
continuous variables in [0, 1]: ``z_g`` (some chosen service helps g) and ``f_g`` (a
chosen *full* service helps g)::

    z_g <= sum(x_s, s assigned to g)                 one row per gap
    f_g <= sum(x_s, s assigned to g in full)         one row per gap with a full service
    sum(cost_s x_s) <= budget
    maximise sum(0.5 w_g z_g + 0.5 w_g f_g)

This is ``y_full + 0.5 y_half`` with ``y_half = z - f``: with ``x`` integral the optimum
sets ``z_g = min(1, ...)`` and ``f_g = min(1, ...)``, so a gap is worth ``w_g`` when a full
service is chosen, ``w_g / 2`` when only partial ones are and 0 otherwise, once however
many services help it. ``y`` stays continuous. Per gap the rows are the convex hull of
"covered iff one of its services is chosen", so the LP bound is as tight as a per-gap
model gets; the rest is knapsack slack that HiGHS cuts. Gaps served by the same services
(same contributions) are merged first, their weights summed.

Tie-break. Among plans of equal value the cheaper one wins (then the one with fewer
services): each ``x_s`` carries a penalty ``delta * (cost_s + k) / sum(cost + k)``, in all
below ``delta = 0.4 * grain``, where ``grain`` is the step between distinct plan values
(0.5 for whole weights; weights are read on a 1e-6 grid). No penalty can outweigh a step
of value, so the penalised optimum is a plan of maximum value.

Honesty. The value is recomputed from the chosen set. The upper bound is the solver's
dual bound plus ``delta`` (capped by the weight within reach); a plan is *optimal* when
``bound - value < grain``: no better plan value fits in between. HiGHS runs without its
own presolve: with it, HiGHS (as bundled with scipy 1.17) reported a suboptimal plan as
optimal on a 5,000-gap workshop (cf. ERGO-Code/HiGHS#3073, #3094); the reductions above
are our presolve. A dual bound below the recomputed value is ignored, never trusted.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_array, csr_array

GRID_DIGITS = 6


@dataclass(frozen=True)
class Model:
    """Services (``cost``, ``forced``, ``banned``), gaps (``weight``) and their links.

    Link ``i`` joins gap ``rows[i]`` to service ``cols[i]`` at ``level[i]`` (1.0 full,
    0.5 partial); one link per pair. A gap of weight 0 (handed over) counts for nothing.
    """

    cost: np.ndarray
    weight: np.ndarray
    rows: np.ndarray
    cols: np.ndarray
    level: np.ndarray
    forced: np.ndarray
    banned: np.ndarray


@dataclass(frozen=True)
class Choice:
    """The chosen services, their value, a proven upper bound and whether it is optimal."""

    chosen: np.ndarray
    value: float
    bound: float
    optimal: bool
    message: str

    @property
    def gap(self) -> float:
        """Relative distance to the bound: 0.0 when optimal."""
        return 0.0 if self.optimal else (self.bound - self.value) / self.bound


def levels(m: Model, chosen: np.ndarray) -> np.ndarray:
    """Best contribution of the chosen services for each gap (0.0 when none)."""
    best = np.zeros(len(m.weight))
    keep = chosen[m.cols]
    np.maximum.at(best, m.rows[keep], m.level[keep])
    return best


def value(m: Model, chosen: np.ndarray) -> float:
    """Total value of a set of services: sum of weight x best contribution."""
    return float(m.weight @ levels(m, chosen))


def grain(weight: np.ndarray) -> float:
    """The step between distinct plan values: 0.5 / 10**k for weights on a 10**-k grid."""
    for k in range(GRID_DIGITS + 1):
        scaled = 2 * weight * 10**k
        if np.all(np.abs(scaled - np.round(scaled)) <= 1e-9 * np.maximum(1, scaled)):
            break
    return 0.5 / 10**k


def judge(m: Model, chosen: np.ndarray, bound: float, message: str) -> Choice:
    """A choice with its value, the bound (never below the value) and the optimality verdict."""
    v = value(m, chosen)
    optimal = bound - v < grain(m.weight) * (1 - 1e-6)  # no better value fits below the bound
    return Choice(chosen, v, v if optimal else bound, optimal, message)


def solve(m: Model, budget: float, time_limit: float, rel_gap: float) -> Choice:
    """The best set of services within ``budget``, as proven as ``time_limit`` allows.

    When the solver stops short of a proof, the greedy plan is taken if it is better.
    """
    free = _available(m, budget) & ~m.forced
    if not free.any():
        return judge(m, m.forced.copy(), 0.0, "nothing else fits the budget")
    cols = np.flatnonzero(free | m.forced)
    res = _run(m, cols, budget, time_limit, rel_gap)
    reach, dual = _reach(m, cols), getattr(res, "mip_dual_bound", None)
    ok = dual is not None and np.isfinite(dual)
    bound, message = min(reach, 0.4 * grain(m.weight) - dual) if ok else reach, res.message
    chosen = greedy(m, budget) if res.x is None else _repair(m, _picked(m, cols, res.x), budget)
    if value(m, chosen) > bound + 1e-6 * max(1.0, bound):  # a solver bound we cannot trust
        bound, message = reach, f"{message} (solver bound ignored: below the plan)"
    choice = judge(m, chosen, bound, message)
    if choice.optimal or res.x is None:
        return choice
    other = greedy(m, budget)
    better = value(m, other) > choice.value
    return judge(m, other, bound, f"{message} (greedy plan: better)") if better else choice


def _picked(m: Model, cols: np.ndarray, x: np.ndarray) -> np.ndarray:
    chosen = np.zeros(len(m.cost), bool)
    chosen[cols] = x[: len(cols)] > 0.5
    return chosen


def _available(m: Model, budget: float) -> np.ndarray:
    useful = np.zeros(len(m.cost), bool)
    useful[m.cols[m.weight[m.rows] > 0]] = True
    spare = budget - m.cost[m.forced].sum()
    return m.forced | (useful & ~m.banned & (m.cost <= spare))


def _reach(m: Model, cols: np.ndarray) -> float:
    mask = np.zeros(len(m.cost), bool)
    mask[cols] = True
    return value(m, mask)


def _terms(m: Model, pos: np.ndarray) -> tuple[np.ndarray, list[np.ndarray], np.ndarray]:
    """The value as ``sum(coef * min(1, sum(x_s, s in S)))`` over service sets ``S``.

    A gap gives (all its services, w) when all are full, (all, w/2) when none is, else
    (all, w/2) + (full ones, w/2). Equal sets are merged; a one-service set is folded
    into that service's own objective (``min(1, x_s) = x_s``): no variable, no row.
    Returns the per-service coefficients, the sets and their coefficients.
    """
    keep = (pos[m.cols] >= 0) & (m.weight[m.rows] > 0)
    rows, cols, lvl = m.rows[keep], pos[m.cols[keep]], m.level[keep]
    order = np.lexsort((cols, rows))
    rows, cols, lvl = rows[order], cols[order], lvl[order]
    cuts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]]) if len(rows) else rows
    own, sets = np.zeros(int(pos.max()) + 1), {}
    for a, b in zip(cuts, np.r_[cuts[1:], len(rows)].astype(int), strict=True):
        w, every, full = m.weight[rows[a]], cols[a:b], cols[a:b][lvl[a:b] == 1.0]
        parts = [(every, w)] if len(full) == len(every) else [(every, w / 2), (full, w / 2)]
        for group, coef in parts:
            if len(group) == 1:
                own[group[0]] += coef
            elif len(group):
                sets[group.tobytes()] = sets.get(group.tobytes(), 0.0) + coef
    groups = [np.frombuffer(k, dtype=cols.dtype) for k in sets]
    return own, groups, np.fromiter(sets.values(), float, len(sets))


def _run(m: Model, cols: np.ndarray, budget: float, time_limit: float, rel_gap: float):
    pos = np.full(len(m.cost), -1)
    pos[cols] = np.arange(len(cols))
    own, groups, coef = _terms(m, pos)
    n, u = len(cols), len(groups)
    r = np.repeat(np.arange(u), [len(g) + 1 for g in groups])  # t_u - sum(x_s, s in S_u) <= 0
    c = np.concatenate([np.r_[n + i, g] for i, g in enumerate(groups)]) if u else r
    v = np.concatenate([np.r_[1.0, -np.ones(len(g))] for g in groups]) if u else r * 1.0
    rows = [LinearConstraint(csr_array(coo_array((v, (r, c)), shape=(u, n + u))), -np.inf, 0.0)]
    cost = m.cost[cols]
    if np.isfinite(budget):
        rows.append(LinearConstraint(np.r_[cost, np.zeros(u)][None, :], -np.inf, budget))
    k = 1e-4 * (cost.mean() if cost.sum() > 0 else 1.0)
    pen = 0.4 * grain(m.weight) * (cost + k) / (cost + k).sum()
    lb = np.r_[m.forced[cols].astype(float), np.zeros(u)]
    return milp(np.r_[pen - own, -coef], integrality=np.r_[np.ones(n), np.zeros(u)],
                bounds=Bounds(lb, 1.0), constraints=rows,
                options={"time_limit": time_limit, "mip_rel_gap": rel_gap, "presolve": False})


def _repair(m: Model, chosen: np.ndarray, budget: float) -> np.ndarray:
    """Drop the least useful non-forced service while solver tolerance left cost > budget."""
    while m.cost[chosen].sum() > budget:
        loss = unique_values(m, chosen) / np.maximum(m.cost, 1e-12)
        loss[~chosen | m.forced] = np.inf
        chosen[int(np.argmin(loss))] = False
    return chosen


def unique_values(m: Model, chosen: np.ndarray) -> np.ndarray:
    """Per service: the value lost if it alone left the chosen set (0 when not chosen)."""
    keep = chosen[m.cols]
    rows, cols, lvl = m.rows[keep], m.cols[keep], m.level[keep]
    top, second = np.zeros(len(m.weight)), np.zeros(len(m.weight))
    np.maximum.at(top, rows, lvl)
    at_top = lvl == top[rows]
    n_top = np.bincount(rows[at_top], minlength=len(m.weight))
    np.maximum.at(second, rows[~at_top], lvl[~at_top])
    alone = at_top & (n_top[rows] == 1)
    loss = np.where(alone, (top[rows] - second[rows]) * m.weight[rows], 0.0)
    return np.bincount(cols, weights=loss, minlength=len(m.cost))


def greedy(m: Model, budget: float) -> np.ndarray:
    """Greedy: add the affordable service of most marginal value per cost while one helps."""
    chosen, _, _ = _steps(m, m.forced.copy(), ~m.forced & ~m.banned, budget, stop=True)
    return chosen


def ratio_order(m: Model, chosen: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The chosen services, highest marginal value per cost first, and each marginal value."""
    _, order, gains = _steps(m, np.zeros(len(m.cost), bool), chosen.copy(), np.inf, stop=False)
    return np.asarray(order, int), np.asarray(gains, float)


def _steps(m: Model, chosen: np.ndarray, open_: np.ndarray, budget: float, stop: bool):
    cur = levels(m, chosen)
    order, gains = [], []
    while True:
        fits = open_ & (m.cost[chosen].sum() + m.cost <= budget)
        if not fits.any():
            return chosen, order, gains
        up = m.weight[m.rows] * np.maximum(0.0, m.level - cur[m.rows])
        gain = np.bincount(m.cols, weights=up, minlength=len(m.cost))
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(m.cost > 0, gain / m.cost, np.where(gain > 0, np.inf, 0.0))
        s = int(np.argmax(np.where(fits, ratio, -1.0)))
        if stop and gain[s] <= 0:
            return chosen, order, gains
        chosen[s], open_[s] = True, False
        mine = m.cols == s
        np.maximum.at(cur, m.rows[mine], m.level[mine])
        order.append(s)
        gains.append(float(gain[s]))

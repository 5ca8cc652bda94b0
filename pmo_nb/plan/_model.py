"""The budget plan's model and what needs no solver: values, the verdict, greedy, ratios.

A :class:`Model` holds the candidate services, the gaps' weights and their links; a
:class:`Choice` is a set of services with its value, a proven bound and the verdict.
:mod:`pmo_nb.plan._milp` finds the best choice.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

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


def repair(m: Model, chosen: np.ndarray, budget: float) -> np.ndarray:
    """Drop the least useful non-forced service while solver tolerance left cost > budget
    (a budget a float's rounding below a sum of costs still buys it: 1e-9 relative)."""
    while m.cost[chosen].sum() > budget + 1e-9 * max(1.0, abs(budget)):
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


def fill(m: Model, chosen: np.ndarray, budget: float) -> np.ndarray:
    """Greedy from ``chosen``: add the affordable service of most marginal value per cost."""
    out, _, _ = _steps(m, chosen.copy(), ~chosen & ~m.banned, budget, stop=True)
    return out


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

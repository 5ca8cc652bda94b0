"""The exact efficient frontier of the plan model: every budget where the best plan gets better.

From the top down. At budget ``b`` the best value ``V(b)`` is proven, and the plan that
reaches it taken; the next budget is one cost step below that plan's cost. A plan of
value ``V(b)`` that was not the cheapest of its value is found again one step down and
replaces it, so each point ends as the cheapest plan of its value. Services another one
beats (no dearer, at least as good for every gap) are left out first (:func:`dominated`).

Most points need no MILP. Two proven upper bounds on ``V(b)`` are cheap: the LP
relaxation at ``b`` (one HiGHS model kept for the whole frontier, re-solved from its
last basis after the budget row moves; the bound recomputed from its duals,
:class:`pmo_nb.plan._reduce.Relaxation`) and the point above (``V`` never rises as the
budget falls; one grain lower when that point was the cheapest plan of its value). Known
plans are tried against them: the point above less one of its least missed services,
filled greedily within ``b``; the services the LP took whole, filled; greedy from nothing.
When the best of them reaches the bound (no better value fits below it), it is the point;
else one exact MILP (:func:`pmo_nb.plan._milp.solve`) starts from it.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import replace

import numpy as np

from ..errors import PlanCancelled
from . import _milp, _reduce
from ._model import Choice, Model, fill, grain, greedy, judge, unique_values, value

TRIES = 4  # services of the plan above tried for leaving, least missed (per cost) first


class _Bound:
    """``V(b) <=`` the LP relaxation at ``b``: forced services in, banned and useless out."""

    def __init__(self, m: Model, time_limit: float):
        out = m.banned | ~_milp._available(m, math.inf)
        sub, self.free, self.const = _milp._restrict(m, m.forced, out & ~m.forced)
        self.sub, self.spent = sub, float(m.cost[m.forced].sum())
        self.lp = None
        if len(self.free):
            obj, a, n = _milp._program(sub, np.zeros(len(sub.cost)))
            self.lp = _reduce.Relaxation(obj, a, np.r_[np.zeros(a.shape[0] - 1), 0.0], n,
                                         time_limit)

    def at(self, budget: float, deadline: float) -> float:
        if self.lp is None:
            return self.const
        spare = _reduce.budget_grid(self.sub.cost, budget - self.spent)
        return self.const + self.lp.resolve(-1, spare, deadline)

    def whole(self, m: Model) -> np.ndarray:
        """The forced services and those the last LP took whole: a start to fill."""
        chosen = m.forced.copy()
        if self.lp is not None:
            x = np.asarray(self.lp._h.getSolution().col_value)[: len(self.free)]
            chosen[self.free[x > 1 - 1e-6]] = True
        return chosen


def frontier(m: Model, time_limit: float, stop: Callable[[], bool] | None = None
             ) -> list[tuple[float, Choice, bool]]:
    """``(budget, choice, proven)`` at each budget where the best plan gets better, cheapest
    first. ``time_limit`` holds for each MILP; ``stop()`` true ends it with
    :class:`pmo_nb.errors.PlanCancelled` (checked before each point)."""
    m = replace(m, banned=m.banned | dominated(m))  # never in a cheapest plan of its value
    low, unit = float(m.cost[m.forced].sum()), _reduce.cost_step(m.cost)
    step = grain(m.weight)
    budget = float(m.cost[~m.banned | m.forced].sum())
    bound, points, cheapest = _Bound(m, time_limit), [], False
    while True:
        if stop is not None and stop():
            raise PlanCancelled("the budget curve was cancelled by a newer change.")
        choice, cheapest_now = _point(m, budget, bound, points, cheapest, step, time_limit)
        cost = float(m.cost[choice.chosen].sum())
        if points and choice.value >= points[-1][1].value - 1e-9 * max(1.0, choice.value):
            points[-1] = (cost, choice, choice.optimal)  # cheaper, as good: it replaces it
        else:
            points.append((cost, choice, choice.optimal))
        cheapest = cheapest_now
        if cost <= low:
            return points[::-1]
        below = cost - unit if unit else cost - 1e-6 * max(1.0, cost)  # the next cost down
        budget = max(low, below)


def _point(m: Model, budget: float, bound: _Bound, points: list, cheapest: bool,
           step: float, time_limit: float) -> tuple[Choice, bool]:
    """The best plan within ``budget``, proven; and whether it is the cheapest of its value."""
    deadline = time.perf_counter() + time_limit
    top = bound.at(budget, deadline)
    top += _reduce.slack(top)  # the rounding of the sums that make it
    if points:
        above = points[-1][1]
        top = min(top, above.bound - step if cheapest and above.optimal else above.bound)
    known = _known(m, budget, points[-1][1].chosen if points else None)
    rounded = bound.whole(m)
    if m.cost[rounded].sum() <= budget:
        known = _milp._better(m, known, fill(m, rounded, budget))
    quick = judge(m, known, max(top, value(m, known)), "proven by the LP bound")
    if quick.optimal:
        return quick, False
    choice = _milp.solve(m, budget, time_limit, 0.0, start=known)
    return choice, choice.optimal


def _known(m: Model, budget: float, above: np.ndarray | None, tries: int = TRIES
           ) -> np.ndarray:
    """A good plan within ``budget``: greedy from nothing, or the plan above less one of its
    least missed services (per cost), filled greedily; whichever is worth most."""
    best = greedy(m, budget)
    if above is None:
        return best
    spare = budget - float(m.cost[above].sum())
    drop = above & ~m.forced & (m.cost >= -spare)
    loss = np.where(drop, unique_values(m, above) / np.maximum(m.cost, 1e-12), np.inf)
    for s in np.argsort(loss, kind="stable")[: min(tries, int(drop.sum()))]:
        start = above.copy()
        start[s] = False
        best = _milp._better(m, best, fill(m, start, budget))
    return best


def dominated(m: Model) -> np.ndarray:
    """Services another one beats: it costs no more and helps every gap at least as much
    (of two equal ones, the later). Swapping one in for the other never loses value nor
    costs more, so no cheapest plan of its value needs the dominated one. Must-haves stay;
    a banned service dominates nothing."""
    n, live = len(m.cost), m.weight[m.rows] > 0
    levels = np.zeros((n, len(m.weight)))
    levels[m.cols[live], m.rows[live]] = m.level[live]
    out = np.zeros(n, bool)
    for a in np.flatnonzero(~m.forced):
        mine = np.flatnonzero(levels[a])  # its gaps: any service beating it serves them
        covers = (levels[:, mine] >= levels[a, mine]).all(axis=1) & (m.cost <= m.cost[a])
        covers &= ~m.banned
        covers[a] = False
        for b in np.flatnonzero(covers):  # of two equal services, the earlier one stays
            if b < a or m.cost[b] < m.cost[a] or (levels[b] != levels[a]).any():
                out[a] = True
                break
    return out

"""The budget plan as a 0-1 program: arrays in, a choice of services out (HiGHS, via highspy).

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

Reductions (large models). Services are fixed in or out by proof before HiGHS sees the
model (:mod:`pmo_nb._reduce`: LP duals and probing, each bound recomputed by us from the
duals), against a target objective: every plan at least as good as the target keeps the
fixings, so the best plan of the smaller model is the best of all once it reaches the
target. The first target is a hope (a little below the LP bound); if the plan found falls
short, that plan becomes the target and the search is repeated, which always holds.

Honesty. The value is recomputed from the chosen set. The upper bound is the largest of
the solver's dual bound plus ``delta`` (capped by the weight within reach) and what the
fixings leave to plans they cut (below the target); a plan is *optimal* when
``bound - value < grain``: no better plan value fits in between. HiGHS's MIP presolve
runs (:data:`pmo_nb.plan._highs.MIP_OPTIONS`), hence highspy >= 1.16: HiGHS 1.12 (as
bundled with scipy 1.17) reported a suboptimal plan as optimal with it on a 5,000-gap
workshop (cf. ERGO-Code/HiGHS#3073, #3094, both fixed since; the tiny model of #3073
solves right on 1.16, and 54 workshops from 120 x 80 to 5,000 x 300 got the same plans
with it on and off; a test compares both). A dual bound below the recomputed value is
ignored, never trusted.
"""

from __future__ import annotations

import itertools
import time

import numpy as np
from scipy.sparse import coo_array, csr_array

from . import _highs, _reduce
from ._model import (  # noqa: F401  (select.py reads them here)
    Choice,
    Model,
    grain,
    greedy,
    judge,
    levels,
    ratio_order,
    repair,
    unique_values,
    value,
)

REDUCE_FROM = 150  # services: below, HiGHS on the whole model is quicker
ROUNDS = 60  # at most, of fixing by the LP's reduced costs
HOPE = 3e-4  # the first target: this share below the LP bound (or 4 grains)


def solve(m: Model, budget: float, time_limit: float, rel_gap: float,
          reduce: bool | None = None, start: np.ndarray | None = None) -> Choice:
    """The best set of services within ``budget``, as proven as ``time_limit`` allows.

    With ``reduce`` (default: for ``REDUCE_FROM`` services or more), services are first
    fixed by proof against a target (:func:`_fix`), and HiGHS solves what is left. The
    target is hopeful: a little below the LP bound. When the plan found reaches it, no
    plan cut by a fixing can beat it; when not, the plan found becomes the target (then
    it always holds). When the solver stops short of a proof, the best plan known is taken.
    ``start``: a plan within ``budget`` to start from (default: greedy's).
    """
    deadline = time.perf_counter() + time_limit
    avail = _available(m, budget)
    if not (avail & ~m.forced).any():
        return judge(m, m.forced.copy(), 0.0, "nothing else fits the budget")
    known = greedy(m, budget) if start is None else start.copy()
    pen, target, first = _penalty(m, grain(m.weight)), -np.inf, None
    if reduce or (reduce is None and avail.sum() >= REDUCE_FROM):
        first, known, target = _root(m, budget, avail, known, pen, deadline)
    while True:
        fixed = _fix(m, budget, avail, known, target, pen, deadline, first)
        chosen, bound, message, proven = _solve_rest(m, budget, *fixed, rel_gap, pen, known,
                                                     deadline)
        chosen, first = _better(m, chosen, known), None
        reached = _objective(m, chosen, pen) >= target - _reduce.slack(target)
        if reached or not proven or target == _objective(m, known, pen):
            break
        known, target = chosen, _objective(m, chosen, pen)  # hoped too high: what we know
    bound = max(bound, target + 0.4 * grain(m.weight), value(m, known))  # cut: below target
    if value(m, chosen) > bound + 1e-6 * max(1.0, bound):  # a solver bound we cannot trust
        bound, message = _reach(m, avail), f"{message} (solver bound ignored: below the plan)"
    return judge(m, chosen, min(bound, _reach(m, avail)), message)


def _objective(m: Model, chosen: np.ndarray, pen: np.ndarray) -> float:
    """Value less the tie-break penalties: what the MILP maximises."""
    return value(m, chosen) - float(pen[chosen].sum())


def _root(m: Model, budget: float, avail: np.ndarray, known: np.ndarray, pen: np.ndarray,
          deadline: float):
    """The first LP (kept for :func:`_fix`), the plan known with RENS, the hopeful target."""
    fixed_in = m.forced.copy()
    sub, free, const = _restrict(m, fixed_in, ~avail)
    spare = _reduce.budget_grid(sub.cost, budget - m.cost[fixed_in].sum())
    obj, a, n = _program(sub, pen[free])
    lp = _reduce.Relaxation(obj, a, np.r_[np.zeros(a.shape[0] - 1), spare], n, _left(deadline))
    if lp.x is None:
        return None, known, -np.inf
    known = _better(m, known, _rounded(m, budget, fixed_in, ~avail, free, lp.x, pen, deadline))
    top = lp.bound()[0] + const - float(pen[fixed_in].sum())
    hope = max(4 * grain(m.weight), HOPE * abs(top))
    return (sub, free, lp), known, max(_objective(m, known, pen), top - hope)


def _fix(m: Model, budget: float, avail: np.ndarray, known: np.ndarray, target: float,
         pen: np.ndarray, deadline: float, first=None) -> tuple[np.ndarray, np.ndarray]:
    """Services fixed in and out: every plan of objective >= ``target`` keeps them so.

    Rounds: the LP of the model left, fixing by its reduced costs, the model restricted;
    each new LP's duals fix more (the LP is very degenerate). When a round fixes little,
    the columns left are probed one by one (:meth:`_reduce.Relaxation.fix`).
    """
    fixed_in, fixed_out = m.forced.copy(), ~avail
    for _ in range(ROUNDS if np.isfinite(target) else 0):
        sub, free, lp = first or (*_restrict(m, fixed_in, fixed_out)[:2], None)
        if not len(free) or time.perf_counter() > deadline:
            break
        if lp is None:
            spare = _reduce.budget_grid(sub.cost, budget - m.cost[fixed_in].sum())
            obj, a, n = _program(sub, pen[free])
            lp = _reduce.Relaxation(obj, a, np.r_[np.zeros(a.shape[0] - 1), spare], n,
                                    _left(deadline))
        first, floor = None, target - value(m, fixed_in) + float(pen[fixed_in].sum())
        bound, d = lp.bound()
        if lp.x is None:
            break
        one, zero = _reduce.fixings(bound, d[: lp.n], floor)
        probe = one.sum() + zero.sum() < max(1, lp.n // 50)  # the duals have given their all
        if probe:
            one, zero = lp.fix(known[free], floor, deadline)
        fixed_in, fixed_out = fixed_in.copy(), fixed_out.copy()
        fixed_in[free[one]], fixed_out[free[zero]] = True, True
        if probe:
            break
    return fixed_in, fixed_out


def _solve_rest(m: Model, budget: float, fixed_in: np.ndarray, fixed_out: np.ndarray,
                rel_gap: float, pen: np.ndarray, known: np.ndarray, deadline: float):
    """HiGHS on the services left: the plan, a bound on its value, the message, proven?"""
    sub, free, const = _restrict(m, fixed_in, fixed_out)
    if not len(free):
        return repair(m, fixed_in.copy(), budget), const, "every service fixed by proof", True
    spare = _reduce.budget_grid(sub.cost, budget - m.cost[fixed_in].sum())
    res = _run(sub, spare, _left(deadline), rel_gap, pen[free], _start(m, known, fixed_in,
                                                                       fixed_out, free))
    bound = np.inf  # below: + the most the penalties can take off
    if np.isfinite(res.dual_bound):
        bound = const + 0.4 * grain(m.weight) - res.dual_bound
    chosen = fixed_in.copy()
    if res.x is not None:
        chosen[free] = _picked(sub, res.x)
        chosen = repair(m, chosen, budget)
    return chosen, bound, res.message, res.proven


def _start(m: Model, known: np.ndarray, fixed_in: np.ndarray, fixed_out: np.ndarray,
           free: np.ndarray) -> np.ndarray | None:
    """The known plan on the free services, when it keeps the fixings (else None)."""
    return known[free] if (known >= fixed_in).all() and not (known & fixed_out).any() else None


def _left(deadline: float) -> float:
    return max(0.0, deadline - time.perf_counter())


def _better(m: Model, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The plan of more value; on a tie the cheaper one (``a`` when equal)."""
    va, vb = value(m, a), value(m, b)
    if vb > va + 1e-9 * max(1.0, va):
        return b
    return b if abs(vb - va) <= 1e-9 * max(1.0, va) and m.cost[b].sum() < m.cost[a].sum() else a


def _restrict(m: Model, fixed_in: np.ndarray, fixed_out: np.ndarray
              ) -> tuple[Model, np.ndarray, float]:
    """The model over the free services, their indices, and the value of ``fixed_in``."""
    w, r, c, lv, free, const = _reduce.restrict(m.weight, m.rows, m.cols, m.level, fixed_in,
                                                fixed_out)
    none = np.zeros(len(free), bool)
    return Model(m.cost[free], w, r, c, lv, none, none.copy()), free, const


def _rounded(m: Model, budget: float, fixed_in: np.ndarray, fixed_out: np.ndarray,
             free: np.ndarray, x: np.ndarray, pen: np.ndarray, deadline: float) -> np.ndarray:
    """The best plan with the LP's whole services in and its unused ones out (RENS)."""
    keep, drop = fixed_in.copy(), fixed_out.copy()
    keep[free[x > 1 - 1e-6]], drop[free[x < 1e-6]] = True, True
    spare = budget - m.cost[keep].sum()
    if spare < 0:
        return fixed_in.copy()
    small, rest, _ = _restrict(m, keep, drop)
    if len(rest):
        res = _run(small, spare, min(1.0, _left(deadline) / 4), 0.0, pen[rest])
        if res.x is not None:
            keep[rest] = _picked(small, res.x)
    return repair(m, keep, budget)


def _picked(m: Model, x: np.ndarray) -> np.ndarray:
    return x[: len(m.cost)] > 0.5


def _available(m: Model, budget: float) -> np.ndarray:
    useful = np.zeros(len(m.cost), bool)
    useful[m.cols[m.weight[m.rows] > 0]] = True
    spare = budget - m.cost[m.forced].sum()
    return m.forced | (useful & ~m.banned & (m.cost <= spare))


def _reach(m: Model, mask: np.ndarray) -> float:
    return value(m, mask)


def _terms(m: Model) -> tuple[np.ndarray, list[tuple[int, ...]], np.ndarray]:
    """The value as ``sum(coef * min(1, sum(x_s, s in S)))`` over service sets ``S``.

    A gap gives (all its services, w) when all are full, (all, w/2) when none is, else
    (all, w/2) + (full ones, w/2). Equal sets are merged; a one-service set is folded
    into that service's own objective (``min(1, x_s) = x_s``): no variable, no row.
    Returns the per-service coefficients, the sets and their coefficients. (Plain Python
    over lists: one pass, no numpy call per gap.)
    """
    keep = np.flatnonzero(m.weight[m.rows] > 0)
    keep = keep[np.lexsort((m.cols[keep], m.rows[keep]))]
    rows, cols, full = m.rows[keep], m.cols[keep].tolist(), (m.level[keep] == 1.0).tolist()
    cuts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]]).tolist() if len(rows) else []
    weight = m.weight[rows[cuts]].tolist() if cuts else []
    own, sets = [0.0] * len(m.cost), {}
    for a, b, w in zip(cuts, (cuts[1:] + [len(cols)])[: len(cuts)], weight, strict=True):
        every = tuple(cols[a:b])
        whole = tuple(c for c, f in zip(every, full[a:b], strict=True) if f)
        for group, coef in [(every, w)] if len(whole) == len(every) else [(every, w / 2),
                                                                          (whole, w / 2)]:
            if len(group) == 1:
                own[group[0]] += coef
            elif group:
                sets[group] = sets.get(group, 0.0) + coef
    return np.array(own), list(sets), np.fromiter(sets.values(), float, len(sets))


def _penalty(m: Model, step: float) -> np.ndarray:
    """Per service, ``0.4 step (cost + k) / sum(cost + k)``: all together below one step.

    Among plans of equal value the cheaper wins, then the one with fewer services: for
    whole-number costs ``k`` times the number of services stays below one cost step.
    """
    unit = _reduce.cost_step(m.cost)
    k = 0.5 * unit / (len(m.cost) + 1) if unit else 1e-4 * (m.cost.mean() if m.cost.sum() > 0
                                                             else 1.0)
    return 0.4 * step * (m.cost + k) / (m.cost + k).sum()


def _program(m: Model, pen: np.ndarray) -> tuple[np.ndarray, csr_array, int]:
    """``max obj.(x, t)`` subject to ``A (x, t) <= (0.., budget)``; the budget row last.

    ``pen``: each service's tie-break penalty (see :func:`_penalty`).
    """
    own, groups, coef = _terms(m)
    n, u = len(m.cost), len(groups)
    lens = np.fromiter(map(len, groups), int, u)
    flat = np.fromiter(itertools.chain.from_iterable(groups), int, int(lens.sum()))
    r = np.r_[np.arange(u), np.repeat(np.arange(u), lens), np.full(n, u)]  # t_u - x(S_u) <= 0
    c = np.r_[n + np.arange(u), flat, np.arange(n)]
    v = np.r_[np.ones(u), -np.ones(len(flat)), m.cost]
    a = csr_array(coo_array((v, (r, c)), shape=(u + 1, n + u)))
    return np.r_[own - pen, coef], a, n


def _run(m: Model, budget: float, time_limit: float, rel_gap: float, pen: np.ndarray,
         start: np.ndarray | None = None) -> _highs.Result:
    """HiGHS on the whole model (``m.forced`` held at 1), ``budget`` the last row's bound.

    ``start``: a plan within the budget, for HiGHS to start from.
    """
    obj, a, n = _program(m, pen)
    lb = np.r_[m.forced.astype(float), np.zeros(a.shape[1] - n)]
    high = np.r_[np.zeros(a.shape[0] - 1), budget]
    return _highs.mip(-obj, a, np.full(a.shape[0], -np.inf), high, lb, n, time_limit, rel_gap,
                      None if start is None else _with_t(a, start))


def _with_t(a: csr_array, x: np.ndarray) -> np.ndarray:
    """A plan ``x`` with each set's ``t = min(1, x(S))``: a whole solution of the program."""
    n, u = len(x), a.shape[0] - 1
    return np.r_[x, np.clip(-(a[:u, :n] @ x.astype(float)), 0.0, 1.0)]

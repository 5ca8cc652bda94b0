"""Exact reductions of the plan model: services fixed by a proof, and the smaller model left.

Fixing. For ``max c.z`` s.t. ``A z <= b``, ``0 <= z <= 1``, any ``y >= 0`` proves, by weak
duality, ``c.z <= b.y + sum(max(0, d))`` with ``d = c - A'y``; with ``z_j`` held at 1 the
bound is that minus ``max(0, d_j)`` plus ``d_j``, held at 0 minus ``max(0, d_j)``. When
that bound is below the objective of a known plan, no plan at least as good has ``z_j``
there: ``z_j`` is fixed the other way. The bound is recomputed here from ``y`` (the LP's
duals, clipped at 0), so an inexact LP can only weaken the fixing, never make it wrong.

Probing. The bound is first taken from the LP's own duals (reduced-cost fixing); then, for
each column still free, the LP is solved again with that column held away from the known
plan (HiGHS's dual simplex, warm-started from the last basis) and its duals bound that
branch: below the floor, the column keeps the known plan's value. Each fixing is kept while
probing the next column; all of them stand because each holds for every plan at least as
good as the known one.

Restriction. With services fixed in and out, a gap keeps its links to free services that
would raise it above the level the fixed-in ones already give (its value so far counts as a
constant): a gap a fixed-in service serves in full drops out, one served in part keeps its
free full services at half its weight.
"""

from __future__ import annotations

import time

import numpy as np
from scipy.sparse import csr_array

from . import _highs


def reduced_costs(obj: np.ndarray, a: csr_array, b: np.ndarray, y: np.ndarray
                  ) -> tuple[float, np.ndarray]:
    """The proven upper bound of ``max obj.z`` (``A z <= b``, ``0 <= z <= 1``) and ``d``."""
    y = np.maximum(np.nan_to_num(y), 0.0)
    d = obj - a.T @ y
    return float(b @ y + np.maximum(d, 0.0).sum()), d


class Relaxation:
    """The LP ``max obj.z``, ``A z <= rhs``, ``0 <= z <= 1`` in HiGHS, kept for probing.

    ``x`` is its solution (None when HiGHS did not finish). The first ``n`` columns are
    the binary ones that :meth:`fix` may fix.
    """

    def __init__(self, obj: np.ndarray, a: csr_array, rhs: np.ndarray, n: int,
                 time_limit: float):
        import highspy

        self.obj, self.a, self.rhs, self.n = obj, a, rhs, n
        self.lo, self.hi = np.zeros(a.shape[1]), np.ones(a.shape[1])
        self._h = h = _highs.model(-obj, a, np.full(len(rhs), -np.inf), rhs, self.lo, self.hi,
                                   time_limit=max(time_limit, 1e-3))
        h.run()
        done = h.getModelStatus() == highspy.HighsModelStatus.kOptimal
        self.x = np.asarray(h.getSolution().col_value)[:n] if done else None

    def resolve(self, row: int, rhs: float, deadline: float) -> float:
        """Solved again with ``row``'s upper bound at ``rhs`` (from the last basis): the
        proven bound (the duals' bound holds even when HiGHS stops short)."""
        self.rhs[row] = rhs
        self._h.changeRowBounds(int(row % len(self.rhs)), -np.inf, float(rhs))
        self._h.setOptionValue("time_limit", max(deadline - time.perf_counter(), 1e-3))
        self._h.run()
        return self.bound()[0]

    def bound(self) -> tuple[float, np.ndarray]:
        """The proven bound from the duals of the last solve, and ``d`` (see module doc)."""
        y = np.maximum(-np.nan_to_num(np.asarray(self._h.getSolution().row_dual)), 0.0)
        d = self.obj - self.a.T @ y
        return float(self.rhs @ y + np.where(d > 0, d * self.hi, d * self.lo).sum()), d

    def fix(self, known: np.ndarray, floor: float, deadline: float
            ) -> tuple[np.ndarray, np.ndarray]:
        """Columns that must be 1 (resp. 0) in every solution with objective >= ``floor``.

        ``known`` (n booleans) is a solution of objective ``floor``.
        """
        if self.x is None:
            return np.zeros(self.n, bool), np.zeros(self.n, bool)
        bound, d = self.bound()
        one, zero = fixings(bound, d[: self.n], floor)
        for j in np.flatnonzero(one | zero):
            self._hold(j, float(one[j]))
        self._h.setOptionValue("objective_bound", -floor)  # a probe may stop once below
        for j in np.flatnonzero(~one & ~zero):
            if time.perf_counter() > deadline:
                break
            self._h.setOptionValue("time_limit", max(deadline - time.perf_counter(), 1e-3))
            self._hold(j, float(not known[j]))
            self._h.run()
            bound, _ = self.bound()
            if bound < floor - slack(max(abs(bound), abs(floor))):
                one[j], zero[j] = known[j], not known[j]
                self._hold(j, float(known[j]))
            else:
                self._free(j)
        return one, zero

    def _hold(self, j: int, v: float) -> None:
        self.lo[j] = self.hi[j] = v
        self._h.changeColBounds(int(j), v, v)

    def _free(self, j: int) -> None:
        self.lo[j], self.hi[j] = 0.0, 1.0
        self._h.changeColBounds(int(j), 0.0, 1.0)


def slack(floor: float) -> float:
    """Room for the rounding of the sums that make a bound (relative 1e-9)."""
    return 1e-9 * max(1.0, abs(floor)) if np.isfinite(floor) else 0.0


def fixings(bound: float, d: np.ndarray, floor: float) -> tuple[np.ndarray, np.ndarray]:
    """Columns that must be 1 (resp. 0) in every solution with objective >= ``floor``."""
    up, room = np.maximum(d, 0.0), slack(max(abs(bound), abs(floor)))
    must_one = bound - up < floor - room  # at 0 it cannot reach the floor
    must_zero = bound - up + d < floor - room  # at 1 it cannot
    return must_one & ~must_zero, must_zero & ~must_one


def restrict(weight: np.ndarray, rows: np.ndarray, cols: np.ndarray, level: np.ndarray,
             fixed_in: np.ndarray, fixed_out: np.ndarray):
    """Links and weights over the free services; also the constant value of ``fixed_in``.

    Returns ``(weight, rows, cols, level, free, const)``: gap weights and links re-indexed
    on the free services (``free``: their original indices, in order).
    """
    base = np.zeros(len(weight))
    mine = fixed_in[cols]
    np.maximum.at(base, rows[mine], level[mine])
    const = float(weight @ base)
    free = np.flatnonzero(~fixed_in & ~fixed_out)
    keep = ~fixed_in[cols] & ~fixed_out[cols] & (level > base[rows])
    pos = np.full(len(fixed_in), -1)
    pos[free] = np.arange(len(free))
    r, lv = rows[keep], level[keep]
    new_weight = weight * (1.0 - base)  # base 0.5 -> half the weight is left to win
    new_level = np.where(base[r] > 0, 1.0, lv)  # ... by a full service only
    return new_weight, r, pos[cols[keep]], new_level, free, const


def cost_step(cost: np.ndarray) -> float:
    """The step every plan's cost is a multiple of: the gcd of the costs on their decimal grid
    (1 for whole numbers, 0.25 for 0.5 and 1.25; at most 6 decimals), else 0."""
    for k in range(7):
        scaled = np.asarray(cost, float) * 10**k
        whole = np.round(scaled)
        if np.all(np.abs(scaled - whole) <= 1e-9 * np.maximum(1.0, scaled)) and \
                np.all(whole <= 2**52):
            return float(np.gcd.reduce(whole.astype(np.int64))) / 10**k if len(cost) else 0.0
    return 0.0


def budget_grid(cost: np.ndarray, budget: float) -> float:
    """``budget`` rounded down to a multiple of :func:`cost_step` (what costs can add up to).

    Exact, up to the 1e-9 by which a float budget may fall short of a multiple. Costs on
    no grid: ``budget`` unchanged.
    """
    step = cost_step(cost)
    if not step or not np.isfinite(budget):
        return budget
    units = budget / step
    return min(budget, float(np.floor(units + 1e-9 * max(1.0, units)) * step))

"""Budget plan speed and quality, as ratios against floors measured in the same run.

    python benchmarks/bench_plan.py            # full: 25 slider budgets, 3 large budgets, exact too
    python benchmarks/bench_plan.py --quick    # CI: 7 slider budgets, 1 large budget (< 2 min)

(a) The live slider: a 120-gap x 80-service workshop, one ``select_services`` per budget
    (reading the session included), median and max over budgets. Target: max < 0.1 s.
(b) A large workshop: 5,000 gaps x 300 services, ~15,000 assignments, proven within 1%
    (``rel_gap=0.01``) and, in the full run, exactly. Target: under 60 s. Against greedy.
(c) Issue 15's harder workshop (``aspect_frames``: 40 aspects, 2 per service, 1-5 services
    of its aspect per gap), 5,000 x 300, exact plan at 10%, 25% and 50% of all costs.
    Target: proven optimal in < 5 s each. CPU time is shown too (the machine is shared).
(d) The exact budget curve (``budget_curve``, every budget where the best plan changes)
    of the 120 x 80 workshop and of the sample workshop in ``data/``.

Floors, timed in this process on the same data:
- read: ``ws.coverage()`` + ``ws.catalog`` + ``ws.assignments``, what any plan must read;
- LP: one ``scipy.optimize.linprog`` (HiGHS) solve of the LP relaxation of the textbook
  model (x_s, y_full, y_half per gap, 3 rows per gap + budget), matrix built beforehand.
A plan costs at least the read; the LP is what one relaxation of the problem costs.
Inputs are synthetic (``_generate.py``) behind a duck-typed workshop: no SQLite.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import coo_array

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _generate import FakeWorkshop, aspect_frames, workshop_frames  # noqa: E402

import pmo_nb  # noqa: E402
from pmo_nb import plan as pl  # noqa: E402

DATA = Path(__file__).resolve().parents[1] / "data"

LEVEL = {"full": 1.0, "partial": 0.5}


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def cpu_timed(fn: Callable[[], object]) -> tuple[float, float, object]:
    """Wall and CPU time of one call, and its result."""
    cpu = time.process_time()
    wall, out = timed(fn)
    return wall, time.process_time() - cpu, out


def read_floor(ws: FakeWorkshop) -> float:
    return min(timed(lambda: (ws.coverage(), ws.catalog, ws.assignments))[0] for _ in range(3))


def lp_relaxation(ws: FakeWorkshop) -> Callable[[float], float]:
    """A function timing linprog on the textbook LP relaxation at a budget (matrix prebuilt)."""
    cov, cat, asg = ws.coverage(), ws.catalog, ws.assignments
    counted = cov["status"] != "handed over"
    w = cov["weight"].where(counted, 0.0).to_numpy()
    n_s, n_g = len(cat), len(cov)
    g = asg["gap_id"].map(dict(zip(cov["gap_id"], range(n_g)))).to_numpy()
    s = asg["service_id"].map(dict(zip(cat["service_id"], range(n_s)))).to_numpy()
    full = (asg["contribution"] == "full").to_numpy()
    ar = np.arange(n_g)
    r = np.r_[g[full], ar, g + n_g, ar + n_g, ar + n_g, ar + 2 * n_g, ar + 2 * n_g]
    c = np.r_[s[full], n_s + ar, s, n_s + ar, n_s + n_g + ar, n_s + ar, n_s + n_g + ar]
    v = np.r_[-np.ones(full.sum()), np.ones(n_g), -np.ones(len(g)), np.ones(4 * n_g)]
    a = coo_array((v, (r, c)), shape=(3 * n_g, n_s + 2 * n_g)).tocsr()
    rhs = np.r_[np.zeros(2 * n_g), np.ones(n_g)]
    obj = np.r_[np.zeros(n_s), -w, -0.5 * w]
    cost = np.r_[cat["cost"].to_numpy(float), np.zeros(2 * n_g)]

    def run(budget: float) -> float:
        return timed(lambda: linprog(obj, A_ub=_stack(a, cost), b_ub=np.r_[rhs, budget],
                                     bounds=(0, 1), method="highs"))[0]

    return run


def _stack(a, cost):
    from scipy.sparse import vstack

    return vstack([a, coo_array(cost[None, :])]).tocsr()


def slider(quick: bool) -> list[tuple[str, str]]:
    ws = FakeWorkshop(workshop_frames(120, 80, seed=1))
    total = ws.catalog["cost"].sum()
    budgets = total * np.linspace(0.02, 0.98, 7 if quick else 25)
    pl.select_services(ws, budgets[0])  # warm-up: imports, first HiGHS call
    cpu = time.process_time()
    runs = [timed(lambda b=b: pl.select_services(ws, b)) for b in budgets]
    cpu = (time.process_time() - cpu) / len(budgets)
    times, plans = [t for t, _ in runs], [p for _, p in runs]
    greedy = statistics.median(timed(lambda b=b: pl.greedy_services(ws, b))[0] for b in budgets)
    lp = lp_relaxation(ws)
    lp_floor = statistics.median(lp(b) for b in budgets)
    med, floor = statistics.median(times), read_floor(ws)
    n_asg = len(ws.assignments)
    return [
        ("(a) workshop", f"120 gaps x 80 services, {n_asg} assignments, {len(budgets)} budgets"),
        ("select_services median / max", f"{med * 1e3:.1f} ms / {max(times) * 1e3:.1f} ms"
         f"  [{'OK' if max(times) < 0.1 else 'MISSED'}: target max < 0.1 s]"),
        ("  mean CPU time (load-free)", f"{cpu * 1e3:.1f} ms"),
        ("  all proven optimal", str(all(p.optimal for p in plans))),
        ("  x read floor", f"{med / floor:.1f} (read {floor * 1e3:.1f} ms)"),
        ("  x LP floor", f"{med / lp_floor:.1f} (linprog {lp_floor * 1e3:.1f} ms)"),
        ("greedy_services median", f"{greedy * 1e3:.1f} ms"),
    ]


def large(quick: bool) -> list[tuple[str, str]]:
    ws = FakeWorkshop(workshop_frames(5000, 300, seed=0))
    total, floor = ws.catalog["cost"].sum(), read_floor(ws)
    lp = lp_relaxation(ws)
    rows = [("(b) workshop", f"5,000 gaps x 300 services, {len(ws.assignments):,} assignments"),
            ("  read floor / LP floor (25%)", f"{floor:.2f} s / {lp(0.25 * total):.2f} s")]
    for share in [0.25] if quick else [0.1, 0.25, 0.5]:
        rows += _large_budget(ws, share, total, floor, [0.01] if quick else [0.01, 0.0])
    return rows


def _large_budget(ws, share, total, floor, gaps) -> list[tuple[str, str]]:
    budget = share * total
    tg, greedy = timed(lambda: pl.greedy_services(ws, budget))
    rows = [(f"budget {share:.0%} of all ({budget:,.0f})",
             f"greedy {greedy.covered_weight:,.1f} of {greedy.total_weight:,.0f} in {tg:.2f} s")]
    for rel_gap in gaps:
        t, p = timed(lambda g=rel_gap: pl.select_services(ws, budget, rel_gap=g, time_limit=60))
        ok = "OK" if t < 60 and p.gap <= 0.01 else "MISSED"
        diff = p.covered_weight - greedy.covered_weight
        rows.append((f"  rel_gap={rel_gap:g}",
                     f"{t:.2f} s (x{t / floor:.0f} read), value {p.covered_weight:,.1f}, "
                     f"proven gap {p.gap:.3%}, optimal {p.optimal}, vs greedy +{diff:,.1f} "
                     f"(+{diff / greedy.covered_weight:.2%})  [{ok}: <= 1% in < 60 s]"))
    return rows


def hard(quick: bool, seed: int) -> list[tuple[str, str]]:
    ws = FakeWorkshop(aspect_frames(5000, 300, seed=seed))
    total, floor = ws.catalog["cost"].sum(), read_floor(ws)
    rows = [("(c) workshop", f"issue 15's: 5,000 gaps x 300 services, {len(ws.assignments):,} "
             f"assignments, 40 aspects, seed {seed}"),
            ("  read floor / LP floor (25%)",
             f"{floor:.2f} s / {lp_relaxation(ws)(0.25 * total):.2f} s")]
    for share in [0.25] if quick else [0.1, 0.25, 0.5]:
        wall, cpu, p = cpu_timed(lambda s=share: pl.select_services(ws, s * total, time_limit=60))
        ok = "OK" if wall < 5 and p.optimal else "MISSED"
        rows.append((f"  exact at {share:.0%} ({share * total:,.0f})",
                     f"{wall:.2f} s (CPU {cpu:.2f} s, x{wall / floor:.0f} read), value "
                     f"{p.covered_weight:,.1f}, optimal {p.optimal}  [{ok}: proven in < 5 s]"))
    return rows


def frontier(quick: bool) -> list[tuple[str, str]]:
    ws = FakeWorkshop(workshop_frames(120, 80, seed=1))
    wall, cpu, curve = cpu_timed(lambda: pl.budget_curve(ws))
    rows = [("(d) budget_curve 120 x 80", f"{wall:.2f} s (CPU {cpu:.2f} s), {len(curve)} points "
             f"(budgets where the best plan changes), all optimal {curve['optimal'].all()}")]
    with tempfile.TemporaryDirectory() as tmp:
        with pmo_nb.Workshop.open(Path(tmp) / "s.sqlite", gaps=DATA / "sample_gaps.csv",
                                  catalog=DATA / "catalog.csv",
                                  assignments=DATA / "sample_assignments.csv") as sample:
            wall, cpu, curve = cpu_timed(lambda: pl.budget_curve(sample))
            size = f"{len(sample.gaps)} gaps x {len(sample.catalog)} services"
    rows.append(("  budget_curve sample", f"{wall:.2f} s (CPU {cpu:.2f} s), {len(curve)} points "
                 f"({size}), all optimal {curve['optimal'].all()}"))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer budgets, for CI (< 2 min)")
    parser.add_argument("--seed", type=int, default=6, help="of the (c) workshop")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    load = os.getloadavg()[0]
    rows = (slider(args.quick) + large(args.quick) + hard(args.quick, args.seed)
            + frontier(args.quick))
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        print(f"{key:<{width}}  {value}")
    print(f"{'load average (1 min)':<{width}}  {load:.2f} at start, {os.getloadavg()[0]:.2f} at "
          f"end, on {os.cpu_count()} cores")
    print(f"{'total run':<{width}}  {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

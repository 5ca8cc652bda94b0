"""Workshop speed, as ratios against floors measured in the same run.

    python benchmarks/bench_workshop.py            # 5,000 gaps x 300 services x 15,000 assignments
    python benchmarks/bench_workshop.py --gaps 200 # a quick run

Floors: a bare pandas groupby + crosstab of the same DataFrames the workshop holds (for
coverage, recomputed as after a change; tables already read from SQLite), a bare durable
SQLite insert + commit with the same pragmas (for assign), `import pandas` (for import).
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

import pmo_nb

ASPECTS = [f"Aspect {i}" for i in range(12)]


def generate(n_gaps: int, n_services: int, n_assignments: int, seed: int = 7):
    """Gaps, catalog and assignments that follow the aspects, as workshops make them."""
    rng = np.random.default_rng(seed)
    levels = np.array(list("LMH"))
    gaps = pd.DataFrame({
        "gap_id": [f"G-{i:05d}" for i in range(n_gaps)],
        "aspect": rng.choice(ASPECTS, n_gaps), "current_state": "today", "future_state": "goal",
        "size": rng.choice(levels, n_gaps), "priority": rng.choice(levels, n_gaps),
        "pmo_role": rng.choice(["close", "close", "close", "partial", "none"], n_gaps),
        "other_owner": "Finance",
    })
    catalog = pd.DataFrame({
        "service_id": [f"S-{i:04d}" for i in range(n_services)],
        "name": [f"Service {i}" for i in range(n_services)],
        "category": rng.choice([f"Category {i}" for i in range(9)], n_services),
        "tier": rng.choice(["basic", "advanced"], n_services),
        "aspects": [";".join(rng.choice(ASPECTS, 2, replace=False)) for _ in range(n_services)],
        "description": "does things", "cost": rng.integers(10, 250, n_services).astype(float),
    })
    by_aspect = {a: catalog.loc[catalog["aspects"].str.contains(a + "(?:;|$)"), "service_id"]
                 .tolist() for a in ASPECTS}
    pairs: set[tuple[str, str]] = set()
    while len(pairs) < n_assignments:
        g = rng.integers(n_gaps)
        pool = by_aspect[gaps.at[g, "aspect"]] or catalog["service_id"].tolist()
        pairs.add((gaps.at[g, "gap_id"], pool[rng.integers(len(pool))]))
    asg = pd.DataFrame(sorted(pairs), columns=["gap_id", "service_id"])
    asg["contribution"] = rng.choice(["full", "partial"], len(asg))
    return gaps, catalog, asg


def best_of(fn: Callable[[], object], repeat: int = 7) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def floor_coverage(gaps: pd.DataFrame, asg: pd.DataFrame) -> pd.DataFrame:
    """The least pandas can do: best contribution per gap, then a priority x size crosstab."""
    best = (asg["contribution"] == "full").groupby(asg["gap_id"]).max()
    covered = gaps["gap_id"].map(best).fillna(False).astype(bool)
    return pd.crosstab(gaps["priority"], gaps["size"], values=covered, aggfunc="sum")


def floor_insert(folder: Path) -> Callable[[], None]:
    conn = sqlite3.connect(folder / "floor.sqlite", isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE a (gap_id TEXT, service_id TEXT, contribution TEXT, note TEXT, "
                 "updated_at TEXT, PRIMARY KEY (gap_id, service_id))")
    counter = iter(range(10**9))

    def insert() -> None:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO a VALUES (?, ?, 'full', '', '')", ("G", str(next(counter))))
        conn.execute("COMMIT")
    return insert


def import_times(modules: tuple[str, ...], runs: int = 9) -> list[float]:
    """Median import time of each module in fresh interpreters, runs interleaved."""
    code = "import time; t = time.perf_counter(); import {}; print(time.perf_counter() - t)"
    times: dict[str, list[float]] = {m: [] for m in modules}
    for _ in range(runs):
        for module in modules:
            out = subprocess.run([sys.executable, "-c", code.format(module)],
                                 capture_output=True, text=True, check=True).stdout
            times[module].append(float(out))
    return [statistics.median(times[m]) for m in modules]


def acted_on(ws: pmo_nb.Workshop) -> list[str]:
    """The gaps a service can be assigned to (a handed-over gap refuses services)."""
    gaps = ws.gaps
    return gaps.loc[gaps["pmo_role"] != "none", "gap_id"].tolist()


def click(ws: pmo_nb.Workshop, gap_ids: list[str], service: str) -> Callable[[], None]:
    """One facilitator click: assign, then everything the panel redraws."""
    cycle = iter(range(10**9))

    def run() -> None:
        i = next(cycle)  # alternate the contribution: every call really writes
        ws.assign(gap_ids[i % len(gap_ids)], service, ("full", "partial")[i // len(gap_ids) % 2])
        ws.coverage(), ws.coverage_matrix(), ws.candidate_list()
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--gaps", type=int, default=5000)
    parser.add_argument("--services", type=int, default=300)
    parser.add_argument("--assignments", type=int, default=15000)
    parser.add_argument("--import-runs", type=int, default=9)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        gaps, catalog, asg = generate(args.gaps, args.services, args.assignments)
        start = time.perf_counter()
        ws = pmo_nb.Workshop.open(folder / "big.sqlite", gaps=gaps, catalog=catalog,
                                  assignments=asg)
        setup = time.perf_counter() - start
        ws.coverage()  # warm the table cache, as a running panel has it
        held_gaps, held_asg = ws.gaps, ws.assignments  # the same frames the workshop holds

        def coverage_cold() -> None:
            ws._cache.pop("coverage", None)  # recompute, as after a change
            ws.coverage(), ws.coverage_matrix()
        measured = best_of(coverage_cold)
        floor = best_of(lambda: floor_coverage(held_gaps, held_asg))
        rows.append(("coverage() + coverage_matrix()", measured, floor, 3.0))
        ids = acted_on(ws)
        sid = catalog["service_id"].iloc[0]
        flip = iter(range(10**9))
        measured = best_of(lambda: ws.assign(ids[0], sid, ("full", "partial")[next(flip) % 2]), 21)
        rows.append(("assign()", measured, best_of(floor_insert(folder), 21), 3.0))
        big_click = best_of(click(ws, ids, sid), 7)
        small = pmo_nb.Workshop.open(folder / "small.sqlite", gaps=gaps.head(50), catalog=catalog,
                                     assignments=asg[asg["gap_id"].isin(gaps["gap_id"].head(50))])
        small_click = best_of(click(small, acted_on(small), sid), 7)
    rows.append(("import pmo_nb", *import_times(("pmo_nb", "pandas"), args.import_runs), 1.3))
    print(f"workshop: {args.gaps} gaps x {args.services} services x {len(asg)} assignments "
          f"(session created and seeded in {setup:.2f} s)\n")
    print(f"{'measure':34} {'time':>10} {'floor':>10} {'ratio':>7} {'target':>7}")
    for name, t, f, target in rows:
        mark = "ok" if t / f <= target else "OVER"
        print(f"{name:34} {t * 1e3:8.2f}ms {f * 1e3:8.2f}ms {t / f:6.2f}x {target:6.1f}x {mark}")
    print(f"\none click (assign + coverage + matrix + candidate list): {small_click * 1e3:.1f} ms "
          f"at 50 gaps, {big_click * 1e3:.1f} ms at {args.gaps} gaps")


if __name__ == "__main__":
    main()

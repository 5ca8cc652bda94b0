"""What the room feels (issue 26's table), every row as a ratio against a floor measured
in the same run.

    python benchmarks/bench_room_feel.py                 # every row but the browser's
    python benchmarks/bench_room_feel.py --browser       # + click -> heatmap in JupyterLab
    python benchmarks/bench_room_feel.py --quick         # CI: smaller workshops

Rows (each with its floor, timed here):

1. Budget panel, 120 gaps x 80 services, a must-have ticked: how long the panel's
   callback holds the kernel, and the exact frontier (``budget_curve`` with that must-have)
   itself, both against one optimal plan at that size (``select_services`` at 40% of the
   catalog, same must-have). Goals: the panel answers at once (taken as < 0.2 s, the plan
   and its views drawn); frontier <= 15x a plan.
2. The notebooks' budget panel with must-have / excluded services: used (the plan and the
   curve take them), as the record's ``--must/--exclude``.
3. Click on a service -> heatmap redrawn in JupyterLab (headless Chromium, the sample's 18
   gaps, 20 clicks; ``--browser``): median and max (``bench_browser.py``'s measure).
   Goals: median <= 40 ms, max <= 80 ms.
4. ``pmo-nb record`` on the sample (page, workbook, notebooks), against the floor of a
   bare kernel started and one empty notebook executed by nbclient. Goal: <= 3 s.
5. ``coverage()`` + ``coverage_matrix()`` after a change, 5,000 gaps x 300 services x
   15,000 assignments, against bare pandas: groupby max of contribution per gap, weight =
   size x priority, crosstab priority x size. Goal: <= 1.5x.
6. ``assign()`` against a bare durable SQLite write (WAL, synchronous=FULL, BEGIN; INSERT
   OR REPLACE; COMMIT), runs interleaved, medians. Goal: <= 1.5x.
7. Exact plan, 5,000 gaps x 300 services, 40 aspects, budget a quarter of the catalog,
   against the read floor and the LP relaxation (``bench_plan.py``'s floors). Goal: < 5 s,
   proven optimal.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import bench_plan  # noqa: E402
import bench_workshop  # noqa: E402
from _generate import FakeWorkshop, aspect_frames, workshop_frames  # noqa: E402

import pmo_nb  # noqa: E402
from pmo_nb import plan as pl  # noqa: E402

MUST = "S-0007"
LEVEL = {"L": 1.0, "M": 2.0, "H": 3.0}


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def row(name: str, value: str, ratio: float | None, goal: str, ok: bool | None) -> tuple:
    return name, value, "" if ratio is None else f"{ratio:.2f}x", goal, \
        "" if ok is None else ("ok" if ok else "MISSED")


# -- 1, 2: the budget panel ------------------------------------------------------------
def budget_panel(n_gaps: int, n_services: int) -> list[tuple]:
    frames = workshop_frames(n_gaps, n_services, seed=1)
    fake = FakeWorkshop(frames)
    budget = 0.4 * float(frames["catalog"]["cost"].sum())
    pl.select_services(fake, budget)  # warm-up: imports, HiGHS's first model
    one = statistics.median(timed(lambda: pl.select_services(fake, budget, must=[MUST]))
                            for _ in range(5))
    curve_time = timed(lambda: pl.budget_curve(fake, must=[MUST]))
    curve = pl.budget_curve(fake, must=[MUST])
    with tempfile.TemporaryDirectory() as tmp:
        for name, frame in frames.items():
            frame.to_csv(Path(tmp) / f"{name}.csv", index=False)
        ws = pmo_nb.Workshop.open(Path(tmp) / "s.sqlite", gaps=Path(tmp) / "gaps.csv",
                                  catalog=Path(tmp) / "catalog.csv",
                                  assignments=Path(tmp) / "assignments.csv")
        panel = pmo_nb.ui.BudgetPanel(ws, budget)
        tick = timed(lambda: setattr(panel.must, "value", (MUST,)))
        answered = MUST in panel.plan.services["service_id"].tolist()
        getattr(panel, "wait", lambda: None)()
        used = _used(ws, budget)
        ws.close()
    size = f"{n_gaps} x {n_services}"
    return [
        row(f"budget panel {size}: must-have ticked, callback", f"{tick:.2f} s "
            f"(plan answered: {answered})", tick / one, "< 0.2 s", tick < 0.2),
        row(f"  exact frontier with the must-have ({len(curve)} points, all optimal "
            f"{bool(curve['optimal'].all())})", f"{curve_time:.2f} s", curve_time / one,
            "<= 15x", curve_time / one <= 15),
        row("  floor: one optimal plan at that size", f"{one * 1e3:.0f} ms", None, "", None),
        row("notebooks' budget panel: must / exclude", used, None, "used", used == "used"),
    ]


def _used(ws: pmo_nb.Workshop, budget: float) -> str:
    """Whether the panel takes must= / exclude= (the notebook's parameters) and uses them."""
    try:
        panel = pmo_nb.ui.BudgetPanel(ws, budget, must=[MUST], exclude=["S-0001"])
    except TypeError:
        return "ignored (no must= / exclude=)"
    getattr(panel, "wait", lambda: None)()
    ids = panel.plan.services["service_id"].tolist()
    curve_ok = panel.curve["services"].str.contains(MUST).all()
    return "used" if MUST in ids and "S-0001" not in ids and curve_ok else "ignored"


# -- 3: the click in the browser ---------------------------------------------------------
def browser(clicks: int) -> list[tuple]:
    import shutil

    import bench_browser

    folder = Path(tempfile.mkdtemp(prefix="pmo-bench-"))
    try:
        gaps = bench_browser.gaps_file(folder, 18)
        bench_browser.notebook(folder, gaps)
        kernel = bench_browser.kernel_clicks(gaps, clicks)
        page = [t for t, _ in bench_browser.browser_clicks(folder, clicks)]
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    med, top = statistics.median(page), max(page)
    floor = statistics.median(kernel)
    return [row(f"click -> heatmap painted (Lab, 18 gaps, {clicks} clicks)",
                f"median {med:.0f} ms, max {top:.0f} ms", med / floor,
                "<= 40 / 80 ms", med <= 40 and top <= 80),
            row("  floor: the kernel's callback alone", f"median {floor:.0f} ms", None, "",
                None)]


# -- 4: the record ------------------------------------------------------------------------
def record() -> list[tuple]:
    import nbformat
    from nbclient import NotebookClient

    def bare() -> None:
        nb = nbformat.v4.new_notebook(metadata={"kernelspec": {
            "name": "python3", "display_name": "Python 3", "language": "python"}})
        nb.cells = [nbformat.v4.new_code_cell("1")]
        NotebookClient(nb, kernel_name="python3").execute()

    floor = min(timed(bare) for _ in range(2))
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(2):
            session = Path(tmp) / f"s{i}.sqlite"
            pmo_nb.Workshop.open(session, gaps=REPO / "data" / "sample_gaps.csv",
                                 catalog=REPO / "data" / "catalog.csv",
                                 assignments=REPO / "data" / "sample_assignments.csv").close()
            command = [sys.executable, "-m", "pmo_nb", "record", "--session", str(session),
                       "--out", str(Path(tmp) / f"out{i}")]
            times.append(timed(lambda c=command: subprocess.run(
                c, check=True, capture_output=True, cwd=tmp)))
    best = min(times)
    return [row("pmo-nb record on the sample", f"{best:.2f} s (runs: "
                + ", ".join(f"{t:.2f}" for t in times) + ")", best / floor, "<= 3 s",
                best <= 3),
            row("  floor: bare kernel + one empty notebook", f"{floor:.2f} s", None, "", None)]


# -- 5, 6: coverage and assign --------------------------------------------------------------
def floor_coverage(gaps: pd.DataFrame, asg: pd.DataFrame) -> pd.DataFrame:
    """Groupby max of contribution per gap, weight = size x priority, crosstab priority x size."""
    best = asg["contribution"].map({"full": 1.0, "partial": 0.5}).groupby(asg["gap_id"]).max()
    got = gaps["gap_id"].map(best).fillna(0.0)
    weight = gaps["size"].map(LEVEL) * gaps["priority"].map(LEVEL)
    return pd.crosstab(gaps["priority"], gaps["size"], values=weight * got, aggfunc="sum")


def floor_write(folder: Path) -> Callable[[], None]:
    """BEGIN; INSERT OR REPLACE; COMMIT on a bare WAL file with synchronous=FULL."""
    conn = sqlite3.connect(folder / "floor.sqlite", isolation_level=None)
    conn.executescript("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; CREATE TABLE a "
                       "(gap_id, service_id, contribution, note, updated_at, "
                       "PRIMARY KEY (gap_id, service_id));")
    kinds = itertools.cycle(("full", "partial"))  # every call really writes
    upsert = "INSERT OR REPLACE INTO a VALUES ('G', 'S', ?, '', '')"
    return lambda: (conn.execute("BEGIN"), conn.execute(upsert, (next(kinds),)),
                    conn.execute("COMMIT"))


def interleaved(fn: Callable[[], object], floor: Callable[[], object], n: int
                ) -> tuple[float, float]:
    """Medians of ``fn`` and ``floor``, run in turns (a busy machine slows both alike)."""
    a, b = [], []
    for _ in range(n):
        a.append(timed(fn))
        b.append(timed(floor))
    return statistics.median(a), statistics.median(b)


def workshop(n_gaps: int, n_services: int, n_asg: int) -> list[tuple]:
    gaps, catalog, asg = bench_workshop.generate(n_gaps, n_services, n_asg)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        ws = pmo_nb.Workshop.open(folder / "big.sqlite", gaps=gaps, catalog=catalog,
                                  assignments=asg)
        ws.coverage()
        held_gaps, held_asg = ws.gaps, ws.assignments
        ids = bench_workshop.acted_on(ws)
        sid, flip = catalog["service_id"].iloc[0], iter(range(10**9))

        def change_then_coverage() -> None:
            ws._cache.pop("coverage", None)  # as after a change
            ws.coverage(), ws.coverage_matrix()
        cov, cov_floor = interleaved(change_then_coverage,
                                     lambda: floor_coverage(held_gaps, held_asg), 9)
        rows.append(row(f"coverage() + coverage_matrix(), {n_gaps:,} x {n_services} x "
                        f"{len(asg):,}", f"{cov * 1e3:.1f} ms (floor {cov_floor * 1e3:.1f} ms)",
                        cov / cov_floor, "<= 1.5x", cov / cov_floor <= 1.5))
        write = floor_write(folder)
        for _ in range(5):
            write()
        one, bare = interleaved(
            lambda: ws.assign(ids[0], sid, ("full", "partial")[next(flip) % 2]), write, 41)
        rows.append(row("assign() vs a bare durable SQLite write",
                        f"{one * 1e3:.2f} ms (floor {bare * 1e3:.2f} ms)", one / bare,
                        "<= 1.5x", one / bare <= 1.5))
        ws.close()
    return rows


# -- 7: the exact plan ------------------------------------------------------------------------
def exact_plan(n_gaps: int, n_services: int) -> list[tuple]:
    ws = FakeWorkshop(aspect_frames(n_gaps, n_services, seed=6))
    total = float(ws.catalog["cost"].sum())
    pl.select_services(ws, 10.0)  # warm-up
    floor = bench_plan.read_floor(ws)
    lp = bench_plan.lp_relaxation(ws)(0.25 * total)
    cpu = time.process_time()
    wall = time.perf_counter()
    plan = pl.select_services(ws, 0.25 * total, time_limit=60)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return [row(f"exact plan {n_gaps:,} x {n_services}, 40 aspects, 25% budget",
                f"{wall:.2f} s (CPU {cpu:.2f} s), proven optimal {plan.optimal}",
                wall / lp, "< 5 s, proven", wall < 5 and plan.optimal),
            row("  floors: read / LP relaxation", f"{floor:.2f} s / {lp:.2f} s", None, "",
                None)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small workshops (CI)")
    parser.add_argument("--browser", action="store_true", help="also the click in JupyterLab")
    parser.add_argument("--clicks", type=int, default=20)
    parser.add_argument("--json", type=Path, help="also write the rows here")
    args = parser.parse_args(argv)
    start, load = time.perf_counter(), os.getloadavg()[0]
    quick = args.quick
    rows = budget_panel(*((40, 20) if quick else (120, 80)))
    if args.browser:
        rows += browser(args.clicks)
    rows += record() if not quick else []
    rows += workshop(*((300, 40, 900) if quick else (5000, 300, 15000)))
    rows += exact_plan(*((500, 60) if quick else (5000, 300)))
    width = max(len(r[0]) for r in rows)
    vwidth = max(len(r[1]) for r in rows)
    for name, value, ratio, goal, mark in rows:
        print(f"{name:<{width}}  {value:<{vwidth}}  {ratio:>7}  {goal:<14} {mark}".rstrip())
    print(f"load average (1 min): {load:.2f} at start, {os.getloadavg()[0]:.2f} at end, on "
          f"{os.cpu_count()} cores; total run {time.perf_counter() - start:.0f} s")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())

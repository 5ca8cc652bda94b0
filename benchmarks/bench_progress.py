"""A follow-up assessment at workshop scale and at 5,000 gaps: how long each step takes,
against a floor measured in the same run.

    python benchmarks/bench_progress.py            # 120 x 80 and 5,000 x 300
    python benchmarks/bench_progress.py --quick    # 120 x 80 only

Floors (same process, same data):

- ``Workshop.follow_up`` (read the baseline, write the new session): ``Workshop.open``
  creating a session from the same gaps and catalog;
- ``ws.progress()``: bare pandas (the snapshot joined with the new sizes, value = weight x
  weight, commitments counted per gap);
- ``ws.reassess()`` (one durable step): a bare durable SQLite write (WAL,
  synchronous=FULL, BEGIN; INSERT OR REPLACE; COMMIT);
- a click in ``ui.ProgressPanel`` (reassess, then the panel redrawn: headline, gap,
  figure): ``ws.progress()``.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _generate import workshop_frames  # noqa: E402

import pmo_nb  # noqa: E402

WEIGHT = {"L": 1.0, "M": 2.0, "H": 3.0, "closed": 0.0}


def timed(call, repeat: int) -> float:
    """The median of ``repeat`` runs of ``call()``, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bare_progress(before: pd.DataFrame, sizes: pd.DataFrame,
                  committed: pd.DataFrame) -> pd.DataFrame:
    """The floor: what progress() computes, in the fewest pandas calls."""
    out = before.merge(sizes.rename(columns={"size": "after"}), on="gap_id", how="left")
    out["after"] = out["after"].fillna(out["size"])
    out["value_before"] = out["size"].map(WEIGHT) * out["priority"].map(WEIGHT)
    out["value_after"] = out["after"].map(WEIGHT) * out["priority"].map(WEIGHT)
    return out.merge(committed.groupby("gap_id").size().rename("services"), on="gap_id",
                     how="left")


def bare_write(folder: Path, n: int) -> float:
    path = Path(tempfile.mkdtemp(dir=folder)) / "floor.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE r (gap_id TEXT PRIMARY KEY, size TEXT, at TEXT)")
    times = []
    for i in range(n):
        start = time.perf_counter()
        conn.execute("BEGIN")
        conn.execute("INSERT OR REPLACE INTO r VALUES (?, ?, ?)", (f"G{i % 50}", "M", "now"))
        conn.execute("COMMIT")
        times.append(time.perf_counter() - start)
    conn.close()
    return statistics.median(times)


def run(n_gaps: int, n_services: int, folder: Path, repeat: int) -> list[tuple]:
    frames = workshop_frames(n_gaps, n_services, seed=7)
    base = pmo_nb.Workshop.open(folder / f"q1-{n_gaps}.sqlite", gaps=frames["gaps"],
                                catalog=frames["catalog"], assignments=frames["assignments"])
    base.close()
    made = iter(range(10_000))
    follow = timed(lambda: pmo_nb.Workshop.follow_up(
        base.path, folder / f"q2-{n_gaps}-{next(made)}.sqlite").close(), repeat)
    fresh = iter(range(10_000))
    create = timed(lambda: pmo_nb.Workshop.open(
        folder / f"new-{n_gaps}-{next(fresh)}.sqlite", gaps=frames["gaps"],
        catalog=frames["catalog"]).close(), repeat)
    ws = pmo_nb.Workshop.follow_up(base.path, folder / f"q2-{n_gaps}.sqlite")
    rng = np.random.default_rng(3)
    ids = ws.gaps["gap_id"].tolist()
    sizes = pd.DataFrame({"gap_id": rng.choice(ids, size=len(ids) // 3, replace=False),
                          "size": rng.choice(["L", "M", "H", "closed"], size=len(ids) // 3)})
    ws.import_reassessment(sizes)
    progress = timed(ws.progress, repeat)
    before = ws.gaps[["gap_id", "aspect", "priority", "size"]]
    floor = timed(lambda: bare_progress(before, sizes, frames["assignments"]), repeat)
    cycle = iter(["L", "M", "H", "closed"] * 1000)
    reassess = timed(lambda: ws.reassess(ids[0], next(cycle)), repeat * 5)
    write = bare_write(folder, repeat * 5)
    panel = pmo_nb.ui.ProgressPanel(ws)
    panel.gaps.value = ids[1]
    clicks = iter(["L", "M", "H", "closed"] * 1000)
    click = timed(lambda: setattr(panel.size, "value", next(clicks)), repeat)
    ws.close()
    scale = f"{n_gaps} x {n_services}"
    return [(f"follow_up() {scale}", follow, create, "create a session"),
            (f"progress() {scale}", progress, floor, "bare pandas"),
            (f"reassess() {scale}", reassess, write, "bare durable write"),
            (f"panel click {scale}", click, progress, "progress()")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="120 x 80 only, fewer runs")
    args = parser.parse_args()
    sizes = [(120, 80)] if args.quick else [(120, 80), (5000, 300)]
    repeat = 3 if args.quick else 7
    with tempfile.TemporaryDirectory() as tmp:
        rows = [r for n, s in sizes for r in run(n, s, Path(tmp), repeat)]
    print(f"{'measure':32} {'time':>10} {'floor':>10} {'ratio':>8}  floor")
    for name, took, floor, what in rows:
        print(f"{name:32} {took * 1e3:8.1f}ms {floor * 1e3:8.1f}ms {took / floor:7.1f}x  {what}")


if __name__ == "__main__":
    main()

"""A room voting at once: N participants (processes) on one session, every ballot checked.

    python benchmarks/bench_votes.py                      # 30 participants x 8 gaps
    python benchmarks/bench_votes.py --participants 4     # a quick run

Each participant joins, waits at a barrier until all have joined, then for each gap casts
a ballot and replaces it once (2 x gaps ballots each), timing every call. Afterwards the
tally must equal what the participants finally chose: lost or double-counted ballots are
counted and reported.

Floors, measured in the same run: one bare durable SQLite write (BEGIN IMMEDIATE, an
upsert, COMMIT, WAL + synchronous=FULL) by one process alone, and the same bare write
made by N processes at once (what the disk and the write lock alone cost).
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

import pmo_nb

SERVICES = ["S-TRAIN-PM", "S-METH-TEMPLATES", "S-METH-LIFECYCLE", "S-COMM-PLANS"]
ROOT = Path(__file__).resolve().parent.parent


def final_choice(i: int, g: int) -> list[str]:
    return SERVICES[: (i + g) % (len(SERVICES) + 1)]


def participant(path: str, i: int, gaps: list[str], start: mp.Barrier, out: mp.Queue) -> None:
    p = pmo_nb.Participant.join(path, f"P{i:03d}")
    start.wait()
    times = []
    for g, gap in enumerate(gaps):
        for choice in (SERVICES[::-1], final_choice(i, g)):  # a ballot, then its replacement
            t = time.perf_counter()
            p.vote_services(gap, choice)
            times.append(time.perf_counter() - t)
    p.close()
    out.put(times)


def bare_writer(path: str, i: int, n: int, start: mp.Barrier, out: mp.Queue) -> None:
    conn = sqlite3.connect(path, isolation_level=None, timeout=60)
    conn.execute("PRAGMA synchronous=FULL")
    start.wait()
    times = []
    for k in range(n):
        t = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO b VALUES (?, ?, '[]') ON CONFLICT (who, k) DO UPDATE SET "
                     "choice = excluded.choice", (i, k))
        conn.execute("COMMIT")
        times.append(time.perf_counter() - t)
    conn.close()
    out.put(times)


def run(target: object, n: int, args_for: object) -> list[float]:
    """Start ``n`` processes of ``target`` together; every call's time, pooled."""
    ctx = mp.get_context("fork")
    start, out = ctx.Barrier(n), ctx.Queue()
    procs = [ctx.Process(target=target, args=(*args_for(i), start, out)) for i in range(n)]
    for proc in procs:
        proc.start()
    times = [t for _ in procs for t in out.get(timeout=600)]
    for proc in procs:
        proc.join(60)
        assert proc.exitcode == 0, f"a participant failed (exit code {proc.exitcode})"
    return times


def p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=20)[-1]


def floor_db(folder: Path, name: str) -> str:
    path = folder / name
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE b (who INTEGER, k INTEGER, choice TEXT, PRIMARY KEY (who, k))")
    conn.close()
    return str(path)


def check(ws: pmo_nb.Workshop, n: int, gaps: list[str]) -> tuple[int, int]:
    """(lost, double-counted) ballots: the tally against what everyone finally chose."""
    got = ws.vote_results().set_index(["gap_id", "service_id"])["votes"].to_dict()
    want: dict[tuple[str, str], int] = {}
    for i in range(n):
        for g, gap in enumerate(gaps):
            for sid in final_choice(i, g):
                want[(gap, sid)] = want.get((gap, sid), 0) + 1
    lost = sum(max(want[k] - got.get(k, 0), 0) for k in want)
    double = sum(max(got[k] - want.get(k, 0), 0) for k in got)
    answered = ws.vote_results()["answered"].max() if got else n
    return lost + max(n - answered, 0), double


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--participants", type=int, default=30)
    parser.add_argument("--gaps", type=int, default=8)
    args = parser.parse_args()
    n, k = args.participants, args.gaps
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        ws = pmo_nb.Workshop.open(folder / "room.sqlite", gaps=ROOT / "data/sample_gaps.csv",
                                  catalog=ROOT / "data/catalog.csv")
        gaps = ws.gaps["gap_id"].tolist()[:k]
        ws.open_vote("services", gaps)
        start = time.perf_counter()
        ballots = run(participant, n, lambda i: (str(ws.path), i, gaps))
        wall = time.perf_counter() - start
        answered = ws.vote_progress()["answered"].tolist()
        ws.reveal()
        lost, double = check(ws, n, gaps)
        steps = int((ws.history["action"] == "ballot").sum())
        solo_ws = pmo_nb.Workshop.open(folder / "solo.sqlite",
                                       gaps=ROOT / "data/sample_gaps.csv",
                                       catalog=ROOT / "data/catalog.csv")
        solo_ws.open_vote("services", gaps)
        solo = [t for _ in range(4) for t in run(participant, 1, lambda i: (
            str(solo_ws.path), i + _ * 1000, gaps))]
        one, many = floor_db(folder, "alone.sqlite"), floor_db(folder, "crowd.sqlite")
        alone = run(bare_writer, 1, lambda i: (one, i, 2 * k * 4))
        crowd = run(bare_writer, n, lambda i: (many, i, 2 * k))
    print(f"{n} participants x {k} gaps, each ballot replaced once: {len(ballots)} ballots "
          f"in {wall:.1f} s")
    print(f"ballot steps in the history: {steps} (expected {2 * n * k}); every participant "
          f"answered all {k} gaps: {answered == [k] * n}")
    print(f"lost ballots: {lost}   double-counted: {double}\n")
    print(f"{'measure':46} {'p50':>9} {'p95':>9} {'floor p95':>10} {'ratio':>7}")
    rows = [(f"save a ballot, {n} participants at once", ballots, crowd),
            ("save a ballot, one participant alone", solo, alone),
            (f"save a ballot, {n} at once vs one bare write", ballots, alone)]
    for name, times, floor in rows:
        print(f"{name:46} {statistics.median(times) * 1e3:7.2f}ms {p95(times) * 1e3:7.2f}ms "
              f"{p95(floor) * 1e3:8.2f}ms {p95(times) / p95(floor):6.2f}x")
    print(f"\nfloors: a bare durable write (BEGIN IMMEDIATE, upsert, COMMIT; WAL, "
          f"synchronous=FULL) by {n} processes at once, and by one process alone")


if __name__ == "__main__":
    main()

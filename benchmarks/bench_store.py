"""The two stores side by side, as ratios against floors measured in the same run.

    python benchmarks/bench_store.py                 # a throwaway durable PostgreSQL server
    python benchmarks/bench_store.py --url postgresql://USER:PW@HOST:PORT/DB
    python benchmarks/bench_store.py --gaps 500 --kills 10   # a quick run

Floors: a bare insert + commit with the same driver on the same server (psycopg 3 for
PostgreSQL; sqlite3 with WAL and synchronous=FULL for SQLite), and a bare ``SELECT 1``
round trip for ``external_change()``. Participants: votes are not merged yet, so 30
participants answering at once are 30 threads, each with its own handle (connection),
each calling ``assign`` on its own gaps. Kills: a writer process is SIGKILLed at a random
moment, then every assignment it had acknowledged must be in the session.
"""

from __future__ import annotations

import argparse
import random
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import psycopg
from bench_workshop import best_of, generate

import pmo_nb

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
import _postgres  # noqa: E402  (the tests' throwaway server)

WRITER = """
import sys, pmo_nb
ws = pmo_nb.Workshop.open(sys.argv[1])
for i, gap in enumerate(sys.argv[3:]):
    ws.assign(gap, sys.argv[2], ("full", "partial")[i % 2])
    print(gap, flush=True)
"""


def floor_sqlite_insert(folder: Path) -> Callable[[], None]:
    """A bare durable insert + commit (WAL, synchronous=FULL), one connection per call site."""
    conn = sqlite3.connect(folder / "floor.sqlite", isolation_level=None, timeout=60,
                           check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE IF NOT EXISTS a (gap_id TEXT, service_id TEXT, contribution "
                 "TEXT, note TEXT, updated_at TEXT, PRIMARY KEY (gap_id, service_id))")
    counter = iter(range(10**9))

    def insert() -> None:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO a VALUES ('G', ?, 'full', '', '')",
                     (f"{time.time_ns()}-{next(counter)}",))
        conn.execute("COMMIT")
    return insert


def floor_pg_insert(url: str) -> Callable[[], None]:
    conn = psycopg.connect(url, autocommit=True)
    conn.execute("CREATE TABLE IF NOT EXISTS bench_floor (gap_id TEXT, service_id TEXT, "
                 "contribution TEXT, note TEXT, updated_at TEXT, PRIMARY KEY (gap_id, "
                 "service_id))")
    counter = iter(range(10**9))

    def insert() -> None:
        with conn.transaction():
            conn.execute("INSERT INTO bench_floor VALUES ('G', %s, 'full', '', '')",
                         (f"{time.time_ns()}-{next(counter)}",))
    return insert


def flipper(ws: pmo_nb.Workshop, gap: str, service: str) -> Callable[[], None]:
    flip = iter(range(10**9))
    return lambda: ws.assign(gap, service, ("full", "partial")[next(flip) % 2])


def paired(fn: Callable[[], object], floor: Callable[[], object],
           repeat: int = 31) -> tuple[float, float]:
    """Best of ``repeat`` for each, the two calls alternating (a shared disk drifts)."""
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for i, call in enumerate((fn, floor)):
            start = time.perf_counter()
            call()
            times[i].append(time.perf_counter() - start)
    return min(times[0]), min(times[1])


def participants(where: Path | str, gap_ids: list[str], service: str, n: int = 30,
                 calls: int = 10, bare: Callable[[], Callable[[], None]] | None = None
                 ) -> tuple[float, list[float]]:
    """n threads with a handle each, every one assigning ``calls`` times at once
    (or, with ``bare``, each calling its own bare insert + commit)."""
    handles = [bare() if bare else pmo_nb.Workshop.open(where) for _ in range(n)]
    latencies: list[float] = []
    start_line = threading.Barrier(n)

    def one(i: int) -> None:
        start_line.wait()
        for k in range(calls):
            t = time.perf_counter()
            if bare:
                handles[i]()
            else:
                handles[i].assign(gap_ids[(i * calls + k) % len(gap_ids)], service, "partial")
            latencies.append(time.perf_counter() - t)
    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    for h in handles:
        getattr(h, "close", lambda: None)()
    return wall, latencies


def kills(where: Path | str, gap_ids: list[str], services: list[str], n: int) -> tuple[int, int]:
    """SIGKILL a writer n times at random moments; (acknowledged, lost) assignments."""
    rng, acknowledged, lost = random.Random(16), 0, 0
    with pmo_nb.Workshop.open(where) as ws:
        for i in range(n):
            service = services[i % len(services)]
            proc = subprocess.Popen([sys.executable, "-c", WRITER, str(where), service,
                                     *gap_ids[:200]], stdout=subprocess.PIPE, text=True)
            got = [proc.stdout.readline().strip() for _ in range(rng.randint(1, 40))]
            time.sleep(rng.uniform(0, 0.02))  # land inside a later change, not between
            proc.send_signal(signal.SIGKILL)
            got += proc.communicate()[0].split()
            saved = ws.assignments
            saved = set(saved.loc[saved["service_id"] == service, "gap_id"])
            acknowledged += len(got)
            lost += len(set(got) - saved)
    return acknowledged, lost


def quick_check_cost(path: Path) -> tuple[float, float]:
    """Workshop.open with its read-only checks, and PRAGMA quick_check alone (best of 5)."""
    def check() -> None:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?immutable=1", uri=True)
        conn.execute("PRAGMA quick_check").fetchall()
        conn.close()
    return best_of(lambda: pmo_nb.Workshop.open(path).close(), 5), best_of(check, 5)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", help="a PostgreSQL database (default: a throwaway server)")
    parser.add_argument("--gaps", type=int, default=5000)
    parser.add_argument("--kills", type=int, default=60)
    args = parser.parse_args()
    server = None if args.url else _postgres.Server(durable=True)
    url = args.url or server.url
    try:
        run(url, args)
    finally:
        if server:
            server.stop()


def run(url: str, args: argparse.Namespace) -> None:
    gaps, catalog, asg = generate(args.gaps, 300, 3 * args.gaps)
    acted = gaps["pmo_role"] != "none"  # a handed-over gap refuses services
    sid, ids = catalog["service_id"].iloc[0], gaps.loc[acted, "gap_id"].tolist()
    rows, notes = [], []
    with tempfile.TemporaryDirectory() as tmp:
        stores = {"sqlite": Path(tmp) / "big.sqlite",
                  "postgresql": f"{url}?workshop=bench-{time.time_ns()}"}
        for kind, where in stores.items():
            start = time.perf_counter()
            ws = pmo_nb.Workshop.open(where, gaps=gaps, catalog=catalog, assignments=asg)
            notes.append(f"{kind}: created with {len(asg)} seed assignments in "
                         f"{time.perf_counter() - start:.2f} s")
            floor = floor_sqlite_insert(Path(tmp)) if kind == "sqlite" else floor_pg_insert(url)
            rows.append((f"assign() [{kind}]", *paired(flipper(ws, ids[0], sid), floor), 3.0))
            if kind == "postgresql":
                conn = psycopg.connect(url, autocommit=True)
                rows.append(("external_change() [postgresql]", *paired(
                    ws._store.external_change, lambda: conn.execute("SELECT 1").fetchall(), 51),
                    2.0))
            ws.close()
            bare = (lambda: floor_sqlite_insert(Path(tmp))) if kind == "sqlite" else (
                lambda: floor_pg_insert(url))
            for label, how in (("assigns", None), ("bare inserts (floor)", bare)):
                wall, lat = participants(where, ids, catalog["service_id"].iloc[1], bare=how)
                q = statistics.quantiles(lat, n=20)
                notes.append(f"{kind}: 30 participants x 10 {label} at once: {wall:.2f} s "
                             f"wall, {len(lat) / wall:.0f} changes/s, latency median "
                             f"{q[9] * 1e3:.1f} ms, p95 {q[18] * 1e3:.1f} ms")
            if args.kills:
                acked, lost = kills(where, ids, catalog["service_id"].tolist()[2:], args.kills)
                notes.append(f"{kind}: {args.kills} SIGKILLs mid-change: {acked} "
                             f"acknowledged assignments, {lost} lost")
        opened, check = quick_check_cost(stores["sqlite"])
        size = stores["sqlite"].stat().st_size / 1e6
        notes.append(f"sqlite: opening the {args.gaps}-gap session ({size:.1f} MB) with its "
                     f"checks: {opened * 1e3:.1f} ms, of which PRAGMA quick_check "
                     f"{check * 1e3:.1f} ms")
    print(f"stores: {args.gaps} gaps x 300 services x {len(asg)} assignments\n")
    print(f"{'measure':34} {'time':>10} {'floor':>10} {'ratio':>7} {'target':>7}")
    for name, t, f, target in rows:
        mark = "ok" if t / f <= target else "OVER"
        print(f"{name:34} {t * 1e3:8.2f}ms {f * 1e3:8.2f}ms {t / f:6.2f}x {target:6.1f}x {mark}")
    print("\n" + "\n".join(notes))


if __name__ == "__main__":
    main()

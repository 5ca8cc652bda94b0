"""``pmo_nb.benchmark`` over 200 workshops in one PostgreSQL database, against a floor.

    python benchmarks/bench_benchmark.py                   # a throwaway PostgreSQL server
    python benchmarks/bench_benchmark.py --url postgresql://USER:PW@HOST:PORT/DB
    python benchmarks/bench_benchmark.py --workshops 40    # a quick run

The database (a new one on the server) gets ``--workshops`` workshops: 3 in 4 are first
assessments of organisations in 4 sectors and 3 size bands, the rest follow-ups of some of
them (the same organisation); 9 in 10 consented. Each takes the sample's 18 gaps (sizes
drawn again) and a catalog in one of the five languages, and assigns 1-2 services that are
made for each gap's aspect. Timed: ``pmo_nb.benchmark(url, k=5)`` and with ``like=``.
Floor: the same server answering one bare ``GROUP BY`` over the same gaps and assignments
(psycopg 3, one connection kept open): what any query of these tables costs. Each figure
is the median of 7 runs after a warm one. Target: under a second for 200 workshops.
"""

from __future__ import annotations

import argparse
import sys
import time
import uuid
from pathlib import Path

import numpy as np
import pandas as pd
import psycopg
from bench_progress import timed  # the median of a few runs

import pmo_nb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
import _postgres  # noqa: E402  (the tests' throwaway server)

LANGS = ("", ".pt-BR", ".es", ".fr", ".de")
SECTORS, BANDS = ("Insurance", "Public", "Retail", "Energy"), ("Small", "Medium", "Large")
FLOOR = ("SELECT g.aspect, g.size, a.service_id, count(DISTINCT g.workshop) FROM gaps g "
         "JOIN assignments a ON a.workshop = g.workshop AND a.gap_id = g.gap_id "
         "GROUP BY g.aspect, g.size, a.service_id")


def picks(rng: np.random.Generator, gaps: pd.DataFrame, catalog: pd.DataFrame) -> pd.DataFrame:
    """1-2 services made for each gap's aspect (the English catalog says which)."""
    made = {}
    for sid, cell in zip(catalog["service_id"], catalog["aspects"], strict=True):
        for aspect in str(cell).split(";"):
            made.setdefault(aspect.strip(), []).append(sid)
    rows = []
    for gap_id, aspect in zip(gaps["gap_id"], gaps["aspect"], strict=True):
        ids = made.get(aspect, [])
        for sid in rng.choice(ids, size=min(len(ids), int(rng.integers(1, 3))), replace=False):
            rows.append({"gap_id": gap_id, "service_id": sid, "contribution": "full"})
    return pd.DataFrame(rows)


def fill(url: str, n: int, seed: int = 0) -> int:
    """``n`` workshops in the database at ``url``; returns how many consented."""
    rng = np.random.default_rng(seed)
    sample = pd.read_csv(ROOT / "data" / "sample_gaps.csv")
    english = pd.read_csv(ROOT / "data" / "catalog.csv")
    firsts, consented = [], 0
    for i in range(n):
        name = f"{url}?workshop=org-{i:03d}"
        if i % 4 == 3 and firsts:  # a follow-up of an organisation seen before
            ws = pmo_nb.Workshop.follow_up(firsts[int(rng.integers(len(firsts)))], name)
        else:
            gaps = sample.assign(size=rng.choice(list("LMH"), len(sample)))
            ws = pmo_nb.Workshop.open(name, gaps=gaps,
                                      catalog=ROOT / "data" / f"catalog{LANGS[i % 5]}.csv")
            ws.import_assignments(picks(rng, gaps, english))
            ws.set_profile(f"Organisation {i}", SECTORS[i % 4], BANDS[i % 3])
            firsts.append(name)
        if rng.random() < 0.9:
            ws.set_benchmark_consent(True)
            consented += 1
        ws.close()
    return consented


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", help="a server of your own: postgresql://USER:PW@HOST:PORT/DB")
    parser.add_argument("--workshops", type=int, default=200)
    args = parser.parse_args()
    server = _postgres.External(args.url) if args.url else _postgres.start()
    db = f"bench_{uuid.uuid4().hex[:10]}"
    try:
        with psycopg.connect(server.url, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {db}")
        url = server.url.rsplit("/", 1)[0] + f"/{db}"
        run(url, args.workshops)
    finally:
        with psycopg.connect(server.url, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")
        server.stop()


def run(url: str, workshops: int) -> None:
    """Fill the database at ``url``, then time the benchmark against the floor."""
    start = time.perf_counter()
    consented = fill(url, workshops)
    print(f"{workshops} workshops ({consented} consented) written in "
          f"{time.perf_counter() - start:.1f} s")
    table = pmo_nb.benchmark(url, k=5)
    like = {"sector": "Insurance", "size_band": "Large"}
    print(f"benchmark rows: {len(table)} (k=5), {len(pmo_nb.benchmark(url, k=5, like=like))}"
          f" (like {like}); largest group {table['organisations'].max()} organisations")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SET search_path TO pmo_nb")
        conn.execute(FLOOR).fetchall()  # warm: the floor and the benchmark alike
        floor = timed(lambda: conn.execute(FLOOR).fetchall(), 7)
    for label, call in (("benchmark(url, k=5)", lambda: pmo_nb.benchmark(url, k=5)),
                        ("benchmark(url, k=5, like=...)",
                         lambda: pmo_nb.benchmark(url, k=5, like=like))):
        call()
        took = timed(call, 7)
        verdict = "ok" if took < 1.0 else "OVER"
        print(f"{label:<32} {1000 * took:8.1f} ms  floor {1000 * floor:6.1f} ms  "
              f"{took / floor:5.1f}x  target < 1 s at 200 workshops: {verdict}")


if __name__ == "__main__":
    main()

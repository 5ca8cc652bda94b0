"""Several processes voting at once on one session: no ballot lost, none counted twice."""

from __future__ import annotations

import multiprocessing as mp
import re
import subprocess
import sys
from pathlib import Path

import pytest

import pmo_nb
from conftest import REPO

pytestmark = pytest.mark.stores("sqlite", "postgresql")  # each test on both stores

GAPS = ["G-01", "G-02", "G-03", "G-04"]
SERVICES = ["S-TRAIN-PM", "S-METH-TEMPLATES", "S-METH-LIFECYCLE"]


def expected_choice(i: int, gap: str) -> list[str]:
    """What participant ``i`` finally chooses for ``gap`` (after replacing a first ballot)."""
    k = (i + GAPS.index(gap)) % 4
    return SERVICES[:k]  # 0 to 3 services; [] is an answer too


def vote(path: str, i: int, start: mp.Barrier) -> None:
    p = pmo_nb.Participant.join(path, f"P{i:02d}")
    start.wait()
    for gap in GAPS:
        p.vote_services(gap, SERVICES[::-1])  # first ballot ...
        p.vote_services(gap, expected_choice(i, gap))  # ... replaced
    p.close()


def test_processes_voting_at_once_lose_nothing(ws: pmo_nb.Workshop) -> None:
    n = 8
    ws.open_vote("services", GAPS)
    ctx = mp.get_context("fork")
    start = ctx.Barrier(n)
    procs = [ctx.Process(target=vote, args=(str(ws.path), i, start)) for i in range(n)]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(120)
    assert [proc.exitcode for proc in procs] == [0] * n
    assert ws.vote_progress()["answered"].tolist() == [len(GAPS)] * n
    ws.reveal()
    got = ws.vote_results().set_index(["gap_id", "service_id"])["votes"].to_dict()
    want: dict[tuple[str, str], int] = {}
    for i in range(n):
        for gap in GAPS:
            for sid in expected_choice(i, gap):
                want[(gap, sid)] = want.get((gap, sid), 0) + 1
    assert got == want
    ballots = ws.history[ws.history["action"] == "ballot"]
    assert len(ballots) == n * len(GAPS) * 2 and ballots["step"].is_unique


def test_a_second_handle_sees_ballots_through_poll(ws: pmo_nb.Workshop, tmp_path: Path) -> None:
    ws.open_vote("priority", ["G-01"])
    seen: list[pmo_nb.Change] = []
    ws.subscribe(seen.append)
    ws.poll()
    seen.clear()
    pmo_nb.Participant.join(ws.path, "Ann").rate("G-01", "H")
    assert ws.poll() and "votes" in seen[-1].tables and not seen[-1].here
    assert ws.vote_progress()["answered"].tolist() == [1]


def test_the_vote_benchmark_runs_and_counts_every_ballot() -> None:
    done = subprocess.run([sys.executable, "benchmarks/bench_votes.py", "--participants", "4",
                           "--gaps", "2"], cwd=REPO, capture_output=True, text=True,
                          timeout=300, check=True)
    assert "lost ballots: 0   double-counted: 0" in done.stdout
    assert re.search(r"^save a ballot, 4 participants at once .* \d+\.\d\dx$", done.stdout, re.M)

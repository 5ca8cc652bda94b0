"""One session shared by many handles: the facilitator's panel, a cell run twice, the budget
panel, every participant, a colleague's kernel. Nothing returned is ever lost, whatever
opens, closes or dies around it (issue 22), on both stores.

The failures these reproduce, as they were found:
1. two handles in one kernel, a participant's process leaving, then the kernel restarted:
   8 of 8 returned assignments lost (a descriptor of the session opened outside SQLite
   dropped the kernel's locks; the participant's process then deleted the ``-wal``);
2. ``suggest`` raising ``KeyError: 'ranked G-05'`` when another handle's change arrived
   between two reads of its cache;
3. ballots saved after Reveal, so that the results shown at Reveal changed afterwards;
4. two participants called "Ann" becoming one.
"""

from __future__ import annotations

import builtins
import io
import os
import random
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

import pmo_nb
from conftest import CATALOG, check_history

pytestmark = pytest.mark.stores("sqlite", "postgresql")
GAPS = [f"G-{i:02d}" for i in range(1, 18)]  # G-18 is handed over: it takes no service
SERVICES = pd.read_csv(CATALOG)["service_id"].tolist()
PY = [sys.executable, "-c"]


def start(script: str, *args: object, stdin: bool = False) -> subprocess.Popen:
    return subprocess.Popen([*PY, textwrap.dedent(script), *map(str, args)], text=True,
                            stdout=subprocess.PIPE,
                            stdin=subprocess.PIPE if stdin else subprocess.DEVNULL)


def saved_pairs(path: Path | str) -> set[tuple[str, str]]:
    with pmo_nb.Workshop.open(path) as ws:
        return set(zip(ws.assignments["gap_id"], ws.assignments["service_id"], strict=True))


# -- 1. the kernel with two handles, a participant leaving ---------------------------------
KERNEL_TWO_HANDLES = """
    import os, sys, pmo_nb
    first = pmo_nb.Workshop.open(sys.argv[1])   # the panel's handle
    second = pmo_nb.Workshop.open(sys.argv[1])  # the notebook's first cell, run again
    print("ready", flush=True)
    sys.stdin.readline()  # while a participant joins, votes and leaves
    for i, service in enumerate(sys.argv[2:]):
        second.assign("G-%02d" % (i + 1), service)
        print(service, flush=True)
    os._exit(0)  # the kernel restarted: nothing closed
"""
PARTICIPANT_VISIT = """
    import sys, pmo_nb
    ann = pmo_nb.Participant.join(sys.argv[1], "Ann")
    ann.vote_services("G-01", ["S-TRAIN-PM"])
    ann.close()
"""


def test_two_handles_in_a_kernel_and_a_participant_leaving_lose_nothing(ws):
    ws.open_vote("services")
    ws.close()  # this process holds no connection: the kernel's locks alone protect it
    services = SERVICES[:8]
    kernel = start(KERNEL_TWO_HANDLES, ws.path, *services, stdin=True)
    assert kernel.stdout.readline().strip() == "ready"
    subprocess.run([*PY, textwrap.dedent(PARTICIPANT_VISIT), str(ws.path)], check=True,
                   timeout=120)
    kernel.stdin.write("go\n")
    kernel.stdin.flush()
    returned = [kernel.stdout.readline().strip() for _ in services]
    assert kernel.wait(timeout=120) == 0 and returned == services
    kept = saved_pairs(ws.path)
    assert {(f"G-{i + 1:02d}", s) for i, s in enumerate(services)} <= kept  # 8 of 8 kept


@pytest.mark.stores("sqlite")
def test_no_descriptor_of_a_session_is_opened_outside_sqlite(ws, monkeypatch):
    """Opening, checking, joining and reading a live session never opens its file (or its
    -wal/-shm) with Python's open: closing such a descriptor would drop SQLite's locks."""
    seen: list[str] = []
    session = Path(ws.path).resolve()

    def watch(target: object) -> None:
        if isinstance(target, (str, bytes, os.PathLike)):
            name = os.fsdecode(target)
            if Path(name).resolve().name.startswith(session.name):
                seen.append(name)
    for module, name in ((builtins, "open"), (io, "open"), (os, "open")):
        original = getattr(module, name)

        def spy(target, *args, _original=original, **kwargs):
            watch(target)
            return _original(target, *args, **kwargs)
        monkeypatch.setattr(module, name, spy)
    ws.open_vote("services", ["G-01"])
    with pmo_nb.Workshop.open(ws.path) as again:  # a second handle in this process
        ann = pmo_nb.Participant.join(ws.path, "Ann")
        ann.vote_services("G-01", ["S-TRAIN-PM"])
        again.assign("G-05", SERVICES[0])
        ann.close()
        ws.suggest("G-05"), ws.coverage(), again.history
    assert seen == []


# -- 2. caches while others change the session -----------------------------------------
READER = """
    import random, sys, pmo_nb
    ws = pmo_nb.Workshop.open(sys.argv[1])
    rng = random.Random(int(sys.argv[2]))
    gaps = ws.gaps["gap_id"].tolist()
    for _ in range(int(sys.argv[3])):
        ws.suggest(rng.choice(gaps))
        ws.coverage(), ws.coverage_matrix()
    print("read", flush=True)
"""
ASSIGN_AND_UNDO = """
    import sys, pmo_nb
    ws = pmo_nb.Workshop.open(sys.argv[1])
    services = sys.argv[2:]
    i = 0
    while sys.stdin.readline().strip() == "more":
        for k in range(5):
            ws.assign("G-%02d" % (1 + (i + k) % 17), services[(i + k) % len(services)])
        ws.undo(); ws.undo()
        i += 1
        print("ok", flush=True)
"""


def test_readers_never_fail_while_another_process_assigns_and_undoes(ws):
    readers = [start(READER, ws.path, seed, 400) for seed in (1, 2)]
    writer = start(ASSIGN_AND_UNDO, ws.path, *SERVICES[:12], stdin=True)
    rounds = 0
    while any(r.poll() is None for r in readers):
        writer.stdin.write("more\n")
        writer.stdin.flush()
        assert writer.stdout.readline().strip() == "ok", "the writer failed"
        rounds += 1
    writer.stdin.write("stop\n")
    writer.stdin.close()
    assert writer.wait(timeout=60) == 0
    assert [r.wait() for r in readers] == [0, 0]  # nothing raised in 2 x 400 reads
    assert [r.stdout.read().strip() for r in readers] == ["read", "read"]
    assert rounds > 3  # the reads really ran beside the changes


def test_one_handle_reads_while_another_in_the_same_process_undoes(ws):
    other = pmo_nb.Workshop.open(ws.path)
    try:
        for i in range(60):
            other.assign(GAPS[i % 17], SERVICES[i % 9])
            ws.suggest(GAPS[(i + 3) % 17])
            other.undo()  # everything cached by ws is stale now
            assert len(ws.suggest(GAPS[i % 17])) == len(SERVICES)
            ws.coverage()
    finally:
        other.close()


# -- 3. ballots and Reveal ---------------------------------------------------------------
REVOTER = """
    import sys, pmo_nb
    p = pmo_nb.Participant.join(sys.argv[1], "Voter")
    services, refused, saved = sys.argv[2:], 0, 0
    print("joined", flush=True)
    for i in range(400):
        try:
            p.vote_services("G-01", [services[i % len(services)]])
            saved += 1
        except pmo_nb.VoteError:
            refused += 1
            if refused > 5:
                break
    print(saved, refused, flush=True)
"""


def test_no_ballot_is_saved_after_reveal(ws):
    ws.open_vote("services", ["G-01"])
    voters = [start(REVOTER, ws.path, *SERVICES[k: k + 3]) for k in range(4)]
    assert [v.stdout.readline().strip() for v in voters] == ["joined"] * 4
    time.sleep(0.3)  # re-voting in full swing
    ws.reveal()
    shown = ws.vote_results()
    outcome = [v.communicate(timeout=120)[0].split() for v in voters]
    assert all(int(refused) > 0 for _, refused in outcome)  # each was told it was too late
    ballots = ws._store.read("ballots")
    revealed_at = ws._store.row("vote", (1,))["revealed_at"]
    assert (ballots["at"] <= revealed_at).all()
    pd.testing.assert_frame_equal(ws.vote_results(), shown)  # Reveal's results stand


# -- 4. two people, one name --------------------------------------------------------------
def test_two_joins_with_one_name_at_once_are_two_participants(ws):
    ws.open_vote("services", ["G-01"])
    script = """
        import sys, pmo_nb
        p = pmo_nb.Participant.join(sys.argv[1], "Ann")
        p.vote_services("G-01", [sys.argv[2]])
        print(p.name, flush=True)
    """
    procs = [start(script, ws.path, SERVICES[k]) for k in range(6)]
    names = [p.communicate(timeout=120)[0].strip() for p in procs]
    assert sorted(names) == sorted(["Ann", *(f"Ann ({k})" for k in range(2, 7))])
    assert ws.vote_progress()["answered"].tolist() == [1] * 6


# -- the kill runs: 3 handles in a kernel killed at random, 3 other processes -------------
KERNEL = """
    import os, random, sys, pmo_nb
    path, seed, how = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    rng = random.Random(seed)
    handles = [pmo_nb.Workshop.open(path) for _ in range(3)]  # panel, cell run again, budget
    print("ready", flush=True)
    for item in sys.argv[4:]:
        gap, service = item.split("|")
        i = rng.randrange(3)
        if rng.random() < 0.25:  # a cell run again: a handle closed, another opened
            handles[i].close()
            handles[i] = pmo_nb.Workshop.open(path)
        handles[rng.randrange(3)].assign(gap, service)
        print(gap, service, flush=True)  # returned to the caller
        if rng.random() < 0.3:
            handles[rng.randrange(3)].suggest(gap)
    if how == "exit":
        os._exit(0)  # the kernel restarted: no handle closed
    sys.stdin.readline()  # killed while waiting
"""
NEIGHBOUR = """
    import os, random, sys, time, pmo_nb
    path, seed, role, stop = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    rng = random.Random(seed)
    pairs = [p.split("|") for p in sys.argv[5:]]
    gaps = ["G-%02d" % i for i in range(1, 18)]
    services = ["S-TRAIN-PM", "S-METH-TEMPLATES", "S-METH-LIFECYCLE"]
    device = "device-%d" % seed
    while not os.path.exists(stop):
        if role == "participant":  # a phone: joins (a reload comes back), votes, leaves
            p = pmo_nb.Participant.join(path, "Ann", device=device if rng.random() < 0.5
                                        else None)
            for _ in range(rng.randint(1, 4)):
                gap = rng.choice(gaps)
                p.vote_services(gap, rng.sample(services, 2))
                print("ballot", p.vote()["vote_id"], p.name.replace(" ", "_"), gap, flush=True)
            p.close()
        else:  # a colleague's kernel: reads, assigns its own pairs, closes, opens again
            ws = pmo_nb.Workshop.open(path)
            for _ in range(rng.randint(1, 4)):
                ws.suggest(rng.choice(gaps)), ws.coverage()
                if pairs:
                    gap, service = pairs.pop()
                    ws.assign(gap, service)
                    print("assign", gap, service, flush=True)
            ws.close()
        time.sleep(rng.uniform(0, 0.05))
"""


class Neighbour:
    """One of the other processes, restarted when the test kills it; its acks kept (a
    thread reads each process's lines as they come)."""

    def __init__(self, path, seed: int, role: str, stop: Path, pairs: list[str]):
        self.args, self.pairs, self.acks = (path, seed, role, stop), list(pairs), []
        self.proc, self.reader = self._start()

    def _start(self) -> tuple[subprocess.Popen, threading.Thread]:
        proc = start(NEIGHBOUR, *self.args, *self.pairs)
        reader = threading.Thread(target=self._read, args=(proc,), daemon=True)
        reader.start()
        return proc, reader

    def _read(self, proc: subprocess.Popen) -> None:
        for line in proc.stdout:
            if line.endswith("\n"):  # a line cut by a kill is no acknowledgement
                self.acks.append(line.split())

    def kill_and_restart(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        self.reader.join(timeout=30)
        done = {"|".join(a[1:]) for a in self.acks if a[0] == "assign"}
        self.pairs = [p for p in self.pairs if p not in done]
        self.proc, self.reader = self._start()

    def finish(self) -> None:
        assert self.proc.wait(timeout=120) == 0, f"{self.args[2]} failed"
        self.reader.join(timeout=30)


def test_fifty_random_kills_lose_no_returned_change(ws, tmp_path, capsys):
    rng = random.Random(22)
    ws.open_vote("services")
    pairs = [f"{g}|{s}" for s in SERVICES for g in GAPS]
    rng.shuffle(pairs)
    kernel_pairs, colleague_pairs = pairs[:400], pairs[400:]
    ws.close()  # this process holds no connection: the others' locks alone protect them
    stop = tmp_path / "stop"
    others = [Neighbour(ws.path, 1, "participant", stop, []),
              Neighbour(ws.path, 2, "participant", stop, []),
              Neighbour(ws.path, 3, "colleague", stop, colleague_pairs)]
    returned: list[tuple[str, str]] = []
    for kill in range(50):
        how = "exit" if kill % 3 == 0 else "kill"
        mine = kernel_pairs[kill * 8: kill * 8 + 8]
        kernel = start(KERNEL, ws.path, kill, how, *mine, stdin=True)
        assert kernel.stdout.readline().strip() == "ready"
        wanted = len(mine) if how == "exit" else rng.randint(0, len(mine) - 1)
        for _ in range(wanted):
            returned.append(tuple(kernel.stdout.readline().split()))  # whole: not killed yet
        if how == "kill":
            time.sleep(rng.uniform(0, 0.02))  # often in the middle of the next change
            kernel.send_signal(signal.SIGKILL)
        out, _ = kernel.communicate(timeout=120)
        returned += [tuple(line.split()) for line in out.splitlines(keepends=True)
                     if line.endswith("\n")]  # a line cut by the kill acknowledges nothing
        if kill % 10 == 5:
            others[kill % 3].kill_and_restart()  # a phone or a colleague dies too
    stop.touch()
    for other in others:
        other.finish()
    returned += [(a[1], a[2]) for o in others for a in o.acks if a[0] == "assign"]
    ballots = {(int(a[1]), a[2].replace("_", " "), a[3]) for o in others for a in o.acks
               if a[0] == "ballot"}
    with pmo_nb.Workshop.open(ws.path) as after:
        kept = set(zip(after.assignments["gap_id"], after.assignments["service_id"],
                       strict=True))
        stored = after._store.read("ballots")
        stored = set(zip(stored["vote_id"], stored["participant"], stored["gap_id"],
                         strict=True))
        check_history(after)
    lost = set(returned) - kept
    with capsys.disabled():
        print(f"\n[{ws.label}] 50 kills: {len(set(returned))} assignments returned, "
              f"{len(set(returned) & kept)} kept; {len(ballots)} ballots returned, "
              f"{len(ballots & stored)} kept")
    assert not lost and ballots <= stored
    assert len(set(returned)) > 150 and len(ballots) > 20  # the runs really did work

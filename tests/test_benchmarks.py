"""The benchmark scripts still run (on a small workshop); their timings are not asserted."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from conftest import NEEDS_CHROMIUM, REPO


def test_workshop_benchmark_reports_ratios_against_floors():
    done = subprocess.run([sys.executable, "benchmarks/bench_workshop.py", "--gaps", "120",
                           "--services", "30", "--assignments", "300", "--import-runs", "1"],
                          cwd=REPO, capture_output=True, text=True, timeout=300, check=True)
    for name in ("coverage\\(\\) \\+ coverage_matrix\\(\\)", "assign\\(\\)", "import pmo_nb"):
        assert re.search(rf"^{name} .* \d+\.\d\dx +\d\.\dx (ok|OVER)$", done.stdout, re.M), name
    assert re.search(r"one click .*: \d+\.\d ms at 50 gaps", done.stdout)


def test_progress_benchmark_reports_every_step_against_its_floor():
    done = subprocess.run([sys.executable, "benchmarks/bench_progress.py", "--quick"],
                          cwd=REPO, capture_output=True, text=True, timeout=600, check=True)
    for name in (r"follow_up\(\)", r"progress\(\)", r"reassess\(\)", "panel click"):
        assert re.search(rf"^{name} 120 x 80 +\d+\.\dms +\d+\.\dms +\d+\.\dx ", done.stdout,
                         re.M), done.stdout


def test_plan_benchmark_quick_run_proves_its_plans():
    done = subprocess.run([sys.executable, "benchmarks/bench_plan.py", "--quick"], cwd=REPO,
                          capture_output=True, text=True, timeout=600, check=True)
    assert re.search(r"all proven optimal +True", done.stdout)
    assert "proven gap" in done.stdout
    assert re.search(r"^  exact at 25% .* optimal True ", done.stdout, re.M)  # issue 15's workshop
    for name in ("budget_curve 120 x 80", "budget_curve sample"):
        assert re.search(rf"{name} +\d+\.\d\d s \(CPU .*points.*all optimal True$", done.stdout,
                         re.M), name


def test_store_benchmark_reports_both_stores(pg_server):
    done = subprocess.run([sys.executable, "benchmarks/bench_store.py", "--url", pg_server.url,
                           "--gaps", "60", "--kills", "1"],
                          cwd=REPO, capture_output=True, text=True, timeout=600, check=True)
    for name in (r"assign\(\) \[sqlite\]", r"assign\(\) \[postgresql\]",
                 r"external_change\(\) \[postgresql\]"):
        assert re.search(rf"^{name} .* \d+\.\d\dx +\d\.\dx (ok|OVER)$", done.stdout, re.M), name
    assert re.search(r"postgresql: 1 SIGKILLs mid-change: \d+ acknowledged assignments, 0 lost",
                     done.stdout)
    assert "30 participants x 10 assigns at once" in done.stdout


def test_benchmark_benchmark_answers_from_many_workshops(pg_server):
    done = subprocess.run([sys.executable, "benchmarks/bench_benchmark.py", "--url",
                           pg_server.url, "--workshops", "40"],
                          cwd=REPO, capture_output=True, text=True, timeout=600, check=True)
    assert re.search(r"^40 workshops \(\d+ consented\) written", done.stdout, re.M)
    assert re.search(r"^benchmark rows: [1-9]\d* \(k=5\)", done.stdout, re.M), done.stdout
    assert re.search(r"^benchmark\(url, k=5\) +\d+\.\d ms +floor +\d+\.\d ms +\d+\.\dx ",
                     done.stdout, re.M), done.stdout


@NEEDS_CHROMIUM
@pytest.mark.browser
def test_room_benchmark_reports_phones_against_its_floor():
    done = subprocess.run([sys.executable, "benchmarks/bench_room.py", "--phones", "2"],
                          cwd=REPO, capture_output=True, text=True, timeout=900, check=True)
    for name in ("floor \\(bare page\\)", "room \\(pmo_nb\\)"):
        assert re.search(rf"^{name} +2/2 .* 1 +\d+\.\d\d s +0 ", done.stdout, re.M), done.stdout
    assert re.search(r"page ready p95, room / floor: \d+\.\d\dx", done.stdout)
    assert "ballots saved in the session: 2 of 2 phones" in done.stdout


def test_room_feel_benchmark_reports_every_row_of_issue_26():
    done = subprocess.run([sys.executable, "benchmarks/bench_room_feel.py", "--quick"],
                          cwd=REPO, capture_output=True, text=True, timeout=600, check=True)
    for name in (r"budget panel 40 x 20: must-have ticked, callback",
                 r"  exact frontier with the must-have \(\d+ points, all optimal True\)",
                 r"coverage\(\) \+ coverage_matrix\(\), 300 x 40 x 900",
                 r"assign\(\) vs a bare durable SQLite write",
                 r"exact plan 500 x 60, 40 aspects, 25% budget"):
        assert re.search(rf"^{name} .* \d+\.\d\dx ", done.stdout, re.M), (name, done.stdout)
    assert re.search(r"^notebooks' budget panel: must / exclude +used +used +ok$", done.stdout,
                     re.M)

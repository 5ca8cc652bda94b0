"""``pmo-nb record`` end to end: the sample record, exit codes, messages, clean failures."""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from openpyxl import load_workbook

import pmo_nb
from conftest import CHROMIUM, KERNELSPEC, PLOTLY_JS, REMOTE_TAG, REPO, open_offline
from pmo_nb import cli, record
from pmo_nb.record.html import esc

GAPS = REPO / "data" / "sample_gaps.csv"
CATALOG = REPO / "data" / "catalog.csv"
ASSIGNMENTS = REPO / "data" / "sample_assignments.csv"
BAD_GAPS = REPO / "tests" / "data" / "bad" / "gaps_unknown_levels.csv"
PRESENT = list(record.RECORD_NOTEBOOKS)
SAMPLE_TITLE = "Sample organisation (demo)"


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The Makefile's `record` target, into a temp folder: session file inside the output."""
    out = tmp_path_factory.mktemp("sample") / "record"
    cmd = [sys.executable, "-m", "pmo_nb", "record", "--gaps", str(GAPS), "--catalog",
           str(CATALOG), "--assignments", str(ASSIGNMENTS), "--session",
           str(out / "sample.sqlite"), "--out", str(out), "--budget", "450", "--wave-budget",
           "150", "--title", SAMPLE_TITLE]
    done = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=900)
    return {"out": out, "rc": done.returncode, "stdout": done.stdout, "stderr": done.stderr}


@pytest.fixture
def notebooks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Point the record at notebooks written by the test: ``notebooks({"name": [cells]})``."""
    def make(cells_by_name: dict[str, list[str]]) -> Path:
        folder = tmp_path / "notebooks"
        folder.mkdir(exist_ok=True)
        for name, cells in cells_by_name.items():
            nb = nbformat.v4.new_notebook(metadata={"kernelspec": KERNELSPEC})
            nb.cells = [nbformat.v4.new_code_cell(src) for src in cells]
            nb.cells[0].metadata["tags"] = ["parameters"]
            nbformat.write(nb, folder / f"{name}.ipynb")
        monkeypatch.setattr(record.build, "NOTEBOOK_DIR", folder)
        monkeypatch.setattr(record.build, "RECORD_NOTEBOOKS", tuple(cells_by_name))
        return folder
    return make


PARAMS = 'gaps_path = None\ncatalog_path = None\nsession_path = "x.sqlite"\nassignments_path = None'
OPEN = ("import pmo_nb\nws = pmo_nb.Workshop.open(session_path, gaps=gaps_path, "
        "catalog=catalog_path, assignments=assignments_path)\nprint(len(ws.gaps), 'gaps')")


def test_sample_record_is_complete(sample: dict) -> None:
    assert sample["rc"] == 0, sample["stderr"]
    assert "Traceback" not in sample["stderr"]
    written = {record.PAGE, record.WORKBOOK} | {f"notebooks/{n}.ipynb" for n in PRESENT}
    out = sample["out"]
    assert {str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()} == written | {
        "sample.sqlite"}
    assert not list(out.parent.glob(".record.partial-*"))
    for i, name in enumerate(PRESENT, start=1):
        assert re.search(rf"\[{i}/{len(PRESENT)}\] {name}\.ipynb \(\d+\.\d s\)", sample["stderr"])
    assert re.search(r"record: \d+ files, \d+\.\d MB, \d+\.\d s", sample["stderr"])
    assert sample["stdout"].split() == sorted(str(out / n) for n in written)


def test_sample_page_is_offline_small_and_titled(sample: dict) -> None:
    text = (sample["out"] / record.PAGE).read_text(encoding="utf-8")
    assert len(text.encode()) < 3_000_000
    assert text.count("plotly.js (cartesian - minified)") == 1
    assert REMOTE_TAG.findall(text) == [] and "cdnjs.cloudflare.com" not in text
    assert f"<h1>{html.escape(SAMPLE_TITLE)}</h1>" in text
    assert "for 450 k&#36; buys" not in text and "a budget of 450 k&#36; buys" in text
    for name in PRESENT:
        executed = (sample["out"] / "notebooks" / f"{name}.ipynb").read_text(encoding="utf-8")
        assert not PLOTLY_JS.search(executed) and len(executed) < 1_000_000  # JSON figures


def test_sample_notebooks_run_with_the_records_budget(sample: dict) -> None:
    nb = nbformat.read(sample["out"] / "notebooks" / "prioritize.ipynb", as_version=4)
    params = nb.metadata.papermill.parameters
    assert (params["budget"], params["wave_budget"], params["must"]) == (450.0, 150.0, [])
    summary = next(c for c in nb.cells if "plan_summary" in c.source).outputs[0].text
    page = (sample["out"] / record.PAGE).read_text(encoding="utf-8")
    headline = summary.splitlines()[0].replace("$", "&#36;")
    assert f'id="plan-headline">{headline}</p>' in page  # the page and the notebook agree


def test_sample_workbook(sample: dict) -> None:
    book = load_workbook(sample["out"] / record.WORKBOOK)
    assert {"summary", "gap register", "gaps", "catalog", "assignments", "candidate list",
            "coverage", "handed over", "history", "plan", "plan leaves open", "budget curve",
            "roadmap"} <= set(book.sheetnames)
    assert book["gaps"].max_row == 1 + len(pmo_nb.load_gaps(GAPS))
    assert book["assignments"].max_row > 1  # seeded from the sample assignments
    assert book["roadmap"].max_row > 1 and book["plan"].max_row > 1
    assert [c for s in book for row in s.iter_rows() for c in row if c.data_type == "f"] == []


def test_page_shows_every_gap_in_full(sample: dict) -> None:
    text = (sample["out"] / record.PAGE).read_text(encoding="utf-8")
    gaps = pmo_nb.load_gaps(GAPS)
    for column in ("current_state", "future_state", "description"):
        cut = [g for g, v in zip(gaps["gap_id"], gaps[column], strict=True)
               if esc(v) not in text]
        assert cut == [], f"{column} not shown in full for {cut}"


@pytest.mark.browser
def test_sample_page_renders_offline(sample: dict, tmp_path: Path) -> None:
    if not CHROMIUM.exists():
        pytest.skip("needs /usr/bin/chromium (apt-get install -y chromium)")
    docs = os.environ.get("PMO_NB_UPDATE_DOCS")
    folder = REPO / "docs" if docs else tmp_path
    page = sample["out"] / record.PAGE
    seen = open_offline(page, folder / "record.png", folder / "record-full.png")
    assert seen["drawn"] == page.read_text(encoding="utf-8").count("Plotly.newPlot(")
    assert seen["requests"] == [] and seen["errors"] == []


def test_existing_session_alone(sample: dict, tmp_path: Path, notebooks, capsys) -> None:
    notebooks({"reopen": [PARAMS, OPEN]})
    session = tmp_path / "copy.sqlite"
    shutil.copy(sample["out"] / "sample.sqlite", session)
    assert cli.main(["record", "--session", str(session), "--out", str(tmp_path / "r")]) == 0
    nb = nbformat.read(tmp_path / "r" / "notebooks" / "reopen.ipynb", as_version=4)
    assert nb.cells[-1].outputs[0].text == "18 gaps\n"
    assert nb.metadata.papermill.parameters["gaps_path"] is None
    assert (tmp_path / "r" / record.WORKBOOK).exists()


def test_assignments_ignored_for_an_existing_session(sample: dict, tmp_path: Path, notebooks,
                                                     capsys) -> None:
    notebooks({})
    session = tmp_path / "copy.sqlite"
    shutil.copy(sample["out"] / "sample.sqlite", session)
    args = ["record", "--session", str(session), "--assignments", str(ASSIGNMENTS), "--out",
            str(tmp_path / "r")]
    assert cli.main(args) == 0
    assert "--assignments ignored" in capsys.readouterr().err


def _fails(args: list[str], capsys) -> str:
    assert cli.main(["record", *args]) == cli.EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err


def test_bad_gaps_exit_2_with_the_loader_message(tmp_path: Path, capsys) -> None:
    with pytest.raises(pmo_nb.DataError) as raised:
        pmo_nb.load_gaps(BAD_GAPS)
    err = _fails(["--gaps", str(BAD_GAPS), "--catalog", str(CATALOG), "--session",
                  str(tmp_path / "s.sqlite"), "--out", str(tmp_path / "out")], capsys)
    assert err == f"pmo-nb record: {raised.value}\n"
    assert list(tmp_path.iterdir()) == []  # no session, no output, no temp folder


def test_missing_file_is_named(tmp_path: Path, capsys) -> None:
    err = _fails(["--gaps", str(tmp_path / "nope.csv"), "--catalog", str(CATALOG),
                  "--session", str(tmp_path / "s.sqlite"), "--out", str(tmp_path / "o")], capsys)
    assert err == f"pmo-nb record: No such file: '{tmp_path / 'nope.csv'}'.\n"


def test_new_session_needs_gaps_and_catalog(tmp_path: Path, capsys) -> None:
    err = _fails(["--session", str(tmp_path / "s.sqlite"), "--out", str(tmp_path / "o")], capsys)
    assert "does not exist yet; to start a new session give --gaps and --catalog" in err


def test_other_gaps_than_the_session_was_made_from(sample: dict, tmp_path: Path,
                                                   capsys) -> None:
    session = tmp_path / "copy.sqlite"
    shutil.copy(sample["out"] / "sample.sqlite", session)
    hostile = REPO / "tests" / "data" / "hostile_gaps.csv"
    err = _fails(["--gaps", str(hostile), "--session", str(session), "--out",
                  str(tmp_path / "o")], capsys)
    assert "was created from other gaps" in err


def test_failed_notebook_leaves_nothing_behind(tmp_path: Path, notebooks, capsys) -> None:
    notebooks({"reopen": [PARAMS, OPEN], "broken": [PARAMS, "1 / 0"]})
    out = tmp_path / "out"
    args = ["record", "--gaps", str(GAPS), "--catalog", str(CATALOG), "--session",
            str(out / "s.sqlite"), "--out", str(out)]
    assert cli.main(args) == cli.EXIT_FAILED
    err = capsys.readouterr().err
    assert ("notebook 'broken.ipynb' failed at In [3] (1 / 0): ZeroDivisionError: "
            "division by zero") in err
    assert "record not written (partial output removed)" in err and "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notebooks"]


def test_help_lists_both_commands(capsys) -> None:
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    out = capsys.readouterr().out
    assert "record" in out and "refresh-notebooks" in out


def test_budget_options_reach_the_notebooks(sample: dict, tmp_path: Path, notebooks) -> None:
    params = PARAMS + "\nbudget = 390\nwave_budget = 120"
    notebooks({"plan": [params, "print(budget, wave_budget)"]})
    session = tmp_path / "copy.sqlite"
    shutil.copy(sample["out"] / "sample.sqlite", session)
    assert cli.main(["record", "--session", str(session), "--out", str(tmp_path / "r"),
                     "--budget", "250", "--wave-budget", "80.5"]) == 0
    nb = nbformat.read(tmp_path / "r" / "notebooks" / "plan.ipynb", as_version=4)
    assert nb.cells[-1].outputs[0].text == "250.0 80.5\n"


@pytest.mark.parametrize("value", ["-5", "lots", "nan", "inf"])
def test_bad_budget_is_refused_before_anything_runs(tmp_path: Path, capsys, value) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli.main(["record", "--session", str(tmp_path / "s.sqlite"), "--out", str(tmp_path),
                  "--budget", value])
    assert exit_.value.code == 2
    assert f"argument --budget: '{value}' is not a number >= 0" in capsys.readouterr().err

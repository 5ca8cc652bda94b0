"""A customer's own workshop: ``pmo-nb new``, and notebooks that never carry the sample.

The issue's steps, as a new user took them: the committed notebooks run with a customer's
gaps (ids like the sample's) start an empty session; ``session_path`` alone reopens any
session; ``pmo-nb new`` makes a folder whose notebooks point at the customer's copies.
"""

from __future__ import annotations

import ast
import secrets
import shutil
from pathlib import Path

import nbformat
import pandas as pd
import pytest

import pmo_nb
from conftest import (
    CATALOG,
    FIXTURES,
    NEEDS_CHROMIUM,
    REPO,
    SAMPLE_GAPS,
    free_port,
    lab_command,
    run_all,
    screenshot_path,
    server,
    wait_shown,
)
from pmo_nb import cli
from pmo_nb import resources as _resources
from pmo_nb.app.folder import session_file_name as session_name

SESSION_NOTEBOOKS = ("workshop", "coverage", "prioritize")
HOSPITAL = pd.DataFrame({
    "gap_id": ["HOS-001", "HOS-002", "HOS-003", "HOS-004"],
    "aspect": ["Projektleiter-Kompetenz", "Gouvernance du portefeuille", "Budget & achats",
               "Méthodologie"],
    "current_state": ["Stationsleitungen führen Projekte nebenbei.",
                      "Les projets démarrent sans arbitrage ; « tout est prioritaire ».",
                      "Achats hors budget projet.", "Chaque service a sa méthode."],
    "future_state": ["Jede Projektleitung hat eine Grundausbildung.",
                     "Un comité trimestriel arbitre.", "Tout achat est lié à un budget.",
                     "Une méthode commune, légère."],
    "size": ["High", "Low", "high", "Medium"],
    "priority": ["High", "High", "low", "Med"],
    "pmo_role": ["close", "close", "partial", "close"],
    "other_owner": ["", "", "Direction financière & achats", ""],
})


@pytest.fixture
def hospital(tmp_path: Path) -> Path:
    """A made-up customer's gaps in XLSX: its own ids, accents, sizes Low/High."""
    path = tmp_path / "input" / "Hôpital gaps.xlsx"
    path.parent.mkdir()
    HOSPITAL.to_excel(path, index=False, sheet_name="Lücken")
    return path


def lookalike(tmp_path: Path) -> Path:
    """A customer whose ids look like the sample's (G-01, ...) but whose gaps are its own."""
    frame = pd.read_csv(SAMPLE_GAPS).head(6)
    frame["current_state"] = "Our own state " + frame["gap_id"]
    path = tmp_path / "customer.xlsx"
    frame.to_excel(path, index=False)
    return path


def parameters(path: Path) -> dict[str, object]:
    """The values a notebook's parameters cell assigns."""
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    return {node.targets[0].id: ast.literal_eval(node.value)
            for node in ast.parse(cell.source).body if isinstance(node, ast.Assign)}


def run(path: Path, cwd: Path, **params: object) -> nbformat.NotebookNode:
    import papermill as pm

    return pm.execute_notebook(str(path), None, parameters=params, cwd=str(cwd),
                               kernel_name="python3", progress_bar=False,
                               extra_arguments=["--IPKernelApp.log_level=CRITICAL"])


# -- the rule every notebook opens its session by ----------------------------------------
def test_the_demo_is_explicit_and_seeded(tmp_path: Path) -> None:
    ws = pmo_nb.open_workshop(tmp_path / "demo.sqlite", sample=True)
    assert ws.title == _resources.SAMPLE_TITLE
    assert len(ws.gaps) == len(pd.read_csv(SAMPLE_GAPS)) and len(ws.assignments) > 0


def test_customer_gaps_never_get_the_sample_decisions(tmp_path: Path) -> None:
    ws = pmo_nb.open_workshop(tmp_path / "c.sqlite", lookalike(tmp_path), sample=True)
    assert ws.gaps["gap_id"].tolist() == ["G-01", "G-02", "G-03", "G-04", "G-05", "G-06"]
    assert ws.assignments.empty and "import assignments" not in set(ws.history["action"])
    assert ws.catalog["service_id"].tolist() == pmo_nb.load_catalog(CATALOG)["service_id"].tolist()


def test_session_path_alone_reopens_any_session(tmp_path: Path, hospital: Path) -> None:
    pmo_nb.open_workshop(tmp_path / "h.sqlite", hospital, title="Hôpital").close()
    ws = pmo_nb.open_workshop(tmp_path / "h.sqlite", sample=True, title="Other")
    assert ws.gaps["gap_id"].iloc[0] == "HOS-001"
    assert ws.title == "Hôpital"  # a title names a new (or untitled) session only


def test_new_session_without_gaps_says_how_to_start(tmp_path: Path) -> None:
    with pytest.raises(pmo_nb.SessionError) as raised:
        pmo_nb.open_workshop(tmp_path / "sessions" / "x.sqlite")
    assert str(raised.value) == (
        f"Session '{tmp_path / 'sessions' / 'x.sqlite'}' does not exist yet. Start it from the "
        "notebook that names the customer's gaps (workshop.ipynb in a folder made by "
        "`pmo-nb new`), or give gaps_path: the customer's gaps (CSV/XLSX).")
    assert not (tmp_path / "sessions").exists()


def test_the_sample_takes_no_other_catalog(tmp_path: Path) -> None:
    with pytest.raises(pmo_nb.UsageError, match="comes with its own catalog and decisions"):
        pmo_nb.open_workshop(tmp_path / "x.sqlite", catalog_path=CATALOG, sample=True)


def test_assignments_for_an_existing_session_are_ignored_with_a_note(tmp_path: Path,
                                                                     capsys) -> None:
    pmo_nb.open_workshop(tmp_path / "h.sqlite", SAMPLE_GAPS).close()
    ws = pmo_nb.open_workshop(tmp_path / "h.sqlite", assignments_path=REPO / "data" /
                              "sample_assignments.csv")
    assert ws.assignments.empty
    assert "assignments_path only seeds a new session and is ignored" in capsys.readouterr().err


@pytest.mark.parametrize("name", SESSION_NOTEBOOKS)
def test_committed_notebooks_name_no_sample_file(name: str) -> None:
    values = parameters(REPO / "notebooks" / f"{name}.ipynb")
    assert values["gaps_path"] is values["catalog_path"] is values["assignments_path"] is None
    assert values["sample"] is True and values["title"] is None
    assert "pmo_nb.open_workshop(session_path" in (REPO / "notebooks" / f"{name}.ipynb"
                                                    ).read_text(encoding="utf-8")


def test_notebooks_are_shipped_from_where_the_record_reads_them() -> None:
    assert pmo_nb.record.NOTEBOOK_DIR == _resources.notebook_dir() == REPO / "notebooks"
    assert _resources.data_dir() == REPO / "data"


# -- pmo-nb new ----------------------------------------------------------------------------
def test_new_makes_the_customer_folder(tmp_path: Path, hospital: Path, capsys) -> None:
    folder = tmp_path / "St. Mary's"
    assert cli.main(["new", str(folder), "--gaps", str(hospital), "--title", "Hôpital $1"]) == 0
    assert "jupyter lab workshop.ipynb" in capsys.readouterr().out
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")) == [
        "README.md", "coverage.ipynb", "data", "data/catalog.csv", "data/gaps.xlsx",
        "participant.ipynb", "prioritize.ipynb", "quickstart.ipynb", "runs", "sessions",
        "workshop.ipynb"]
    assert (folder / "data" / "gaps.xlsx").read_bytes() == hospital.read_bytes()
    assert (folder / "data" / "catalog.csv").read_bytes() == CATALOG.read_bytes()
    session = "sessions/st-mary-s.sqlite"
    for name in SESSION_NOTEBOOKS:
        values = parameters(folder / f"{name}.ipynb")
        starts = name == "workshop"
        assert values["session_path"] == session and values["title"] == "Hôpital $1"
        assert values["gaps_path"] == ("data/gaps.xlsx" if starts else None)
        assert values["catalog_path"] == ("data/catalog.csv" if starts else None)
        assert values["assignments_path"] is None and values["sample"] is False
        nb = nbformat.read(folder / f"{name}.ipynb", as_version=4)
        assert all(c.get("outputs", []) == [] for c in nb.cells)
        assert "widgets" not in nb.metadata
    assert "sample_" not in "".join(p.read_text(encoding="utf-8") for p in folder.glob("*.*"))
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert f"pmo-nb record --session {session} --out record" in readme
    assert readme.startswith("# Hôpital &#36;1\n")  # no MathJax in Lab's Markdown view


def test_a_title_is_text_everywhere(tmp_path: Path, hospital: Path) -> None:
    title = 'Acme <b>"R&D"</b> $x$\n2026'
    assert cli.main(["new", str(tmp_path / "w"), "--gaps", str(hospital), "--title",
                     title]) == 0
    assert parameters(tmp_path / "w" / "coverage.ipynb")["title"] == title
    readme = (tmp_path / "w" / "README.md").read_text(encoding="utf-8")
    heading = "# Acme &lt;b&gt;&quot;R&amp;D&quot;&lt;/b&gt; &#36;x&#36; 2026"
    assert readme.splitlines()[0] == heading


def test_new_with_a_catalog_and_the_default_title(tmp_path: Path, hospital: Path) -> None:
    catalog = FIXTURES / "good" / "catalog_plain.csv"
    assert cli.main(["new", str(tmp_path / "w"), "--gaps", str(hospital), "--catalog",
                     str(catalog)]) == 0
    assert (tmp_path / "w" / "data" / "catalog.csv").read_bytes() == catalog.read_bytes()
    assert parameters(tmp_path / "w" / "workshop.ipynb")["title"] is None


def test_new_sample_is_the_demo(tmp_path: Path) -> None:
    assert cli.main(["new", str(tmp_path / "demo"), "--sample"]) == 0
    values = parameters(tmp_path / "demo" / "workshop.ipynb")
    assert values["gaps_path"] == "data/sample_gaps.csv"
    assert values["assignments_path"] == "data/sample_assignments.csv"
    assert values["title"] == _resources.SAMPLE_TITLE and values["sample"] is False


def _refused(args: list[str], tmp_path: Path, capsys) -> str:
    before = sorted(tmp_path.rglob("*"))
    assert cli.main(["new", *args]) == cli.EXIT_BAD_INPUT
    assert sorted(tmp_path.rglob("*")) == before  # nothing created, no temp folder left
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err


def test_bad_gaps_give_the_loader_message_and_make_nothing(tmp_path: Path, capsys) -> None:
    bad = FIXTURES / "bad" / "gaps_unknown_levels.csv"
    with pytest.raises(pmo_nb.DataError) as raised:
        pmo_nb.load_gaps(bad)
    err = _refused([str(tmp_path / "w"), "--gaps", str(bad)], tmp_path, capsys)
    assert err == f"pmo-nb new: {raised.value}\n"


def test_bad_catalog_and_missing_file_make_nothing(tmp_path: Path, hospital: Path,
                                                   capsys) -> None:
    bad = FIXTURES / "bad" / "catalog_unknown_tier.csv"
    err = _refused([str(tmp_path / "w"), "--gaps", str(hospital), "--catalog", str(bad)],
                   tmp_path, capsys)
    assert err.startswith("pmo-nb new: ") and "tier" in err
    err = _refused([str(tmp_path / "w"), "--gaps", str(tmp_path / "nope.xlsx")], tmp_path,
                   capsys)
    assert err == f"pmo-nb new: No such file: '{tmp_path / 'nope.xlsx'}'.\n"


def test_new_never_writes_into_an_existing_folder(tmp_path: Path, hospital: Path,
                                                  capsys) -> None:
    (tmp_path / "w").mkdir()
    (tmp_path / "w" / "notes.txt").write_text("mine")
    err = _refused([str(tmp_path / "w"), "--gaps", str(hospital)], tmp_path, capsys)
    assert "exists and is not empty" in err
    (tmp_path / "e").mkdir()
    assert cli.main(["new", str(tmp_path / "e"), "--gaps", str(hospital)]) == 0


def test_sample_takes_no_gaps_or_catalog(tmp_path: Path, capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli.main(["new", str(tmp_path / "w"), "--sample", "--gaps", str(SAMPLE_GAPS)])
    assert exit_.value.code == 2 and "not allowed with argument" in capsys.readouterr().err
    err = _refused([str(tmp_path / "w"), "--sample", "--catalog", str(CATALOG)], tmp_path,
                   capsys)
    assert "either --gaps" in err


def test_readme_shows_the_new_command_and_papermill_in_a_folder() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    own = readme.split("## Your own workshop", 1)[1].split("\n## ", 1)[0]
    for text in ("pip install", "pmo-nb new FOLDER --gaps FILE [--catalog FILE] [--title TEXT]",
                 "pmo-nb new FOLDER --sample", "jupyter lab workshop.ipynb",
                 "pmo-nb record --session sessions/hospital.sqlite",
                 *(f"papermill {n}.ipynb runs/{n}.ipynb" for n in SESSION_NOTEBOOKS)):
        assert text in own, text


def test_session_name_is_the_folder_name() -> None:
    assert session_name(Path("/x/Hôpital 2026")) == "h-pital-2026.sqlite"
    assert session_name(Path("/x/---")) == "workshop.sqlite"


# -- the steps with a kernel (about 10 s per notebook) ----------------------------
def test_the_committed_notebooks_on_a_customer_file(tmp_path: Path) -> None:
    """The issue's papermill runs: customer gaps start an empty session; prioritize then
    reopens it from session_path alone."""
    shutil.copytree(REPO / "notebooks", tmp_path / "notebooks")
    customer, session = lookalike(tmp_path), tmp_path / "sessions" / "customer.sqlite"
    run(tmp_path / "notebooks" / "workshop.ipynb", tmp_path / "notebooks",
        gaps_path=str(customer), session_path="../sessions/customer.sqlite")
    with pmo_nb.Workshop.open(session) as ws:
        assert len(ws.gaps) == 6 and ws.assignments.empty
        ws.assign("G-01", "S-TRAIN-PM")
    nb = run(tmp_path / "notebooks" / "prioritize.ipynb", tmp_path, session_path=str(session))
    assert "Workshop('customer.sqlite', 6 gaps)" in str([c.get("outputs") for c in nb.cells])


def test_a_new_folder_s_workshop_starts_an_empty_session(tmp_path: Path,
                                                         hospital: Path) -> None:
    folder = tmp_path / "hospital"
    assert cli.main(["new", str(folder), "--gaps", str(hospital), "--title", "Hôpital"]) == 0
    run(folder / "workshop.ipynb", folder)
    with pmo_nb.Workshop.open(folder / "sessions" / "hospital.sqlite") as ws:
        assert ws.gaps["gap_id"].tolist() == HOSPITAL["gap_id"].tolist()
        assert ws.assignments.empty and ws.title == "Hôpital"


@pytest.mark.browser
@NEEDS_CHROMIUM
def test_customer_folder_in_jupyterlab(tmp_path: Path, hospital: Path, browser_page: object,
                                       capsys) -> None:
    """`jupyter lab` in a new folder, Run All: the panel shows the customer's first gap."""
    folder = tmp_path / "hospital"
    assert cli.main(["new", str(folder), "--gaps", str(hospital), "--title", "Hôpital"]) == 0
    page, port, token = browser_page, free_port(), secrets.token_hex(16)
    command = lab_command(port, token, folder)
    base = f"http://127.0.0.1:{port}"
    with server(command, folder, f"{base}/api/status?token={token}"):
        row = ".pmo-panel input[type=checkbox]"
        run_all(page, f"{base}/lab/tree/workshop.ipynb?reset&token={token}", row)
        first_gap = "Stationsleitungen führen Projekte nebenbei."
        page.get_by_text(first_gap).first.wait_for()
        panel = page.locator(".pmo-panel").filter(has_text=first_gap).first  # not the votes'
        panel.evaluate("e => e.scrollIntoView({block: 'start'})")
        wait_shown(panel)  # in view, the figures on the screen drawn
        page.screenshot(path=screenshot_path(tmp_path, "new-folder-lab.png"))
        page.passed = True
    with pmo_nb.Workshop.open(folder / "sessions" / "hospital.sqlite") as ws:
        assert ws.gaps["gap_id"].tolist() == HOSPITAL["gap_id"].tolist()

"""The installed package is complete: a wheel carries every module, the notebooks, the
catalog and the sample, and `pmo-nb new`, papermill and `pmo-nb record` work from it.

The wheel goes into a fresh virtual environment whose only way to the dependencies is a
``.pth`` line naming this project's site-packages (no download); pmo_nb itself comes from
the wheel alone (the editable install's finder is not loaded, the checkout is not on
``sys.path``, everything runs outside the repository). ``JUPYTER_PATH`` names this
project's ``share/jupyter`` for the dependencies' data files (nbconvert's templates), which
a real install puts beside them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from conftest import REPO

PACKAGE = REPO / "pmo_nb"


def test_every_subpackage_is_listed_in_pyproject() -> None:
    listed = set(tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]
                 ["packages"])
    found = {".".join(p.parent.relative_to(REPO).parts) for p in PACKAGE.rglob("__init__.py")}
    assert found - listed == set(), "add these to [tool.setuptools] packages in pyproject.toml"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    # built from a clean copy: a checkout's build/ folder keeps files that no longer exist
    source = tmp_path_factory.mktemp("source") / "pmo_nb"
    local = {".git", ".venv", "build", "dist", "sessions", "record", ".hypothesis",
             ".pytest_cache", ".ruff_cache"}  # folders of this checkout, not of the source
    shutil.copytree(REPO, source, ignore=lambda folder, names: [
        n for n in names if (Path(folder) == REPO and n in local)
        or n == "__pycache__" or n.endswith(".egg-info")])
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "-q",
                    "-w", str(out)], check=True, capture_output=True, timeout=300)
    return next(out.glob("pmo_nb-*.whl"))


def test_wheel_holds_the_package_the_notebooks_and_the_data(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    modules = {p.relative_to(REPO).as_posix() for p in PACKAGE.rglob("*.py")}
    assert modules - names == set()
    shipped = {f"pmo_nb/notebooks/{p.name}" for p in (REPO / "notebooks").glob("*.ipynb")}
    shipped |= {f"pmo_nb/data/{p.name}" for p in (REPO / "data").glob("*.csv")}
    vendored = PACKAGE / "record" / "_vendor"  # the record page's plotly.js
    shipped |= {f"pmo_nb/record/_vendor/{p.name}" for p in vendored.iterdir()}
    locale = PACKAGE / "i18n" / "locale"  # the compiled message catalogs, every language
    catalogs = {p.relative_to(REPO).as_posix() for p in locale.rglob("*.mo")}
    assert len(catalogs) == 4  # pt-BR, es, fr, de (English is the messages themselves)
    shipped |= catalogs
    assert shipped - names == set() and "pmo_nb/notebooks/sanitize.cfg" in names


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the wheel installed; dependencies through one .pth line."""
    root = tmp_path_factory.mktemp("venv") / "env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root)], check=True)
    python = root / "bin" / "python"
    site = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_path("
                           "'purelib'))"], capture_output=True, text=True, check=True)
    (Path(site.stdout.strip()) / "deps.pth").write_text(sysconfig.get_path("purelib") + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q",
                    "--no-deps", str(wheel)], check=True, capture_output=True, timeout=300)
    return root


def _run(venv: Path, args: list[str], cwd: Path, timeout: int = 600) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["JUPYTER_PATH"] = str(Path(sysconfig.get_path("data")) / "share" / "jupyter")
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_installed_wheel_runs_a_customer_workshop(venv: Path, tmp_path: Path) -> None:
    where = _run(venv, ["python", "-c", "import pmo_nb, pmo_nb.record as r; "
                        "print(pmo_nb.__file__); print(r.NOTEBOOK_DIR)"], tmp_path)
    module, notebooks = map(Path, where.split())
    assert module.is_relative_to(venv) and notebooks.is_relative_to(venv)
    gaps = tmp_path / "hôpital.xlsx"
    pd.DataFrame({"gap_id": ["HOS-001", "HOS-002"], "aspect": ["Méthodologie", "Führung"],
                  "current_state": ["Chacun sa méthode.", "Keine Steuerung."],
                  "future_state": ["Une méthode commune.", "Ein Lenkungsausschuss."],
                  "size": ["Low", "High"], "priority": ["High", "Low"]}).to_excel(gaps,
                                                                                 index=False)
    _run(venv, ["pmo-nb", "new", "hospital", "--gaps", str(gaps), "--title", "Hôpital"],
         tmp_path)
    folder = tmp_path / "hospital"
    _run(venv, ["python", "-m", "papermill", "workshop.ipynb", "runs/workshop.ipynb",
                "--no-progress-bar", "--log-level", "ERROR"], folder)
    out = _run(venv, ["pmo-nb", "record", "--session", "sessions/hospital.sqlite", "--out",
                      "record"], folder)
    assert {Path(line).name for line in out.split()} >= {"record.html", "record.xlsx"}
    assert (folder / "record" / "notebooks" / "workshop.ipynb").is_file()
    assert "Hôpital" in (folder / "record" / "record.html").read_text(encoding="utf-8")
    check = ("import pmo_nb; ws = pmo_nb.Workshop.open('sessions/hospital.sqlite'); "
             "print(len(ws.gaps), len(ws.assignments), ws.title)")
    assert _run(venv, ["python", "-c", check], folder).split() == ["2", "0", "Hôpital"]

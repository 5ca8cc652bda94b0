"""Building the record: run the notebooks headless with papermill, then publish atomically.

:func:`build_record` opens (or creates and seeds) the session, executes the record
notebooks with papermill (figures kept as plotly JSON), and writes into the output
folder each executed ``.ipynb``, an offline ``.html`` of each (:mod:`.html`) and
``record.xlsx``. It writes into a temporary folder beside the output and moves it into
place only when everything succeeded.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TextIO

import nbformat

from ..display import RENDERER_ENV
from ..errors import RecordError, SessionError, UsageError
from ..store import is_url, open_session, target
from .html import to_html

RECORD_NOTEBOOKS: tuple[str, ...] = ("workshop", "coverage", "prioritize")
NOTEBOOK_DIR = Path(__file__).resolve().parents[2] / "notebooks"  # the repo's notebooks/
RECORD_RENDERER = "plotly_mimetype"  # small .ipynb; the HTML page carries plotly.js once
WORKBOOK = "record.xlsx"
KERNEL = "python3"
_QUIET = ["--IPKernelApp.log_level=CRITICAL"]  # no kernel start/stop chatter per notebook
def build_record(out: str | os.PathLike, session: str | os.PathLike,
                 gaps: str | os.PathLike | None = None, catalog: str | os.PathLike | None = None,
                 assignments: str | os.PathLike | None = None, *,
                 budget: float | None = None, wave_budget: float | None = None,
                 notebooks: Sequence[str] | None = None, notebook_dir: Path | None = None,
                 log: TextIO | None = None) -> list[Path]:
    """Execute the record notebooks on a session and write the record into ``out``.

    Parameters
    ----------
    out : path
        Output folder. The record is written into a temporary folder beside it and
        moved into place only when complete; a failed run leaves nothing behind.
    session : path
        Session file. Created (and seeded with ``assignments``) when missing, which
        needs ``gaps`` and ``catalog``; otherwise reopened as saved.
    gaps, catalog, assignments : path, optional
        Input files, passed to every notebook that declares ``gaps_path``,
        ``catalog_path``, ``assignments_path`` (``None`` when not given).
    notebooks, notebook_dir : optional
        Notebook names (without ``.ipynb``) and their folder; default
        :data:`RECORD_NOTEBOOKS` in :data:`NOTEBOOK_DIR`. Missing ones are skipped
        with a warning.
    log : text stream, optional
        Where progress lines go (default ``sys.stderr``).

    Returns
    -------
    list of Path
        The files written, in ``out``.

    Raises
    ------
    DataError, SessionError, FileNotFoundError
        Bad or missing inputs, before any notebook runs.
    RecordError
        A notebook failed; its name, cell and error are in the message.

    Examples
    --------
    The sample workshop's record (about 20 s)::

        build_record("record", "record/sample.sqlite", "data/sample_gaps.csv",
                     "data/catalog.csv", "data/sample_assignments.csv")
    """
    log = log or sys.stderr
    params = {"gaps_path": gaps, "catalog_path": catalog, "session_path": session,
              "assignments_path": assignments}
    params = {k: None if v is None else _absolute(v) for k, v in params.items()}
    amounts = {"budget": budget, "wave_budget": wave_budget}  # else the notebook's defaults
    params.update({k: float(v) for k, v in amounts.items() if v is not None})
    out = Path(out).resolve()
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out '{out}' is a file; give a folder for the record.")
    out_existed = out.exists()
    found = _find(notebooks or RECORD_NOTEBOOKS, notebook_dir or NOTEBOOK_DIR)
    created = _open_session(params, log)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-", dir=out.parent))
    try:
        _write(notebook_dir or NOTEBOOK_DIR, found, params, staging, log)
        return _publish(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        created_file = created and isinstance(target(params["session_path"]), Path)
        _undo_session(Path(params["session_path"]) if created_file else None, out,
                      out_existed, log)
        raise


def _find(names: Sequence[str], folder: Path) -> list[Path]:
    """Every notebook of the record, or an error before anything runs or is written."""
    paths = [folder / f"{name}.ipynb" for name in names]
    missing = [p.name for p in paths if not p.is_file()]
    if missing:
        raise RecordError(f"the record needs {', '.join(missing)} in '{folder}', which is "
                          "missing; reinstall pmo_nb or restore the notebooks folder.")
    return paths


def _open_session(params: dict[str, str | None], log: TextIO) -> bool:
    """Validate the inputs by opening the session (creating and seeding it if new)."""
    from ..workshop import Workshop

    session = target(params["session_path"])
    found = open_session(session)  # a file or a PostgreSQL workshop
    existed = found is not None
    if found is not None:
        found.close()
    if not existed and (params["gaps_path"] is None or params["catalog_path"] is None):
        raise SessionError(f"session '{session}' does not exist yet; to start a new session "
                           "give --gaps and --catalog (and optionally --assignments).")
    if existed and params["assignments_path"] is not None:
        print(f"warning: session '{getattr(session, 'name', session)}' exists, --assignments "
              "ignored (the saved session is the record).", file=log)
    Workshop.open(session, params["gaps_path"], params["catalog_path"],
                  assignments=params["assignments_path"]).close()
    return not existed


def _write(folder: Path, notebooks: list[Path], params: dict[str, str | None],
           staging: Path, log: TextIO) -> None:
    from ..workshop import Workshop

    with tempfile.TemporaryDirectory(prefix="pmo_nb-record-") as tmp:
        work = Path(tmp) / "notebooks"
        shutil.copytree(folder, work,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "*.sqlite*"))
        for i, source in enumerate(notebooks, start=1):
            start = time.perf_counter()
            nb = _execute(work / source.name, params)
            nbformat.write(nb, staging / source.name)
            html = staging / f"{source.stem}.html"
            html.write_text(to_html(nb, source.stem), encoding="utf-8")
            print(f"[{i}/{len(notebooks)}] {source.name}: {time.perf_counter() - start:.1f} s, "
                  f"{html.stat().st_size / 1e6:.1f} MB html", file=log)
    with Workshop.open(params["session_path"]) as ws:
        ws.export_xlsx(staging / WORKBOOK)
        print(f"{WORKBOOK}: {len(ws.tables())} sheets", file=log)


def _execute(path: Path, params: dict[str, str | float | None]) -> nbformat.NotebookNode:
    """Run one notebook with the parameters it declares; offline-ready outputs."""
    import papermill as pm

    declared = pm.inspect_notebook(str(path))
    given = {k: v for k, v in params.items() if k in declared}
    session, password = _without_password(given.get("session_path"))
    if session is not None:
        given["session_path"] = session  # the record shows its parameters: no password
    try:
        with _environ(RENDERER_ENV, RECORD_RENDERER), _environ("PGPASSWORD", password):
            nb = pm.execute_notebook(str(path), None, parameters=given, kernel_name=KERNEL,
                                     progress_bar=False, cwd=str(path.parent),
                                     store_widget_state=False, extra_arguments=_QUIET)
    except pm.PapermillExecutionError as exc:
        line = (exc.source or "").strip().splitlines()[:1] or [""]
        raise RecordError(f"notebook '{path.name}' failed at In [{exc.exec_count}] "
                          f"({line[0][:60]}): {exc.ename}: {exc.evalue}") from None
    return nb


@contextlib.contextmanager
def _environ(name: str, value: str | None) -> Iterator[None]:
    """Set an environment variable for the kernels started inside the block (None: as is)."""
    if value is None:
        yield
        return
    old = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if old is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = old


def _publish(staging: Path, out: Path) -> list[Path]:
    """Move the finished record into ``out`` (a rename when ``out`` is new)."""
    names = sorted(p.name for p in staging.iterdir())
    if not out.exists():
        staging.rename(out)
    else:  # e.g. the session file lives in ``out``: replace the record's files only
        for name in names:
            os.replace(staging / name, out / name)
        staging.rmdir()
    return [out / name for name in names]


def _without_password(session: str | None) -> tuple[str | None, str | None]:
    """A session URL without its password, and the password (libpq reads PGPASSWORD)."""
    if session is None or not is_url(session):
        return session, None
    parts = urllib.parse.urlsplit(session)
    if parts.password is None:
        return session, None
    netloc = parts.netloc.replace(f":{parts.password}@", "@", 1)
    return session.replace(parts.netloc, netloc, 1), urllib.parse.unquote(parts.password)


def _absolute(value: str | os.PathLike) -> str:
    """A path made absolute (the notebooks run elsewhere); a session URL as given."""
    return str(value) if is_url(str(value)) else str(Path(value).resolve())


def _undo_session(created: Path | None, out: Path, out_existed: bool, log: TextIO) -> None:
    """After a failure: remove a session this run created, and ``out`` if it made it."""
    if created is not None:
        for path in (created, *created.parent.glob(f"{created.name}-*")):
            path.unlink(missing_ok=True)
        print(f"removed the new session '{created}'.", file=log)
    if not out_existed and out.is_dir() and not any(out.iterdir()):
        out.rmdir()

"""Building the record: the stakeholders' page, the workbook and the executed notebooks.

:func:`build_record` opens (or creates and seeds) the session, gathers the record's facts
(:mod:`.facts`: the plan, the curve, the roadmap; bad options fail here, before anything
runs), then writes into a temporary folder beside ``out``: ``record.html`` and
``record.xlsx`` from this process, while one kernel executes the notebooks into
``notebooks/``. The folder is moved into place only when everything succeeded, with
the user's umask (not ``mkdtemp``'s 700).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from ..errors import RecordError, SessionError, UsageError
from ..i18n import check_language
from ..resources import notebook_dir
from ..store import is_url, open_session, target
from . import run
from .facts import session_name
from .options import DEFAULT_CURRENCY, Options

RECORD_NOTEBOOKS: tuple[str, ...] = ("workshop", "coverage", "prioritize")
FOLLOW_UP_NOTEBOOKS: tuple[str, ...] = ("progress",)  # a follow-up's record adds these
NOTEBOOK_DIR = notebook_dir()  # in the installed package, or the checkout's notebooks/
PAGE = "record.html"
WORKBOOK = "record.xlsx"
PDF = "record.pdf"
DECK = "record.pptx"
NOTEBOOKS = "notebooks"


def build_record(out: str | os.PathLike, session: str | os.PathLike,
                 gaps: str | os.PathLike | None = None, catalog: str | os.PathLike | None = None,
                 assignments: str | os.PathLike | None = None, *, title: str | None = None,
                 budget: float | None = None, wave_budget: float | None = None,
                 must: Sequence[str] = (), exclude: Sequence[str] = (),
                 currency: str = DEFAULT_CURRENCY, notebooks: Sequence[str] | None = None,
                 notebook_dir: Path | None = None, pdf: bool = False, paper: str = "a4",
                 pptx: bool = False, pptx_template: str | os.PathLike | None = None,
                 log: TextIO | None = None, language: str | None = None,
                 benchmark: str | os.PathLike | None = None, k: int = 5) -> list[Path]:
    """Write the record of a session into ``out``: page, workbook, executed notebooks.

    Parameters
    ----------
    out : path
        Output folder. The record is written into a temporary folder beside it and
        moved into place only when complete; a failed run leaves nothing behind.
    session : path or PostgreSQL URL
        The session. A missing session file is created (and seeded with ``assignments``),
        which needs ``gaps`` and ``catalog``; an existing one is used as saved.
    gaps, catalog, assignments : path, optional
        Input files, also passed to every notebook that declares ``gaps_path``,
        ``catalog_path``, ``assignments_path``.
    title : str, optional
        The page's title; default the session's ``title`` setting, else its name.
    budget, wave_budget : float, optional
        The plan's budget (default: every proposed service) and the budget per roadmap
        wave (default: a third of the plan's cost).
    must, exclude : service ids
        Services the plan must take, or must leave out.
    currency : str
        The catalog's costs (in thousands): an ISO 4217 code, written the record language's
        way (``"BRL"``: ``R$ 300 mil`` in pt-BR), or a unit shown after every amount
        (``"k$"``, ``"k€"``...).
    notebooks, notebook_dir : optional
        Notebook names (without ``.ipynb``) and their folder; default
        :data:`RECORD_NOTEBOOKS` in :data:`NOTEBOOK_DIR`.
    pdf, paper : bool, {"a4", "letter"}
        Also print the page to ``record.pdf`` for ``paper`` with Chromium
        (:func:`~pmo_nb.record.write_pdf`); without Chromium, an error before anything runs.
    pptx, pptx_template : bool, path
        Also write ``record.pptx``, the editable deck (:func:`~pmo_nb.record.write_deck`),
        on the slide master of ``pptx_template`` when given (it implies ``pptx``).
    log : text stream, optional
        Where progress lines go (default ``sys.stderr``).
    language : str, optional
        The record's language (a tag of :data:`pmo_nb.LANGUAGES`); default the workshop's.
    benchmark, k : str or path, int, optional
        A source of :func:`pmo_nb.benchmark`: the page then says what organisations like
        this one chose (groups of ``k`` or more), and the workbook has a ``peers`` sheet.

    Returns
    -------
    list of Path
        The files written, in ``out`` (notebooks in ``out/notebooks``).

    Raises
    ------
    DataError, SessionError, InputFileError, PlanError, UnknownServiceError
        Bad inputs or options, before any notebook runs or anything is written.
    InputFileError, UsageError
        The deck's template is missing or not a .pptx, or ``paper`` is unknown: before any
        notebook runs or anything is written.
    RecordError
        A notebook failed (its name, cell and error are in the message), or a PDF was asked
        for and there is no Chromium (before anything runs).

    Examples
    --------
    The sample workshop's record::

        build_record("record", "record/sample.sqlite", "data/sample_gaps.csv",
                     "data/catalog.csv", "data/sample_assignments.csv", budget=450)
    """
    log = log or sys.stderr
    start = time.perf_counter()
    params = _params(session, gaps, catalog, assignments)
    session_url, password = _without_password(params["session_path"])
    out = Path(out).resolve()
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out '{out}' is a file; give a folder for the record.")
    out_existed = out.exists()
    found = _find(notebooks or RECORD_NOTEBOOKS, notebook_dir or NOTEBOOK_DIR)
    outputs = _outputs(pdf, paper, pptx, pptx_template)
    created = _open_session(params, log)
    if notebooks is None and _follows_up(params["session_path"]):
        found += _find(FOLLOW_UP_NOTEBOOKS, notebook_dir or NOTEBOOK_DIR)
    options = Options(title, budget, wave_budget, tuple(must), tuple(exclude), currency,
                      check_language(language) if language else None,
                      os.fspath(benchmark) if benchmark else None, k)
    secret = {"PGPASSWORD": password} if password else {}  # never in a notebook's parameters
    runner = run.Runner(found, log, start, secret)  # the kernel starts now, beside what follows
    runner.start()
    try:
        return _build(out, params, options, runner, outputs, log, start, session_url)
    except BaseException:
        _undo_session(params["session_path"] if created else None, out, out_existed, log)
        raise
    finally:
        runner.cancel()  # no-op once the notebooks were given their parameters
        runner.join()


def _outputs(pdf: bool, paper: str, pptx: bool,
             template: str | os.PathLike | None) -> dict[str, object]:
    """The PDF and deck asked for, checked before anything runs: the paper, Chromium, the
    template (missing, or not a .pptx, is an error naming the file)."""
    outputs: dict[str, object] = {}
    if pdf:
        from .paper import check_paper
        from .pdf import browser

        outputs["paper"] = check_paper(paper)
        if browser() is None:
            raise RecordError("--pdf needs Chromium, and none is on PATH (chromium, "
                              "chromium-browser, google-chrome); install it (apt-get install "
                              "chromium) or leave out --pdf.")
    if pptx or template is not None:
        from .deck import check_template

        outputs["template"] = check_template(template)
    return outputs


def _build(out: Path, params: dict, options: Options, runner: run.Runner,
           outputs: dict[str, object], log: TextIO, start: float,
           shown_session: str | None) -> list[Path]:
    from ..session.workshop import Workshop
    from .facts import gather  # plotly, scipy: loaded while the kernel starts

    with Workshop.open(params["session_path"]) as ws:
        facts = gather(ws, options, session_name(params["session_path"]))
        print(f"facts: {len(facts.coverage)} gaps, plan of {len(facts.plan.services)} "
              f"services ({time.perf_counter() - start:.1f} s)", file=log)
        params |= {"budget": facts.plan.budget, "wave_budget": facts.wave_budget,
                   "must": list(options.must), "exclude": list(options.exclude),
                   "title": facts.title, "currency": facts.currency}
        out.parent.mkdir(parents=True, exist_ok=True)
        staging = _staging(out)
        try:
            runner.give({**params, "session_path": shown_session}, staging / NOTEBOOKS)
            try:
                _write_page(facts, ws, staging, outputs, log, start)
            finally:
                runner.join()
            runner.check()
            return _publish(staging, out)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise


def _write_page(facts, ws, staging: Path, outputs: dict[str, object], log: TextIO,
                start: float) -> None:
    from . import report, workbook

    page = report.write(facts, ws, staging / PAGE)
    print(f"{PAGE}: {page.stat().st_size / 1e6:.1f} MB ({time.perf_counter() - start:.1f} s)",
          file=log)
    workbook.write(facts, ws, staging / WORKBOOK)
    print(f"{WORKBOOK}: {len(workbook.tables(facts, ws))} sheets", file=log)
    if "paper" in outputs:
        from .pdf import write_pdf

        write_pdf(facts, ws, staging / PDF, paper=str(outputs["paper"]), log=log)
    if "template" in outputs:
        from .deck import write_deck

        write_deck(facts, staging / DECK, template=outputs["template"], log=log)


def _params(session: str | os.PathLike, gaps: object, catalog: object,
            assignments: object) -> dict[str, str | None]:
    """The inputs as notebook parameters: files as absolute paths, a URL as it is."""
    files = {"gaps_path": gaps, "catalog_path": catalog, "assignments_path": assignments}
    params = {k: None if v is None else str(Path(v).resolve()) for k, v in files.items()}
    text = os.fspath(session)
    params["session_path"] = text if is_url(text) else str(Path(text).resolve())
    return params



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
    from ..session.workshop import Workshop

    session = target(params["session_path"])
    found = open_session(session)  # a file or a PostgreSQL workshop
    existed = found is not None
    if found is not None:
        found.close()
    if not existed and (params["gaps_path"] is None or params["catalog_path"] is None):
        raise SessionError(f"session '{session}' does not exist yet; to start a new session "
                           "give --gaps and --catalog (and optionally --assignments).")
    if existed and params["assignments_path"] is not None:
        print(f"warning: session '{session_name(params['session_path'])}' exists, --assignments "
              "ignored (the saved session is the record).", file=log)
    Workshop.open(session, params["gaps_path"], params["catalog_path"],
                  assignments=params["assignments_path"]).close()
    return not existed


def _follows_up(session: str) -> bool:
    """True for a follow-up assessment (its settings hold a baseline)."""
    store = open_session(target(session), read_only=True)
    try:
        return store is not None and store.meta("baseline") is not None
    finally:
        if store is not None:
            store.close()


def _staging(out: Path) -> Path:
    """A temporary folder beside ``out``, with the mode a plain mkdir would give it."""
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-", dir=out.parent))
    staging.chmod(0o777 & ~_umask())
    return staging


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _publish(staging: Path, out: Path) -> list[Path]:
    """Move the finished record into ``out`` (a rename when ``out`` is new)."""
    names = sorted(p.relative_to(staging) for p in staging.rglob("*") if p.is_file())
    if not out.exists():
        staging.rename(out)
    else:  # e.g. the session file lives in ``out``: replace the record's files only
        for top in sorted(staging.iterdir()):
            target = out / top.name
            if top.is_dir() and target.is_dir():
                shutil.rmtree(target)
            os.replace(top, target)
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


def _undo_session(created: str | None, out: Path, out_existed: bool, log: TextIO) -> None:
    """After a failure: remove a session file this run created, and ``out`` if it made it."""
    if created is not None and not is_url(created):
        path = Path(created)
        for p in (path, *path.parent.glob(f"{path.name}-*")):
            p.unlink(missing_ok=True)
        print(f"removed the new session '{path}'.", file=log)
    if not out_existed and out.is_dir() and not any(out.iterdir()):
        out.rmdir()

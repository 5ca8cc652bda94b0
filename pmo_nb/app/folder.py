"""``pmo-nb new``: a customer's own workshop folder, which never carries the sample.

:func:`new_folder` validates the inputs first, then writes, all at once (a temporary
folder beside the target, renamed into place)::

    FOLDER/
      README.md            how to run it: jupyter lab, papermill, pmo-nb record
      workshop.ipynb ...   the notebooks, outputs cleared, parameters set for this folder
      data/gaps.xlsx       the customer's gaps (a copy, as given)
      data/catalog.csv     the catalog (a copy: the one given, or the one pmo_nb comes with)
      sessions/            NAME.sqlite appears when the workshop notebook first runs
      runs/                for notebooks executed headless (papermill)

Paths in the notebooks are relative to FOLDER (Jupyter and papermill run from there), so
the folder can be moved or shared as a whole.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import tempfile
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import nbformat

from .. import resources as _resources
from ..errors import UsageError
from ..i18n import check_language
from ..inputs.io import load_catalog, load_gaps

STARTS_SESSION = "workshop"  # the notebook whose run starts the session from the inputs
FOLLOW_UP_ONLY = ("progress",)  # notebooks of a follow-up's folder only
# What each notebook's parameters cell is told; other parameters keep their defaults.
FOLDER_PARAMETERS = ("session_path", "gaps_path", "catalog_path", "assignments_path", "title",
                     "sample", "baseline_path", "language")


def new_folder(folder: str | os.PathLike, gaps: str | os.PathLike | None = None,
               catalog: str | os.PathLike | None = None, *, title: str | None = None,
               sample: bool = False, language: str | None = None,
               session: str | None = None) -> Path:
    """Make a customer's workshop folder (or, with ``sample=True``, the demo's).

    Parameters
    ----------
    folder : path
        A folder that does not exist yet, or an empty one.
    gaps, catalog : path
        The customer's gaps and catalog (CSV/XLSX); ``catalog`` None: the packaged one.
    title : str, optional
        The customer's name, a ``title`` parameter in every notebook.
    sample : bool
        The sample organisation, with the sample workshop's decisions, instead of ``gaps``.
    language : str, optional
        The workshop's language (a tag of :data:`pmo_nb.LANGUAGES`), a ``language``
        parameter of the notebook that starts the session.
    session : str, optional
        A hosted workshop, ``postgresql://...?workshop=NAME`` (no password in it: libpq's
        ``PG*`` variables or ``~/.pgpass`` give it), instead of ``sessions/NAME.sqlite``.

    Returns
    -------
    Path
        The folder made.

    Raises
    ------
    DataError, InputFileError
        A bad or missing input file (the loader's message); nothing is created.
    UsageError
        ``folder`` is not empty, or gaps and ``sample`` both or neither given.

    Examples
    --------
    >>> import tempfile
    >>> made = new_folder(Path(tempfile.mkdtemp()) / "acme", "data/sample_gaps.csv",
    ...                   title="ACME")
    >>> sorted(p.name for p in made.iterdir())[:4]
    ['README.md', 'coverage.ipynb', 'data', 'participant.ipynb']
    """
    folder = Path(folder)
    language = check_language(language) if language is not None else None
    if session is not None:
        check_hosted(session)
    inputs = _inputs(gaps, catalog, sample, language)
    _check_target(folder)
    load_gaps(inputs["gaps"]), load_catalog(inputs["catalog"])  # bad input: nothing made
    if sample:
        title = title or _resources.SAMPLE_TITLE
    with staged(folder) as staging:
        _fill(staging, inputs, session or f"sessions/{session_file_name(folder)}", title,
              language)
    return folder


def new_follow_up_folder(folder: str | os.PathLike, baseline: str | os.PathLike, *,
                         title: str | None = None) -> Path:
    """Make the next assessment's folder: the follow-up session of ``baseline`` (a session
    file or PostgreSQL URL, only read) in ``FOLDER/sessions/``, made now, and the notebooks
    with their parameters pointing at it (``progress.ipynb`` shows the progress).

    Raises
    ------
    SessionError
        The baseline is missing, damaged or newer than this pmo_nb; nothing is made.
    UsageError
        ``folder`` is not empty.

    Examples
    --------
    >>> import tempfile, pmo_nb
    >>> where = Path(tempfile.mkdtemp())
    >>> pmo_nb.open_workshop(where / "q1.sqlite", sample=True).close()
    >>> made = new_follow_up_folder(where / "acme-q2", where / "q1.sqlite")
    >>> ws2 = pmo_nb.Workshop.open(made / "sessions" / "acme-q2.sqlite")
    >>> ws2.baseline.label, (made / "progress.ipynb").is_file()
    ('Sample organisation', True)
    """
    from ..session.workshop import Workshop
    from ..store import is_url

    folder = Path(folder)
    _check_target(folder)
    shown = os.fspath(baseline)
    source = shown if is_url(shown) else str(Path(shown).resolve())
    session = session_file_name(folder)
    with staged(folder) as staging:
        for sub in ("data", "sessions", "runs"):
            (staging / sub).mkdir()
        with Workshop.follow_up(source, staging / "sessions" / session, title=title) as ws:
            title = ws.title
        values = {"session_path": f"sessions/{session}", "baseline_path": source,
                  "title": title, "sample": False, "gaps_path": None, "catalog_path": None,
                  "assignments_path": None}
        for template in sorted(_resources.notebook_dir().glob("*.ipynb")):
            nbformat.write(customer_notebook(template, values), staging / template.name)
        heading = html.escape(" ".join((title or "PMO follow-up assessment").split()))
        (staging / "README.md").write_text(FOLLOW_UP_README.format(
            title=heading.replace("$", "&#36;"), baseline=source,
            session=f"sessions/{session}"), encoding="utf-8")
    return folder


@contextmanager
def staged(folder: Path) -> Iterator[Path]:
    """A temporary folder beside ``folder`` to fill, renamed into place when the block ends
    well (``folder`` absent or empty), removed when it fails: all or nothing."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.partial-", dir=folder.parent))
    try:
        os.chmod(staging, 0o777 & ~_umask())  # mkdtemp makes 0700: the user's usual mode
        yield staging
        if folder.exists():
            folder.rmdir()  # empty (checked before)
        staging.rename(folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _inputs(gaps: str | os.PathLike | None, catalog: str | os.PathLike | None,
            sample: bool, language: str | None = None) -> dict[str, Path]:
    if sample and (gaps is not None or catalog is not None):
        raise UsageError("Give either --gaps (a customer's workshop) or --sample (the demo), "
                         "not both; the sample comes with its own gaps and catalog.")
    if sample:
        return _resources.sample_files()
    if gaps is None:
        raise UsageError("Give the customer's gaps (--gaps FILE, CSV or XLSX), or --sample "
                         "for the demo organisation.")
    chosen = _resources.default_catalog(language) if catalog is None else catalog
    return {"gaps": Path(gaps), "catalog": Path(chosen)}


def check_hosted(session: str) -> None:
    """Refuse a hosted session that is not a ``postgresql://`` URL naming a workshop, or
    that carries a password (the notebooks would then show it to everyone they are sent)."""
    parts = urllib.parse.urlsplit(session)
    if parts.scheme not in ("postgresql", "postgres") or "workshop" not in \
            urllib.parse.parse_qs(parts.query):
        raise UsageError(f"--session takes a hosted workshop, postgresql://USER@HOST:PORT/DB?"
                         f"workshop=NAME (or postgresql:///?workshop=NAME on a hub), not "
                         f"'{session}'.")
    if parts.password is not None:
        raise UsageError("--session must not carry a password: the notebooks would show it. "
                         "Put it in PGPASSWORD or ~/.pgpass (the hub sets PGPASSWORD).")


def _check_target(folder: Path) -> None:
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"'{folder}' is a file; give a new folder for the workshop.")
    if folder.is_dir() and any(folder.iterdir()):
        raise UsageError(f"'{folder}' exists and is not empty; pmo-nb new never writes into "
                         "an existing workshop: give a new folder.")


def session_file_name(folder: Path) -> str:
    """The session file's name: the folder's name in lower case, letters and digits.

    Examples
    --------
    >>> session_file_name(Path("St. Mary's Hospital"))
    'st-mary-s-hospital.sqlite'
    """
    slug = re.sub(r"[^a-z0-9]+", "-", folder.resolve().name.lower()).strip("-")
    return f"{slug or 'workshop'}.sqlite"


def _fill(root: Path, inputs: dict[str, Path], session: str, title: str | None,
          language: str | None = None) -> None:
    """Copy the inputs and the notebooks into ``root``, then its README."""
    for sub in ("data", "runs", *(["sessions"] if session.startswith("sessions/") else [])):
        (root / sub).mkdir()
    copied = {}
    for key, source in inputs.items():
        own = key == "assignments" or source.parent == _resources.data_dir()  # the sample
        target = Path("data") / (source.name if own else f"{key}{source.suffix.lower()}")
        shutil.copyfile(source, root / target)
        copied[key] = target.as_posix()
    values = {"session_path": session, "title": title, "sample": False,
              "language": language}
    for template in sorted(_resources.notebook_dir().glob("*.ipynb")):
        if template.stem in FOLLOW_UP_ONLY:
            continue  # a first assessment has no baseline to show progress against
        starts = template.stem in (STARTS_SESSION, "quickstart")
        given = {**values, "gaps_path": copied["gaps"] if starts else None,
                 "catalog_path": copied["catalog"] if starts else None,
                 "assignments_path": copied.get("assignments") if starts else None}
        nbformat.write(customer_notebook(template, given), root / template.name)
    (root / "README.md").write_text(_readme(copied, session, title), encoding="utf-8")


def customer_notebook(path: Path, values: dict[str, object]) -> nbformat.NotebookNode:
    """``path``'s notebook with its outputs cleared and its parameters set to ``values``
    (only the parameters it declares)."""
    nb = nbformat.read(path, as_version=4)
    for key in ("widgets", "papermill"):
        nb.metadata.pop(key, None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.pop("papermill", None)
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
            if "parameters" in cell.metadata.get("tags", []):
                cell.source = _set_parameters(cell.source, values)
    return nb


def _set_parameters(source: str, values: dict[str, object]) -> str:
    """Rewrite ``name = ...`` lines of a parameters cell; comments after ``#`` are kept."""
    lines = []
    for line in source.splitlines():
        found = re.match(r"(\w+)\s*=\s*(.*?)(\s+#.*)?$", line)
        if found and found.group(1) in values:
            name, comment = found.group(1), found.group(3) or ""
            line = f"{name} = {_literal(values[name])}{comment}"
        lines.append(line)
    return "\n".join(lines)


def _literal(value: object) -> str:
    """Python source for a parameter value (a JSON string is a Python string literal)."""
    return json.dumps(value, ensure_ascii=False) if isinstance(value, str) else repr(value)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _readme(copied: dict[str, str], session: str, title: str | None) -> str:
    # the customer's name as plain text: no markup, no MathJax ($), one line
    heading = html.escape(" ".join((title or "PMO Planning workshop").split()))
    return README.format(title=heading.replace("$", "&#36;"), gaps=copied["gaps"],
                         catalog=copied["catalog"], session=session)


README = """# {title}

A PMO Planning workshop made by `pmo-nb new`. Everything here is this customer's: the
gaps (`{gaps}`), the catalog (`{catalog}`) and, once the workshop has started, the
session `{session}` that keeps every decision. Run everything from this folder.

1. **The workshop**: `jupyter lab workshop.ipynb`, then *Run > Run All Cells*. The first
   run starts an empty session on `{gaps}`; every click is saved at once, and running the
   notebook again reopens the session as it was saved (it never resets it).
2. **Afterwards**: `coverage.ipynb` (what is covered, what is open) and `prioritize.ipynb`
   (what a budget buys, the roadmap) read the same session.
3. **The record** to share: `pmo-nb record --session {session} --out record`.

Headless, with papermill (from this folder: the paths are relative to it; `runs/` is
for the executed copies):

    papermill workshop.ipynb runs/workshop.ipynb
    papermill prioritize.ipynb runs/prioritize.ipynb -p budget 450 -p wave_budget 150

To start again from other gaps, make a new folder with `pmo-nb new`: a session is the
record of the gaps it was started from.
"""

FOLLOW_UP_README = """# {title}: follow-up assessment

The next assessment of the same gaps, made by `pmo-nb new --follow-up`. Its session
`{session}` was started from the baseline `{baseline}` (only read, never changed): the
same gaps at the size they had when it ended, the catalog, the weights, and the services
committed then. Run everything from this folder.

1. **In the room**: `jupyter lab progress.ipynb`, then *Run > Run All Cells*. Gap by
   gap, click the size the room sees now (Low, Medium, High or Closed) and what became
   of each service committed to it (delivered, in progress, not started, dropped). The
   workshop panel (`workshop.ipynb`) shows the same controls under each gap card, to plan
   the next wave at the same time. Every click is saved at once and can be undone.
2. **The record** to share: `pmo-nb record --session {session} --out record`. It opens
   with the progress since the baseline.
3. **The next assessment**, a quarter later: `pmo-nb new NEXT-FOLDER --follow-up
   {session}`. The chain of assessments shows in the last figure of `progress.ipynb`.
"""

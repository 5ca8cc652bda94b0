"""How every notebook opens its session: one rule, so no notebook carries the sample.

A notebook's parameters name the session and, for a session that does not exist yet, the
inputs it starts from. :func:`open_workshop` applies the rule:

- the session exists: it is opened as saved (``session_path`` alone is enough; gaps or a
  catalog given with it must be the ones it was started from);
- it does not: it starts from ``gaps_path`` (and ``catalog_path``, by default the catalog
  that comes with pmo_nb), seeded with ``assignments_path`` only when that is given;
- with no ``gaps_path`` it starts only when ``sample=True``: the sample organisation (the
  demo: its gaps, the catalog, the sample workshop's decisions). The committed notebooks
  say ``sample = True``; the notebooks ``pmo-nb new`` writes say ``False``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from .. import resources as _resources
from ..errors import SessionError, UsageError
from ..inputs.io import Source
from ..session.opening import ASSESSED_ON, open_or_create
from ..session.workshop import Workshop
from ..store import is_url


def open_workshop(session_path: str | os.PathLike, gaps_path: Source | None = None,
                  catalog_path: Source | None = None, assignments_path: Source | None = None,
                  *, title: str | None = None, sample: bool = False,
                  language: str | None = None) -> Workshop:
    """Open a notebook's session, or start it from the given inputs (see the module).

    Parameters
    ----------
    session_path : path or URL
        The session. Opened as saved when it exists.
    gaps_path, catalog_path, assignments_path : path or DataFrame, optional
        What a new session starts from. ``catalog_path`` None: the packaged catalog.
        ``assignments_path`` seeds a new session only; given for an existing one, it is
        ignored with a note.
    title : str, optional
        The customer's name: given to a new session, or to one that has no title yet.
    sample : bool
        With no ``gaps_path``, a new session is the sample organisation (the demo).
    language : str, optional
        A new session's language (a tag of :data:`pmo_nb.LANGUAGES`); an existing session
        keeps its own (``ws.set_language`` changes it).

    Returns
    -------
    Workshop

    Raises
    ------
    SessionError
        A new session with neither ``gaps_path`` nor ``sample``.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> demo = open_workshop(folder / "demo.sqlite", sample=True)
    >>> demo.title, len(demo.assignments) > 0
    ('Sample organisation', True)
    >>> mine = open_workshop(folder / "mine.sqlite", "data/sample_gaps.csv", title="ACME")
    >>> mine.title, len(mine.assignments)
    ('ACME', 0)
    >>> open_workshop(folder / "mine.sqlite").title   # the session alone reopens it
    'ACME'
    """
    if is_url(str(session_path)):  # a database: its store applies the rules, nothing defaulted
        ws = Workshop.open(session_path, gaps_path, catalog_path, assignments=assignments_path)
    elif Path(session_path).exists():
        if assignments_path is not None:
            print(f"Note: '{session_path}' exists and is opened as saved; "
                  "assignments_path only seeds a new session and is ignored.", file=sys.stderr)
        ws = Workshop.open(session_path, gaps_path, catalog_path)
    elif gaps_path is not None:
        catalog = _resources.default_catalog() if catalog_path is None else catalog_path
        ws = Workshop.open(session_path, gaps_path, catalog, assignments=assignments_path,
                           title=title, language=language)
    elif sample:
        ws = _sample(session_path, catalog_path, assignments_path, title, language)
    else:
        raise SessionError(
            f"Session '{session_path}' does not exist yet. Start it from the "
            "notebook that names the customer's gaps (workshop.ipynb in a folder made by "
            "`pmo-nb new`), or give gaps_path: the customer's gaps (CSV/XLSX).")
    if title and not ws.title:
        ws.set_title(title)
    return ws


def _sample(session_path: str | os.PathLike, catalog_path: Source | None,
            assignments_path: Source | None, title: str | None,
            language: str | None = None) -> Workshop:
    """The demo: the sample organisation, from the files that come with pmo_nb only."""
    if catalog_path is not None or assignments_path is not None:
        raise UsageError("The sample organisation (sample=True) comes with its own catalog and "
                         "decisions: give gaps_path too, or leave catalog_path and "
                         "assignments_path as None.")
    files = _resources.sample_files()
    store, _ = open_or_create(session_path, files["gaps"], files["catalog"],
                              assignments=files["assignments"],
                              title=title or _resources.SAMPLE_TITLE, language=language,
                              meta={ASSESSED_ON: _resources.sample_dates()["workshop"]})
    return Workshop(store)


def open_follow_up(session_path: str | os.PathLike, baseline_path: str | os.PathLike,
                   reassessment_path: Source | None = None,
                   deliveries_path: Source | None = None, *, title: str | None = None,
                   sample: bool = False) -> Workshop:
    """Open a follow-up assessment, or start it from its baseline (progress.ipynb's rule).

    - the follow-up exists: it is opened as saved;
    - it does not: it starts from ``baseline_path`` (:meth:`Workshop.follow_up`); with
      ``sample=True`` and no baseline yet, the baseline is the sample organisation;
    - ``reassessment_path`` (gap_id, size[, note]) and ``deliveries_path`` (service_id,
      status) are imported while the follow-up has none of its own yet, so running the
      notebook again never undoes what the room set since; with ``sample=True``, a
      follow-up of the sample organisation made now gets the sample's answers.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> ws2 = open_follow_up(folder / "q2.sqlite", folder / "q1.sqlite", sample=True)
    >>> ws2.baseline.label, ws2.progress_summary()["closed"]
    ('Sample organisation', 2)
    """
    made = False  # a follow-up made now of the sample organisation gets the sample's answers
    if not (is_url(str(session_path)) or Path(session_path).exists()):
        if sample and not (is_url(str(baseline_path)) or Path(baseline_path).exists()):
            open_workshop(baseline_path, sample=True).close()
        Workshop.follow_up(baseline_path, session_path, title=title).close()
        made = True
    ws = Workshop.open(session_path)
    sampled = made and sample and ws.baseline is not None \
        and ws.baseline.label == _resources.SAMPLE_TITLE
    if sampled and reassessment_path is None and deliveries_path is None:
        files = _resources.sample_follow_up_files()
        reassessment_path, deliveries_path = files["reassessment"], files["deliveries"]
        ws.set_assessment_date(_resources.sample_dates()["follow-up"])
    if ws.baseline is None:
        ws.close()
        raise SessionError(f"'{session_path}' is a first assessment, not a follow-up: give "
                           "a new session_path for the follow-up and this session as "
                           "baseline_path, or make the follow-up's folder with `pmo-nb new "
                           "FOLDER --follow-up SESSION`.")
    seeds = ((reassessment_path, ws.import_reassessment, "reassessments"),
             (deliveries_path, ws.import_deliveries, "deliveries"))
    for source, load, table in seeds:
        if source is not None and _untouched(ws, table):
            load(source)
    return ws


def _untouched(ws: Workshop, table: str) -> bool:
    """True while the follow-up has no row of its own in ``table`` (a fresh follow-up; the
    statuses a chain carries from its baseline are not its own)."""
    if table == "reassessments":
        return not ws.progress()["reassessed"].any()
    return not ws.history["action"].isin(["set delivery", "import deliveries"]).any()

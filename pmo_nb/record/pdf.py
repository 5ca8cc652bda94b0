"""``record.pdf``: the stakeholders' page laid out for paper and printed by headless Chromium.

The printed page is the same page as ``record.html`` (:func:`.report.render`, the same
facts) with three differences: every figure is drawn at the printable width of the paper
(so its labels are wrapped for that width, not scaled after the fact); a print style
(:func:`.paper.print_style`) sets the paper, its margins and type sizes for paper (the
appendices' wide tables on landscape pages); and the margins carry the running title,
the date and "page x of y". Those are CSS page-margin boxes (``@page {@top-left{...}}``,
Chromium 131 and later) and named pages, printed by the same ``chromium
--print-to-pdf`` call as before: no DevTools client and no new dependency.
A figure, a table row and a heading with what follows it are kept on one page
(``break-inside: avoid``).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any, TextIO

from ..errors import RecordError
from .facts import Facts
from .paper import check_paper

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run",
         "--no-pdf-header-footer", "--virtual-time-budget=15000"]
def browser() -> str | None:
    """The first Chromium-like browser on PATH, or None."""
    return next((found for name in BROWSERS if (found := shutil.which(name))), None)


def write_pdf(facts: Facts, ws: Any, path: str | Path, *, paper: str = "a4",
              log: TextIO | None = None) -> Path:
    """Print the record's page to a PDF laid out for ``paper`` (A4 or US letter).

    Parameters
    ----------
    facts : Facts
        The record's facts (:func:`pmo_nb.record.gather`): the numbers the page shows.
    ws : Workshop
        The session the facts were gathered from (its figures are drawn from it).
    path : path
        The PDF to write.
    paper : {"a4", "letter"}
        The paper; every figure is drawn at its printable width.
    log : text stream, optional
        Where the one progress line goes (default: nowhere).

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    UsageError
        An unknown ``paper``.
    RecordError
        No Chromium on PATH, or Chromium failed (its last words are in the message).

    Examples
    --------
    With Chromium installed (``tests/test_record_print.py`` runs it):

    >>> import tempfile
    >>> from pmo_nb.record import Options, gather, write_pdf
    >>> facts = gather(ws, Options(budget=50, wave_budget=30), "demo")
    >>> out = Path(tempfile.mkdtemp()) / "record.pdf"
    >>> write_pdf(facts, ws, out, paper="a4").read_bytes()[:5]  # doctest: +SKIP
    b'%PDF-'
    """
    from . import report

    paper = check_paper(paper)
    exe = browser()
    if exe is None:
        raise RecordError("a PDF needs Chromium, and none is on PATH (chromium, "
                          "chromium-browser, google-chrome); install it (apt-get install "
                          "chromium) or leave out --pdf.")
    start, path = time.perf_counter(), Path(path)
    with tempfile.TemporaryDirectory(prefix="pmo-nb-print-") as tmp:
        page = Path(tmp) / "record-print.html"
        page.write_text(report.render(facts, ws, paper=paper), encoding="utf-8")
        done = subprocess.run([exe, *FLAGS, f"--user-data-dir={Path(tmp) / 'profile'}",
                               f"--print-to-pdf={path}", page.as_uri()],
                              capture_output=True, text=True, timeout=180)
    if done.returncode != 0 or not path.is_file():
        raise RecordError(f"Chromium ({exe}) could not print '{path.name}': "
                          f"{done.stderr.strip()[-300:] or f'exit code {done.returncode}'}")
    if log is not None:
        print(f"{path.name}: {paper}, {path.stat().st_size / 1e6:.1f} MB "
              f"({time.perf_counter() - start:.1f} s)", file=log)
    return path

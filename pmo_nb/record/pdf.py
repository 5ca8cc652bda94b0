"""``record.pdf``: the stakeholders' page laid out for paper and printed by headless Chromium.

The printed page is the same page as ``record.html`` (:func:`.report.render`, the same
facts) with three differences: every figure is drawn at the printable width of the paper
(so its labels are wrapped for that width, not scaled after the fact); a print style
(:func:`print_style`) sets the paper, its margins and type sizes for paper (the
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

from ..errors import RecordError, UsageError
from .facts import Facts

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run",
         "--no-pdf-header-footer", "--virtual-time-budget=15000"]
# CSS paper size and width in mm; the margins are 15 mm at the sides, 17 mm top and bottom
PAPERS = {"a4": ("A4", 210.0), "letter": ("letter", 215.9)}
SIDE_MM, EDGE_MM = 15.0, 17.0
PX_PER_MM = 96 / 25.4


def browser() -> str | None:
    """The first Chromium-like browser on PATH, or None."""
    return next((found for name in BROWSERS if (found := shutil.which(name))), None)


def check_paper(paper: str) -> str:
    """``paper`` in lower case, or a :class:`UsageError` naming the papers there are."""
    key = str(paper).lower()
    if key not in PAPERS:
        raise UsageError(f"paper must be one of {', '.join(map(repr, PAPERS))}, not {paper!r}.")
    return key


def figure_width(paper: str) -> int:
    """The width (CSS px) a figure is drawn at on ``paper``: the printable width.

    Examples
    --------
    >>> figure_width("a4"), figure_width("letter")
    (680, 702)
    """
    mm = PAPERS[check_paper(paper)][1] - 2 * SIDE_MM
    return int(mm * PX_PER_MM)


def print_style(title: str, date: str, paper: str) -> str:
    """The print style: paper, margins, running title and date, "page x of y", type
    sizes for paper (no CSS zoom: plotly measures its labels wrongly under one).

    The customer's title goes into a CSS string as hex escapes (nothing in it can end
    the string or the style).

    Examples
    --------
    >>> css = print_style('Acme "R&D" </style>', "5 December 2026", "letter")
    >>> "size:letter" in css, "</style>" in css, "counter(pages)" in css
    (True, False, True)
    """
    size = PAPERS[check_paper(paper)][0]
    box = "font:8.5pt Arial,Helvetica,'Liberation Sans',sans-serif;color:#444"
    top, bottom = f"{box};vertical-align:bottom;padding-bottom:4mm", \
        f"{box};vertical-align:top;padding-top:4mm"
    return (f"@page{{size:{size};margin:{EDGE_MM}mm {SIDE_MM}mm;"
            f"@top-left{{content:{_css_string(_cut(title, 90))};{top}}}"
            f"@top-right{{content:{_css_string(date)};{top}}}"
            f"@bottom-left{{content:'PMO Planning workshop record';{bottom}}}"
            f"@bottom-right{{content:'page ' counter(page) ' of ' counter(pages);{bottom}}}}}"
            f"@page wide{{size:{size} landscape}}.appendix{{page:wide}}"  # 10-column tables
            "body{font-size:13.5px}main{max-width:none;padding:0}"
            "h1{font-size:27px;margin-top:0}h2{font-size:21px;margin-top:24px}"
            "h3{font-size:16.5px}.lead{font-size:15px}.headline{font-size:16px}"
            ".note,nav.contents{font-size:12.5px}table.report,table.compact{font-size:12.5px}"
            ".tile b{font-size:26px}.tag{font-size:11.5px}h2,h3{break-after:avoid}"
            ".figure,table.report tr,.tiles,.headline,ul.waves li{break-inside:avoid}"
            "nav.contents{break-inside:avoid}")


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _css_string(text: str) -> str:
    """``text`` as a CSS string: every character but letters and digits escaped (a space
    too: CSS swallows one space after an escape)."""
    return '"' + "".join(c if c.isalnum() else f"\\{ord(c):06x}" for c in text) + '"'


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

"""The printed page's paper: its sizes, the width a figure is drawn at, and the print
style (margins, running title and date, "page x of y"). Used by the page
(:mod:`.report`) and by the PDF (:mod:`.pdf`) alike.
"""

from __future__ import annotations

import re

from ..errors import UsageError
from ..i18n import Translator, translator

EN = translator("en")

# CSS paper size and width in mm; the margins are 15 mm at the sides, 17 mm top and bottom
PAPERS = {"a4": ("A4", 210.0), "letter": ("letter", 215.9)}
SIDE_MM, EDGE_MM = 15.0, 17.0
PX_PER_MM = 96 / 25.4



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


def print_style(title: str, date: str, paper: str, _: Translator = EN) -> str:
    """The print style: paper, margins, running title and date, "page x of y", type
    sizes for paper (no CSS zoom: plotly measures its labels wrongly under one); the
    margins' words in ``_``'s language.

    The customer's title goes into a CSS string as hex escapes (nothing in it can end
    the string or the style).

    Examples
    --------
    >>> css = print_style('Acme "R&D" </style>', "5 December 2026", "letter")
    >>> "size:letter" in css, "</style>" in css, "counter(pages)" in css
    (True, False, True)
    """
    size = PAPERS[check_paper(paper)][0]
    name = _css_string(_("PMO Planning workshop record"))
    page = _("page {page} of {pages}").replace("{page}", "\x00").replace("{pages}", "\x01")
    pages = " ".join({"\x00": "counter(page)", "\x01": "counter(pages)"}.get(part) or
                     _css_string(part) for part in re.split("(\x00|\x01)", page) if part)
    box = "font:8.5pt Arial,Helvetica,'Liberation Sans',sans-serif;color:#444"
    top, bottom = f"{box};vertical-align:bottom;padding-bottom:4mm", \
        f"{box};vertical-align:top;padding-top:4mm"
    return (f"@page{{size:{size};margin:{EDGE_MM}mm {SIDE_MM}mm;"
            f"@top-left{{content:{_css_string(_cut(title, 90))};{top}}}"
            f"@top-right{{content:{_css_string(date)};{top}}}"
            f"@bottom-left{{content:{name};{bottom}}}"
            f"@bottom-right{{content:{pages};{bottom}}}}}"
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

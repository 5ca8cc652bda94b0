"""Words on the pages of a PDF, read with poppler's ``pdftotext -bbox``: the text a reader
sees, as boxes in points, to find words drawn over words and text off the page."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

PDFTOTEXT = shutil.which("pdftotext")
PDFTOPPM = shutil.which("pdftoppm")
_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)
_WORD = re.compile(r'<word xMin="([-\d.]+)" yMin="([-\d.]+)" xMax="([-\d.]+)" '
                   r'yMax="([-\d.]+)">(.*?)</word>', re.S)


@dataclass(frozen=True)
class Word:
    page: int
    text: str
    x0: float
    y0: float
    x1: float
    y1: float


@dataclass(frozen=True)
class Page:
    number: int
    width: float
    height: float
    words: tuple[Word, ...]


def pages(pdf: Path) -> list[Page]:
    """Every page of ``pdf`` with its words (1-based page numbers)."""
    out = subprocess.run([PDFTOTEXT, "-bbox", str(pdf), "-"], capture_output=True, text=True,
                         check=True, timeout=120).stdout
    found = []
    for n, (w, h, body) in enumerate(_PAGE.findall(out), start=1):
        words = tuple(Word(n, html.unescape(t), *map(float, box))
                      for *box, t in _WORD.findall(body))
        found.append(Page(n, float(w), float(h), words))
    return found


def overlaps(page: Page, share: float = 0.15) -> list[tuple[Word, Word]]:
    """Pairs of words whose boxes cover each other by more than ``share`` of the smaller
    one, in both directions (a glyph's box touching the next line's does not count)."""
    pairs = []
    words = sorted(page.words, key=lambda w: w.x0)
    for i, a in enumerate(words):
        for b in words[i + 1:]:
            if b.x0 >= a.x1:
                break
            dx = min(a.x1, b.x1) - max(a.x0, b.x0)
            dy = min(a.y1, b.y1) - max(a.y0, b.y0)
            if dx <= 0 or dy <= 0:
                continue
            if (dx > share * min(a.x1 - a.x0, b.x1 - b.x0)
                    and dy > share * min(a.y1 - a.y0, b.y1 - b.y0)):
                pairs.append((a, b))
    return pairs


def off_page(page: Page, tolerance: float = 0.5) -> list[Word]:
    """Words whose box leaves the page."""
    return [w for w in page.words if w.x0 < -tolerance or w.y0 < -tolerance
            or w.x1 > page.width + tolerance or w.y1 > page.height + tolerance]


def to_png(pdf: Path, prefix: Path, width: int = 1280) -> list[Path]:
    """Every page of ``pdf`` as PNG, ``width`` pixels wide, named ``prefix-N.png``."""
    subprocess.run([PDFTOPPM, "-png", "-scale-to-x", str(width), "-scale-to-y", "-1",
                    str(pdf), str(prefix)], check=True, timeout=300)
    return sorted(prefix.parent.glob(f"{prefix.name}-*.png"))

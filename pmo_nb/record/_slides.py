"""python-pptx building blocks of the deck: layouts, text, native tables that continue.

A table never shrinks to fit: rows are measured (characters per line of each column,
line breaks kept) and the ones that do not fit go on a next slide titled "... (continued)"
with the header row repeated. Customer text is set as plain runs: nothing in it is
interpreted (no fields, no markup); characters XML cannot hold are dropped.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pptx.dml.color import RGBColor
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.presentation import Presentation
from pptx.slide import Slide, SlideLayout
from pptx.util import Emu, Pt

from ..inputs.schema import as_text

BODY_PT, HEAD_PT = 14, 14
LINE_EMU = Pt(BODY_PT * 1.25)  # one line of table text
CELL_PAD_EMU = Pt(7.2 + 7.2 + 2)  # python-pptx's default cell margins (top, bottom), a bit more
CHAR_EMU = Pt(BODY_PT * 0.55)  # an average character of 14 pt Arial, a little generous
HEADER_FILL = RGBColor(0xEE, 0xF3, 0xF8)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def plain(value: object) -> str:
    """Customer text as slide text: NaN/None as ``""``, characters XML cannot hold dropped.

    Examples
    --------
    >>> plain("R&D <b>\\x0bnow</b>"), plain(None)
    ('R&D <b>now</b>', '')
    """
    return _CONTROL.sub("", as_text(value))


def title_layout(prs: Presentation) -> SlideLayout:
    """The master's title slide (a layout with a centred title), else its first layout."""
    for layout in prs.slide_layouts:
        kinds = {p.placeholder_format.type for p in layout.placeholders}
        if PP_PLACEHOLDER.CENTER_TITLE in kinds:
            return layout
    return prs.slide_layouts[0]


def content_layout(prs: Presentation) -> SlideLayout:
    """A layout with a title and nothing else to fill ("Title Only"), else the one with a
    title and the fewest other placeholders."""
    def others(layout: SlideLayout) -> int:
        kinds = [p.placeholder_format.type for p in layout.placeholders]
        fixed = {PP_PLACEHOLDER.DATE, PP_PLACEHOLDER.FOOTER, PP_PLACEHOLDER.SLIDE_NUMBER}
        has_title = PP_PLACEHOLDER.TITLE in kinds
        return (0 if has_title else 100) + sum(k not in fixed for k in kinds)

    return min(prs.slide_layouts, key=others)


def drop_slides(prs: Presentation) -> None:
    """Remove the template's own slides (its examples); its masters and layouts stay."""
    ids = prs.slides._sldIdLst  # python-pptx has no public delete
    for sld in list(ids):
        prs.part.drop_rel(sld.rId)
        ids.remove(sld)


def widen(prs: Presentation, width: int) -> None:
    """Make the deck ``width`` wide (16:9 from python-pptx's 4:3 master), moving and
    stretching the master's and layouts' placeholders with it."""
    k = width / prs.slide_width
    masters = [prs.slide_master, *prs.slide_layouts]
    boxes = [(shape, shape.left, shape.top, shape.width, shape.height)  # read all, then write:
             for m in masters for shape in m.placeholders if shape.width is not None]
    for shape, left, top, w, h in boxes:  # a layout's box may be the master's, inherited
        shape.left, shape.top, shape.width, shape.height = int(left * k), top, int(w * k), h
    prs.slide_width = width


def title_sizes(prs: Presentation, first: int, others: int) -> None:
    """Titles at ``first`` pt on the first slide and ``others`` pt elsewhere (pmo_nb's own
    plain master only: a consultancy's template keeps its own type)."""
    for n, slide in enumerate(prs.slides):
        title = slide.shapes.title
        for para in title.text_frame.paragraphs if title is not None else ():
            for run in para.runs:
                run.font.size = Pt(first if n == 0 else others)


@dataclass(frozen=True)
class Area:
    """Where a slide's content goes, in EMU."""

    left: int
    top: int
    width: int
    height: int


def new_slide(prs: Presentation, title: str) -> tuple[Slide, Area]:
    """A content slide with ``title`` and the free area under the title."""
    slide = prs.slides.add_slide(content_layout(prs))
    margin = Emu(prs.slide_width // 24)
    top = margin
    if slide.shapes.title is not None:
        slide.shapes.title.text = plain(title)
        shape = slide.shapes.title
        top = shape.top + shape.height + margin // 3
        for ph in list(slide.placeholders):  # an unfilled body would read "Click to add text"
            if ph.placeholder_format.type != PP_PLACEHOLDER.TITLE and \
                    ph.placeholder_format.idx != 0:
                ph._element.getparent().remove(ph._element)
    else:
        box = slide.shapes.add_textbox(margin, margin, prs.slide_width - 2 * margin, Pt(40))
        box.text_frame.text = plain(title)
        box.text_frame.paragraphs[0].runs[0].font.size = Pt(28)
        top = margin + Pt(48)
    return slide, Area(margin, top, prs.slide_width - 2 * margin,
                       prs.slide_height - top - margin)


def text_box(slide: Slide, area: Area, lines: Sequence[str], size: int = 18,
             height: int | None = None) -> int:
    """Paragraphs of plain text at the top of ``area``; returns the height used (EMU)."""
    used = height or int(sum(_lines(line, area.width, size) for line in lines) * Pt(size * 1.3)
                         + Pt(12))
    frame = slide.shapes.add_textbox(area.left, area.top, area.width, used).text_frame
    frame.word_wrap = True
    for i, line in enumerate(lines):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        run = para.add_run()
        run.text = plain(line)
        run.font.size = Pt(size)
    return used


def _lines(text: str, width: int, size: float) -> int:
    chars = max(int(width / Pt(size * 0.55)), 1)
    return sum(max(math.ceil(len(part) / chars), 1) for part in plain(text).split("\n"))


@dataclass(frozen=True)
class Column:
    """A deck table's column: header, share of the table's width, right-aligned or not."""

    header: str
    share: float
    right: bool = False


Fill = Callable[[int, int], tuple[RGBColor, RGBColor] | None]  # (row, col) -> (fill, ink)


def paged_table(prs: Presentation, title: str, columns: Sequence[Column],
                rows: Sequence[Sequence[str]], *, intro: str = "", empty: str = "None.",
                fill: Fill | None = None, continued: str = "{title} (continued)") -> list[Slide]:
    """``rows`` as native tables on as many slides as they need (titled ``continued``
    after the first: the deck's language); ``intro`` is a line of text above the first
    table."""
    keep = [j for j in range(len(columns)) if not rows or any(plain(r[j]).strip() for r in rows)]
    if len(keep) < len(columns):  # a column with nothing in it is left out, as on the page
        total = sum(columns[j].share for j in keep)
        columns = [Column(columns[j].header, columns[j].share / total, columns[j].right)
                   for j in keep]
        rows = [[r[j] for j in keep] for r in rows]
        if fill is not None:
            given = fill
            fill = lambda i, j: given(i, keep[j])  # noqa: E731
    slides, start, first = [], 0, True
    while first or start < len(rows):
        slide, area = new_slide(prs, title if first else continued.format(title=title))
        slides.append(slide)
        if first and intro:
            used = text_box(slide, area, [intro], 16)
            area = Area(area.left, area.top + used, area.width, area.height - used)
        if not rows:
            text_box(slide, area, [empty], 18)
            break
        count = _rows_that_fit(columns, rows[start:], area)
        _table(slide, area, columns, rows[start:start + count], fill, start)
        start, first = start + count, False
    return slides


def _row_height(columns: Sequence[Column], row: Sequence[str], width: int) -> int:
    lines = max(_lines(text, int(width * c.share) - Pt(10), BODY_PT)
                for c, text in zip(columns, row, strict=True))
    return int(lines * LINE_EMU + CELL_PAD_EMU)


def _rows_that_fit(columns: Sequence[Column], rows: Sequence[Sequence[str]], area: Area) -> int:
    """How many of ``rows`` fit under the header in ``area`` (at least one)."""
    used = _row_height(columns, [c.header for c in columns], area.width)
    for n, row in enumerate(rows):
        used += _row_height(columns, row, area.width)
        if used > area.height:
            return max(n, 1)
    return len(rows)


def _table(slide: Slide, area: Area, columns: Sequence[Column], rows: Sequence[Sequence[str]],
           fill: Fill | None, offset: int) -> None:
    heights = [_row_height(columns, [c.header for c in columns], area.width)] + \
        [_row_height(columns, r, area.width) for r in rows]
    shape = slide.shapes.add_table(len(rows) + 1, len(columns), area.left, area.top,
                                   area.width, sum(heights))
    table = shape.table
    for j, col in enumerate(columns):
        table.columns[j].width = int(area.width * col.share)
    for i, height in enumerate(heights):
        table.rows[i].height = height
    for j, col in enumerate(columns):
        _cell(table.cell(0, j), col.header, col.right, bold=True, colours=(
            HEADER_FILL, RGBColor(0x1A, 0x1A, 0x1A)))
    for i, row in enumerate(rows, start=1):
        for j, (col, text) in enumerate(zip(columns, row, strict=True)):
            colours = fill(offset + i - 1, j) if fill else None
            _cell(table.cell(i, j), text, col.right, colours=colours)


def _cell(cell, text: str, right: bool, bold: bool = False,
          colours: tuple[RGBColor, RGBColor] | None = None) -> None:
    frame = cell.text_frame
    frame.word_wrap = True
    for k, line in enumerate(plain(text).split("\n")):
        para = frame.paragraphs[0] if k == 0 else frame.add_paragraph()
        run = para.add_run()
        run.text = line
        run.font.size = Pt(HEAD_PT if bold else BODY_PT)
        run.font.bold = bold
        if right:
            from pptx.enum.text import PP_ALIGN

            para.alignment = PP_ALIGN.RIGHT
        if colours:
            run.font.color.rgb = colours[1]
    if colours:
        cell.fill.solid()
        cell.fill.fore_color.rgb = colours[0]


def rgb(colour: str) -> RGBColor:
    """``"#rrggbb"`` or ``"rgb(r, g, b)"`` as a python-pptx colour."""
    if colour.startswith("#"):
        return RGBColor.from_string(colour[1:].upper())
    r, g, b = (int(float(v)) for v in colour[colour.index("(") + 1:-1].split(","))
    return RGBColor(r, g, b)


def every_label(axis) -> None:
    """A category axis that labels every category (PowerPoint skips some when crowded)."""
    from pptx.oxml.ns import qn

    ax = axis._element
    for old in ax.findall(qn("c:tickLblSkip")):
        ax.remove(old)
    skip = ax.makeelement(qn("c:tickLblSkip"), {"val": "1"})
    no_multi = ax.find(qn("c:noMultiLvlLbl"))
    if no_multi is not None:
        no_multi.addprevious(skip)
    else:
        ax.append(skip)

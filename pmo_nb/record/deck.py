"""``record.pptx``: the record as an editable deck for the sponsors' meeting.

Written from the same :class:`~.facts.Facts` as the page, with python-pptx: native tables
and a native chart (every number can be restyled and edited), on pmo_nb's plain 16:9
master or on the consultancy's own (``template``: a .pptx whose masters and layouts are
used and whose own slides are left out). Slides: title; summary numbers; coverage by
gap size and priority (a coloured table); the candidate list; what the budget buys (the
frontier as a line chart, the plan marked); the roadmap's waves; handed-over gaps and
their owners; votes when the session has some; for a follow-up, its progress since the
baseline right after the title. Long lists continue on a next slide.
"""

from __future__ import annotations

import time
import zipfile
from pathlib import Path
from typing import TextIO

from pptx import Presentation
from pptx.chart.data import CategoryChartData, XyChartData
from pptx.enum.chart import (
    XL_CHART_TYPE,
    XL_LABEL_POSITION,
    XL_LEGEND_POSITION,
    XL_MARKER_STYLE,
)
from pptx.util import Inches, Pt

from ..analysis import progress as prog
from ..analysis.coverage import coverage_matrix
from ..errors import InputFileError, UsageError
from ..i18n import N_, Translator, translator
from ..plan.words import headline, proof
from ..plots.coverage import heatmap_grid
from ..plots.style import LEVEL_NAMES, STATUS_COLOURS, on_colour
from . import _slides
from .appendix import VOTE_HEADERS
from .facts import Facts
from .html import number
from .progress import size_words
from .progress import title as progress_title
from .report import made_on

STATUS_WORDS = {"covered": N_("covered by a PMO service"), "partial": N_("partly covered"),
                "open": N_("still open"), "handed over": N_("handed over to other owners")}


def check_template(template: str | Path | None) -> Path | None:
    """The template as a Path once it is known to open as a .pptx; None for none.

    Examples
    --------
    >>> check_template(None) is None
    True
    >>> check_template("nowhere/house-style.pptx")
    Traceback (most recent call last):
    ...
    pmo_nb.errors.InputFileError: --pptx-template 'nowhere/house-style.pptx' does not exist; give the path of a PowerPoint .pptx whose slide master the deck should use.
    """  # noqa: E501
    if template is None:
        return None
    path = Path(template)
    if not path.is_file():
        raise InputFileError(f"--pptx-template '{path}' does not exist; give the path of a "
                             "PowerPoint .pptx whose slide master the deck should use.")
    fix = "save the template as .pptx (a .potx or .odp: open it and save it as .pptx)"
    if not zipfile.is_zipfile(path):
        raise UsageError(f"--pptx-template '{path}' is not a PowerPoint .pptx file (not a zip "
                         f"package); {fix}.")
    try:
        Presentation(str(path))
    except Exception as exc:  # python-pptx raises several kinds for a bad package
        raise UsageError(f"--pptx-template '{path}' is not a PowerPoint .pptx file "
                         f"({type(exc).__name__}: {str(exc)[:120]}); {fix}.") from exc
    return path


def write_deck(facts: Facts, path: str | Path, *, template: str | Path | None = None,
               log: TextIO | None = None) -> Path:
    """Write the record as an editable PowerPoint deck (native tables and chart).

    Parameters
    ----------
    facts : Facts
        The record's facts (:func:`pmo_nb.record.gather`): the numbers the page shows.
    path : path
        The .pptx to write.
    template : path, optional
        A .pptx whose slide master and layouts the deck uses (its own slides are left
        out); default a plain 16:9 deck.
    log : text stream, optional
        Where the one progress line goes (default: nowhere).

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    InputFileError, UsageError
        ``template`` is missing, or is not a .pptx; the message names the file.

    Examples
    --------
    >>> import tempfile
    >>> from pptx import Presentation
    >>> from pmo_nb.record import Options, gather, write_deck
    >>> facts = gather(ws, Options(budget=50, wave_budget=30), "demo")
    >>> out = Path(tempfile.mkdtemp()) / "record.pptx"
    >>> deck = Presentation(str(write_deck(facts, out)))
    >>> [s.shapes.title.text for s in deck.slides][:3]
    ['demo', 'Summary', 'Coverage by gap size and priority']
    """
    start, path = time.perf_counter(), Path(path)
    checked = check_template(template)
    prs = Presentation(str(checked) if checked else None)
    if checked:
        _slides.drop_slides(prs)
    else:
        _slides.widen(prs, Inches(13.333))  # python-pptx's own master is 4:3
    for add in (_title, progress_since_baseline, _summary, _coverage, _candidates, _budget,
                _roadmap, _handed_over, _votes):
        add(prs, facts)
    if not checked:
        _slides.title_sizes(prs, first=40, others=30)
    prs.save(str(path))
    if log is not None:
        print(f"{path.name}: {len(prs.slides)} slides, {path.stat().st_size / 1e3:.0f} kB "
              f"({time.perf_counter() - start:.1f} s)", file=log)
    return path


def _title(prs, f: Facts) -> None:
    _ = _words(f)
    slide = prs.slides.add_slide(_slides.title_layout(prs))
    if slide.shapes.title is not None:
        slide.shapes.title.text = _slides.plain(f.title)
    subtitle = _("PMO Planning workshop · record of {date}", date=made_on(f))
    bodies = [p for p in slide.placeholders if p.placeholder_format.idx != 0]
    if bodies:
        bodies[0].text = subtitle
        for extra in bodies[1:]:
            extra._element.getparent().remove(extra._element)
    else:  # a master without a subtitle: a text box under the title
        third = prs.slide_height // 3
        area = _slides.Area(prs.slide_width // 12, 2 * third, prs.slide_width * 5 // 6, third)
        _slides.text_box(slide, area, [subtitle], 20)


def _words(f: Facts) -> Translator:
    """The deck's language: the record's."""
    return translator(f.language)


def _table(prs, f: Facts, title: str, columns: list[_slides.Column], rows: list, **kw) -> None:
    """A paged table titled and headed in the deck's language."""
    _ = _words(f)
    cols = [_slides.Column(_(c.header), c.share, c.right) for c in columns]
    if "empty" in kw:
        kw["empty"] = _(kw["empty"])
    _slides.paged_table(prs, _(title), cols, rows, continued=_("{title} (continued)"), **kw)


def _summary(prs, f: Facts) -> None:
    _ = _words(f)
    total = sum(f.counts.values())
    rows = [[_.number(n), _.percent(n / total) if total else "", _(STATUS_WORDS[s])]
            for s, n in f.counts.items()]
    colours = [(_slides.rgb(STATUS_COLOURS[s]), _slides.rgb(on_colour(STATUS_COLOURS[s])))
               for s in f.counts]
    intro = _.plural("{count} gap.", "{count} gaps.", total) + " " + headline(
        f.plan, f.currency, _)
    _table(prs, f, N_("Summary"), [_slides.Column(N_("Gaps"), 0.15, True),
                                   _slides.Column(N_("Share"), 0.15, True),
                                   _slides.Column(N_("Status"), 0.7)], rows,
           intro=intro, fill=lambda i, j: colours[i] if j == 2 else None)


def _coverage(prs, f: Facts) -> None:
    _ = _words(f)
    grid = heatmap_grid(coverage_matrix(f.coverage), _=_)
    rows = [[priority] + [" · ".join([c["head"], *c["lines"]]) for c in cells]
            for priority, cells in zip(grid["rows"], grid["cells"], strict=True)]

    def fill(i: int, j: int):
        if j == 0:
            return None
        cell = grid["cells"][i][j - 1]
        return _slides.rgb(cell["fill"]), _slides.rgb(cell["ink"])

    cols = [_slides.Column(N_("Priority \\ gap size"), 0.22)] + [
        _slides.Column(_("Size {level}", level=size), 0.26) for size in grid["columns"]]
    _table(prs, f, N_("Coverage by gap size and priority"), cols, rows, fill=fill,
           intro=_("Share of the gaps' weight covered in each cell: the darker the green, the "
                   "more; grey: no gaps."))


def _candidates(prs, f: Facts) -> None:
    _ = _words(f)
    cand = f.candidate_list
    rows = [[s, _(LEVEL_NAMES.get(size, size)), aspect] for s, size, aspect in zip(
        cand["Product / Service"], cand["Gap Size"], cand["Addresses Aspect"], strict=True)]
    cols = [_slides.Column(N_("Product / Service"), 0.45), _slides.Column(N_("Gap Size"), 0.15),
            _slides.Column(N_("Addresses Aspect"), 0.40)]
    _table(prs, f, N_("Candidate services"), cols, rows,
           empty=N_("No service was assigned to a gap."))


def _budget(prs, f: Facts) -> None:
    _ = _words(f)
    slide, area = _slides.new_slide(prs, _("What the budget buys"))
    used = _slides.text_box(slide, area, [headline(f.plan, f.currency, _), proof(f.plan, _)],
                            16)
    data = XyChartData()
    frontier = data.add_series(_("Share of weight covered (%)"))
    for x, y in frontier_points(f):
        frontier.add_data_point(x, y)
    plan = data.add_series(_("This plan"))
    plan.add_data_point(f.plan.budget, round(f.plan.covered_share * 100, 1))
    chart = slide.shapes.add_chart(XL_CHART_TYPE.XY_SCATTER_LINES_NO_MARKERS, area.left,
                                   area.top + used, area.width, area.height - used, data).chart
    chart.has_legend, chart.legend.position = True, XL_LEGEND_POSITION.BOTTOM
    chart.legend.include_in_layout = False
    chart.category_axis.has_title = chart.value_axis.has_title = True
    chart.category_axis.axis_title.text_frame.text = _("Budget ({unit})",
                                                       unit=_slides.plain(f.currency))
    chart.value_axis.axis_title.text_frame.text = _("Share of weight covered (%)")
    chart.value_axis.maximum_scale, chart.value_axis.minimum_scale = 100, 0
    marked = chart.plots[0].series[1]
    marked.marker.style, marked.marker.size = XL_MARKER_STYLE.DIAMOND, 14
    label = marked.points[0].data_label
    label.has_text_frame, label.position = True, XL_LABEL_POSITION.BELOW
    label.text_frame.text = _("this plan: {share} covered", share=_.percent(f.plan.covered_share))


def frontier_points(f: Facts) -> list[tuple[float, float]]:
    """The budget curve as the corners of its steps: (budget, % of weight covered)."""
    curve = f.curve.sort_values("budget", kind="stable")
    points: list[tuple[float, float]] = []
    for budget, share in zip(curve["budget"], curve["covered_share"], strict=True):
        y = round(float(share) * 100, 1)
        if points:
            points.append((float(budget), points[-1][1]))
        points.append((float(budget), y))
    return points


def _roadmap(prs, f: Facts) -> None:
    _ = _words(f)
    rows = [[_("Wave {number}", number=w.wave), f"{_.number(w.start_month)}–"
             f"{_.number(w.end_month)}", number(w.cost, f.currency), w.services]
            for w in f.waves.itertuples(index=False)]
    cols = [_slides.Column(N_("Wave"), 0.12), _slides.Column(N_("Months"), 0.13),
            _slides.Column(N_("Cost"), 0.15, True), _slides.Column(N_("Services"), 0.60)]
    _table(prs, f, N_("The roadmap"), cols, rows, empty=N_("No services to deploy."),
           intro=_("At most {amount} a wave; a wave starts when the one before is in place.",
                   amount=number(f.wave_budget, f.currency)))


def _handed_over(prs, f: Facts) -> None:
    _ = _words(f)
    parts = {"whole": _("the whole gap"), "rest": _("what the PMO cannot do")}
    rows = [[r.owner, f"{r.gap_id} {r.aspect}", parts.get(r.handover, r.handover), r.note]
            for r in f.handed_over.itertuples(index=False)]
    cols = [_slides.Column(N_("Owner"), 0.22), _slides.Column(N_("Gap"), 0.30),
            _slides.Column(N_("Takes"), 0.18), _slides.Column(N_("Note"), 0.30)]
    _table(prs, f, N_("Handed over to other owners"), cols, rows,
           empty=N_("No gap goes to another owner."))


def _votes(prs, f: Facts) -> None:
    """The participants' votes: a slide only when the session has revealed results."""
    if f.votes is None:
        return
    _ = _words(f)
    share = 1 / len(f.votes.columns)
    cols = [_slides.Column(VOTE_HEADERS.get(str(c), str(c).replace("_", " ").capitalize()),
                           share) for c in f.votes.columns]
    rows = [[_.percent(v) if c in ("share", "agreement") and isinstance(v, float)
             else _.number(v) if isinstance(v, int | float) else v
             for c, v in zip(f.votes.columns, row, strict=True)]
            for row in f.votes.itertuples(index=False)]
    _table(prs, f, N_("Votes"), cols, rows)


def progress_since_baseline(prs, f: Facts) -> None:
    """A follow-up's slides, right after the title: the progress in three lines, the value
    per aspect then and now (a native bar chart), then the two findings."""
    p = f.progress
    if p is None:
        return
    _ = _words(f)
    slide, area = _slides.new_slide(prs, progress_title(p, _))
    said = prog.headline(p.numbers, _)
    lines = [f"{m}: {r}" for m, r in zip(said["measure"], said["result"], strict=True)]
    _slides.text_box(slide, area, [_("A follow-up of {label} ({date}).", label=p.label,
                                     date=_.date(p.date)), *lines], 24)
    slide, area = _slides.new_slide(prs, _("What is left of the gaps, per aspect"))
    used = 0
    data = CategoryChartData()
    data.categories = [_slides.plain(a) for a in p.by_aspect["aspect"]]
    data.add_series(_("At the baseline ({date})", date=_.date(p.date)),
                    [float(v) for v in p.by_aspect["value_before"]])
    data.add_series(_("Now"), [float(v) for v in p.by_aspect["value_after"]])
    chart = slide.shapes.add_chart(XL_CHART_TYPE.BAR_CLUSTERED, area.left, area.top + used,
                                   area.width, area.height - used, data).chart
    chart.has_legend, chart.legend.position = True, XL_LEGEND_POSITION.BOTTOM
    chart.legend.include_in_layout = False
    chart.category_axis.reverse_order = True  # the first aspect on top, as on the page
    chart.category_axis.tick_labels.font.size = Pt(10)
    _slides.every_label(chart.category_axis)
    chart.value_axis.has_title = True
    chart.value_axis.axis_title.text_frame.text = _("Value of the gaps left (size × priority)")
    for series, colour in zip(chart.plots[0].series, ("#999999", STATUS_COLOURS["covered"]),
                              strict=True):
        series.format.fill.solid()
        series.format.fill.fore_color.rgb = _slides.rgb(colour)
    shrank = size_words(p.shrank_alone, _)
    rows = [[g, _slides.plain(a), str(b), str(n)] for g, a, b, n in zip(
        shrank["gap_id"], shrank["aspect"], shrank["size_before"], shrank["size_after"],
        strict=True)]
    rows += [["", _slides.plain(name), _("delivered"), _("gaps unchanged")]
             for name in p.no_effect["name"]]
    cols = [_slides.Column(N_("Gap"), 0.12), _slides.Column(N_("Aspect or service"), 0.48),
            _slides.Column(N_("Then"), 0.2), _slides.Column(N_("Now"), 0.2)]
    _table(prs, f, N_("Two findings"), cols, rows,
           intro=_("Gaps that shrank with no service delivered (first), and services "
                   "delivered whose gaps did not shrink (last)."),
           empty=N_("Neither: every change has its service."))

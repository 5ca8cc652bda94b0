"""The record on paper and on slides: ``record.pdf`` and ``record.pptx``.

A German customer with long aspect and category names (``tests/data/print``) and a
title full of markup; the deck is read back with python-pptx and converted by
LibreOffice Impress, and on every PDF (the record's, the converted deck) no two words
overlap and no word leaves the page (poppler's ``pdftotext -bbox``).
"""

from __future__ import annotations

import html
import io
import re
import shutil
import subprocess
from pathlib import Path

import _pdf_words as words
import pytest
from pptx import Presentation
from pptx.util import Pt

import pmo_nb
from conftest import (
    ARGS,
    CATALOG,
    CHROMIUM,
    FIXTURES,
    NEEDS_CHROMIUM,
    SAMPLE_ASSIGNMENTS,
    SAMPLE_GAPS,
    VIEWPORT,
    wait_drawn,
)
from pmo_nb import plots, record
from pmo_nb.analysis.coverage import coverage_matrix
from pmo_nb.cli import main
from pmo_nb.errors import InputFileError, UsageError
from pmo_nb.plots.coverage import heatmap_grid
from pmo_nb.record import deck as deck_module
from pmo_nb.record import pdf as pdf_module
from pmo_nb.record import report

PRINT = FIXTURES / "print"
TITLE = 'Stadtwerke Süd <b>GmbH</b> & "Partner": Projektmanagement-Office {{x}} $5'
OPTIONS = {"budget": 300.0, "wave_budget": 120.0, "currency": "k€", "title": TITLE}
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
NEEDS_POPPLER = pytest.mark.skipif(
    words.PDFTOTEXT is None or words.PDFTOPPM is None,
    reason="needs poppler-utils (pdftotext, pdftoppm): `make browser-deps` installs them")
NEEDS_SOFFICE = pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice is not installed (soffice not on PATH): `make "
    "browser-deps` installs libreoffice-impress-nogui")
DECK_TITLES = ["Summary", "Coverage by gap size and priority", "Candidate services",
               "What the budget buys", "The roadmap", "Handed over to other owners"]


def _session(path: Path, gaps: Path, catalog: Path, assignments: Path) -> Path:
    pmo_nb.Workshop.open(path, gaps=gaps, catalog=catalog, assignments=assignments).close()
    return path


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The German customer's facts and deck (the PDF is made by the tests that need it)."""
    root = tmp_path_factory.mktemp("print")
    session = _session(root / "stadtwerke.sqlite", PRINT / "gaps.csv", PRINT / "catalog.csv",
                       PRINT / "assignments.csv")
    ws = pmo_nb.Workshop.open(session)
    facts = record.gather(ws, record.Options(**OPTIONS))
    log = io.StringIO()
    path = record.write_deck(facts, root / "record.pptx", log=log)
    yield {"root": root, "ws": ws, "facts": facts, "deck": path, "log": log.getvalue()}
    ws.close()


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The sample workshop: 18 candidate rows, more than a slide holds."""
    root = tmp_path_factory.mktemp("sample")
    session = _session(root / "sample.sqlite", SAMPLE_GAPS, CATALOG, SAMPLE_ASSIGNMENTS)
    ws = pmo_nb.Workshop.open(session)
    facts = record.gather(ws, record.Options(budget=450, wave_budget=150))
    yield {"root": root, "ws": ws, "facts": facts,
           "deck": record.write_deck(facts, root / "record.pptx")}
    ws.close()


def titles(prs: Presentation, continued: bool = False) -> list[str]:
    """The slides' titles (without the "(continued)" ones unless asked)."""
    found = [s.shapes.title.text if s.shapes.title is not None else "" for s in prs.slides]
    return found if continued else [t for t in found if not t.endswith(" (continued)")]


def tables(prs: Presentation, title: str) -> list[list[str]]:
    """The body rows (header left out) of every table on the slides titled ``title`` or
    ``title (continued)``, in order."""
    rows = []
    for slide in prs.slides:
        if slide.shapes.title is None or slide.shapes.title.text not in (
                title, f"{title} (continued)"):
            continue
        for shape in slide.shapes:
            if shape.has_table:
                rows += [[c.text for c in row.cells] for row in list(shape.table.rows)[1:]]
    return rows


# -- the deck, read back -------------------------------------------------------------------
def test_deck_slides_in_order_with_the_customers_title_as_text(made: dict) -> None:
    prs = Presentation(str(made["deck"]))
    assert titles(prs) == [TITLE, *DECK_TITLES]  # markup, braces and $ kept as plain text
    assert "record of" in " ".join(s.text for s in prs.slides[0].placeholders)
    assert re.fullmatch(rf"record\.pptx: {len(prs.slides)} slides, \d+ kB \(\d+\.\d s\)\n",
                        made["log"])


def test_deck_numbers_are_the_sessions(made: dict) -> None:
    prs, f = Presentation(str(made["deck"])), made["facts"]
    summary = {row[2]: int(row[0]) for row in tables(prs, "Summary")}
    assert summary == {deck_module.STATUS_WORDS[s]: n for s, n in f.counts.items()}
    grid = heatmap_grid(coverage_matrix(f.coverage))
    cells = tables(prs, "Coverage by gap size and priority")
    assert [row[0] for row in cells] == grid["rows"]
    assert [[c.split(" · ")[0] for c in row[1:]] for row in cells] == \
        [[c["head"] for c in row] for row in grid["cells"]]
    cand = f.candidate_list
    assert tables(prs, "Candidate services") == [
        [s, {"H": "High", "M": "Medium", "L": "Low"}[z], a] for s, z, a in
        zip(cand["Product / Service"], cand["Gap Size"], cand["Addresses Aspect"])]
    assert [row[2] for row in tables(prs, "The roadmap")] == \
        [f"{c:g} k€" for c in f.waves["cost"]]
    assert [row[3] for row in tables(prs, "The roadmap")] == list(f.waves["services"])
    assert [row[0] for row in tables(prs, "Handed over to other owners")] == \
        list(f.handed_over["owner"])


def test_deck_budget_slide_has_a_native_chart_of_the_frontier_and_the_plan(made: dict) -> None:
    prs, f = Presentation(str(made["deck"])), made["facts"]
    slide = prs.slides[titles(prs, continued=True).index("What the budget buys")]
    (chart,) = [s.chart for s in slide.shapes if s.has_chart]
    frontier, plan = chart.plots[0].series
    assert set(frontier.iter_values()) == {round(v * 100, 1) for v in f.curve["covered_share"]}
    assert list(plan.iter_values()) == [round(f.plan.covered_share * 100, 1)]
    assert not any(s.shape_type == 13 for s in slide.shapes)  # 13: a picture


def test_long_lists_continue_on_a_next_slide_and_keep_their_size(sample: dict) -> None:
    prs = Presentation(str(sample["deck"]))
    assert "Candidate services (continued)" in titles(prs, continued=True)
    assert len(tables(prs, "Candidate services")) == len(sample["facts"].candidate_list)
    for slide in prs.slides:
        for shape in (s for s in slide.shapes if s.has_table):
            assert shape.top + shape.height <= prs.slide_height
            sizes = {r.font.size for row in shape.table.rows for c in row.cells
                     for p in c.text_frame.paragraphs for r in p.runs}
            assert sizes == {Pt(14)}


def test_votes_and_progress_slides_only_when_the_session_has_them(made: dict) -> None:
    shown = titles(Presentation(str(made["deck"])))
    assert made["facts"].votes is None and "Votes" not in shown
    assert made["facts"].progress is None and not any(t.startswith("Progress") for t in shown)


def test_template_gives_its_master_and_size_without_its_own_slides(made: dict, tmp_path) -> None:
    house = Presentation()  # 4:3, with an example slide the deck must leave out
    example = house.slides.add_slide(house.slide_layouts[1])
    example.shapes.title.text = "EXAMPLE SLIDE OF THE TEMPLATE"
    house.save(str(tmp_path / "house.pptx"))
    out = record.write_deck(made["facts"], tmp_path / "d.pptx", template=tmp_path / "house.pptx")
    prs = Presentation(str(out))
    assert (prs.slide_width, prs.slide_height) == (house.slide_width, house.slide_height)
    assert titles(prs) == [TITLE, *DECK_TITLES]


@pytest.mark.parametrize("content", [None, b"not a deck", b"PK\x03\x04 broken zip"])
def test_a_bad_template_is_an_error_naming_the_file(made: dict, tmp_path, content) -> None:
    path = tmp_path / "house.pptx"
    if content is not None:
        path.write_bytes(content)
    kind, words_ = (InputFileError, "does not exist") if content is None else (
        UsageError, "is not a PowerPoint .pptx file")
    with pytest.raises(kind, match=f"--pptx-template '{re.escape(str(path))}' {words_}"):
        record.write_deck(made["facts"], tmp_path / "d.pptx", template=path)
    assert not (tmp_path / "d.pptx").exists()


def test_cli_bad_template_fails_before_anything_is_made(tmp_path, capsys) -> None:
    code = main(["record", "--session", str(tmp_path / "s.sqlite"), "--gaps", str(SAMPLE_GAPS),
                 "--catalog", str(CATALOG), "--out", str(tmp_path / "out"),
                 "--pptx-template", str(tmp_path / "nowhere.potx")])
    assert code == 2
    assert f"--pptx-template '{tmp_path / 'nowhere.potx'}' does not exist" in \
        capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_cli_knows_the_paper_and_the_deck_options() -> None:
    from pmo_nb.cli import _parser

    args = _parser().parse_args(["record", "--session", "s", "--out", "o", "--pdf", "--paper",
                                 "Letter", "--pptx", "--pptx-template", "t.pptx"])
    assert (args.pdf, args.paper, args.pptx, args.pptx_template) == (True, "letter", True,
                                                                     "t.pptx")
    with pytest.raises(SystemExit):
        _parser().parse_args(["record", "--session", "s", "--out", "o", "--paper", "a3"])
    with pytest.raises(UsageError, match="paper must be one of 'a4', 'letter', not 'a3'"):
        pdf_module.check_paper("a3")


@NEEDS_SOFFICE
@NEEDS_POPPLER
def test_libreoffice_impress_converts_the_deck_and_nothing_overlaps(made: dict, sample: dict,
                                                                    tmp_path) -> None:
    decks = [made["deck"], sample["deck"]]
    out = tmp_path / "converted"
    done = subprocess.run([SOFFICE, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
                           "--headless", "--norestore", "--convert-to", "pdf", "--outdir",
                           str(out), *map(str, decks)], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    for deck in decks:
        pages = words.pages(out / f"{deck.stem}.pdf")
        assert len(pages) == len(Presentation(str(deck)).slides)
        assert [w.text for p in pages for w in words.off_page(p)] == []
        assert [(a.text, b.text, p.number) for p in pages for a, b in words.overlaps(p)] == []


# -- the PDF -------------------------------------------------------------------------------
@NEEDS_CHROMIUM
@NEEDS_POPPLER
@pytest.mark.parametrize("paper, size", [("a4", (595, 842)), ("letter", (612, 792))])
def test_pdf_on_paper_with_running_title_date_and_page_numbers(made: dict, paper, size) -> None:
    f = made["facts"]
    log = io.StringIO()
    pdf = record.write_pdf(f, made["ws"], made["root"] / f"{paper}.pdf", paper=paper, log=log)
    assert log.getvalue().startswith(f"{paper}.pdf: {paper}, ")
    pages = words.pages(pdf)
    sizes = [(round(p.width), round(p.height)) for p in pages]
    assert set(sizes) == {size, size[::-1]}  # the appendices' wide tables on landscape pages
    assert sizes.index(size[::-1]) > 1
    day = f"{f.made.day} {f.made:%B %Y}"
    for page in pages:
        text = " ".join(w.text for w in page.words)
        assert f"page {page.number} of {len(pages)}" in text
        assert day in text and "Stadtwerke Süd <b>GmbH</b> & \"Partner\":" in text
    first = " ".join(w.text for w in pages[0].words)
    assert "Contents" in first and "Appendix B. The service catalog" in first
    assert [w.text for p in pages for w in words.off_page(p)] == []
    assert [(a.text, b.text, p.number) for p in pages for a, b in words.overlaps(p)] == []


@NEEDS_CHROMIUM
@NEEDS_POPPLER
def test_sample_pdf_has_no_words_over_words_and_keeps_every_category_word(sample: dict) -> None:
    pdf = record.write_pdf(sample["facts"], sample["ws"], sample["root"] / "r.pdf")
    pages = words.pages(pdf)
    assert [(a.text, b.text, p.number) for p in pages for a, b in words.overlaps(p)] == []
    seen = {w.text for p in pages for w in p.words}
    for category in set(sample["ws"].catalog["category"]):
        assert set(category.split()) <= seen, category  # never "Organisatio nal"


def test_print_page_draws_figures_at_the_printable_width(made: dict) -> None:
    page = report.render(made["facts"], made["ws"], paper="letter")
    assert page.count('"width":702') >= page.count("Plotly.newPlot(") > 5
    assert "@page{size:letter" in page and "counter(pages)" in page
    assert "<b>GmbH" not in page.split("<style>", 1)[1].split("</style>", 1)[0]
    screen = report.render(made["facts"], made["ws"])
    assert "@page" not in screen and '<nav class="contents"' in screen


@pytest.mark.parametrize("width", [500, 680, 1100, 1600])
def test_category_labels_wrap_between_words_at_any_width(made: dict, sample: dict,
                                                         width: int) -> None:
    for ws in (made["ws"], sample["ws"]):
        fig = plots.aspect_category_heatmap(ws, width=width)
        names = list(dict.fromkeys(ws.catalog["category"]))
        for tick, name in zip(fig.layout.xaxis.ticktext, names, strict=True):
            shown = html.unescape(tick).replace("<br>", " ").split()
            cut = [w for w in shown if not w.endswith("…")]  # an ellipsis says it is cut
            assert set(cut) <= set(name.split()), (width, tick)


@NEEDS_CHROMIUM
@pytest.mark.browser
def test_on_screen_no_tick_label_runs_into_another(sample: dict, made: dict) -> None:
    """The page at 1280 px: the heatmap's column labels and every other figure's ticks."""
    from playwright.sync_api import sync_playwright

    script = """() => [...document.querySelectorAll('.figure')].map(fig =>
        [...fig.querySelectorAll('.xtick text, .ytick text')].map(t => {
            const r = t.getBoundingClientRect();
            return [t.textContent, r.left, r.top, r.right, r.bottom];
        }))"""
    for case in (sample, made):
        page_path = case["root"] / "screen.html"
        page_path.write_text(report.render(case["facts"], case["ws"]), encoding="utf-8")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
            try:
                page = browser.new_page(viewport=VIEWPORT)
                page.goto(page_path.as_uri())
                page.wait_for_selector(".js-plotly-plot .main-svg", timeout=30_000)
                wait_drawn(page)  # every figure's ticks, not only the first figure's
                figures = page.evaluate(script)
            finally:
                browser.close()
        clashes = [(a[0], b[0]) for boxes in figures for i, a in enumerate(boxes)
                   for b in boxes[i + 1:] if min(a[3], b[3]) - max(a[1], b[1]) > 1
                   and min(a[4], b[4]) - max(a[2], b[2]) > 1]
        assert clashes == []

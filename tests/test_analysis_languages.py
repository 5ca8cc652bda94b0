"""The analyst's and the sponsors' panels and every figure in the workshop's language: a
count of English words left around the customer's text (0) in pt-BR, es, fr and de, for the
budget, explorer, votes, progress and catalog panels, each plotly figure, and the record:
its page (as printed, with its margins), deck and workbook (sheets, headers, summary)."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest
from _words import OTHERS, SAME, texts
from openpyxl import load_workbook
from pptx import Presentation

import pmo_nb
from conftest import REPO
from pmo_nb import plots, record
from pmo_nb.i18n import translator
from pmo_nb.record.deck import write_deck
from pmo_nb.record.paper import print_style
from pmo_nb.record.report import render
from pmo_nb.record.workbook import write as write_workbook
from pmo_nb.ui import BudgetPanel, CatalogBrowser, CoverageExplorer, ProgressPanel, VotesPanel

DATA = REPO / "data"
# the same in English and the language, so not English left behind
ALSO = {"pt-BR": {"item", "total"}, "es": {"plan", "total"},
        "fr": {"action", "budget", "consensus", "contribution", "date", "exclusions", "figure",
               "optimal", "organisation", "page", "participant", "participants", "place", "plan",
               "session", "vote", "votes"},
        "de": {"budget", "detail", "optimal", "organisation", "plan", "status", "was",
               "workshop"}}


def _coded(folder: Path, tag: str) -> tuple[pmo_nb.Workshop, pmo_nb.Workshop]:
    """The sample workshop and its follow-up in ``tag``, every piece of customer text made
    a code without words (``A3``, ``S12 N``): what is left in words is pmo_nb's."""
    gaps, cat = pd.read_csv(DATA / "sample_gaps.csv"), pd.read_csv(DATA / "catalog.csv")
    aspects = {a: f"A{i}" for i, a in enumerate(dict.fromkeys(
        [*gaps["aspect"], *(a for c in cat["aspects"] for a in c.split(";"))]))}
    gaps["aspect"] = gaps["aspect"].map(aspects)
    for col in ("current_state", "future_state", "description", "other_owner",
                "handover_note"):
        if col in gaps:
            gaps[col] = [f"T{i}" if pd.notna(v) and str(v).strip() else v
                         for i, v in enumerate(gaps[col])]
    cat["aspects"] = [";".join(aspects[a] for a in c.split(";")) for c in cat["aspects"]]
    cat["category"] = cat["category"].map({c: f"C{i}" for i, c in enumerate(
        dict.fromkeys(cat["category"]))})
    cat["name"] = [f"S{i} N" for i in range(len(cat))]
    cat["description"] = [f"D{i}" for i in range(len(cat))]
    ws = pmo_nb.Workshop.open(folder / "q1.sqlite", gaps, cat, language=tag,
                              assignments=DATA / "sample_assignments.csv")
    ws.hand_over("G-03", "O1", note="N1")
    follow = pmo_nb.Workshop.follow_up(folder / "q1.sqlite", folder / "q2.sqlite")
    follow.import_reassessment(DATA / "sample_reassessment.csv")
    follow.import_deliveries(DATA / "sample_deliveries.csv")
    return ws, follow


def _words(text: str) -> set[str]:
    text = html.unescape(re.sub(r"<style>.*?</style>|<[^>]+>", " ", text, flags=re.S))
    text = re.sub(r"\bS(-[A-Z0-9]+)+", " ", text)  # the catalog's ids: S-TRAIN-PM
    return {t.casefold() for t in re.findall(r"[^\W\d_]{3,}", text)}


def figure_texts(fig: go.Figure) -> list[str]:
    """Every word a figure shows: title, axes, legend, annotations, labels, hover."""
    found: list[str] = []

    def walk(value: object, key: str = "") -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, k)
        elif isinstance(value, list | tuple):
            for v in value:
                walk(v, key)
        elif isinstance(value, str) and key in ("text", "name", "hovertext", "ticktext",
                                                "hovertemplate", "labels", "x", "y"):
            found.append(re.sub(r"%\{[^}]*\}", " ", value))

    walk(fig.to_plotly_json())
    return found


def _figures(ws: pmo_nb.Workshop, follow: pmo_nb.Workshop) -> list[go.Figure]:
    plan = pmo_nb.plan.select_services(ws, 300)
    road = pmo_nb.plan.roadmap(ws, plan, 120)
    curve = pmo_nb.plan.budget_curve(ws, [0, 100, 200, 300, 400])
    return [plots.coverage_heatmap(ws), plots.coverage_heatmap(ws, show="open"),
            plots.status_overview(ws), plots.service_load(ws), plots.traceability_matrix(ws),
            plots.aspect_category_heatmap(ws), plots.catalog_overview(ws),
            plots.plan_heatmap(ws, plan), plots.roadmap_timeline(road, language=ws.language),
            plots.budget_curve_figure(curve, 300, language=ws.language),
            plots.progress(follow), plots.progress_chain(follow)]


def _panels(ws: pmo_nb.Workshop, follow: pmo_nb.Workshop) -> list[str]:
    """The words of each panel in its states: a budget with must-haves, every figure and
    table of the explorer, a vote opened, answered and revealed, a reassessed gap."""
    seen: list[str] = []
    budget = BudgetPanel(ws, budget=300, background=False)
    budget.must.value = (budget.must.options[0][1],)
    seen += texts(budget.widget) + [t for f in budget.figures.values() for t in figure_texts(f)]
    budget.budget.value = 0
    seen += texts(budget.widget)
    explorer = CoverageExplorer(ws)
    for figure in [v for _, v in explorer.figure_choice.options]:
        explorer.figure_choice.value = figure
        seen += figure_texts(explorer.figure)
    for table in [v for _, v in explorer.table_choice.options]:
        explorer.table_choice.value = table
        seen += texts(explorer.widget)
    explorer.tier.value, explorer.gap_status.value = "advanced", "covered"
    seen += texts(explorer.widget)
    explorer.aspect.value = explorer.aspect.options[-1][1]
    seen += texts(explorer.widget)
    for kind in ("services", "priority"):
        votes = VotesPanel(ws)
        votes.kind.value = kind
        votes.open_button.click()
        seen += texts(votes.widget)
        person = pmo_nb.Participant.join(ws.path, "P1")
        (person.vote_services("G-01", ["S-TRAIN-PM"]) if kind == "services"
         else person.rate("G-01", "H"))
        votes.tick()
        votes.reveal_button.click()
        seen += texts(votes.widget)
        next(iter(votes.adopt_buttons.values())).click()
        seen += texts(votes.widget)
        votes.close_button.click()
        seen += texts(votes.widget)
        votes.ticker.stop()
    progress = ProgressPanel(follow)
    for gap in ("G-04", "G-01"):
        progress.gaps.value = gap
        seen += texts(progress.widget)
    progress.size.value = "closed"
    progress.undo_button.click()
    seen += texts(progress.widget)
    seen += texts(CatalogBrowser(ws).widget)
    return seen


def _deck(ws: pmo_nb.Workshop, tmp_path: Path) -> list[str]:
    facts = record.gather(ws, record.Options(budget=300))
    path = write_deck(facts, tmp_path / f"{ws.language}-{id(ws)}.pptx")
    return [shape.text_frame.text if shape.has_text_frame else
            " ".join(c.text for row in shape.table.rows for c in row.cells)
            for slide in Presentation(str(path)).slides for shape in slide.shapes
            if shape.has_text_frame or shape.has_table]


def _record(ws: pmo_nb.Workshop, tmp_path: Path) -> list[str]:
    """The record's page for print (its text, without the figures' scripts: the figures
    are counted above), the workbook's sheet names, headers and summary."""
    facts = record.gather(ws, record.Options(budget=300))
    page = re.sub(r"<script.*?</script>", " ", render(facts, ws, paper="a4"), flags=re.S)
    page = re.sub(r"@page\{.*?\}\}", " ", page)  # the margins: their words checked below
    path = write_workbook(facts, ws, tmp_path / f"{ws.language}-{id(ws)}.xlsx")
    book = load_workbook(path, read_only=True)
    cells = [str(c) for sheet in book.worksheets for row in sheet.iter_rows(max_row=1,
                                                                            values_only=True)
             for c in row if c is not None]
    summary = [str(c) for row in book.worksheets[0].iter_rows(values_only=True)
               for c in row[:1] if c is not None]
    margins = print_style("", "", "a4", translator(ws.language))
    return [page, *book.sheetnames, *cells, *summary, *re.findall(r'"([^"]*)"',
            re.sub(r"\\0000([0-9a-f]{2})", lambda m: chr(int(m[1], 16)), margins))]


def _all_words(tmp_path: Path, tag: str) -> tuple[set[str], set[str]]:
    ws, follow = _coded(tmp_path / tag, tag)
    assert follow.language == tag  # a follow-up keeps its baseline's language
    words = _words(" ".join(_panels(ws, follow)) + " ".join(
        t for fig in _figures(ws, follow) for t in figure_texts(fig)))
    deck = _words(" ".join(_deck(ws, tmp_path) + _deck(follow, tmp_path)
                           + _record(ws, tmp_path) + _record(follow, tmp_path)))
    ws.close()
    follow.close()
    return words, deck


@pytest.fixture(scope="module")
def english(tmp_path_factory: pytest.TempPathFactory) -> tuple[set[str], set[str]]:
    words, deck = _all_words(tmp_path_factory.mktemp("en"), "en")
    assert {"budget", "must", "exclusions", "reveal", "delivered", "roadmap", "traceability",
            "covered", "baseline"} <= words  # the English the test looks for is there
    assert {"summary", "roadmap", "candidate", "findings", "register", "recorded", "page",
            "appendix"} <= deck
    return words, deck


@pytest.mark.parametrize("tag", OTHERS)
def test_no_english_word_is_left_on_the_panels_figures_and_deck(
        tmp_path: Path, tag: str, english: tuple[set[str], set[str]]) -> None:
    words, deck = _all_words(tmp_path, tag)
    same = SAME[tag] | ALSO[tag] | {"utc", "pmo", "ids"}  # acronyms
    left = sorted((words & english[0]) - same)
    assert left == [], f"English words left in {tag}: {left}"
    left = sorted((deck & english[1]) - same)
    assert left == [], f"English words left in the {tag} deck: {left}"

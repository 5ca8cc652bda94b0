"""``pmo-nb new --lang`` and ``pmo-nb record --lang/--currency``: the workshop's language
reaches the session, and the record writes dates and money the language's way."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

import nbformat
import pytest
from openpyxl import load_workbook

import pmo_nb
from conftest import KERNELSPEC, REPO
from pmo_nb import cli, record
from pmo_nb.i18n import translator

GAPS, CATALOG = REPO / "data" / "sample_gaps.csv", REPO / "data" / "catalog.csv"
ASSIGNMENTS = REPO / "data" / "sample_assignments.csv"


@pytest.fixture
def one_notebook(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The record runs one tiny notebook (its page is what is looked at here)."""
    folder = tmp_path / "notebooks"
    folder.mkdir()
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": KERNELSPEC})
    nb.cells = [nbformat.v4.new_code_cell('session_path = "x.sqlite"'),
                nbformat.v4.new_code_cell("print('ok')")]
    nb.cells[0].metadata["tags"] = ["parameters"]
    nbformat.write(nb, folder / "tiny.ipynb")
    monkeypatch.setattr(record.build, "NOTEBOOK_DIR", folder)
    monkeypatch.setattr(record.build, "RECORD_NOTEBOOKS", ("tiny",))


def test_new_lang_gives_the_workshop_its_language(tmp_path: Path) -> None:
    folder = tmp_path / "prefeitura"
    assert cli.main(["new", str(folder), "--gaps", str(GAPS), "--lang", "pt-br"]) == 0
    nb = nbformat.read(folder / "workshop.ipynb", as_version=4)
    assert 'language = "pt-BR"' in nb.cells[1].source
    assert 'catalog_path = "data/catalog.pt-BR.csv"' in nb.cells[1].source  # its language
    ws = pmo_nb.open_workshop(folder / "sessions" / "s.sqlite", GAPS,
                              language="pt-BR")
    assert ws.language == "pt-BR"
    assert cli.main(["new", str(tmp_path / "x"), "--gaps", str(GAPS), "--lang", "ja"]) == \
        cli.EXIT_BAD_INPUT


def test_record_in_the_workshops_language_with_money_from_an_iso_code(
        tmp_path: Path, one_notebook: None) -> None:
    session = tmp_path / "s.sqlite"
    pmo_nb.Workshop.open(session, GAPS, CATALOG, assignments=ASSIGNMENTS,
                         language="pt-BR").close()
    out = tmp_path / "r"
    assert cli.main(["record", "--session", str(session), "--out", str(out), "--budget",
                     "300", "--currency", "BRL"]) == 0
    page = (out / record.PAGE).read_text(encoding="utf-8")
    assert translator("pt-BR").date(dt.date.today()) in page  # 7 de dezembro de 2026
    assert '<html lang="pt-BR">' in page and "R&#36;\xa0300 mil" in page
    sheets = load_workbook(out / record.WORKBOOK, read_only=True).sheetnames
    assert sheets[:3] == ["resumo", "registro de lacunas", "lista de candidatos"]
    de = tmp_path / "de"
    assert cli.main(["record", "--session", str(session), "--out", str(de), "--budget",
                     "300", "--currency", "EUR", "--lang", "de"]) == 0
    page = (de / record.PAGE).read_text(encoding="utf-8")
    assert translator("de").date(dt.date.today()) in page and "300 Tsd.\xa0€" in page
    assert '<html lang="de">' in page


def _headings(page: str) -> set[str]:
    """The words of the page's contents list, section headings and table headers."""
    page = re.sub(r"<script>.*?</script>", " ", page, flags=re.S)  # plotly.js and figures
    found = re.findall(r"<(h2|h3|th|nav)\b[^>]*>(.*?)</\1>", page, flags=re.S)
    text = " ".join(re.sub(r"<[^>]+>", " ", inner) for _tag, inner in found)
    return {w.casefold() for w in re.findall(r"[^\W\d_]{3,}", html.unescape(text))}


@pytest.mark.parametrize("tag", ["pt-BR", "de"])
def test_the_records_headings_and_table_headers_leave_no_english_word(
        tmp_path: Path, one_notebook: None, tag: str) -> None:
    pages = {}
    for lang in ("en", tag):
        session = tmp_path / f"{lang}.sqlite"
        pmo_nb.Workshop.open(session, GAPS, CATALOG, assignments=ASSIGNMENTS,
                             language=lang).close()
        assert cli.main(["record", "--session", str(session), "--out", str(tmp_path / lang),
                         "--budget", "300"]) == 0
        pages[lang] = (tmp_path / lang / record.PAGE).read_text(encoding="utf-8")
    english, other = _headings(pages["en"]), _headings(pages[tag])
    customer = {w.casefold() for c in pmo_nb.load_catalog(CATALOG)["category"]
                for w in re.findall(r"[^\W\d_]{3,}", c)}  # the catalog's own categories
    same = {"pt-BR": set(), "de": {"status", "budget", "plan", "pmo", "detail"}}[tag]  # German too
    assert sorted((other & english) - customer - same) == []
    assert {"summary", "service", "appendix"} <= english


def test_the_coverage_heatmap_speaks_the_workshops_language(tmp_path: Path) -> None:
    ws = pmo_nb.Workshop.open(tmp_path / "s.sqlite", GAPS, CATALOG, assignments=ASSIGNMENTS,
                              language="de")
    fig = pmo_nb.plots.coverage_heatmap(ws)
    assert fig.layout.title.text.startswith("Abdeckung nach Größe und Priorität")
    assert (fig.layout.xaxis.title.text, fig.layout.yaxis.title.text) == ("Größe der Lücke",
                                                                          "Priorität")
    assert list(fig.data[0].x) == ["Niedrig", "Mittel", "Hoch"]
    labels = " ".join(a.text for a in fig.layout.annotations)
    assert "abgedeckt" in labels and "covered" not in labels
    english = pmo_nb.plots.coverage_heatmap(ws, language="en")
    assert english.layout.xaxis.title.text == "Gap size"

"""The phone page in each language: every word around the customer's text translated (a
count of English words left, 0), the browser's language when it is one of ours, else the
workshop's, and each page its own language."""

from __future__ import annotations

import re
from pathlib import Path

import ipywidgets as w
import pytest

import pmo_nb
from pmo_nb.ui.participant import ParticipantPage

OTHERS = ["pt-BR", "es", "fr", "de"]
GAP = "G-05"
# words that are the same in English and that language (not English left behind)
SAME = {"pt-BR": set(), "es": set(), "fr": {"services", "service", "vote", "votes"},
        "de": {"name"}}


@pytest.fixture
def ws(tmp_path: Path) -> pmo_nb.Workshop:
    return pmo_nb.Workshop.open(tmp_path / "s.sqlite", gaps="data/sample_gaps.csv",
                                catalog="data/catalog.csv", language="es")


def texts(widget: w.Widget) -> list[str]:
    """Every word a participant can read on the page: HTML, labels, placeholders, options."""
    found = []
    if isinstance(widget, w.HTML):
        found.append(re.sub(r"<style>.*?</style>|<[^>]+>", " ", widget.value, flags=re.S))
    if isinstance(widget, w.Text):
        found.append(widget.placeholder)
    if isinstance(widget, w.Button | w.Checkbox):  # a service's name is the catalog's
        found.append(widget.description)
    if isinstance(widget, w.ToggleButtons):
        found += list(widget._options_labels)
    if isinstance(widget, w.Accordion):
        found += [widget.get_title(i) or "" for i in range(len(widget.children))]
    for child in getattr(widget, "children", ()):
        found += texts(child)
    return found


def customer_text(ws: pmo_nb.Workshop, name: str) -> list[str]:
    gaps, cat = ws.gaps, ws.catalog
    cells = [str(v) for col in ("gap_id", "aspect", "current_state", "future_state",
                                "description") for v in gaps[col]]
    return sorted({c for c in cells + list(cat["name"]) + [name] if c}, key=len, reverse=True)


def words(page: ParticipantPage, ws: pmo_nb.Workshop, name: str) -> set[str]:
    text = " ".join(texts(page.widget))
    for cell in customer_text(ws, name):
        text = text.replace(html_escaped(cell), " ").replace(cell, " ")
    return {t.casefold() for t in re.findall(r"[^\W\d_]{3,}", text)}


def html_escaped(text: str) -> str:
    import html

    return html.escape(text, quote=True).replace("$", "&#36;")


def every_state(ws: pmo_nb.Workshop, tag: str) -> set[str]:
    """The words of the page in ``tag`` through join, waiting, both votes and the reveal."""
    ws.close_vote() if ws.current_vote() else None
    page = ParticipantPage(ws.path, language=tag)
    seen = words(page, ws, "Ana")
    page.name.value = "Ana"
    page.join_button.click()
    seen |= words(page, ws, "Ana")
    for kind in ("services", "priority"):
        ws.open_vote(kind, [GAP, "G-01"])
        page.tick()
        page.refresh()
        seen |= words(page, ws, "Ana")
        if kind == "services":
            box = next(iter(page.services.values()))
            box.value = True
        else:
            page.level.value = "H"
        seen |= words(page, ws, "Ana")
        page.next_button.click()
        seen |= words(page, ws, "Ana")
        ws.reveal()
        page.tick()
        page.refresh()
        seen |= words(page, ws, "Ana")
        ws.close_vote()
    page.close()
    return seen


@pytest.mark.parametrize("tag", OTHERS)
def test_no_english_word_is_left_on_the_phone(ws: pmo_nb.Workshop, tag: str) -> None:
    english = every_state(ws, "en")
    assert {"join", "vote", "services", "previous", "next", "today", "target"} <= english
    left = (every_state(ws, tag) & english) - SAME[tag]
    assert sorted(left) == [], f"English words left on the {tag} phone: {sorted(left)}"


def test_the_browsers_language_else_the_workshops(ws: pmo_nb.Workshop) -> None:
    pages = {accept: ParticipantPage(ws.path, accept_language=accept)
             for accept in ("pt-BR,pt;q=0.9,en;q=0.8", "de-DE,de;q=0.9", "ja,zh;q=0.5", "")}
    assert [p._.tag for p in pages.values()] == ["pt-BR", "de", "es", "es"]
    assert [p.join_button.description for p in pages.values()] == \
        ["Entrar", "Beitreten", "Unirse", "Unirse"]
    german = pages["de-DE,de;q=0.9"]
    german.language_picker.value = "fr"  # this phone only
    assert german.join_button.description == "Rejoindre"
    assert pages["pt-BR,pt;q=0.9,en;q=0.8"].join_button.description == "Entrar"
    for page in pages.values():
        page.close()

"""The facilitator's workshop panel in the workshop's language: a count of English words
left around the customer's text (0) in pt-BR, es, fr and de, and English unchanged."""

from __future__ import annotations

import html
import re
from pathlib import Path

import ipywidgets as w
import pandas as pd
import pytest
from _words import OTHERS, SAME, texts

import pmo_nb
from pmo_nb.ui.workshop import WorkshopPanel


def words(panel: WorkshopPanel, ws: pmo_nb.Workshop) -> set[str]:
    text = html.unescape(" ".join(texts(panel.widget)))
    gaps, cat = ws.gaps, ws.catalog
    customer = {str(v) for col in ("gap_id", "aspect", "current_state", "future_state",
                                   "description", "other_owner") for v in gaps[col]}
    customer |= {str(v) for col in ("name", "category", "service_id") for v in cat[col]}
    customer |= {a.strip() for cell in cat["aspects"] for a in cell.split(";")}
    for cell in sorted((c for c in customer if c), key=len, reverse=True):
        text = text.replace(cell, " ")
    return {t.casefold() for t in re.findall(r"[^\W\d_]{3,}", text)}


def every_state(tmp_path: Path, tag: str) -> set[str]:
    """The panel's words on a handed-over gap, a partly owned one, one with services
    assigned, with costs shown, the forms open and after actions."""
    ws = pmo_nb.open_workshop(tmp_path / f"{tag}.sqlite", sample=True, language=tag)
    panel = WorkshopPanel(ws, focus=False)
    panel.show_costs.value = True
    seen = set()
    for gap_id in ("G-01", "G-03", "G-18", "G-05"):
        panel.gap_select.value = gap_id
        seen |= words(panel, ws)
    panel.gap_select.value = "G-05"
    row = next(iter(panel.services.rows.values()))
    row.assigned.value = True
    row.contribution.value = "partial"
    seen |= words(panel, ws)
    panel.edit_button.click()
    seen |= words(panel, ws)
    panel.gap_form.close()
    panel.new_gap_button.click()
    seen |= words(panel, ws)
    panel.undo_button.click()
    panel.undo_button.click()
    seen |= words(panel, ws)
    panel.show.value = "open"
    panel.priority.value = "L"
    panel.aspect.value = panel.aspect.options[-1][1]
    seen |= words(panel, ws)
    ws.close()
    return seen


@pytest.mark.parametrize("tag", OTHERS)
def test_no_english_word_is_left_on_the_workshop_panel(tmp_path: Path, tag: str) -> None:
    english = every_state(tmp_path, "en")
    assert {"previous", "next", "hand", "over", "undo", "candidate", "covered"} <= english
    left = (every_state(tmp_path, tag) & english) - SAME[tag]
    assert sorted(left) == [], f"English words left on the {tag} panel: {sorted(left)}"


def test_the_panel_offers_the_likely_aspect_and_maps_it(tmp_path: Path) -> None:
    gaps = pd.read_csv("data/sample_gaps.csv").head(3)
    gaps.loc[0, "aspect"] = "Competência dos gerentes"
    ws = pmo_nb.Workshop.open(tmp_path / "s.sqlite", gaps=gaps, catalog="data/catalog.csv",
                              language="pt-BR")
    panel = WorkshopPanel(ws, focus=False)
    panel.gap_select.value = gaps.loc[0, "gap_id"]
    assert "Pode ser 'Project manager skills'." in html.unescape(panel.aspect_note.value)
    assert panel.map_button.description == "Ler como 'Project manager skills'"
    headings = [c.value for c in panel.services.box.children if isinstance(c, w.HTML)]
    assert not any("Feitos para" in h for h in headings)
    panel.map_button.click()
    assert ws.unmapped_aspects() == [] and panel.aspect_note.value == ""
    assert panel.map_button.layout.display == "none"
    headings = [c.value for c in panel.services.box.children if isinstance(c, w.HTML)]
    assert any("Feitos para Project manager skills" in h for h in headings)  # the catalog's

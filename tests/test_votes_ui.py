"""The votes panel and the participant page without a browser: set values, click, and
look at the session; the ticker that refreshes them only while they are shown."""

from __future__ import annotations

import asyncio

import ipywidgets as w
import pytest

import pmo_nb
from pmo_nb.ui import ParticipantPage, VotesPanel
from pmo_nb.ui.ticker import Ticker


def page_for(ws: pmo_nb.Workshop, name: str) -> ParticipantPage:
    page = ParticipantPage(ws.path)
    page.name.value = name
    page.join_button.click()
    return page


def test_facilitator_and_participants_from_open_to_adopt(ws: pmo_nb.Workshop) -> None:
    panel = VotesPanel(ws)
    assert "No vote open" in panel.title.value and panel.reveal_button.disabled
    panel.gaps.value = "G-01"
    panel.open_button.click()
    assert "saved ✓" in panel.status.value and "hidden" in panel.title.value
    pages = [page_for(ws, n) for n in ("Ann", "Ben", "Cy")]
    panel.tick()
    assert "0 of 3 answered" in panel.progress.value
    for page in pages[:2]:
        page.services["S-TRAIN-PM"].value = True
        assert "saved ✓" in page.status.value
    panel.tick()
    assert "2 of 3 answered" in panel.progress.value
    assert "S-TRAIN-PM" not in panel.progress.value and not panel.results.children  # hidden
    panel.reveal_button.click()
    assert "Project manager training" in panel.results.children[0].children[0].value
    assert "2 of 2" in panel.results.children[0].children[0].value
    pages[2].tick()
    assert "revealed" in pages[2].position.value
    panel.adopt_buttons["G-01"].click()
    assert ws.assignments["service_id"].tolist() == ["S-TRAIN-PM"]
    assert ws.undo() == "adopt vote" and ws.assignments.empty


def test_the_participant_page_waits_then_shows_the_vote(ws: pmo_nb.Workshop) -> None:
    page = page_for(ws, "Ann")
    assert "Hello, Ann" in page.header.value and "Waiting" in page.position.value
    ws.open_vote("priority", ["G-01", "G-02"])
    page.tick()  # what the timer does: the new vote shows by itself
    assert "How urgent" in page.position.value and "Gap 1 of 2" in page.position.value
    assert "Priority:" not in page.card.value  # no anchoring on the present priority
    page.level.value = "H"
    page.next_button.click()
    assert "Gap 2 of 2" in page.position.value and page.level.value is None
    page.level.value = "L"
    page.prev_button.click()
    assert page.level.value == "H" and "you answered 2 of 2" in page.position.value
    ws.reveal()
    page.tick()
    assert "revealed" in page.position.value and page.answer.children == ()


def test_a_ballot_after_reveal_shows_an_error_not_a_traceback(ws: pmo_nb.Workshop) -> None:
    ws.open_vote("services", ["G-01"])
    page = page_for(ws, "Ann")
    ws.reveal()  # the page has not polled yet: its boxes are still there
    page.services["S-TRAIN-PM"].value = True
    assert "pmo-error" in page.status.value and "revealed" in page.status.value


def test_customer_text_is_escaped_on_the_participant_page(ws: pmo_nb.Workshop) -> None:
    ws.add_service("S-EVIL", "<img src=x onerror=alert(1)> $\\href{x}{y}$", "Governance",
                   "basic", ["Project manager skills"], "d", 1)
    ws.open_vote("services", ["G-01"])
    page = page_for(ws, "<b>Mallory</b>")
    assert "&lt;b&gt;Mallory" in page.header.value
    assert page.services["S-EVIL"].description.count(r"\$") == 2


def test_no_session_means_no_join(tmp_path) -> None:
    page = ParticipantPage(tmp_path / "missing.sqlite")
    assert page.join_button.disabled and "No workshop session" in page.status.value


def test_the_session_comes_from_the_environment(ws, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("PMO_NB_SESSION", str(ws.path))
    page = ParticipantPage(tmp_path / "ignored.sqlite")
    assert page.path == str(ws.path) and not page.join_button.disabled


async def ticks_reach(calls: list[int], count: int, limit: float = 30.0) -> None:
    """Wait until the ticker has called ``count`` times (at most ``limit`` seconds: on a
    loaded machine a 20 ms ticker may tick only a few times in 200 ms)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit
    while len(calls) < count and loop.time() < deadline:
        await asyncio.sleep(0.01)


def test_the_ticker_runs_only_while_shown() -> None:
    calls: list[int] = []

    async def scenario() -> tuple[int, int, bool]:
        widget = w.HTML()
        ticker = Ticker(widget, lambda: calls.append(1), interval=0.02)
        await asyncio.sleep(0.1)
        before = len(calls)  # not shown yet: nothing
        widget._view_count = 1  # the frontend displayed it
        await ticks_reach(calls, 3)
        widget._view_count = 0  # the last view went away
        shown = len(calls)
        await asyncio.sleep(0.1)
        return before, shown, ticker.running

    before, shown, running = asyncio.run(scenario())
    assert before == 0 and shown >= 3 and not running and len(calls) == shown


def test_in_a_voila_kernel_the_ticker_runs_without_a_counted_view(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Voilà's progressive rendering never counts the view: its kernels tick at once."""
    calls: list[int] = []

    async def scenario(voila: bool) -> tuple[int, bool]:
        if voila:
            monkeypatch.setenv("VOILA_KERNEL_ID", "0b1f")
        else:
            monkeypatch.delenv("VOILA_KERNEL_ID", raising=False)
        calls.clear()
        ticker = Ticker(w.HTML(), lambda: calls.append(1), interval=0.02)
        if voila:
            await ticks_reach(calls, 3)
        else:
            await asyncio.sleep(0.15)  # nothing may happen: 0 stays 0 however slow
        running = ticker.running
        ticker.stop()
        return len(calls), running

    assert asyncio.run(scenario(voila=False)) == (0, False)
    ticks, running = asyncio.run(scenario(voila=True))
    assert ticks >= 3 and running


@pytest.mark.parametrize("kind", ["services", "priority"])
def test_the_panel_shows_results_for_each_kind(ws: pmo_nb.Workshop, kind: str) -> None:
    panel = VotesPanel(ws)
    panel.kind.value, panel.gaps.value = kind, "all"
    panel.open_button.click()
    page = page_for(ws, "Ann")
    if kind == "services":
        page.services["S-TRAIN-PM"].value = True
    else:
        page.level.value = "L"
    panel.reveal_button.click()
    assert len(panel.results.children) == 1
    button = panel.adopt_buttons["G-01"]
    assert not button.disabled
    button.click()
    if kind == "priority":
        assert ws.gaps.set_index("gap_id").at["G-01", "priority"] == "L"
        assert panel.adopt_buttons["G-01"].disabled  # already the gap's priority


def test_a_gap_no_service_is_made_for_lists_every_service_open(ws: pmo_nb.Workshop) -> None:
    """A gap whose aspect no service names (in any language; unmapped): no empty
    "Suggested" heading above a folded list, but every service, ready to tick."""
    ws.add_gap("LAC-1", "Culture de la transparence", "Aucun n'est certifié.",
               "Chacun a suivi le cursus.", "H", "H")
    ws.open_vote("services", ["LAC-1"])
    page = page_for(ws, "Amélie")
    titles = [c.value for c in page.answer.children if isinstance(c, w.HTML)]
    boxes = [c for c in page.answer.children if isinstance(c, w.Checkbox)]
    assert titles == [titles[0]] and "All services" in titles[0]
    assert len(boxes) == len(ws.catalog) and page.others not in page.answer.children
    boxes[-1].value = True
    assert [len(v) for v in page.participant.ballots().values()] == [1]

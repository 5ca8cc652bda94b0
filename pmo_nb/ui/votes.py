"""The facilitator's votes panel: open a vote, watch "7 of 9 answered" rise by itself,
reveal, then per gap the votes as bars with their share and a consensus mark, and
Adopt (services) or "Use as the gap's priority" (priority), each one undoable step.

While the panel is on screen a :class:`~pmo_nb.ui.ticker.Ticker` polls the session
every second (``ws.poll()``), so ballots from the participants' devices show without a
click; the workshop's change event then redraws this panel (and the others).

Examples
--------
>>> import tempfile, pmo_nb
>>> from pathlib import Path
>>> path = Path(tempfile.mkdtemp()) / "s.sqlite"
>>> ws = pmo_nb.Workshop.open(path, gaps="data/sample_gaps.csv", catalog="data/catalog.csv")
>>> panel = VotesPanel(ws)
>>> panel.gaps.value = "G-01"
>>> panel.open_button.click()
>>> pmo_nb.Participant.join(path, "Ann").vote_services("G-01", ["S-TRAIN-PM"])
True
>>> panel.tick()  # what the timer does every second
>>> "1 of 1 answered" in panel.progress.value
True
>>> panel.reveal_button.click()
>>> panel.adopt_buttons["G-01"].click()
>>> ws.assignments["service_id"].tolist()
['S-TRAIN-PM']
"""

from __future__ import annotations

import ipywidgets as w
import pandas as pd

from ..i18n import N_
from ..session.workshop import Workshop
from . import html as h
from . import votes_html as vh
from .base import Note, Panel
from .ticker import Ticker

POLL_SECONDS = 1.0


class VotesPanel(Panel):
    """Open a vote, see who has answered, reveal, adopt."""

    watches = Panel.watches | {"votes", "progress"}

    def __init__(self, ws: Workshop, interval: float = POLL_SECONDS):
        super().__init__(ws)
        _ = self._
        self.plain = _("Votes panel on '{label}' (interactive with a running kernel; the "
                       "tables below record the votes at run time).", label=ws.label)
        kinds = [(_("Services"), "services"), (_("Priority"), "priority")]
        if ws.baseline is not None:  # a follow-up: the room may vote each gap's size now
            kinds.append((_("Size now"), "size"))
        self.kind = w.ToggleButtons(options=kinds, style={"button_width": "110px"})
        self.gaps = w.Dropdown(layout=w.Layout(width="340px"))
        self.named = w.Checkbox(description=_("Show names"), value=False, indent=False,
                                layout=w.Layout(width="140px"))
        self.open_button = w.Button(description=_("Open vote"), icon="play", button_style="primary")
        self.reveal_button = w.Button(description=_("Reveal"), icon="eye", button_style="warning")
        self.close_button = w.Button(description=_("Close vote"), icon="stop")
        self.people = w.Dropdown(description=_("In the room"), layout=w.Layout(width="320px"),
                                 style={"description_width": "initial"})  # its count shows
        self.remove_button = w.Button(description=_("Remove"), icon="user-times",
                                      tooltip=_("Remove this participant and their ballots "
                                                "(Undo brings them back)"))
        self.remove_button.on_click(lambda _: self._run(self._remove))
        self.title, self.progress = w.HTML(), w.HTML()
        self.results = w.VBox(layout=w.Layout(width="100%"))
        self.adopt_buttons: dict[str, w.Button] = {}
        self._shown: tuple | None = None  # what the results area shows (skip equal redraws)
        self.open_button.on_click(lambda _: self._run(self._open))
        self.reveal_button.on_click(lambda _: self._run(self._reveal))
        self.close_button.on_click(lambda _: self._run(self._close))
        self.widget = w.VBox([
            w.HTML(h.CSS + vh.CSS),
            w.HBox([self.kind, self.gaps, self.named, self.open_button],
                   layout=w.Layout(flex_flow="row wrap", align_items="center")),
            self.title, self.progress,
            w.HBox([self.reveal_button, self.close_button, self.status],
                   layout=w.Layout(align_items="center", flex_flow="row wrap")),
            self.results,
            w.HBox([self.people, self.remove_button],
                   layout=w.Layout(align_items="center", flex_flow="row wrap"))],
            layout=w.Layout(width="100%"))
        self.widget.add_class("pmo-panel")
        self.widget.add_class("pmo-votes")
        self.ticker = Ticker(self.widget, self.tick, interval)
        self.refresh()

    def tick(self) -> None:
        """Look for other handles' ballots; their change event redraws the panel."""
        self.ws.poll()

    # -- views ---------------------------------------------------------------------------
    def refresh(self) -> None:
        vote = self.ws.current_vote()
        self._gap_options()
        self.title.value = vh.vote_title(vote, self._)
        self.reveal_button.disabled = vote is None or vote["revealed"]
        self.close_button.disabled = vote is None
        self.open_button.disabled = vote is not None and not vote["revealed"]
        self.progress.value = vh.answered(self.ws.vote_progress(), self._) if vote else ""
        self._show_results(vote)
        self._people()

    def _people(self) -> None:
        """Everyone who joined, to remove one who should not be there."""
        people = self.ws.participants
        if list(self.people.options) != people:
            keep = self.people.value if self.people.value in people else None
            self.people.options = people
            self.people.value = keep or (people[-1] if people else None)
        self.people.description = self._("In the room ({count})",
                                         count=self._.number(len(people)))
        self.remove_button.disabled = not people

    def _gap_options(self) -> None:
        per_gap = self.ws.coverage()
        options = [(self._("All gaps"), "all"), (self._("Open gaps"), "open")] + [
            (f"{g} · {a}", g) for g, a in zip(per_gap["gap_id"], per_gap["aspect"], strict=True)]
        if options != list(self.gaps.options):
            keep = self.gaps.value if self.gaps.value in {v for _k, v in options} else "all"
            self.gaps.options, self.gaps.value = options, keep

    def _show_results(self, vote: dict | None) -> None:
        results = self.ws.vote_results() if vote and vote["revealed"] else None
        sizes = self.ws.progress()["size_after"].tolist() if vote and vote["kind"] == "size" \
            else None
        key = (vote and vote["vote_id"], None if results is None else results.to_json(),
               self.ws.gaps["priority"].tolist(), len(self.ws.assignments), sizes)
        if key == self._shown:
            return
        self._shown = key
        self.adopt_buttons = {}
        if results is None:
            self.results.children = ()
            return
        gaps = self.ws.gaps.set_index("gap_id")
        blocks = [self._gap_block(vote, gap_id, gaps.loc[gap_id], results)
                  for gap_id in vote["gap_ids"] if (results["gap_id"] == gap_id).any()]
        empty = w.HTML(h.info(self._("Nobody answered this vote."))) if not blocks else None
        self.results.children = tuple(blocks) if blocks else (empty,)

    def _gap_block(self, vote: dict, gap_id: str, gap: pd.Series,
                   results: pd.DataFrame) -> w.VBox:
        mine, _ = results[results["gap_id"] == gap_id], self._
        if vote["kind"] == "services":
            names = dict(zip(self.ws.catalog["service_id"], self.ws.catalog["name"],
                             strict=True))
            body = vh.service_bars(mine, names, _)
            agreed = int(mine["consensus"].sum())
            button = w.Button(description=_.plural("Adopt {count} service ✓",
                                                   "Adopt {count} services ✓", agreed),
                              icon="check",
                              disabled=not agreed, button_style="success",
                              layout=w.Layout(width="auto", align_self="flex-start"))
        else:
            size = vote["kind"] == "size"
            current = self._size_now(gap_id) if size else gap["priority"]
            body = vh.priority_bars(mine.iloc[0], current, ("closed", "H", "M", "L") if size
                                    else ("H", "M", "L"), _("set now:") if size else _("now"), _)
            level = mine["consensus"].iloc[0]
            button = w.Button(description=_("Use as the gap's size now") if size else
                              _("Use as the gap's priority"), icon="check",
                              disabled=not level or level == current, button_style="success",
                              layout=w.Layout(width="auto", align_self="flex-start"))
        button.on_click(lambda _: self._run(lambda: self._adopt(gap_id)))
        self.adopt_buttons[gap_id] = button
        box = w.VBox([w.HTML(vh.gap_title({"gap_id": gap_id, **gap.to_dict()}) + body),
                      button])
        box.add_class("pmo-gap-result")
        box.add_class(f"pmo-result-{gap_id}")
        return box

    def _size_now(self, gap_id: str) -> str:
        row = self.ws.progress().set_index("gap_id").loc[gap_id]
        return row["size_after"] if row["reassessed"] else N_("not yet")

    # -- actions -------------------------------------------------------------------------
    def _open(self) -> str:
        choice = self.gaps.value
        gaps = None if choice == "all" else self._open_gap_ids() if choice == "open" \
            else [choice]
        vote = self.ws.open_vote(self.kind.value, gaps, named=self.named.value)
        return self._("Vote {number} is open: participants can answer now.", number=vote)

    def _open_gap_ids(self) -> list[str]:
        per_gap = self.ws.coverage()
        return per_gap.loc[per_gap["status"] == "open", "gap_id"].tolist()

    def _reveal(self) -> str:
        self.ws.reveal()
        return self._("Votes revealed.")

    def _close(self) -> str:
        self.ws.close_vote()
        return self._("Vote closed; its results stay in the record.")

    def _remove(self) -> str | None:
        name = self.people.value
        if self.remove_button.disabled or not name:
            return None
        ballots = self.ws.remove_participant(name)
        return self._.plural("{name} removed with {count} ballot (Undo brings them back).",
                             "{name} removed with {count} ballots (Undo brings them back).",
                             ballots, name=name)

    def _adopt(self, gap_id: str) -> str | Note:
        done = self.ws.adopt(gap_id)
        if not done:
            return Note(self._("{gap}: nothing to change.", gap=gap_id))
        return self._("{gap}: adopted {what} (Undo reverts it).", gap=gap_id,
                      what=", ".join(self._(d) for d in done))

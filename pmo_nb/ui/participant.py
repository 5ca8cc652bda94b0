"""The participant's page (served by ``pmo-nb serve``): join with a name (or
anonymously), then for each gap of the open vote the gap card (today → target) and the
services to tick (suggested first) or Low/Medium/High to choose; every choice is saved at
once ("saved ✓"). Fits a phone (390 px wide) and a laptop.

Each page speaks its own language (a :class:`~pmo_nb.i18n.Translator` of its own, never
the process's): the one it is given, else the browser's ``Accept-Language`` when pmo_nb
speaks it, else the workshop's; a small picker at the top changes it.

The page offers nothing else: no assigning, no undo, no reveal, no other session. It
watches the session (a :class:`~pmo_nb.ui.ticker.Ticker`) so a vote the facilitator opens
or reveals shows by itself.

Examples
--------
>>> import tempfile, pmo_nb
>>> from pathlib import Path
>>> path = Path(tempfile.mkdtemp()) / "s.sqlite"
>>> ws = pmo_nb.Workshop.open(path, gaps="data/sample_gaps.csv", catalog="data/catalog.csv")
>>> _ = ws.open_vote("services", ["G-01"])
>>> page = ParticipantPage(path)
>>> page.name.value = "Ann"
>>> page.join_button.click()
>>> page.services["S-TRAIN-PM"].value = True
>>> ws.vote_progress().values.tolist()
[['Ann', 1, 1]]
>>> page.language_picker.value = "de"
>>> page.next_button.description, page.card.value.count("Heute")
('Weiter', 1)
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import ipywidgets as w
import pandas as pd

from ..analysis.benchmark import said
from ..errors import SessionError
from ..i18n import LANGUAGE_NAMES, LANGUAGES, N_, negotiate, translator
from ..session.participant import Participant
from ..store import is_url
from . import html as h
from . import votes_html as vh
from .base import Panel
from .ticker import Ticker

SESSION_ENV = "PMO_NB_SESSION"  # set by `pmo-nb serve`; wins over the notebook's parameter
POLL_SECONDS = 1.5
LEVEL_OPTIONS = [(N_("Low"), "L"), (N_("Medium"), "M"), (N_("High"), "H")]
SIZE_OPTIONS = [(N_("Closed"), "closed"), *LEVEL_OPTIONS]  # a follow-up's size vote


class ParticipantPage(Panel):
    """Join, then answer the open vote gap by gap."""

    watches = Panel.watches | {"votes"}

    plain = "Participant page (interactive with a running kernel)."

    def __init__(self, session_path: str | os.PathLike | None = None,
                 interval: float = POLL_SECONDS, *, device: str | None = None,
                 may_join: Callable[[], bool] | None = None, language: str | None = None,
                 accept_language: str | None = None, benchmark: pd.DataFrame | None = None):
        self.path = os.environ.get(SESSION_ENV) or session_path
        self.device = device  # the phone's own id (a cookie): a reload is the same person
        self.may_join = may_join or (lambda: True)  # the server's cap per client address
        self.participant: Participant | None = None
        self.status, self._at, self._vote_key = w.HTML(), 0, None
        self.name = w.Text(layout=w.Layout(width="100%"))
        self.join_button = w.Button(icon="sign-in", button_style="primary")
        self.join_button.on_click(lambda _: self._run(self._join))
        self.header, self.card = w.HTML(), w.HTML(layout=w.Layout(width="100%"))
        self.join_title = w.HTML()
        self.prev_button = w.Button(icon="arrow-left", layout=w.Layout(width="auto"))
        self.next_button = w.Button(icon="arrow-right", layout=w.Layout(width="auto"))
        self.prev_button.on_click(lambda _: self._step(-1))
        self.next_button.on_click(lambda _: self._step(+1))
        self.position = w.HTML()
        self.services: dict[str, w.Checkbox] = {}
        self.benchmark = benchmark  # pmo_nb.benchmark(...): what peers chose, under a box
        self.peers: dict[str, w.HTML] = {}  # service_id -> its "4 of 6 ..." line
        self.level = w.ToggleButtons(options=LEVEL_OPTIONS, value=None,
                                     style={"button_width": "96px"})
        self.level.add_class("pmo-vote-level")
        self.level.observe(lambda _: self._syncing or self._run(self._rate), "value")
        self.answer = w.VBox(layout=w.Layout(width="100%"))
        self.others = w.Accordion([w.VBox()], layout=w.Layout(width="100%"))
        self.body = w.VBox([self.join_title, self.name, self.join_button,
                            self.status], layout=w.Layout(width="100%"))
        self.language_picker = w.Dropdown(options=[(LANGUAGE_NAMES[t], t) for t in LANGUAGES],
                                          layout=w.Layout(width="auto"))
        self.language_picker.add_class("pmo-language")
        top = w.HBox([self.header, self.language_picker], layout=w.Layout(
            justify_content="space-between", align_items="center", width="100%"))
        self.widget = w.VBox([w.HTML(h.CSS + vh.CSS), top, self.body],
                             layout=w.Layout(width="100%", max_width="720px"))
        self.widget.add_class("pmo-panel")
        self.widget.add_class("pmo-participant")
        self.ticker = Ticker(self.widget, self.tick, interval)
        found = bool(self.path) and (is_url(str(self.path)) or Path(self.path).exists())
        self._ = translator(language or negotiate(accept_language, _language(self.path)
                                                  if found else "en"))
        self.language_picker.value = self._.tag
        self.language_picker.observe(lambda change: self.set_language(change["new"]), "value")
        self._words()
        if not found:
            self.status.value = h.info(self._("No workshop session yet: the facilitator "
                                              "starts the workshop; then reload this page."))
            self.join_button.disabled = True
        elif device:
            self._safe(self._rejoin)

    def set_language(self, tag: str) -> None:
        """Speak ``tag`` on this page only (the picker): every word is redrawn."""
        self._ = translator(tag)
        self.language_picker.value = self._.tag
        self._words()
        self._safe(self.refresh)

    def _words(self) -> None:
        """The page's own words in its language (the customer's text stays as written)."""
        _ = self._
        self.name.placeholder = _("Your name (leave blank to stay anonymous)")
        self.join_button.description = _("Join")
        self.join_title.value = "<b>" + vh.text(_("Join the vote")) + "</b>"
        self.prev_button.description, self.next_button.description = _("Previous"), _("Next")
        if self.participant is not None:
            hello = _("Hello, {name}", name=self.participant.name)
            self.header.value = f'<div class="pmo-card-title">{vh.text(hello)}</div>'

    def close(self) -> None:
        """The page is gone (its tab closed): stop ticking and release the session."""
        self.ticker.stop()
        if self.participant is not None:
            self.participant.close()
            self.participant = None

    # -- joining -------------------------------------------------------------------------
    def _rejoin(self) -> None:
        self.participant = Participant.rejoin(self.path, self.device)
        if self.participant is not None:
            self.status.value = h.info(self._("Welcome back.") + " " + self._joined())

    def _join(self) -> str | None:
        if self.participant is not None or self.join_button.disabled:
            return None  # one page, one participant: a click sent past the form is void
        if not self.may_join():
            raise SessionError(self._("Too many people joined from this network address in "
                                      "the last minute: wait a minute, then press Join again."))
        self.participant = Participant.join(self.path, self.name.value, device=self.device)
        return self._joined()

    def _joined(self) -> str:
        self.join_button.disabled = self.name.disabled = True
        self.participant._ws.subscribe(self._changed, key="participant page")
        self._words()
        bar = w.VBox([self.status, w.HBox([self.prev_button, self.next_button], layout=w.Layout(
            justify_content="space-between", width="100%"))], layout=w.Layout(width="100%"))
        bar.add_class("pmo-sticky")  # "saved ✓" and the way on stay in sight on a phone
        self.body.children = (self.position, self.card, self.answer, bar)
        self.refresh()
        return self._("Joined as {name}.", name=self.participant.name)

    def tick(self) -> None:
        """Look for the facilitator's changes (a vote opened or revealed)."""
        if self.participant is not None:
            self.participant.changed()

    # -- views ---------------------------------------------------------------------------
    def refresh(self) -> None:
        if self.participant is None:
            return
        vote = self.participant.vote()
        key = vote and (vote["vote_id"], vote["revealed"])
        if key != self._vote_key:
            self._vote_key, self._at = key, 0
        if vote is None or vote["revealed"]:
            self._show_waiting(vote)
            return
        self.prev_button.layout.display = self.next_button.layout.display = "flex"
        self._show_gap(vote)

    def _show_waiting(self, vote: dict | None) -> None:
        text = (self._("The votes are revealed: look at the shared screen. Thank you!")
                if vote else self._("Waiting for the facilitator to open a vote…"))
        self.position.value = f'<div class="pmo-section">{vh.text(text)}</div>'
        self.card.value, self.answer.children = "", ()
        self.prev_button.layout.display = self.next_button.layout.display = "none"

    def _show_gap(self, vote: dict) -> None:
        _ = self._
        gaps, mine = self.participant.gaps(), self.participant.ballots()
        self._at = min(self._at, len(gaps) - 1)
        gap = gaps.iloc[self._at].to_dict()
        where = _("Gap {at} of {total} · you answered {answered} of {total}",
                  at=self._at + 1, total=len(gaps), answered=len(mine))
        self.position.value = (f'<div class="pmo-section">'
                               f'{vh.text(_(vh.KIND_QUESTION[vote["kind"]]))}</div>'
                               f'<div class="pmo-muted">{vh.text(where)}</div>')
        size = vote["kind"] == "size"  # a follow-up: the size now; the card shows then
        self.card.value = vh.participant_card(
            gap, show_priority=vote["kind"] != "priority",
            size_label=_("Size at the last assessment") if size else _("Size"), _=_)
        with self._sync():
            if vote["kind"] in ("priority", "size"):
                options = [(_(label), v) for label, v in (SIZE_OPTIONS if size
                                                          else LEVEL_OPTIONS)]
                if list(self.level.options) != options:  # four fit one phone line
                    self.level.options = options
                    self.level.style.button_width = "80px" if size else "96px"
                self.level.value = mine.get(gap["gap_id"])
                self.answer.children = (self.level,)
            else:
                self.answer.children = self._service_boxes(gap["gap_id"],
                                                           mine.get(gap["gap_id"], []))
        self.prev_button.disabled, self.next_button.disabled = (
            self._at == 0, self._at >= len(gaps) - 1)

    def _service_boxes(self, gap_id: str, chosen: list[str]) -> tuple[w.Widget, ...]:
        """Suggested services first; the rest folded away under "Other services"."""
        groups: dict[bool, list[w.Widget]] = {True: [], False: []}
        found = self.participant.suggest(gap_id, benchmark=self.benchmark)
        like = found.attrs.get("peers_like", False)
        for svc in found.to_dict("records"):
            box = self.services.get(svc["service_id"]) or self._checkbox(svc)
            box.value = svc["service_id"] in chosen
            groups[bool(svc["suggested"])].append(box)
            if svc["suggested"] and svc.get("peers_chose"):  # where the group is shown
                groups[True].append(self._peers(svc["service_id"], said(
                    svc["peers_chose"], svc["peers_of"], like, self._)))
        if not groups[True]:  # e.g. a catalog in another language than the gaps
            self.others.children[0].children = ()
            return (w.HTML(h.group(self._("All services (none is made for this gap's "
                                          "aspect)"))), *groups[False])
        self.others.children[0].children = groups[False]
        self.others.set_title(0, self._("Other services ({count})", count=len(groups[False])))
        ticked_other = any(b.value for b in groups[False])
        self.others.selected_index = 0 if ticked_other else None
        return (w.HTML(h.group(self._("Suggested for this gap"))), *groups[True], self.others)

    def _peers(self, service_id: str, text: str) -> w.HTML:
        """The line under a suggested service saying what peers chose."""
        line = self.peers.get(service_id) or w.HTML(layout=w.Layout(margin="-6px 0 4px 28px"))
        line.value = f'<span class="pmo-muted">{vh.text(text)}</span>'
        self.peers[service_id] = line
        return line

    def _checkbox(self, svc: dict) -> w.Checkbox:
        box = w.Checkbox(description=vh.label(svc["name"]), indent=False,
                         layout=w.Layout(width="100%"))
        box.add_class(f"pmo-vote-svc-{svc['service_id']}")
        box.observe(lambda _: self._syncing or self._run(self._vote_services), "value")
        self.services[svc["service_id"]] = box
        return box

    # -- answering -----------------------------------------------------------------------
    def _gap_id(self) -> str:
        return self.participant.gaps()["gap_id"].iloc[self._at]

    def _answering(self, control: w.Widget) -> bool:
        """True when ``control`` may act: this page joined, and the control is shown and
        enabled (a message sent to a hidden control is void; a ballot that arrives after
        Reveal is refused by the session, with a message that says so)."""
        shown = [*self.answer.children, *self.others.children[0].children]
        return self.participant is not None and not control.disabled and control in shown

    def _vote_services(self) -> str | None:
        shown = [*self.answer.children, *self.others.children[0].children]
        if not any(self._answering(box) for box in shown if isinstance(box, w.Checkbox)):
            self._safe(self.refresh)  # the tick sent to a hidden box: shown as saved
            return None
        ticked = [sid for sid, box in self.services.items() if box.value and box in shown]
        self.participant.vote_services(self._gap_id(), ticked)
        return self._.plural("{gap}: {count} service", "{gap}: {count} services", len(ticked),
                             gap=self._gap_id())

    def _rate(self) -> str | None:
        if not self._answering(self.level) or self.level.value is None:
            return None
        if self.participant.vote()["kind"] == "size":
            self.participant.rate_size(self._gap_id(), self.level.value)
        else:
            self.participant.rate(self._gap_id(), self.level.value)
        return f"{self._gap_id()}: {self._(vh.SIZE_NAMES[self.level.value])}"

    def _step(self, delta: int) -> None:
        button = self.next_button if delta > 0 else self.prev_button
        if self.participant is None or button.disabled or button.layout.display == "none":
            return  # a click on a disabled or hidden button (sent anyway) does nothing
        count = len(self.participant.gaps())
        self._at = min(max(0, self._at + delta), max(count - 1, 0))
        self.status.value = ""
        self._safe(self.refresh)


def _language(path: str | os.PathLike) -> str:
    """The workshop's language, the page's default (English if the session cannot say)."""
    from ..session.workshop import Workshop

    try:
        with Workshop.open(path) as ws:
            return ws.language
    except Exception:  # the page then says what is wrong, in English
        return "en"

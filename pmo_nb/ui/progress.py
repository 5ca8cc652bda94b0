"""The facilitator's follow-up panel: gap by gap, the size at the baseline and the size the
room sees now (one click: Low, Medium, High or Closed), what became of each service
committed to the gap (one click each), and the progress figure redrawn as the room goes.
Every click is one undoable step saved at once; Undo takes back the last one.

Examples
--------
>>> import tempfile, pmo_nb
>>> from pathlib import Path
>>> folder = Path(tempfile.mkdtemp())
>>> ws2 = pmo_nb.open_follow_up(folder / "q2.sqlite", folder / "q1.sqlite", sample=True)
>>> panel = ProgressPanel(ws2)
>>> panel.gaps.value = "G-04"
>>> panel.size.value, panel.deliveries["S-COMM-PLANS"].value  # the sample follow-up's
('M', 'delivered')
>>> panel.size.value = "closed"
>>> ws2.progress().set_index("gap_id").at["G-04", "size_after"]
'closed'
>>> panel.undo_button.click()
>>> ws2.progress().set_index("gap_id").at["G-04", "size_after"], panel.size.value
('M', 'M')
"""

from __future__ import annotations

import ipywidgets as w
import pandas as pd

from ..analysis import progress as prog
from ..i18n import N_, Translator
from ..inputs.schema import CLOSED, DELIVERY, LEVELS
from ..plots.progress import progress as progress_figure
from ..plots.style import LEVEL_NAMES
from . import html as h
from .base import ACTIONS, Note, Panel

SIZE_OPTIONS = [(LEVEL_NAMES[lv], lv) for lv in LEVELS] + [(N_("Closed"), CLOSED)]
DELIVERY_WORDS = {"delivered": N_("Delivered"), "in progress": N_("In progress"),
                  "not started": N_("Not started"), "dropped": N_("Dropped")}
DELIVERY_OPTIONS = [(DELIVERY_WORDS[d], d) for d in DELIVERY]
MARKS = {"closed": "✔", "shrunk": "↘", "unchanged": "·", "grown": "↗", "new": "+"}
CHANGE_WORDS = {"closed": N_("closed"), "shrunk": N_("smaller"), "unchanged": N_("unchanged"),
                "grown": N_("larger"), "new": N_("new")}


class Reassess:
    """A gap's size at the baseline, its size now (one click) and note, and what became of
    each service committed to it: the controls :class:`ProgressPanel` shows, and the
    workshop panel shows under the gap card on a follow-up session."""

    def __init__(self, panel: Panel):
        self.panel, self.ws, self.gap_id = panel, panel.ws, None
        self._ = _ = panel._
        self.before = w.HTML()
        self.size = w.ToggleButtons(options=[(_(k), v) for k, v in SIZE_OPTIONS], value=None,
                                    style={"button_width": "96px"})
        self.note = w.Text(placeholder=_("What the room saw (optional), saved with the size"),
                           continuous_update=False, layout=w.Layout(width="min(100%, 640px)"))
        self.services = w.VBox()
        self.deliveries: dict[str, w.ToggleButtons] = {}
        self.size.observe(self._sized, "value")
        self.note.observe(self._noted, "value")
        self.box = w.VBox([
            w.HTML(h.section(_("Since the baseline"))), w.HBox([self.before, self.size]),
            self.note, w.HTML(h.section(_("Services committed to this gap at the baseline"))),
            self.services])

    def show(self, gap_id: str, row: pd.Series, services: pd.DataFrame) -> None:
        """Show ``row`` of ``ws.progress()`` and ``ws.progress_services()`` for the gap."""
        self.gap_id, _ = gap_id, self._
        before = _("new in this assessment") if row["size_before"] == "new" \
            else _(LEVEL_NAMES.get(row["size_before"], row["size_before"]))
        said = _("At the baseline: {size}", size=h.bold(h.esc(before)))
        self.before.value = (f'<div style="font-size:18px;padding:4px 12px 0 0">{said} '
                             "&nbsp;·&nbsp; " + h.esc(_("now:")) + "</div>")
        with self.panel._sync():
            self.size.value = row["size_after"] if row["reassessed"] else None
            self.note.value = row["note"]
            self._show_services([s for s in row["service_ids"].split("; ") if s],
                                services.set_index("service_id"))

    def _show_services(self, ids: list[str], status: pd.DataFrame) -> None:
        self.deliveries = {}
        if not ids:
            self.services.children = [w.HTML(h.info(self._(
                "No service was committed to this gap at the baseline.")))]
            return
        rows = []
        for sid in ids:
            toggle = w.ToggleButtons(options=[(self._(k), v) for k, v in DELIVERY_OPTIONS],
                                     value=status.at[sid, "status"],
                                     style={"button_width": "118px"})
            toggle.observe(lambda change, sid=sid: self._delivered(sid, change), "value")
            self.deliveries[sid] = toggle
            rows.append(w.HBox([w.HTML(f"<b>{h.esc(status.at[sid, 'name'])}</b>",
                                       layout=w.Layout(width="300px")), toggle],
                               layout=w.Layout(flex_flow="row wrap")))
        self.services.children = rows

    # -- the room's clicks ---------------------------------------------------------------
    def _sized(self, change: dict) -> None:
        if self.panel._syncing or change["new"] is None:
            return
        gap_id, size = self.gap_id, change["new"]
        _ = self._
        name = _(dict((v, k) for k, v in SIZE_OPTIONS)[size])
        self.panel._run(lambda: _said(_, self.ws.reassess(gap_id, size, note=self.note.value),
                                      _("{gap} is now {size}", gap=gap_id, size=name)))

    def _noted(self, change: dict) -> None:
        if self.panel._syncing or self.size.value is None:
            return
        gap_id, size = self.gap_id, self.size.value
        self.panel._run(lambda: _said(self._, self.ws.reassess(gap_id, size, note=change["new"]),
                                      self._("note saved for {gap}", gap=gap_id)))

    def _delivered(self, service_id: str, change: dict) -> None:
        if self.panel._syncing:
            return
        said = f"{service_id}: {self._(DELIVERY_WORDS[change['new']])}"
        self.panel._run(lambda: _said(self._, self.ws.set_delivery(service_id, change["new"]),
                                      said))


class ProgressPanel(Panel):
    """Reassess each gap and mark deliveries, on a follow-up assessment."""

    watches = Panel.watches | {"progress"}

    def __init__(self, ws: object):
        super().__init__(ws)
        _ = self._
        self.plain = _("Follow-up panel on '{label}' (interactive with a running kernel; the "
                       "figure and tables below record the progress at run time).",
                       label=ws.label)
        self.headline = w.HTML()
        self.gaps = w.Dropdown(description=_("Gap"), layout=w.Layout(width="min(100%, 640px)"))
        self.card = w.HTML()
        self.reassess = Reassess(self)
        self.size, self.note = self.reassess.size, self.reassess.note
        self.undo_button = w.Button(description=_("Undo"), icon="undo")
        self.figure = w.Output(layout=w.Layout(width="100%"))
        self.gaps.observe(lambda _: self._syncing or self._safe(self._show_gap), "value")
        self.undo_button.on_click(lambda _: self._run(self._undo))
        self.widget = w.VBox([
            w.HTML(h.CSS), self.headline, self.gaps, self.card, self.reassess.box,
            w.HBox([self.undo_button, self.status]), self.figure,
        ], layout=w.Layout(width="100%"))
        self.widget.add_class("pmo-panel")
        self._safe(self.refresh)

    @property
    def deliveries(self) -> dict[str, w.ToggleButtons]:
        """The delivery buttons of the gap shown, by service id."""
        return self.reassess.deliveries

    def refresh(self) -> None:
        # one read of the progress per redraw: the headline, the gap and its services all
        # come from these two tables (the figure reads its own)
        table, self._services = self.ws.progress(), self.ws.progress_services()
        self._rows = table.set_index("gap_id")
        options = [(_gap_option(r, self._), r.gap_id) for r in table.itertuples()]
        with self._sync():
            current = self.gaps.value
            if options != list(self.gaps.options):
                self.gaps.options = options
            if current in self._rows.index:
                self.gaps.value = current
        self.headline.value = _headline(prog.headline(prog.summary(table, self._services),
                                                      self._))
        self._show_gap()
        self.figure.outputs = h.figure_outputs(progress_figure(self.ws, language=self._.tag),
                                               self._("Progress figure"))

    def _show_gap(self) -> None:
        gap_id = self.gaps.value
        if gap_id is None:
            return
        gap = self.ws.gaps.set_index("gap_id").loc[gap_id].to_dict() | {"gap_id": gap_id}
        row = self._rows.loc[gap_id]  # the card says how the gap changed, not its coverage
        _ = self._
        change = f"{MARKS[row['change']]} {_(CHANGE_WORDS[row['change']])}" \
            if row["reassessed"] or row["change"] == "new" else _("not reassessed yet")
        self.card.value = h.gap_card(gap, change, _=_)
        self.reassess.show(gap_id, row, self._services)

    def _undo(self) -> str:
        action = self.ws.undo()
        _ = self._
        return _("Undone: {action}.", action=_(ACTIONS.get(action, action))) if action \
            else Note(_("Nothing to undo."))


def _said(_: Translator, changed: bool, what: str) -> str:
    return what if changed else Note(_("No change ({what}).", what=what))


def _gap_option(row: object, _: Translator) -> str:
    """A dropdown entry: plain text, e.g. ``↘ G-01 · Project manager skills: H → M``."""
    after = (_("closed") if row.size_after == CLOSED else row.size_after) \
        if row.reassessed else "?"
    before = _("new") if row.size_before == "new" else row.size_before
    return f"{MARKS.get(row.change, '')} {row.gap_id} · {row.aspect}: {before} → {after}"


def _headline(lines: pd.DataFrame) -> str:
    items = "".join(f"<li><b>{h.esc(m)}:</b> {h.esc(r)}</li>"
                    for m, r in zip(lines["measure"], lines["result"], strict=True))
    return f'<ul class="pmo-headline" style="font-size:16px;margin:4px 0">{items}</ul>'

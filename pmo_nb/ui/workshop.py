"""The facilitator's gap-by-gap panel: the gap card, the services to assign, hand-over,
new services, undo; beside it the live coverage heatmap and candidate list.

Each callback calls into the :class:`~pmo_nb.Workshop`, which saves at once and tells
every panel of that workshop to redraw from the session (its change event), so the
views always show what is saved. The result of an action ("saved ✓" or an error in red,
never a traceback) shows where the action was made: under the service row that was
ticked, next to the hand-over, gap and new-service buttons, next to Undo.

Laid out for a projector: two columns (the gap and its services; the heatmap and the
candidate list) that sit side by side from about 850 px of panel width (1280 x 800 with
JupyterLab's file browser open) and one under the other below that.

The example in :mod:`pmo_nb.ui` ticks a service in this panel.
"""

from __future__ import annotations

import asyncio

import ipywidgets as w
import pandas as pd

from ..session.events import Change
from ..session.workshop import Workshop
from . import html as h
from .base import ACTIONS, Note, Panel
from .gapform import GapForm
from .heatmap import GridHeatmap
from .progress import Reassess
from .services import NewServiceForm, ServiceList, ServiceRow, service_marks

# the session's history steps, as "Undone: ..." says them
FRAME = 0.03  # s: after a click, the rest of the panel follows the heatmap by a frame or two


class WorkshopPanel(Panel):
    """Gap by gap: the gap card, the services to assign, hand-over, new services, undo;
    beside it the live coverage heatmap and candidate list. ``benchmark``
    (:func:`pmo_nb.benchmark`): each service row says what peers with the gap chose."""

    def __init__(self, ws: Workshop, *, focus: bool = True,
                 benchmark: pd.DataFrame | None = None):
        super().__init__(ws)
        self.benchmark = benchmark  # pmo_nb.benchmark(...): what peers chose, by the rows
        self.plain = (f"Workshop panel on '{ws.label}' (interactive with a running kernel;"
                      " the tables and figure below record the state at run time).")
        self._syncing = False
        self._build_navigation()
        self._build_actions()
        self.since = Reassess(self) if ws.baseline is not None else None  # a follow-up
        if self.since is not None:
            self.watches = Panel.watches | {"progress"}
        self.heatmap = GridHeatmap(self._("Coverage: share of weight covered"), _=self._)
        self.candidates = w.HTML(layout=w.Layout(width="100%"))
        self.widget = self._layout()
        self.widget.add_class("pmo-panel")
        self.refresh()
        if focus:
            _soon(self.gap_select.focus)  # Run All ends at the last cell: bring the panel back

    # -- building ------------------------------------------------------------------------
    def _build_navigation(self) -> None:
        _ = self._
        self.gap_select = w.Dropdown(layout=w.Layout(flex="1 1 0%", width="auto",
                                                     min_width="120px"))
        self.prev_button = w.Button(description=_("Previous"), icon="arrow-left",
                                    tooltip=_("Previous gap"),
                                    layout=w.Layout(width="auto", flex="0 0 auto"))
        self.next_button = w.Button(description=_("Next"), icon="arrow-right",
                                    tooltip=_("Next gap"),
                                    layout=w.Layout(width="auto", flex="0 0 auto"))
        third = w.Layout(width="32%")
        self.show = w.Dropdown(options=[(_("All gaps"), "all"), (_("Open gaps only"), "open")],
                               layout=third)
        self.aspect = w.Dropdown(layout=third)
        self.priority = w.Dropdown(options=[(_("Any priority"), "")] + [
            (_("Priority {level}", level=_(h.LEVEL_NAMES[p])), p) for p in ("H", "M", "L")],
            layout=third)
        self.progress = w.HTML()
        self.progress_bar = w.IntProgress(min=0, layout=w.Layout(width="40%"))
        self.card = w.HTML(layout=w.Layout(width="100%"))
        self.edit_button = w.Button(description=_("Edit gap"), icon="pencil",
                                    layout=w.Layout(width="auto"))
        self.new_gap_button = w.Button(description=_("New gap"), icon="plus",
                                       layout=w.Layout(width="auto"))
        self.gap_status = w.HTML()
        self.aspect_note = w.HTML()  # the gap's aspect matches no service's: the likely one
        self.map_button = w.Button(icon="link", layout=w.Layout(width="auto", display="none"))
        self.map_button.on_click(lambda b: self._run(self._map_aspect, self.gap_status))
        self.gap_form = GapForm(lambda: self._save_gap(), _)
        self.edit_button.on_click(lambda _: self._safe(self._edit_gap, self.gap_status))
        self.new_gap_button.on_click(lambda _: self._safe(self._new_gap, self.gap_status))
        self.gap_select.observe(lambda _: self._navigate(), "value")
        for dropdown in (self.show, self.aspect, self.priority):
            dropdown.observe(lambda _: self._syncing or self._safe(self.refresh), "value")
        self.prev_button.on_click(lambda _: self._step(-1))
        self.next_button.on_click(lambda _: self._step(+1))

    def _build_actions(self) -> None:
        _ = self._
        self.services = ServiceList(self._service_changed, _=_)
        self.show_costs = w.Checkbox(description=_("Show costs"), value=False, indent=False)
        self.show_costs.observe(lambda change: self._safe(self._show_gap), "value")
        self.owner = w.Text(placeholder=_("owner, e.g. Finance & Procurement"),
                            layout=w.Layout(width="40%"))
        self.handover_note = w.Text(placeholder=_("note (optional)"),
                                    layout=w.Layout(width="58%"))
        self.hand_over_button = w.Button(description=_("Hand over"), icon="share")
        self.take_back_button = w.Button(description=_("Take back"), icon="undo")
        self.handover_status = w.HTML()
        self.hand_over_button.on_click(lambda b: self._run(self._hand_over, self.handover_status))
        self.take_back_button.on_click(lambda b: self._run(self._take_back, self.handover_status))
        self.service_status = w.HTML()  # next to "Add service"
        self.locked_note = w.HTML()
        self.new_service = NewServiceForm(
            [], [], lambda: self._run(self._add_service, self.service_status), _)
        self.undo_button = w.Button(description=_("Undo"), icon="undo",
                                    layout=w.Layout(width="110px"))
        self.refresh_button = w.Button(description=_("Refresh"), icon="refresh",
                                       layout=w.Layout(width="120px"))
        self.undo_button.on_click(lambda b: self._run(self._undo))
        self.refresh_button.on_click(lambda b: self._run(self._reload))

    def _layout(self) -> w.Box:
        _ = self._
        adding = w.Accordion([w.VBox([self.new_service.box, self.service_status])],
                             titles=(_("Add a new service"),),
                             selected_index=None, layout=w.Layout(width="100%"))
        services = w.VBox([self.services.box], layout=w.Layout(max_height="520px",
                                                                overflow="hidden auto"))
        services.add_class("pmo-services")
        self.services.box.add_class("pmo-services")
        row = dict(align_items="center", flex_flow="row wrap", width="100%")
        left = w.VBox([
            w.HBox([self.prev_button, self.gap_select, self.next_button]).add_class("pmo-nav"),
            w.HBox([self.show, self.aspect, self.priority]),
            w.HBox([self.progress_bar, self.progress], layout=w.Layout(align_items="center")),
            self.card, w.HBox([self.aspect_note, self.map_button], layout=w.Layout(**row)),
            w.HBox([self.edit_button, self.new_gap_button, self.gap_status],
                   layout=w.Layout(**row)), self.gap_form.box,
            *([self.since.box] if self.since is not None else []),
            w.HTML(h.section(_("Services that could close it"))), self.show_costs,
            self.locked_note, services, w.HTML(h.section(_("Outside the PMO"))),
            w.HBox([self.owner, self.handover_note]),
            w.HBox([self.hand_over_button, self.take_back_button, self.handover_status],
                   layout=w.Layout(**row)), adding,
        ], layout=w.Layout(flex="1 1 430px", min_width="430px", padding="0 12px 0 0"))
        right = w.VBox([self.heatmap.widget, w.HTML(h.section(_("Candidate list"))),
                        self.candidates], layout=w.Layout(flex="1 1 400px", min_width="400px"))
        toolbar = w.HBox([self.undo_button, self.refresh_button, self.status],
                         layout=w.Layout(**row))
        return w.VBox([w.HTML(h.CSS), toolbar,
                       w.HBox([left, right], layout=w.Layout(width="100%",
                                                             flex_flow="row wrap"))],
                      layout=w.Layout(width="100%"))

    # -- views ---------------------------------------------------------------------------
    def _changed(self, change: Change) -> None:
        """A click: the heatmap first, alone, so that the browser paints it before the rest
        of the panel arrives, one frame later (at once outside a kernel)."""
        if change.tables & self.watches:
            self._safe(self._draw_heatmap)
            _soon(lambda: self._safe(self._redraw), FRAME) or self._safe(self._redraw)

    def refresh(self) -> None:
        """Redraw everything from the session."""
        self._draw_heatmap()  # first: the browser draws it while the kernel does the rest
        self._redraw()

    def _redraw(self) -> None:
        per_gap = self.ws.coverage()
        self._update_filters(per_gap)
        self._update_gap_options(per_gap)
        self._show_gap()
        _ = self._
        done = int((per_gap["status"] != "open").sum())
        self.progress.value = h.progress(done, len(per_gap), _)
        self.progress_bar.max, self.progress_bar.value = max(len(per_gap), 1), done
        levels = {k: _(v) for k, v in h.LEVEL_NAMES.items()}
        parts = {"full": _("full"), "partial": _("partial")}
        self.candidates.value = h.table(
            self.ws.candidate_list().assign(**{"Gap Size": lambda d: d["Gap Size"].map(levels),
                                               "contribution": lambda d: d["contribution"].map(
                                                   parts).fillna(d["contribution"])}),
            {"Product / Service": _("Product / Service"), "Gap Size": _("Gap Size"),
             "Addresses Aspect": _("Addresses Aspect"), "gap_id": _("Gap"),
             "contribution": _("Part")},
            _("No services assigned yet."), nowrap=("Gap Size", "gap_id", "contribution"), _=_)
        catalog = self.ws.catalog
        aspects = sorted({a.strip() for text in catalog["aspects"] for a in text.split(";")}
                         | set(per_gap["aspect"]))
        self.new_service.update_choices(list(dict.fromkeys(catalog["category"])),
                                        [a for a in aspects if a], set(catalog["service_id"]))

    def _update_filters(self, per_gap: pd.DataFrame) -> None:
        options = [(self._("All aspects"), "")] + [(a, a) for a in dict.fromkeys(
            per_gap["aspect"])]
        if options != list(self.aspect.options):
            keep = self.aspect.value if (self.aspect.value, self.aspect.value) in options else ""
            with self._sync():
                self.aspect.options, self.aspect.value = options, keep

    def _update_gap_options(self, per_gap: pd.DataFrame) -> None:
        current = self.gap_select.value
        if self.show.value == "open":  # a gap just covered stays until the user moves on
            per_gap = per_gap[(per_gap["status"] == "open") | (per_gap["gap_id"] == current)]
        if self.aspect.value:
            per_gap = per_gap[per_gap["aspect"] == self.aspect.value]
        if self.priority.value:
            per_gap = per_gap[per_gap["priority"] == self.priority.value]
        shown = per_gap
        options = [(h.gap_label(g, a, s, self._), g)
                   for g, a, s in zip(shown["gap_id"], shown["aspect"], shown["status"])]
        with self._sync():
            if options != list(self.gap_select.options):
                self.gap_select.options = options
            ids = [g for _, g in options]
            self.gap_select.value = current if current in ids else (ids[0] if ids else None)

    def _show_gap(self) -> None:
        gap_id = self.gap_select.value
        if gap_id is None:
            self.card.value = h.no_gap_card(self._)
            self.services.box.children = ()
            return
        gaps = self.ws.gaps
        gap = gaps[gaps["gap_id"] == gap_id].iloc[0].to_dict()
        per_gap = self.ws.coverage()
        status = per_gap.loc[per_gap["gap_id"] == gap_id, "status"].iloc[0]
        self.card.value = h.gap_card(gap, status, self._)
        self._show_aspect(str(gap["aspect"]))
        asg = self.ws.assignments
        asg = asg[asg["gap_id"] == gap_id]
        notes = dict(zip(asg["service_id"], asg["note"].fillna(""), strict=True))
        handed = gap["pmo_role"] == "none"
        found = self.ws.suggest(gap_id, benchmark=self.benchmark)
        marks = service_marks(gap_id, self.ws.last_wave, found, self._)
        self.services.show(found, notes, self.show_costs.value, handed, marks)
        self.locked_note.value = h.info(self._(
            "Handed over to {owner}: take the gap back (below) to assign services.",
            owner=gap["other_owner"])) if handed else ""
        self.owner.value = gap["other_owner"] if handed else ""
        self.handover_note.value = gap.get("handover_note", "") if handed else ""
        self.take_back_button.disabled = not handed
        if self.since is not None:
            self.since.show(gap_id, self.ws.progress().set_index("gap_id").loc[gap_id],
                            self.ws.progress_services())

    def _show_aspect(self, aspect: str) -> None:
        """Say when no service names the gap's aspect, and offer the likely one."""
        _ = self._
        unmapped = aspect in self.ws.unmapped_aspects()
        self._likely = self.ws.likely_aspect(aspect) if unmapped else None
        said = _("No service of the catalog names the aspect '{aspect}'.", aspect=aspect)
        if self._likely:
            said += " " + _("It may be '{likely}'.", likely=self._likely)
        self.aspect_note.value = h.info(said) if unmapped else ""
        self.map_button.description = _("Read it as '{likely}'", likely=self._likely or "")
        self.map_button.layout.display = "flex" if self._likely else "none"

    def _map_aspect(self) -> str:
        aspect = str(self.ws.gaps.set_index("gap_id").at[self.gap_select.value, "aspect"])
        self.ws.map_aspect(aspect, self._likely)
        return self._("'{aspect}' is read as '{likely}'.", aspect=aspect, likely=self._likely)

    def _draw_heatmap(self) -> None:
        self.heatmap.show(self.ws.coverage_matrix())

    # -- actions -------------------------------------------------------------------------
    def _navigate(self) -> None:
        if self._syncing:
            return
        self.services.clear_statuses()  # they spoke of the gap before
        self.gap_status.value = self.handover_status.value = ""
        if self.gap_form.is_open and self.gap_form.mode == "edit":
            self.gap_form.close()  # it held the gap before
        if not self.ws.poll():  # another handle's change redraws everything through its event
            # the gap left behind drops out of "open only" now
            self._safe(lambda: (self._update_gap_options(self.ws.coverage()), self._show_gap()))

    def _step(self, delta: int) -> None:
        ids = [g for _, g in self.gap_select.options]
        if ids:
            at = ids.index(self.gap_select.value) if self.gap_select.value in ids else -1
            self.gap_select.value = ids[(at + delta) % len(ids)]

    def _service_changed(self, row: ServiceRow, what: str) -> None:
        gap_id, sid, _ = self.gap_select.value, row.service_id, self._
        name = row.name
        if what == "assigned" and not row.assigned.value:
            self._run(lambda: _("{gap}: {name} removed.", gap=gap_id, name=name)
                      if self.ws.unassign(gap_id, sid) else Note(_(
                          "{name} was not assigned to {gap}.", name=name, gap=gap_id)),
                      row.status)
        elif row.assigned.value:
            contribution, note = row.contribution.value, row.note.value
            part = {"full": _("full"), "partial": _("partial")}.get(contribution, contribution)
            self._run(lambda: self.ws.assign(gap_id, sid, contribution, note)
                      or _("{gap}: {name} ({part}).", gap=gap_id, name=name, part=part),
                      row.status)

    def _aspects(self) -> list[str]:
        catalog = self.ws.catalog
        listed = {a.strip() for text in catalog["aspects"] for a in text.split(";")}
        return sorted((listed | set(self.ws.gaps["aspect"])) - {""})

    def _edit_gap(self) -> None:
        gaps = self.ws.gaps.set_index("gap_id", drop=False)
        if self.gap_select.value in gaps.index:
            self.gap_form.edit(gaps.loc[self.gap_select.value].to_dict(), self._aspects())

    def _new_gap(self) -> None:
        self.gap_form.new(self.ws.gaps["gap_id"].tolist(), self._aspects())

    def _save_gap(self) -> None:
        self._run(self._store_gap, self.gap_form.status)
        if not self.gap_form.is_open:  # saved: the message moves next to the gap buttons
            self.gap_status.value, self.gap_form.status.value = self.gap_form.status.value, ""

    def _store_gap(self) -> str:
        form, values = self.gap_form, self.gap_form.values()
        gap_id = form.gap_id.value.strip()
        if form.mode == "new":
            self.ws.add_gap(gap_id, **values)
            form.close()
            ids = [g for _, g in self.gap_select.options]
            if gap_id in ids:
                self.gap_select.value = gap_id
            return self._("{gap} added.", gap=gap_id)
        changed = self.ws.update_gap(gap_id, **values)
        form.close()
        return self._("{gap} changed.", gap=gap_id) if changed \
            else Note(self._("{gap}: nothing changed.", gap=gap_id))

    def _hand_over(self) -> str:
        gap_id = self.gap_select.value
        self.ws.hand_over(gap_id, self.owner.value, self.handover_note.value)
        return self._("{gap} handed over to {owner}.", gap=gap_id,
                      owner=self.owner.value.strip())

    def _take_back(self) -> str:
        self.ws.take_back(self.gap_select.value)
        return self._("{gap} is back with the PMO.", gap=self.gap_select.value)

    def _add_service(self) -> str:
        values = self.new_service.values()
        self.ws.add_service(**values)
        self.new_service.clear()
        return self._("Added '{name}' ({id}) to the catalog; tick it below to assign it.",
                      name=values["name"], id=values["service_id"])

    def _undo(self) -> str:
        action = self.ws.undo()
        return self._("Undone: {action}.", action=self._(ACTIONS.get(action, action))) \
            if action else Note(self._("Nothing to undo."))


def _soon(callback: object, delay: float = 1.0) -> bool:
    """Call ``callback`` once the kernel is free again (after the cell's output is shown);
    nothing outside a running event loop (plain Python, tests): then False."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return False
    loop.call_later(delay, callback)
    return True


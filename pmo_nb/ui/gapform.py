"""The gap form of the workshop panel: edit the gap on the card, or add a gap the
discussion found. Checked by the workshop with the gaps file's own rules; an error shows
next to the Save button and the form stays open with what was typed."""

from __future__ import annotations

import re
from collections.abc import Callable

import ipywidgets as w

from ..i18n import N_, Translator, translator
from . import html as h

LEVELS = [(N_("Low"), "L"), (N_("Medium"), "M"), (N_("High"), "H")]
ROLES = [(N_("The PMO can close it"), "close"), (N_("The PMO closes part of it"), "partial"),
         (N_("Outside the PMO"), "none")]
EN = translator("en")
TEXTS = ("aspect", "current_state", "future_state", "description", "other_owner")


class GapForm:
    """Fields of one gap; ``mode`` is ``"edit"`` (the gap on the card) or ``"new"``."""

    def __init__(self, on_save: Callable[[], None], _: Translator = EN):
        style = {"description_width": "120px"}
        wide = w.Layout(width="98%")
        self._ = _
        levels = [(_(label), v) for label, v in LEVELS]
        self.gap_id = w.Text(description=_("Gap id"), style=style,
                             layout=w.Layout(width="320px"))
        self.aspect = w.Combobox(description=_("Aspect"), style=style, layout=wide,
                                 ensure_option=False,
                                 placeholder=_("pick one or type a new aspect"))
        self.size = w.ToggleButtons(description=_("Size"), options=levels, style={
            **style, "button_width": "90px"})
        self.priority = w.ToggleButtons(description=_("Priority"), options=levels, style={
            **style, "button_width": "90px"})
        self.current_state = w.Textarea(description=_("Today"), rows=2, style=style,
                                        layout=wide)
        self.future_state = w.Textarea(description=_("Target"), rows=2, style=style,
                                       layout=wide)
        self.description = w.Textarea(description=_("Context"), rows=2, style=style,
                                      layout=wide, placeholder=_("optional"))
        self.pmo_role = w.Dropdown(description=_("PMO role"),
                                   options=[(_(label), v) for label, v in ROLES], style=style,
                                   layout=w.Layout(width="98%", max_width="460px"))
        self.other_owner = w.Text(description=_("Other owner"), style=style, layout=wide,
                                  placeholder=_("who else must act (for part or outside the "
                                                "PMO)"))
        self.save_button = w.Button(description=_("Save gap"), icon="check",
                                    button_style="primary", layout=w.Layout(width="150px"))
        self.cancel_button = w.Button(description=_("Cancel"), icon="times",
                                      layout=w.Layout(width="120px"))
        self.status = w.HTML()
        self.title = w.HTML()
        self.mode = "edit"
        self.save_button.on_click(lambda _: on_save())
        self.cancel_button.on_click(lambda _: self.close())
        self.box = w.VBox([self.title, self.gap_id, self.aspect, self.size, self.priority,
                           self.current_state, self.future_state, self.description,
                           self.pmo_role, self.other_owner,
                           w.HBox([self.save_button, self.cancel_button, self.status],
                                  layout=w.Layout(align_items="center", flex_flow="row wrap"))],
                          layout=w.Layout(display="none", width="100%", padding="6px",
                                          border="2px solid #0072B2", margin="6px 0"))
        self.box.add_class("pmo-gap-form")

    @property
    def is_open(self) -> bool:
        return self.box.layout.display != "none"

    def edit(self, gap: dict, aspects: list[str]) -> None:
        """Open the form on ``gap`` (a row of ``ws.gaps``)."""
        self._open("edit", self._("Edit {gap}", gap=gap["gap_id"]), aspects)
        self.gap_id.value, self.gap_id.disabled = str(gap["gap_id"]), True
        for name in TEXTS:
            getattr(self, name).value = str(gap.get(name) or "")
        self.size.value, self.priority.value = gap["size"], gap["priority"]
        self.pmo_role.value = gap.get("pmo_role") or "close"

    def new(self, gap_ids: list[str], aspects: list[str]) -> None:
        """Open the form blank, with the next free id suggested."""
        self._open("new", self._("A new gap"), aspects)
        self.gap_id.value, self.gap_id.disabled = next_id(gap_ids), False
        for name in TEXTS:
            getattr(self, name).value = ""
        self.size.value, self.priority.value, self.pmo_role.value = "M", "M", "close"

    def values(self) -> dict:
        """What the form says, as ``update_gap`` / ``add_gap`` keyword arguments."""
        out = {name: getattr(self, name).value for name in TEXTS}
        out.update(size=self.size.value, priority=self.priority.value,
                   pmo_role=self.pmo_role.value)
        return out

    def close(self) -> None:
        self.box.layout.display = "none"
        self.status.value = ""

    def _open(self, mode: str, title: str, aspects: list[str]) -> None:
        self.mode = mode
        self.title.value = h.section(title)
        self.aspect.options = aspects
        self.status.value = ""
        self.box.layout.display = "flex"


def next_id(ids: list[str]) -> str:
    """The id after the last one, keeping its prefix and zero padding.

    Examples
    --------
    >>> next_id(["G-01", "G-18"]), next_id(["HOS-009"]), next_id([]), next_id(["x"])
    ('G-19', 'HOS-010', 'G-01', 'x-2')
    """
    taken = {i.casefold() for i in ids}
    last = ids[-1] if ids else "G-00"
    found = re.fullmatch(r"(.*?)(\d+)", last)
    prefix, number, width = (found[1], int(found[2]), len(found[2])) if found \
        else (f"{last}-", 1, 1)
    while True:
        number += 1
        candidate = f"{prefix}{number:0{width}d}"
        if candidate.casefold() not in taken:
            return candidate

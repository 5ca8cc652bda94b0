"""The services part of the workshop panel: one row per service, and the new-service form.

Rows are made once per service and reordered for each gap (by relevance: made for the
gap's aspect, also covering it, then the closest in words), so moving between gaps only
changes values, not widgets. Each row has its own status line: "saved ✓" or an error
shows next to the box that was ticked. Values set by the panel itself run under
``syncing`` and never write to the session.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import ipywidgets as w
import pandas as pd
from ipywidgets.widgets.widget_bool import CheckboxStyle  # not exported by ipywidgets
from ipywidgets.widgets.widget_string import HTMLStyle, TextStyle

from ..analysis.benchmark import said
from ..i18n import Translator, translator
from ..inputs.schema import TIERS
from . import html as h

EN = translator("en")


def css_id(service_id: str) -> str:
    """A CSS class naming a service's row (for browsers and tests)."""
    return "pmo-svc-" + re.sub(r"[^A-Za-z0-9_-]", "_", str(service_id))


class RowLook:
    """The layouts and styles every row of a list shares: one widget model each instead of
    one per row. A 39-service catalog made 22 models a row (860 for the list), now 8: the
    page gets every widget's state from the kernel when it loads (914 KB before, 483 KB
    now for the workshop panel on the sample)."""

    def __init__(self) -> None:
        self.name = w.Layout(width="auto", flex="0 1 auto")
        self.info = w.Layout(flex="0 0 auto", margin="0 0 0 10px")
        self.note = w.Layout(flex="1 1 auto", width="auto")
        self.full = w.Layout(width="100%")
        self.status = w.Layout(margin="0 0 0 28px")
        self.line = w.Layout(align_items="center", flex_flow="row wrap")
        self.toggles = w.Layout()
        self.detail = w.Layout()  # stretched across the row, less its indent
        self.checkbox, self.html, self.text = CheckboxStyle(), HTMLStyle(), TextStyle()
        self.toggle = w.ToggleButtonsStyle(button_width="84px")


class ServiceRow:
    """Tick to assign; when assigned, full/partial and a note show below the name."""

    def __init__(self, service: dict, owner: ServiceList):
        look, _ = owner.look, owner._
        self._ = _
        self.service_id = service["service_id"]
        self.name = str(service["name"])
        self.assigned = w.Checkbox(description=h.label(service["name"]), indent=False,
                                   layout=look.name, style=look.checkbox)
        self.info = w.HTML(layout=look.info, style=look.html)
        self.contribution = w.ToggleButtons(options=[(_("full"), "full"),
                                                     (_("partial"), "partial")], value="full",
                                            style=look.toggle, layout=look.toggles,
                                            tooltips=[_("closes the gap"),
                                                      _("closes part of it")])
        self.note = w.Text(placeholder=_("note (optional)"), continuous_update=False,
                           layout=look.note, style=look.text)
        self.detail = w.HBox([self.contribution, self.note], layout=look.detail)
        self.detail.add_class("pmo-detail")
        self.detail.add_class("pmo-hidden")
        self.status = w.HTML(layout=look.status, style=look.html)  # where it was ticked
        self.status.add_class("pmo-row-status")
        self.box = w.VBox([w.HBox([self.assigned, self.info], layout=look.line),
                           self.detail, self.status], layout=look.full)
        self.box.add_class("pmo-service-row")
        self.box.add_class(css_id(self.service_id))
        self.assigned.observe(lambda c: owner.changed(self, "assigned"), "value")
        self.contribution.observe(lambda c: owner.changed(self, "contribution"), "value")
        self.note.observe(lambda c: owner.changed(self, "note"), "value")

    @property
    def detail_shown(self) -> bool:
        """Whether full/partial and the note show (the service is assigned)."""
        return "pmo-hidden" not in self.detail._dom_classes

    def show(self, service: dict, contribution: str, note: str, show_cost: bool,
             locked: bool = False, mark: str = "") -> None:
        """Show the service for the current gap; ``locked``: the gap is handed over;
        ``mark``: what else to say of it (from the last wave, what peers chose)."""
        self.name = str(service["name"])
        self.assigned.description = h.label(self.name)
        self.assigned.disabled = locked and not contribution  # can still be removed
        self.assigned.value = bool(contribution)
        self.contribution.value = contribution or "full"
        self.note.value = note
        if contribution:
            self.detail.remove_class("pmo-hidden")
        else:
            self.detail.add_class("pmo-hidden")
        cost = service.get("cost")
        self.info.value = h.service_info(service["tier"], cost, show_cost,
                                         service.get("origin") == "workshop", self._, mark)


class ServiceList:
    """Every service of the catalog as a row, suggested ones first for the current gap."""

    def __init__(self, on_change: Callable[[ServiceRow, str], None], *, _: Translator = EN):
        self._ = _
        self.rows: dict[str, ServiceRow] = {}
        self.look = RowLook()
        self.box = w.VBox(layout=w.Layout(width="100%"))
        self.syncing = False
        self._on_change = on_change
        self._headers: dict[str, w.HTML] = {}

    def changed(self, row: ServiceRow, what: str) -> None:
        if not self.syncing:
            self._on_change(row, what)

    def show(self, suggestions: pd.DataFrame, notes: dict[str, str], show_cost: bool,
             locked: bool = False, marks: dict[str, str] | None = None) -> None:
        """Lay out ``ws.suggest(gap)`` in its order, under a heading per reason ("Made for
        Methodology", "Also covers Methodology", "Other services, closest first");
        ``marks``: service_id -> what else a row says (see :func:`service_marks`)."""
        marks = marks or {}
        self.syncing = True
        try:
            children: list[w.Widget] = []
            last = None
            for svc in suggestions.to_dict("records"):
                title = self._heading(svc.get("relevance"), svc.get("reason_aspect") or "")
                if title != last:
                    children.append(self._header(title))
                    last = title
                row = self.rows.get(svc["service_id"]) or self._add_row(svc)
                row.show(svc, svc["assigned"], notes.get(svc["service_id"], ""), show_cost,
                         locked, marks.get(svc["service_id"], ""))
                children.append(row.box)
            self.box.children = children
        finally:
            self.syncing = False

    def clear_statuses(self) -> None:
        """Another gap is shown: the rows' last messages were about the one before."""
        for row in self.rows.values():
            row.status.value = ""

    def _heading(self, relevance: object, aspect: str) -> str:
        """"Made for Methodology", "Also covers Methodology" or "Other services, closest
        first", in the panel's language (``aspect``: the one the suggestion names)."""
        if relevance == 0 and aspect:
            return self._("Made for {aspect}", aspect=aspect)
        if relevance == 1 and aspect:
            return self._("Also covers {aspect}", aspect=aspect)
        return self._("Other services, closest first")

    def _add_row(self, service: dict) -> ServiceRow:
        self.rows[service["service_id"]] = ServiceRow(service, self)
        return self.rows[service["service_id"]]

    def _header(self, title: str) -> w.HTML:
        if title not in self._headers:
            self._headers[title] = w.HTML(h.group(title))
        return self._headers[title]


def service_marks(gap_id: str, last_wave: pd.DataFrame, suggestions: pd.DataFrame,
                  _: Translator = EN) -> dict[str, str]:
    """What a gap's service rows say besides tier and cost: committed to this gap in the
    last wave (a follow-up's, with its status), and what peers chose (the ``peers_*``
    columns of ``ws.suggest(gap_id, benchmark=...)``, when there).

    >>> wave = pd.DataFrame({"service_id": ["S-A"], "status": ["delivered"],
    ...                      "gap_ids": ["G-1; G-2"]})
    >>> peers = pd.DataFrame({"service_id": ["S-A", "S-B"], "peers_chose": [0, 4],
    ...                       "peers_of": [6, 6]})
    >>> service_marks("G-2", wave, peers)
    {'S-B': '4 of 6 organisations chose this', 'S-A': 'from the last wave: delivered'}
    """
    marks = {}
    if "peers_chose" in suggestions:
        like = suggestions.attrs.get("peers_like", False)
        marks = {s: said(c, n, like, _) for s, c, n in zip(
            suggestions["service_id"], suggestions["peers_chose"], suggestions["peers_of"],
            strict=True) if c}
    for sid, status, gaps in zip(last_wave["service_id"], last_wave["status"],
                                 last_wave["gap_ids"], strict=True):
        if gap_id in str(gaps).split("; "):
            wave = _("from the last wave: {status}", status=_(status))
            marks[sid] = f"{wave} · {marks[sid]}" if sid in marks else wave
    return marks


class NewServiceForm:
    """Add a service on the spot; the id is suggested from the name until someone types one."""

    def __init__(self, categories: list[str], aspects: list[str], on_add: Callable[[], None],
                 _: Translator = EN):
        wide = w.Layout(width="95%")
        style = {"description_width": "110px"}
        tiers = {"basic": _("basic"), "advanced": _("advanced")}
        self.name = w.Text(description=_("Name"), layout=wide, style=style)
        self.service_id = w.Text(description=_("Id"), layout=wide, style=style,
                                 placeholder=_("suggested from the name"))
        self.category = w.Combobox(description=_("Category"), options=categories, layout=wide,
                                   style=style, ensure_option=False,
                                   placeholder=_("pick one or type a new category"))
        self.tier = w.ToggleButtons(description=_("Tier"), options=[
            (tiers.get(t, t), t) for t in TIERS], style=style)
        self.aspects = w.SelectMultiple(description=_("Aspects"), options=aspects, rows=5,
                                        layout=wide, style=style)
        self.cost = w.Text(description=_("Cost"), layout=w.Layout(width="240px"), style=style,
                           placeholder=_("e.g. 40"))
        self.description = w.Textarea(description=_("Description"), layout=wide, style=style,
                                      rows=2)
        self.add_button = w.Button(description=_("Add service"), icon="plus",
                                   button_style="primary", layout=w.Layout(width="180px"))
        self.box = w.VBox([self.name, self.service_id, self.category, self.tier, self.aspects,
                           self.cost, self.description, self.add_button])
        self._suggested = ""
        self._taken: set[str] = set()
        self.name.observe(self._suggest_id, "value")
        self.add_button.on_click(lambda _: on_add())

    def update_choices(self, categories: list[str], aspects: list[str], taken: set[str]) -> None:
        self.category.options = categories
        if tuple(aspects) != tuple(self.aspects.options):
            chosen = [a for a in self.aspects.value if a in aspects]
            self.aspects.options = aspects
            self.aspects.value = chosen
        self._taken = {t.casefold() for t in taken}

    def values(self) -> dict:
        return dict(service_id=self.service_id.value.strip(), name=self.name.value.strip(),
                    category=self.category.value.strip(), tier=self.tier.value,
                    aspects=list(self.aspects.value), description=self.description.value,
                    cost=self.cost.value.strip())

    def clear(self) -> None:
        for field in (self.name, self.service_id, self.category, self.cost, self.description):
            field.value = ""
        self.aspects.value = ()
        self._suggested = ""

    def _suggest_id(self, change: dict) -> None:
        if self.service_id.value not in ("", self._suggested):
            return  # typed by someone: keep it
        self._suggested = suggest_id(change["new"], self._taken)
        self.service_id.value = self._suggested


def suggest_id(name: str, taken: set[str]) -> str:
    """``"Benefits realisation office"`` -> ``"S-BENEFITS-REALISATION-OFFICE"`` (unique)."""
    words = re.findall(r"[A-Za-z0-9]+", str(name).upper())[:3]
    if not words:
        return ""
    base = "S-" + "-".join(words)
    candidate, n = base, 2
    while candidate.casefold() in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate

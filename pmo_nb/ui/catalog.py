"""The catalog browser: the treemap of every service, and the list filtered by category
and tier. Both follow the session: a service added in the workshop appears at once."""

from __future__ import annotations

import ipywidgets as w
import pandas as pd

from .. import plots
from ..session.events import Change
from ..session.workshop import Workshop
from . import html as h
from .base import Panel


class CatalogBrowser(Panel):
    """Every service of the session's catalog, filtered by category and tier."""


    def __init__(self, ws: Workshop):
        super().__init__(ws)
        _ = self._
        self.plain = _("Service catalog browser (interactive with a running kernel).")
        self.category = w.Dropdown(description=_("Category"), layout=w.Layout(width="48%"))
        self.tier = w.Dropdown(description=_("Tier"), layout=w.Layout(width="30%"), options=[
            (_("All tiers"), ""), (_("basic"), "basic"), (_("advanced"), "advanced")])
        self.refresh_button = w.Button(description=_("Refresh"), icon="refresh",
                                       layout=w.Layout(width="130px"))
        self.count = w.HTML()
        self.table = w.HTML(layout=w.Layout(width="100%"))
        self.table.add_class("pmo-scroll")
        self.overview = w.Output(layout=w.Layout(width="100%", min_height="520px"))
        for dropdown in (self.category, self.tier):
            dropdown.observe(lambda _: self._safe(self._show), "value")
        self.refresh_button.on_click(lambda _: self._run(self._reload))
        self.widget = w.VBox([w.HTML(h.CSS), self.overview,
                              w.HBox([self.category, self.tier,
                                                      self.refresh_button]),
                              self.count, self.table, self.status], layout=w.Layout(width="100%"))
        self.widget.add_class("pmo-panel")
        self.refresh()

    def _changed(self, change: Change) -> None:
        if "catalog" in change.tables:  # an assignment does not change the catalog
            self._safe(self.refresh)

    def refresh(self) -> None:
        catalog = self.ws.catalog
        self.overview.outputs = h.figure_outputs(plots.catalog_overview(
            catalog, language=self._.tag), self._("catalog overview"))
        categories = list(dict.fromkeys(catalog["category"]))
        chosen = self.category.value if self.category.value in categories else ""
        self.category.options = [(self._("All categories"), "")] + [(c, c) for c in categories]
        self.category.value = chosen
        self._show()

    def _show(self) -> None:
        cat, _ = self.ws.catalog, self._
        keep = pd.Series(True, index=cat.index)
        if self.category.value:
            keep &= cat["category"] == self.category.value
        if self.tier.value:
            keep &= cat["tier"] == self.tier.value
        shown = cat[keep].assign(
            name=lambda d: d["name"].where(d["origin"] != "workshop", "★ " + d["name"]),
            aspects=lambda d: d["aspects"].str.replace(";", "; "),
            tier=lambda d: d["tier"].map(lambda t: _(str(t))))
        said = _("{shown} of {total} services", shown=h.bold(_.number(len(shown))),
                 total=_.number(len(cat)))
        added = " (★ " + _("added in this workshop") + ")" \
            if (cat["origin"] == "workshop").any() else ""
        self.count.value = said + h.esc(added)
        self.table.value = h.table(shown, {"name": _("Service"), "category": _("Category"),
                                           "tier": _("Tier"), "aspects": _("Addresses aspects"),
                                           "description": _("What it is")},
                                   _("No service matches the filter."), limit=len(shown), _=_)

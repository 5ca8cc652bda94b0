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

    plain = "Service catalog browser (interactive with a running kernel)."

    def __init__(self, ws: Workshop):
        super().__init__(ws)
        self.category = w.Dropdown(description="Category", layout=w.Layout(width="48%"))
        self.tier = w.Dropdown(description="Tier", layout=w.Layout(width="30%"), options=[
            ("All tiers", ""), ("basic", "basic"), ("advanced", "advanced")])
        self.refresh_button = w.Button(description="Refresh", icon="refresh",
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
        self.overview.outputs = h.figure_outputs(plots.catalog_overview(catalog),
                                                 "catalog overview")
        categories = list(dict.fromkeys(catalog["category"]))
        chosen = self.category.value if self.category.value in categories else ""
        self.category.options = [("All categories", "")] + [(c, c) for c in categories]
        self.category.value = chosen
        self._show()

    def _show(self) -> None:
        cat = self.ws.catalog
        keep = pd.Series(True, index=cat.index)
        if self.category.value:
            keep &= cat["category"] == self.category.value
        if self.tier.value:
            keep &= cat["tier"] == self.tier.value
        shown = cat[keep].assign(
            name=lambda d: d["name"].where(d["origin"] != "workshop", "★ " + d["name"]),
            aspects=lambda d: d["aspects"].str.replace(";", "; "))
        self.count.value = f"<b>{len(shown)}</b> of {len(cat)} services" + (
            " (★ added in this workshop)" if (cat["origin"] == "workshop").any() else "")
        self.table.value = h.table(shown, {"name": "Service", "category": "Category",
                                           "tier": "Tier", "aspects": "Addresses aspects",
                                           "description": "What it is"},
                                   "No service matches the filter.", limit=len(shown))

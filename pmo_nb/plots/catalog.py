"""The catalog as a treemap: category > tier > service, services added in the workshop marked."""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go

from ..i18n import Translator
from .style import (
    ADDED_COLOUR,
    CATEGORY_FILL,
    TIER_COLOURS,
    empty_figure,
    esc,
    esc_wrap,
    finish,
    words_of,
)

__all__ = ["catalog_overview"]


def catalog_overview(catalog_df_or_ws: Any, *, language: str | None = None) -> go.Figure:
    """Treemap of the catalog: category > tier > service; ★ marks services added in the
    workshop. In ``language``, default the workshop's (English for a DataFrame)."""
    _ = words_of(catalog_df_or_ws, language)
    cat = catalog_df_or_ws if isinstance(catalog_df_or_ws, pd.DataFrame) \
        else catalog_df_or_ws.catalog
    if cat.empty:
        return empty_figure(_("Service catalog"), _("The catalog is empty."))
    cat = cat.assign(origin=cat["origin"] if "origin" in cat else "catalog")
    ids, parents, labels, hover, fill, line_w = [], [], [], [], [], []

    def node(i: str, parent: str, label: str, text: str, colour: str, width: float) -> None:
        for seq, value in zip((ids, parents, labels, hover, fill, line_w),
                              (i, parent, label, text, colour, width)):
            seq.append(value)

    for category, group in cat.groupby("category", sort=False):
        node(f"c\x1f{esc(category)}", "", esc(category), f"<b>{esc(category)}</b><br>"
             + _services(_, len(group)), CATEGORY_FILL, 1)
        for tier in sorted(set(group["tier"]), key=lambda t: (t not in TIER_COLOURS, t)):
            services, tier_id = group[group["tier"] == tier], f"t\x1f{esc(category)}\x1f{esc(tier)}"
            colour = TIER_COLOURS.get(tier, CATEGORY_FILL)
            node(tier_id, f"c\x1f{esc(category)}", esc(_(tier)),
                 f"{esc(category)} · {esc(_(tier))}<br>" + _services(_, len(services)),
                 colour, 1)
            for row in services.itertuples(index=False):
                added = row.origin == "workshop"
                node(f"s\x1f{esc(row.service_id)}", tier_id,
                     ("★ " if added else "") + esc_wrap(row.name, 14, max_lines=4),
                     _service_hover(_, row, added), ADDED_COLOUR if added else colour,
                     4 if added else 1)
    fig = go.Figure(go.Treemap(
        ids=ids, parents=parents, labels=labels, hovertext=hover,
        hovertemplate="%{hovertext}<extra></extra>", marker=dict(
            colors=fill, line=dict(width=line_w, color=["#000000" if w > 1 else "#FFFFFF"
                                                        for w in line_w])),
        textfont=dict(size=15), tiling=dict(pad=3), pathbar=dict(textfont=dict(size=16))))
    n_added = int((cat["origin"] == "workshop").sum())
    note = _("; ★ {count} added in the workshop", count=_.number(n_added)) if n_added else ""
    fig.update_layout(margin=dict(l=10, r=10, t=80, b=10))
    return finish(fig, _("Service catalog: {count} services by category, basic (light) and "
                         "advanced (dark)", count=_.number(len(cat))) + note,
                  height=760)


def _services(_: Translator, count: int) -> str:
    return _.plural("{count} service", "{count} services", count)


def _service_hover(_: Translator, row: Any, added: bool) -> str:
    cost = _("cost {cost}", cost=_.number(row.cost)) if pd.notna(row.cost) else _("no cost")
    extra = "<br><i>★ " + _("added during the workshop") + "</i>" if added else ""
    return (f"<b>{esc(row.name)}</b> ({esc(row.service_id)})<br>{esc(row.category)} · "
            f"{esc(_(row.tier))} · {cost}<br>{esc_wrap(row.description, 60)}{extra}")

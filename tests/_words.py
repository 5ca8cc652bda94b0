"""What the language tests read: every word a widget shows, and the languages' shared words."""

from __future__ import annotations

import re

import ipywidgets as w

OTHERS = ["pt-BR", "es", "fr", "de"]
# words that are the same in English and that language (not English left behind)
SAME = {"pt-BR": set(), "es": set(), "fr": {"service", "services", "description", "aspect",
                                              "aspects", "part", "total", "pmo"},
        "de": {"name", "optional", "pmo", "filter", "rest"}}


def texts(widget: w.Widget) -> list[str]:
    """Every word on the panel: HTML, labels, placeholders, options, titles, tooltips."""
    found = []
    if isinstance(widget, w.HTML):
        found.append(re.sub(r"<style>.*?</style>|<[^>]+>", " ", widget.value, flags=re.S))
        found += re.findall(r'(?:title|aria-label)="([^"]*)"', widget.value)
    for attr in ("description", "placeholder", "tooltip"):
        found.append(str(getattr(widget, attr, "") or ""))
    if isinstance(widget, w.ToggleButtons | w.Dropdown | w.SelectMultiple):
        found += list(widget._options_labels)
    if isinstance(widget, w.ToggleButtons):
        found += list(widget.tooltips or ())
    if isinstance(widget, w.Accordion):
        found += [widget.get_title(i) or "" for i in range(len(widget.children))]
    for child in getattr(widget, "children", ()):
        found += texts(child)
    return found

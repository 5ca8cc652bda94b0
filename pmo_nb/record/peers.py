"""The record's optional section: what organisations like this one chose, for each of its
gaps whose group the benchmark shows (``pmo-nb record --benchmark SOURCE``).

Examples
--------
>>> gather(ws, Options()) is None  # no benchmark asked for: no section
True
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..analysis.benchmark import for_gaps
from ..i18n import N_, translator
from .html import Col, esc, table
from .options import Options

TITLE = N_("What organisations like yours chose")


def gather(ws: Any, options: Options) -> pd.DataFrame | None:
    """The section's table (see :func:`pmo_nb.analysis.benchmark.for_gaps`), compared
    with organisations like the workshop's profile; None without ``options.benchmark``."""
    if not options.benchmark:
        return None
    from ..session.benchmark import benchmark

    found = benchmark(options.benchmark, k=options.k, like=getattr(ws, "profile", None))
    return for_gaps(ws.gaps, ws.catalog, found, getattr(ws, "aspect_map", {}))


def section(peers: pd.DataFrame | None, language: str) -> str:
    """The section as HTML; empty when the record has no benchmark."""
    if peers is None:
        return ""
    _ = translator(language)
    cols = [Col("gap_id", "Gap", "id"), Col("aspect", "Aspect"), Col("size", "Size", "short"),
            Col("name", "Service"), Col("chose", "Chose", "number"),
            Col("organisations", "Organisations", "number"), Col("share", "Share", "percent")]
    note = _("Consenting organisations that had a gap of the same aspect and size, and how "
             "many of them chose each service; a group of fewer organisations than the "
             "benchmark's k is never shown, and no organisation is named.")
    return (f'<section id="peers"><h2>{esc(_(TITLE))}</h2><p class="note">{esc(note)}</p>'
            + table(peers, cols, empty=N_("No group of organisations like yours yet."), _=_)
            + "</section>")

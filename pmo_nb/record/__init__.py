"""The record of a workshop: one page for stakeholders, a workbook, the executed notebooks.

``pmo-nb record`` calls :func:`build_record`. The page is written in this process from
the session's facts (:mod:`.facts`, :mod:`.report`, :mod:`.html`), the workbook by
:mod:`.workbook`, and the notebooks run in one kernel (:mod:`.run`). From the same facts,
:func:`write_pdf` prints the page for A4 or letter paper (:mod:`.pdf`) and
:func:`write_deck` writes an editable PowerPoint deck (:mod:`.deck`).
"""

from __future__ import annotations

from typing import Any

from ..errors import RecordError
from .build import (
    DECK,
    NOTEBOOK_DIR,
    PAGE,
    PDF,
    RECORD_NOTEBOOKS,
    WORKBOOK,
    build_record,
    session_name,
)
from .options import DEFAULT_CURRENCY, Options

__all__ = ["DECK", "DEFAULT_CURRENCY", "NOTEBOOK_DIR", "PAGE", "PDF", "RECORD_NOTEBOOKS",
           "WORKBOOK", "Facts", "Options", "RecordError", "build_record", "gather",
           "session_name", "write_deck", "write_pdf"]


def __getattr__(name: str) -> Any:
    # the facts need plotly and scipy: loaded on first use, so `pmo-nb record` starts its
    # kernel before paying for them
    if name in ("Facts", "gather"):
        from . import facts

        return getattr(facts, name)
    if name == "write_pdf":
        from .pdf import write_pdf

        return write_pdf
    if name == "write_deck":
        from .deck import write_deck

        return write_deck
    raise AttributeError(f"module 'pmo_nb.record' has no attribute '{name}'")

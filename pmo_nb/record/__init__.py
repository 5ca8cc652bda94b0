"""The record of a workshop: one page for stakeholders, a workbook, the executed notebooks.

``pmo-nb record`` calls :func:`build_record`. The page is written in this process from
the session's facts (:mod:`.facts`, :mod:`.report`, :mod:`.html`), the workbook by
:mod:`.workbook`, and the notebooks run in one kernel (:mod:`.run`).
"""

from __future__ import annotations

from typing import Any

from ..errors import RecordError
from .build import NOTEBOOK_DIR, PAGE, RECORD_NOTEBOOKS, WORKBOOK, build_record, session_name
from .options import DEFAULT_CURRENCY, Options

__all__ = ["DEFAULT_CURRENCY", "NOTEBOOK_DIR", "PAGE", "RECORD_NOTEBOOKS", "WORKBOOK", "Facts",
           "Options", "RecordError", "build_record", "gather", "session_name"]


def __getattr__(name: str) -> Any:
    # the facts need plotly and scipy: loaded on first use, so `pmo-nb record` starts its
    # kernel before paying for them
    if name in ("Facts", "gather"):
        from . import facts

        return getattr(facts, name)
    raise AttributeError(f"module 'pmo_nb.record' has no attribute '{name}'")

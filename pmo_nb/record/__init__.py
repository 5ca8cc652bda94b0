"""The record of a workshop: one page for stakeholders, a workbook, the executed notebooks.

``pmo-nb record`` calls :func:`build_record`. The page is written in this process from
the session's facts (:mod:`.facts`, :mod:`.report`, :mod:`.html`), the workbook by
:mod:`.workbook`, and the notebooks run in one kernel (:mod:`.run`).
"""

from __future__ import annotations

from ..errors import RecordError
from .build import NOTEBOOK_DIR, PAGE, RECORD_NOTEBOOKS, WORKBOOK, build_record, session_name
from .facts import DEFAULT_CURRENCY, Facts, Options, gather

__all__ = ["DEFAULT_CURRENCY", "NOTEBOOK_DIR", "PAGE", "RECORD_NOTEBOOKS", "WORKBOOK", "Facts",
           "Options", "RecordError", "build_record", "gather", "session_name"]

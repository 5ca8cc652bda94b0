"""The shareable record of a workshop: executed notebooks, offline HTML, one workbook.

:func:`build_record` (:mod:`.build`) runs the notebooks headless and publishes the
record; :func:`to_html` (:mod:`.html`) turns an executed notebook into an offline page.
"""

from __future__ import annotations

from ..errors import RecordError
from .build import NOTEBOOK_DIR, RECORD_NOTEBOOKS, WORKBOOK, build_record
from .html import offline_figures, to_html

__all__ = ["NOTEBOOK_DIR", "RECORD_NOTEBOOKS", "WORKBOOK", "RecordError", "build_record",
           "offline_figures", "to_html"]

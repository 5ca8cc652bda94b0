"""pmo_nb: the PMO Planning workshop in Jupyter.

Map each gap of a customer organisation to the PMO products and services that can
close it, see the coverage, and choose what a budget buys.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .display import setup_notebook
from .errors import (
    DataError,
    InputFileError,
    PlanError,
    PmoError,
    PmoWarning,
    RecordError,
    SessionError,
    UnknownGapError,
    UnknownIdError,
    UnknownServiceError,
    UsageError,
    VoteError,
)
from .i18n import LANGUAGES
from .inputs.io import load_catalog, load_gaps
from .session.events import Change

if TYPE_CHECKING:
    from .app.room import open_room
    from .app.start import open_follow_up, open_workshop
    from .session.benchmark import benchmark
    from .session.participant import Participant
    from .session.workshop import Workshop
    from .store import list_workshops


__all__ = [
    "Change",
    "DataError",
    "InputFileError",
    "LANGUAGES",
    "Participant",
    "PlanError",
    "PmoError",
    "PmoWarning",
    "RecordError",
    "SessionError",
    "UnknownGapError",
    "UnknownIdError",
    "UnknownServiceError",
    "UsageError",
    "VoteError",
    "Workshop",
    "benchmark",
    "load_catalog",
    "load_gaps",
    "open_follow_up",
    "open_room",
    "open_workshop",
    "list_workshops",
    "plan",
    "plots",
    "record",
    "setup_notebook",
    "ui",
    "views",
    "votes",
]
__version__ = "0.1.0"

# name -> module, loaded on first use; ``pmo_nb.io``, ``pmo_nb.views`` and ``pmo_nb.votes``
# keep their former names (messages say ``pmo_nb.io.MAX_ROWS``; see CHANGELOG.md)
_LAZY_MODULES = {"plan": "plan", "plots": "plots", "record": "record", "ui": "ui",
                 "io": "inputs.io", "views": "session.views", "votes": "analysis.votes"}
# the session (sqlite3, the stores) loads on first use
_LAZY_NAMES = {"Workshop": "session.workshop", "Participant": "session.participant",
               "open_workshop": "app.start", "open_follow_up": "app.start",
               "list_workshops": "store", "open_room": "app.room",
               "benchmark": "session.benchmark"}


def __getattr__(name: str) -> Any:
    # scipy, plotly, ipywidgets, nbconvert and the session load on first use:
    # `import pmo_nb` stays fast.
    if name in _LAZY_MODULES:
        return importlib.import_module(f".{_LAZY_MODULES[name]}", __name__)
    if name in _LAZY_NAMES:
        value = getattr(importlib.import_module(f".{_LAZY_NAMES[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'pmo_nb' has no attribute '{name}'")

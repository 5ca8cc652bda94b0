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
from .events import Change
from .io import load_catalog, load_gaps

if TYPE_CHECKING:
    from .participant import Participant
    from .start import open_workshop
    from .store import list_workshops
    from .workshop import Workshop


__all__ = [
    "Change",
    "DataError",
    "InputFileError",
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
    "load_catalog",
    "load_gaps",
    "open_workshop",
    "list_workshops",
    "plan",
    "plots",
    "record",
    "setup_notebook",
    "ui",
    "views",
    "votes",
    "widgets",
]
__version__ = "0.1.0"

_LAZY_MODULES = {"plan", "plots", "record", "ui", "views", "votes", "widgets"}
# the session (sqlite3, the stores) loads on first use
_LAZY_NAMES = {"Workshop": "workshop", "Participant": "participant", "open_workshop": "start",
               "list_workshops": "store"}


def __getattr__(name: str) -> Any:
    # scipy, plotly, ipywidgets, nbconvert and the session load on first use:
    # `import pmo_nb` stays fast.
    if name in _LAZY_MODULES:
        return importlib.import_module(f".{name}", __name__)
    if name in _LAZY_NAMES:
        value = getattr(importlib.import_module(f".{_LAZY_NAMES[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'pmo_nb' has no attribute '{name}'")

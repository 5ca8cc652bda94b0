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
    PmoError,
    SessionError,
    UnknownGapError,
    UnknownIdError,
    UnknownServiceError,
)
from .io import load_catalog, load_gaps

if TYPE_CHECKING:
    from .workshop import Workshop

__all__ = [
    "DataError",
    "PmoError",
    "SessionError",
    "UnknownGapError",
    "UnknownIdError",
    "UnknownServiceError",
    "Workshop",
    "load_catalog",
    "load_gaps",
    "plan",
    "plots",
    "setup_notebook",
    "widgets",
]
__version__ = "0.1.0"

_LAZY_MODULES = {"plan", "plots", "widgets", "record"}
_LAZY_NAMES = {"Workshop": "workshop"}  # the session (sqlite3, store) loads on first use


def __getattr__(name: str) -> Any:
    # scipy, plotly, ipywidgets and the session load on first use: `import pmo_nb` stays fast.
    if name in _LAZY_MODULES:
        return importlib.import_module(f".{name}", __name__)
    if name in _LAZY_NAMES:
        value = getattr(importlib.import_module(f".{_LAZY_NAMES[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'pmo_nb' has no attribute '{name}'")

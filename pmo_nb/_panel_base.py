"""What every pmo_nb panel shares: the workshop, the status line, the error guard, and the
list of live panels that are redrawn after each change."""

from __future__ import annotations

import logging
import time
import weakref
from collections.abc import Callable

import ipywidgets as w

from . import _panel_html as h
from .errors import PmoError
from .workshop import Workshop

log = logging.getLogger(__name__)
# The newest panel of each kind per workshop: redrawn after every change. (Panels shown by an
# earlier run of a cell stay alive in the kernel; they resync when used, not on every click.)
_LIVE: weakref.WeakValueDictionary = weakref.WeakValueDictionary()


class _Note(str):
    """A callback's result that saved nothing (shown grey, without "saved ✓")."""


class _Panel:
    """What every panel shares: the workshop, the status line, the error guard."""

    plain = "pmo_nb panel"
    _syncing = False

    def __init__(self, ws: Workshop):
        self.ws = ws
        self.status = w.HTML()
        self.widget: w.Box = w.VBox()
        _LIVE[type(self), id(ws)] = self

    def refresh(self) -> None:
        raise NotImplementedError

    def _run(self, action: Callable[[], str]) -> None:
        """Do ``action`` (a change), show its result or error, then redraw from the session."""
        try:
            done = action()
        except Exception as exc:  # a traceback must never reach the projector
            self._show_error(exc)
        else:
            saved = not isinstance(done, _Note)
            self.status.value = h.saved(time.strftime("%H:%M:%S"), done) if saved \
                else h.info(done)
        for panel in [p for p in list(_LIVE.values()) if p.ws is self.ws]:
            panel._safe(panel.refresh)

    def _safe(self, view: Callable[[], object]) -> None:
        """Run a view update; an error shows in the status line instead of a traceback."""
        try:
            view()
        except Exception as exc:
            self._show_error(exc)

    def _show_error(self, exc: Exception) -> None:
        if not isinstance(exc, PmoError | ValueError | KeyError):
            log.exception("pmo_nb panel")
        text = str(exc) if isinstance(exc, PmoError | ValueError | KeyError) \
            else f"Unexpected {type(exc).__name__}: {exc}"
        self.status.value = h.error(text)

    def _repr_mimebundle_(self, **kwargs: object) -> dict:
        data = self.widget._repr_mimebundle_(**kwargs)
        data["text/plain"] = self.plain  # stable, and readable where widgets do not render
        return data

    def _sync(self) -> _Syncing:
        return _Syncing(self)


class _Syncing:
    """Values the panel sets itself do not count as someone's choice."""

    def __init__(self, panel: _Panel):
        self.panel = panel

    def __enter__(self) -> None:
        self.before, self.panel._syncing = self.panel._syncing, True

    def __exit__(self, *exc: object) -> None:
        self.panel._syncing = self.before

"""What every pmo_nb panel shares: the workshop, the status line, the error guard, and
redrawing when the session changes (the workshop's change events)."""

from __future__ import annotations

import logging
import os
import re
import time
from collections.abc import Callable

import ipywidgets as w

from ..errors import PmoError
from ..i18n import N_, Translator, translator
from ..session.events import Change
from . import html as h

log = logging.getLogger(__name__)
# Set in the record's kernel (pmo_nb.record.run): no frontend will ever show a panel there
# and the executed notebooks keep no widget state, so a panel is its line of text only
# (building the four record panels' widgets was half of a record's notebook time).
STATIC_ENV = "PMO_NB_STATIC_PANELS"


# what ``ws.undo()`` names (a history step's action), in the panels' words
ACTIONS = {a: a for a in (
    N_("add gap"), N_("add service"), N_("adopt vote"), N_("assign"), N_("ballot"),
    N_("close vote"), N_("hand over"), N_("import assignments"), N_("import deliveries"),
    N_("import reassessment"), N_("join"), N_("map aspect"), N_("open vote"), N_("reassess"),
    N_("remove participant"), N_("reveal vote"), N_("set assessment date"),
    N_("set benchmark consent"), N_("set delivery"), N_("set language"), N_("set profile"),
    N_("set title"), N_("set weights"),
    N_("take back"), N_("unassign"), N_("update gap"), N_("update service"))}

class Note(str):
    """A callback's result that saved nothing (shown grey, without "saved ✓")."""


class Panel:
    """The workshop, the status line, the error guard; redraws on the workshop's changes.

    A panel subscribes under its class name: showing the same kind of panel again (a
    re-run cell) replaces the earlier one, which stops redrawing.
    """

    plain = "pmo_nb panel"
    _syncing = False
    _: Translator = translator("en")  # the panel's own language (the workshop's)

    def __new__(cls, *args: object, **kwargs: object) -> Panel:
        if os.environ.get(STATIC_ENV) == "1":
            return Static(cls, args[0] if args else kwargs.get("ws"))  # type: ignore
        return super().__new__(cls)

    def __init__(self, ws: object):
        self.ws = ws
        self._ = translator(getattr(ws, "language", None))
        self.status = w.HTML()
        self.widget: w.Box = w.VBox()
        ws.subscribe(self._changed, key=type(self).__name__)

    def refresh(self) -> None:
        raise NotImplementedError

    # the tables this panel shows: a change elsewhere (a participant's ballot) redraws it
    # only when it touches one of them
    watches: frozenset[str] = frozenset({"gaps", "catalog", "assignments", "settings"})

    def _changed(self, change: Change) -> None:
        """The session changed (here or elsewhere): redraw from it if it shows what moved."""
        if change.tables & self.watches:
            self._safe(self.refresh)

    def _run(self, action: Callable[[], str | None], status: w.HTML | None = None) -> None:
        """Do ``action`` (a change) and show its result or error in ``status`` (default: the
        panel's status line). A saved change redraws every panel through the workshop's
        change event; after an error this panel redraws from the session, so a tick that
        was refused does not stay ticked. An action that returns None did nothing (a
        control that may not act now): the status stays as it was."""
        status = status or self.status
        try:
            done = action()
        except Exception as exc:  # a traceback must never reach the projector
            self._show_error(exc, status)
            self._safe(self.refresh, status)
            return
        if done is None:
            return
        saved = not isinstance(done, Note)
        status.value = (h.saved(time.strftime("%H:%M:%S"), done, self._("saved"))
                        if saved else h.info(done))

    def _reload(self) -> Note:
        """Look for other handles' changes (their event redraws); else redraw anyway."""
        if not self.ws.poll():
            self.refresh()
        return Note(self._("Up to date with the session."))

    def _safe(self, view: Callable[[], object], status: w.HTML | None = None) -> None:
        """Run a view update; an error shows in the status line instead of a traceback."""
        try:
            view()
        except Exception as exc:
            self._show_error(exc, status)

    def _show_error(self, exc: Exception, status: w.HTML | None = None) -> None:
        if not isinstance(exc, PmoError):
            log.exception("pmo_nb panel")
        text = str(exc) if isinstance(exc, PmoError) \
            else f"Unexpected {type(exc).__name__}: {exc}"
        (status or self.status).value = h.error(text)

    def _repr_mimebundle_(self, **kwargs: object) -> dict:
        data = self.widget._repr_mimebundle_(**kwargs)
        data["text/plain"] = self.plain  # stable, and readable where widgets do not render
        return data

    def _sync(self) -> _Syncing:
        return _Syncing(self)


class Static:
    """A panel where nothing can run it (a record): what it is, in one line of text."""

    def __init__(self, kind: type, ws: object):
        words = re.findall(r"[A-Z][a-z]*", kind.__name__)
        what = " ".join([words[0], *(w.lower() for w in words[1:])]) if words else "Panel"
        label = getattr(ws, "label", "")
        self.plain = (f"{what}{f' on {label!r}' if label else ''}: interactive with a running "
                      "kernel (a record has none; the tables and figures below show the "
                      "state at run time).")

    def __repr__(self) -> str:
        return self.plain

    def _repr_mimebundle_(self, **kwargs: object) -> dict:
        return {"text/plain": self.plain}


class _Syncing:
    """Values the panel sets itself do not count as someone's choice."""

    def __init__(self, panel: Panel):
        self.panel = panel

    def __enter__(self) -> None:
        self.panel._syncing, self.before = True, self.panel._syncing

    def __exit__(self, *exc: object) -> None:
        self.panel._syncing = self.before

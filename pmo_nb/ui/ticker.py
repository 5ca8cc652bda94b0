"""A timer in the kernel that runs only while a panel is on someone's screen.

The votes panel and the participant page must see other people's ballots within a
second or two, with no click. A :class:`Ticker` runs ``tick`` every ``interval``
seconds as an asyncio task on the kernel's own event loop (so it runs between cell
executions, on the kernel's thread: no locking around the session). It starts when
the frontend shows the widget (ipywidgets counts the views of a model in
``_view_count``) and stops when the last view goes or the widget is closed. A headless
run (nbval, papermill) has no frontend and no view, so nothing ever ticks there.

In a Voilà kernel it starts at once: Voilà's progressive rendering (how ``make app``
runs) shows the widget without ever counting the view, and a Voilà kernel lives only
as long as its page.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable

import ipywidgets as w

log = logging.getLogger(__name__)
VOILA_KERNEL = "VOILA_KERNEL_ID"  # set by Voilà in the kernels it starts for its pages


class Ticker:
    """Call ``tick()`` every ``interval`` seconds while ``widget`` is displayed.

    Examples
    --------
    >>> import ipywidgets as w
    >>> calls = []
    >>> ticker = Ticker(w.HTML(), lambda: calls.append(1), interval=1.0)
    >>> ticker.running, ticker.start()  # outside a kernel's event loop: never starts
    (False, False)
    """

    def __init__(self, widget: w.Widget, tick: Callable[[], object], interval: float = 1.0):
        self.widget, self.interval = widget, interval
        self._tick = tick
        self._task: asyncio.Task | None = None
        widget._view_count = 0  # ask the frontend to count the views of this widget
        widget.observe(self._views, "_view_count")
        if VOILA_KERNEL in os.environ:
            self.start()

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def _views(self, change: dict) -> None:
        if change["new"]:
            self.start()
        else:
            self.stop()

    def start(self) -> bool:
        """Start ticking on the running event loop; False when there is none (no kernel)."""
        if self.running:
            return True
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return False
        self._task = loop.create_task(self._run())
        return True

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            if self.widget.comm is None:  # the widget was closed
                self._task = None
                return
            try:
                self._tick()
            except Exception:  # a failed refresh must not stop the next one
                log.exception("pmo_nb: a periodic refresh failed")

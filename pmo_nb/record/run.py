"""Executing the record notebooks: parameters injected (papermill's way), one kernel for all.

One kernel runs every notebook in turn (its namespace cleared and its cell numbers reset
to 1 before each, so each reads as if run alone): the kernel start and the imports are
paid once, not once per notebook (about 3 s each), and they overlap with the page being
written. Figures stay plotly JSON (small notebooks); widget state is not stored (it
would hold plotly.js per widget), so the panels are not built at all: each shows its
line of text (:class:`pmo_nb.ui.base.Static`).
"""

from __future__ import annotations

import asyncio
import os
import queue
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from ..display import RENDERER_ENV
from ..errors import RecordError

if TYPE_CHECKING:
    import nbformat

KERNEL = "python3"
STATIC_PANELS = "PMO_NB_STATIC_PANELS"  # pmo_nb.ui.base.STATIC_ENV: panels as text only
RECORD_RENDERER = "plotly_mimetype"  # small .ipynb; the stakeholders' page draws its own
TIMEOUT = 600  # seconds a cell may take
_QUIET = ["--IPKernelApp.log_level=CRITICAL"]  # no kernel start/stop chatter
_RESET = "get_ipython().reset(new_session=False)\nget_ipython().execution_count = 1"
# plotly.io and papermill import nbformat, hence jsonschema, which imports rfc3987_syntax
# when it is installed (Jupyter's own dependencies bring it): that builds a Lark parser at
# import, 1.5 s in the kernel and 1.5 s in `pmo-nb record` itself, both on the critical
# path. Nothing a record does checks IRI formats (jsonschema skips the check without it).
SLOW_OPTIONAL = "rfc3987_syntax"
# what the record notebooks import, loaded while the page is written (a warm kernel)
_WARM = (f"import sys\nsys.modules.setdefault({SLOW_OPTIONAL!r}, None)\n"
         "import pmo_nb, pmo_nb.plan, pmo_nb.plots, pmo_nb.ui\npmo_nb.setup_notebook()")


def skip_slow_optional_imports() -> None:
    """In a process that makes records only (``pmo-nb record``, its kernel): leave out
    :data:`SLOW_OPTIONAL`, an optional import nothing here uses."""
    sys.modules.setdefault(SLOW_OPTIONAL, None)


def declared(path: Path) -> set[str]:
    """The parameter names a notebook declares in its ``parameters`` cell."""
    import papermill as pm

    return set(pm.inspect_notebook(str(path)))


def parameterize(path: Path, params: dict[str, object]) -> nbformat.NotebookNode:
    """The notebook with the parameters it declares injected after its ``parameters`` cell."""
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    nb = load_notebook_node(str(path))  # papermill's reading: every cell gets its tags list
    given = {k: v for k, v in params.items() if k in declared(path)}
    return parameterize_notebook(nb, given, kernel_name=KERNEL, language="python")


class Runner(threading.Thread):
    """Runs the record notebooks in one kernel, in a thread, beside the page being written.

    The kernel starts at once, in a private copy of the notebooks' folder, and imports
    what the notebooks use (silently: nothing is recorded, the namespace is cleared after)
    while the caller computes the record's facts. :meth:`give` hands over the parameters
    and the folder for the executed notebooks; :meth:`cancel` stops without running any.
    :meth:`check` re-raises, in the caller's thread, whatever failed.
    """

    def __init__(self, notebooks: Sequence[Path], log: TextIO, start: float,
                 env: dict[str, str] | None = None):
        super().__init__(name="pmo_nb-record-notebooks", daemon=True)
        self.notebooks, self.log, self.start_time = list(notebooks), log, start
        self.env = dict(env or {})  # e.g. PGPASSWORD: the kernel's, never a parameter
        self.error: BaseException | None = None
        self._jobs: queue.Queue[tuple[dict, Path] | None] = queue.Queue()

    def give(self, params: dict[str, object], folder: Path) -> None:
        self._jobs.put((params, folder))

    def cancel(self) -> None:
        self._jobs.put(None)

    def check(self) -> None:
        if self.error is not None:
            raise self.error

    def run(self) -> None:
        if not self.notebooks:
            return
        try:
            with tempfile.TemporaryDirectory(prefix="pmo_nb-record-") as tmp:
                work = Path(tmp) / "notebooks"
                shutil.copytree(self.notebooks[0].parent, work, ignore=shutil.ignore_patterns(
                    ".ipynb_checkpoints", "*.sqlite*"))
                asyncio.run(self._main(work))
        except BaseException as exc:  # re-raised in the caller's thread by check()
            self.error = exc

    async def _main(self, work: Path) -> None:
        from jupyter_client.manager import AsyncKernelManager

        km = AsyncKernelManager(kernel_name=KERNEL)
        env = {**os.environ, RENDERER_ENV: RECORD_RENDERER, STATIC_PANELS: "1", **self.env}
        await km.start_kernel(cwd=str(work), env=env, extra_arguments=_QUIET)
        kc = km.client()
        kc.start_channels()
        # the parameters go in (papermill's import: 0.4 s) while the kernel starts
        ready = asyncio.create_task(asyncio.to_thread(self._prepare, work))
        try:
            await kc.wait_for_ready(timeout=TIMEOUT)
            self._say("kernel started")
            await _silently(kc, _WARM)
            self._say("kernel: pmo_nb imported")
            job = await ready
            if job is not None:
                await self._execute_all(km, kc, work, *job)
        finally:
            ready.cancel()
            kc.stop_channels()
            await km.shutdown_kernel(now=True)

    def _prepare(self, work: Path) -> tuple[list, Path] | None:
        """The notebooks with their parameters in, once given (None: cancelled)."""
        import papermill  # noqa: F401  (loaded while waiting for the parameters)

        job = self._jobs.get()
        if job is None:
            return None
        params, folder = job
        return [parameterize(work / path.name, params) for path in self.notebooks], folder

    async def _execute_all(self, km: object, kc: object, work: Path, nbs: list,
                           folder: Path) -> None:
        import nbformat

        folder.mkdir()
        for i, (path, nb) in enumerate(zip(self.notebooks, nbs, strict=True), start=1):
            await _silently(kc, _RESET)  # a clean namespace, cells numbered from 1
            await _execute(km, kc, path.stem, nb, work)
            nbformat.write(nb, folder / path.name)
            self._say(f"[{i}/{len(self.notebooks)}] {path.name}")

    def _say(self, step: str) -> None:
        """One line of progress: the step done, and the time since the record started."""
        print(f"{step} ({time.perf_counter() - self.start_time:.1f} s)", file=self.log,
              flush=True)


async def _silently(kc: object, code: str) -> None:
    """Run ``code`` in the kernel without recording it (no cell number, no history)."""
    await kc.execute_interactive(code, silent=True, store_history=False,  # type: ignore
                                 timeout=TIMEOUT)


async def _execute(km: object, kc: object, name: str, nb: nbformat.NotebookNode,
                   cwd: Path) -> None:
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    client = NotebookClient(nb, km=km, timeout=TIMEOUT, kernel_name=KERNEL,
                            record_timing=False, store_widget_state=False,
                            resources={"metadata": {"path": str(cwd)}})
    client.kc = kc  # the kernel's one client: no new channels per notebook
    try:
        await client.async_execute()
    except CellExecutionError as exc:
        raise _failure(name, nb, exc) from None


def _failure(name: str, nb: nbformat.NotebookNode, exc: Exception) -> RecordError:
    """``notebook 'x.ipynb' failed at In [3] (1 / 0): ZeroDivisionError: division by zero``."""
    for cell in nb.cells:
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        if errors:
            line = (cell.source.strip().splitlines() or [""])[0][:60]
            return RecordError(f"notebook '{name}.ipynb' failed at In [{cell.execution_count}] "
                               f"({line}): {errors[0].ename}: {errors[0].evalue}")
    return RecordError(f"notebook '{name}.ipynb' failed: {getattr(exc, 'ename', '')}: "
                       f"{getattr(exc, 'evalue', exc)}")

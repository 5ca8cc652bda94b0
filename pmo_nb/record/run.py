"""Executing the record notebooks: parameters injected (papermill's way), one kernel for all.

One kernel runs every notebook in turn (its namespace cleared and its cell numbers reset
to 1 between notebooks, so each reads as if run alone): the imports and plotly's first
figure are paid once, not once per notebook (about 3 s each). Figures stay plotly JSON
(small notebooks); widget state is not stored (it would hold plotly.js per widget).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Sequence
from pathlib import Path

import nbformat

from ..display import RENDERER_ENV
from ..errors import RecordError

KERNEL = "python3"
RECORD_RENDERER = "plotly_mimetype"  # small .ipynb; the stakeholders' page draws its own
TIMEOUT = 600  # seconds a cell may take
_QUIET = ["--IPKernelApp.log_level=CRITICAL"]  # no kernel start/stop chatter
_RESET = "get_ipython().reset(new_session=False)\nget_ipython().execution_count = 1"


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


def execute_all(notebooks: Sequence[tuple[str, nbformat.NotebookNode]], cwd: Path,
                done: Callable[[str, nbformat.NotebookNode], None]) -> None:
    """Run each ``(name, notebook)`` in one kernel started in ``cwd``; ``done(name, nb)``
    after each. A failing cell raises :class:`RecordError` naming notebook, cell and error."""
    asyncio.run(_execute_all(notebooks, cwd, done))


async def _execute_all(notebooks: Sequence[tuple[str, nbformat.NotebookNode]], cwd: Path,
                       done: Callable[[str, nbformat.NotebookNode], None]) -> None:
    from jupyter_client.manager import AsyncKernelManager

    km = AsyncKernelManager(kernel_name=KERNEL)
    env = {**os.environ, RENDERER_ENV: RECORD_RENDERER}
    await km.start_kernel(cwd=str(cwd), env=env, extra_arguments=_QUIET)
    kc = km.client()
    kc.start_channels()
    try:
        await kc.wait_for_ready(timeout=TIMEOUT)
        for i, (name, nb) in enumerate(notebooks):
            if i:  # a clean namespace, cells numbered from 1 again; nothing recorded
                await kc.execute_interactive(_RESET, silent=True, store_history=False,
                                             timeout=TIMEOUT)
            await _execute(km, kc, name, nb, cwd)
            done(name, nb)
    finally:
        kc.stop_channels()
        await km.shutdown_kernel(now=True)


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

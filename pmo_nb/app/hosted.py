"""``pmo-nb new FOLDER --session URL``: a folder whose notebooks open a hosted workshop.

On a hub, a workshop lives in the team's PostgreSQL and several people open it: the
facilitator who started it, a co-facilitator, the analysts. Each of them makes their own
folder for it; its notebooks' ``session_path`` is the workshop's URL (no password: the
hub's ``PG*`` variables give it), and no customer file is copied: the workshop already
holds its gaps and catalog. (A workshop that does not exist yet is started with
``--gaps`` too: :func:`pmo_nb.app.folder.new_folder` with ``session=``.)
"""

from __future__ import annotations

import os
from pathlib import Path

import nbformat

from .. import resources as _resources
from ..store import require_url
from .folder import FOLLOW_UP_ONLY, _check_target, check_hosted, customer_notebook, staged


def new_hosted_folder(folder: str | os.PathLike, session: str) -> Path:
    """Make ``folder`` with the notebooks opening the existing hosted workshop ``session``.

    Raises
    ------
    UsageError
        ``folder`` is not empty, or ``session`` is not a workshop URL without a password.
    SessionError
        The database does not answer, or has no such workshop (then give ``--gaps`` to
        start it); nothing is made.
    """
    folder = Path(folder)
    check_hosted(session)
    _check_target(folder)
    require_url(session)
    values = {"session_path": session, "gaps_path": None, "catalog_path": None,
              "assignments_path": None, "sample": False}
    with staged(folder) as staging:
        (staging / "runs").mkdir()
        for template in sorted(_resources.notebook_dir().glob("*.ipynb")):
            if template.stem not in FOLLOW_UP_ONLY:
                nbformat.write(customer_notebook(template, values), staging / template.name)
        (staging / "README.md").write_text(README.format(session=session), encoding="utf-8")
    return folder


README = """# A hosted workshop

Made by `pmo-nb new --session`: these notebooks open the workshop `{session}`, which
lives in the team's PostgreSQL (the hub gives every server its address and password).
Everyone who opens it sees every change at once; run everything from this folder.

- `workshop.ipynb`: the facilitator's panel (an analyst's read-only role only reads).
- `coverage.ipynb`, `prioritize.ipynb`: what is covered, what a budget buys.
- The room's phones: `pmo-nb room {session}` prints the join link (the facilitator's).
- The record: `pmo-nb record --session "{session}" --out record`.
"""

"""``pmo_nb.benchmark``: what consenting organisations chose, per catalog aspect and gap
size, read from a PostgreSQL database or a folder of SQLite sessions.

The counting, the consent, the one-count-per-organisation and the k rule are the store's
query (:mod:`pmo_nb.store.benchmark`); this names the aspects and adds the share
(:mod:`pmo_nb.analysis.benchmark`). A workshop takes part once it has a profile and its
consent (:meth:`~pmo_nb.Workshop.set_profile`, :meth:`~pmo_nb.Workshop.set_benchmark_consent`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import pandas as pd

from ..analysis import benchmark as bench
from ..store import benchmark_choices


def benchmark(source: str | os.PathLike, k: int = 5,
              like: Mapping[str, str] | None = None) -> pd.DataFrame:
    """What consenting organisations chose: aspect, size, service_id, organisations (that
    had such a gap), chose (how many of them chose the service), share.

    ``source``: a ``postgresql://`` URL (every workshop in the database) or a folder of
    ``.sqlite`` sessions. A group of fewer than ``k`` organisations is never returned;
    ``k`` below 3 is refused (:class:`pmo_nb.DataError`). ``like``: a profile (e.g.
    ``ws.profile``) to compare with organisations of the same sector and size band only
    (blank fields ignored; the organisation it names is not its own peer).

    Examples
    --------
    >>> import pmo_nb, tempfile
    >>> folder = tempfile.mkdtemp()
    >>> for n in range(3):
    ...     ws = pmo_nb.open_workshop(f"{folder}/org{n}.sqlite", sample=True)
    ...     ws.set_profile(f"Organisation {n}", "Insurance", "1000-5000")
    ...     ws.set_benchmark_consent(True)
    >>> table = pmo_nb.benchmark(folder, k=3)
    >>> table.head(1)[["aspect", "size", "organisations", "chose", "share"]].values.tolist()
    [['Governance process', 'H', 3, 3, 1.0]]
    >>> pmo_nb.benchmark(folder, k=4).empty  # three organisations: under k, nothing
    True
    """
    counts = benchmark_choices(os.fspath(source), k, like)
    return bench.table(counts, k=k, like=like is not None)

"""What peers chose, for the phones: ``pmo-nb serve SESSION --benchmark SOURCE``.

The server reads the benchmark once (:func:`room_benchmark`, compared with organisations
like the workshop's own profile when it has one) and every phone's page shows it next to
the suggested services; it reaches the pages through the environment, like the session.
"""

from __future__ import annotations

import functools
import os

import pandas as pd

BENCHMARK_ENV, K_ENV = "PMO_NB_BENCHMARK", "PMO_NB_BENCHMARK_K"


@functools.lru_cache(maxsize=4)
def room_benchmark(session: str) -> pd.DataFrame | None:
    """The benchmark the server was started with (``PMO_NB_BENCHMARK``, k from
    ``PMO_NB_BENCHMARK_K``, default 5), like the workshop's profile; None without one."""
    source = os.environ.get(BENCHMARK_ENV)
    if not source:
        return None
    from ..session.benchmark import benchmark
    from ..session.workshop import Workshop

    with Workshop.open(session) as ws:
        like = ws.profile
    return benchmark(source, k=int(os.environ.get(K_ENV) or 5), like=like)

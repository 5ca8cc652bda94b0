"""How many examples a property test draws: bounded in ``make test``, more in
``make test-random`` (``PMO_NB_EXAMPLES``, a factor; the profiles are in ../conftest.py)."""

from __future__ import annotations

import os

SCALE = float(os.environ.get("PMO_NB_EXAMPLES", "1"))


def examples(n: int) -> int:
    """``n`` examples, times the run's factor."""
    return max(1, round(n * SCALE))

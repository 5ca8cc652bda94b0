"""What the person making the record chose: the ``pmo-nb record`` options, checked nowhere
else than by the functions that use them (:func:`pmo_nb.plan.select_services`)."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_CURRENCY = "k$"


@dataclass(frozen=True)
class Options:
    """What the person making the record chose (``pmo-nb record`` options).

    ``budget`` None: every candidate service (the plan is then the whole candidate list,
    less what adds nothing). ``wave_budget`` None: a third of the plan's cost.
    """

    title: str | None = None
    budget: float | None = None
    wave_budget: float | None = None
    must: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    currency: str = DEFAULT_CURRENCY
    language: str | None = None  # the record's language; None: the workshop's
    benchmark: str | None = None  # a source of pmo_nb.benchmark: what peers chose (optional)
    k: int = 5  # the benchmark's smallest group

"""A plan: the services chosen within a budget, what they are worth, how sure we are.

:func:`~pmo_nb.plan.select_services` and :func:`~pmo_nb.plan.greedy_services` return one;
:mod:`.words` says it in words. Nothing here imports the rest of the package.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True, eq=False)
class Plan:
    """A set of services within a budget, its value and how sure we are it is the best.

    ``services``: the chosen catalog rows (catalog order) with ``must``, ``last_wave`` (a
    follow-up's status of a service from the last wave, else ``""``), ``n_gaps`` and
    ``gap_ids`` (gaps served, handed-over ones left out), ``standalone_value`` (its
    value alone) and ``unique_value`` (value lost if it alone were dropped).
    ``gaps``: one row per gap: ``gap_id, aspect, weight, handed_over,
    best_contribution, value, service_ids`` (chosen services serving it).
    ``optimality_gap`` is the relative distance to the proven upper ``bound`` (0.0 when
    ``optimal``; NaN for the greedy baseline, which proves nothing); ``gap`` is the same
    number under its former name (the public API's ``plan.gap``), not to be confused with
    ``gaps``, the table of the organisation's gaps.
    """

    budget: float
    services: pd.DataFrame
    cost: float
    covered_weight: float
    total_weight: float
    optimal: bool
    optimality_gap: float
    gaps: pd.DataFrame
    bound: float = math.nan
    method: str = "milp"

    @property
    def gap(self) -> float:
        """Alias of :attr:`optimality_gap` (the public API's name, kept)."""
        return self.optimality_gap

    @property
    def covered_share(self) -> float:
        """``covered_weight / total_weight`` (NaN when no gap counts)."""
        return self.covered_weight / self.total_weight if self.total_weight else math.nan

    def __repr__(self) -> str:
        proof = ("optimal" if self.optimal else "not proven" if math.isnan(self.optimality_gap)
                 else f"gap {self.optimality_gap:.2%}")
        return (f"Plan(budget={self.budget:g}, cost={self.cost:g}, {len(self.services)} "
                f"services, covered {self.covered_weight:g} of {self.total_weight:g}, "
                f"{self.method}, {proof})")

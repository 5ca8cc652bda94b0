"""HiGHS through highspy, its makers' Python binding: a MILP or an LP from arrays.

Why not scipy's ``milp``/``linprog`` (HiGHS too): an LP re-solved after a bound change
starts from its last basis here (probing, :mod:`pmo_nb._reduce`), a MILP can start from a
known plan, and HiGHS's own options are set without warnings. The LPs run without
presolve (their duals and basis are read back); the MILPs with it (see
:mod:`pmo_nb.plan._milp`).
"""

from __future__ import annotations

import ctypes
import functools
import os
import sys
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csc_array, csr_array

# We always pass a start (greedy or better); HiGHS's own searches for a first plan cost
# more than they find here (the 120 x 80 frontier: 4.3 s -> 2.9 s).
MIP_OPTIONS: dict[str, object] = {
    "mip_heuristic_run_feasibility_jump": False, "mip_heuristic_run_root_reduced_cost": False,
    "mip_heuristic_run_rens": False, "mip_heuristic_run_rins": False,
    # HiGHS's MIP presolve (the LPs keep it off: their duals are read back): the exact
    # frontier of 120 x 80 in 1.44 s instead of 1.90 s, 300 x 120 in 7.0 s instead of 10.0 s
    "presolve": "on"}


@functools.cache
def _highspy() -> object:
    """highspy, loaded with the first plan (`import pmo_nb` stays light). HiGHS 1.16
    prints a banner on the process's stdout when its first model is made; in a notebook
    that would land in a cell's output, so the first model is made with stdout closed."""
    import highspy

    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 1)
            highspy.Highs()
            ctypes.CDLL(None).fflush(None)  # what C++ buffered goes to /dev/null too
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    return highspy


@dataclass(frozen=True)
class Result:
    """``x`` (None when HiGHS found no solution), ``proven`` (optimal), the dual bound."""

    x: np.ndarray | None
    proven: bool
    infeasible: bool
    dual_bound: float
    message: str


def model(cost: np.ndarray, a: csr_array, row_lo: np.ndarray, row_hi: np.ndarray,
          lo: np.ndarray, hi: np.ndarray, integer: int = 0, **options):
    """A ``highspy.Highs`` holding ``min cost.z``, ``row_lo <= A z <= row_hi``,
    ``lo <= z <= hi``, the first ``integer`` columns integral."""
    highspy = _highspy()
    h = highspy.Highs()
    for option, value in {"output_flag": False, "presolve": "off", **options}.items():
        h.setOptionValue(option, value)
    cols, inf = csc_array(a), highspy.kHighsInf
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = a.shape[1], a.shape[0]
    lp.col_cost_, lp.col_lower_, lp.col_upper_ = cost, lo, hi
    lp.row_lower_ = np.where(np.isfinite(row_lo), row_lo, -inf)
    lp.row_upper_ = np.where(np.isfinite(row_hi), row_hi, inf)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_ = (
        cols.indptr, cols.indices, cols.data)
    if integer:
        kinds = [highspy.HighsVarType.kInteger] * integer
        lp.integrality_ = kinds + [highspy.HighsVarType.kContinuous] * (a.shape[1] - integer)
    h.passModel(lp)
    return h


def mip(cost: np.ndarray, a: csr_array, row_lo: np.ndarray, row_hi: np.ndarray,
        lo: np.ndarray, integer: int, time_limit: float, rel_gap: float = 0.0,
        start: np.ndarray | None = None, abs_gap: float = 1e-6,
        presolve: str | None = None) -> Result:
    """Solve ``min cost.z`` (columns in [lo, 1]) within ``time_limit``; ``start``: a plan.

    The solution HiGHS hands back is checked against the objective it reports: with its
    MIP presolve on and a start given, HiGHS 1.16 can report the optimum's objective
    while handing back the start (a 4-gap, 7-service workshop: 10.0 handed back, 17.0
    reported and true). Then the model is solved again with presolve off.
    """
    import highspy

    options = {**MIP_OPTIONS, **({"presolve": presolve} if presolve else {})}
    h = model(cost, a, row_lo, row_hi, lo, np.ones(a.shape[1]), integer, **options,
              time_limit=max(time_limit, 1e-3), mip_rel_gap=rel_gap, mip_abs_gap=abs_gap)
    if start is not None:
        known = highspy.HighsSolution()
        known.col_value, known.value_valid = list(map(float, start)), True
        h.setSolution(known)
    h.run()
    status, info = h.getModelStatus(), h.getInfo()
    found = info.primal_solution_status == 2  # kSolutionStatusFeasible
    x = np.asarray(h.getSolution().col_value) if found else None
    if x is not None and options["presolve"] != "off" and not _agrees(cost, x, info):
        return mip(cost, a, row_lo, row_hi, lo, integer, time_limit, rel_gap, start, abs_gap,
                   presolve="off")
    return Result(x, status == highspy.HighsModelStatus.kOptimal and found,
                  status == highspy.HighsModelStatus.kInfeasible,
                  float(info.mip_dual_bound), f"HiGHS: {h.modelStatusToString(status)}")


def _agrees(cost: np.ndarray, x: np.ndarray, info: object) -> bool:
    """Whether the solution's objective is the one HiGHS reports for it."""
    reported = float(info.objective_function_value)
    return abs(float(cost @ x) - reported) <= 1e-7 * max(1.0, abs(reported))

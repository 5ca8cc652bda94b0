"""The record's facts, computed once from the session: what the page and the workbook say.

:func:`gather` reads the workshop and answers the stakeholders' questions: how the gaps
stand, what the PMO will offer for which gap, what goes to which other owner, what the
budget buys (the exact plan, with must-haves and exclusions), which gaps it leaves open,
the budget curve with the plan as its marked point, and the roadmap. The page
(:mod:`.report`) and the workbook (:mod:`.workbook`) both read these facts, so they
never disagree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pandas as pd

from .. import plan as pl
from ..analysis.coverage import STATUSES
from ..errors import PmoError
from ..i18n import Money, check_language, translator
from ..store import is_url
from . import peers
from .options import Options


@dataclass(frozen=True)
class Progress:
    """A follow-up's progress since its baseline (see :mod:`pmo_nb.session._follow_up`)."""

    label: str  # what the baseline was called (its title or session)
    date: str  # the baseline's last change, YYYY-MM-DD
    assessment: int  # this assessment's baseline's place in the chain (1: the first)
    numbers: dict[str, float | int]
    headline: pd.DataFrame
    by_aspect: pd.DataFrame
    gaps: pd.DataFrame
    services: pd.DataFrame
    shrank_alone: pd.DataFrame  # gaps that shrank with no service delivered
    no_effect: pd.DataFrame  # services delivered whose gaps did not shrink
    chain: pd.DataFrame


@dataclass(frozen=True)
class Facts:
    """Everything the record shows, as tables and numbers (see :func:`gather`)."""

    title: str
    made: dt.datetime
    last_change: str
    currency: str
    counts: dict[str, int]
    coverage: pd.DataFrame
    register: pd.DataFrame
    catalog: pd.DataFrame
    offer: pd.DataFrame
    candidate_list: pd.DataFrame
    handed_over: pd.DataFrame
    open_gaps: pd.DataFrame
    plan: pl.Plan
    greedy: pl.Plan
    budget_given: bool
    wave_budget: float
    curve: pd.DataFrame
    roadmap: pd.DataFrame
    waves: pd.DataFrame
    left_open: pd.DataFrame
    must: pd.DataFrame
    exclude: pd.DataFrame
    votes: pd.DataFrame | None = field(default=None)
    progress: Progress | None = field(default=None)  # a follow-up's, since its baseline
    language: str = "en"  # the record's language (a tag of pmo_nb.LANGUAGES)
    peers: pd.DataFrame | None = field(default=None)  # what peers chose (--benchmark)


def gather(ws: Any, options: Options, name: str | None = None) -> Facts:
    """The record's facts from a workshop and the record's options (``name``: what the
    record calls a session without a title; default its file's or URL's name).

    Examples
    --------
    >>> f = gather(ws, Options(budget=50, wave_budget=30, currency="k€"), "demo")
    >>> f.title, f.counts
    ('demo', {'covered': 3, 'partial': 0, 'open': 0, 'handed over': 1})
    >>> f.plan.covered_weight, f.waves["services"].tolist()
    (14.0, ['Service C', 'Service A'])
    """
    coverage, catalog = ws.coverage(), ws.catalog
    language = check_language(options.language or getattr(ws, "language", None))
    budget = options.budget
    if budget is None:
        candidates = catalog[catalog["service_id"].isin(ws.assignments["service_id"])
                             & ~catalog["service_id"].isin(options.exclude)]
        budget = float(candidates["cost"].sum()) + _cost(catalog, options.must, candidates)
    kw = {"must": options.must, "exclude": options.exclude}
    plan = pl.select_services(ws, budget, **kw)
    road = pl.roadmap(ws, plan, options.wave_budget, language=language)
    wave_budget = plan.cost / 3 if options.wave_budget is None else options.wave_budget
    candidate_list = ws.candidate_list()
    return Facts(
        title=options.title or _title(ws) or name or session_name(str(getattr(ws, "path", ""))),
        made=dt.datetime.now(),
        last_change=_last_change(ws), currency=Money(options.currency, translator(language)),
        language=language,
        counts={s: int((coverage["status"] == s).sum()) for s in STATUSES},
        coverage=coverage, register=ws.gap_register(), catalog=catalog,
        offer=_offer(candidate_list, plan), candidate_list=candidate_list,
        handed_over=ws.handed_over().sort_values(["owner", "gap_id"], kind="stable"),
        open_gaps=ws.open_gaps(), plan=plan, greedy=pl.greedy_services(ws, budget, **kw),
        budget_given=options.budget is not None, wave_budget=wave_budget,
        curve=pl.curve_with_plan(_curve(ws, options), plan), roadmap=road, waves=_waves(road),
        left_open=_left_open(plan, coverage, translator(language)),
        must=_named(catalog, options.must),
        exclude=_named(catalog, options.exclude), votes=votes(ws), progress=progress(ws),
        peers=peers.gather(ws, options))


def progress(ws: Any) -> Progress | None:
    """A follow-up's progress since its baseline; None for a first assessment."""
    base = getattr(ws, "baseline", None)
    if base is None:
        return None
    found = ws.progress_findings()
    return Progress(
        label=base.label, date=base.date, assessment=base.assessment,
        numbers=ws.progress_summary(), headline=ws.progress_headline(),
        by_aspect=ws.progress_by_aspect(), gaps=ws.progress(), services=ws.progress_services(),
        shrank_alone=found["shrank without a delivered service"],
        no_effect=found["delivered without a smaller gap"], chain=ws.progress_chain())


def _title(ws: Any) -> str | None:
    """The session's own title (``title`` in its settings), when it has one."""
    title = getattr(ws, "title", None)
    return title.strip() if isinstance(title, str) and title.strip() else None


def _cost(catalog: pd.DataFrame, ids: tuple[str, ...], counted: pd.DataFrame) -> float:
    """Cost of the must-haves not already counted among the candidates."""
    extra = catalog["service_id"].isin(ids) & ~catalog["service_id"].isin(counted["service_id"])
    return float(catalog.loc[extra, "cost"].sum())


def _curve(ws: Any, options: Options) -> pd.DataFrame:
    """The budget curve under the same must-haves and exclusions as the plan."""
    kw = {k: v for k, v in (("must", options.must), ("exclude", options.exclude)) if v}
    return pl.budget_curve(ws, **kw)


def _last_change(ws: Any) -> str:
    """When the session last changed (its history), as ``'2026-12-01 14:10'`` (UTC)."""
    history = ws.history
    if history.empty:
        return ""
    return str(history["at"].max())[:16].replace("T", " ")


def _offer(candidate_list: pd.DataFrame, plan: pl.Plan) -> pd.DataFrame:
    """One row per service the workshop proposes: the gaps it addresses, in the plan or not."""
    if candidate_list.empty:
        return pd.DataFrame(columns=["service_id", "name", "category", "tier", "cost", "n_gaps",
                                     "gaps", "in_plan"])
    rows = candidate_list.assign(gap=candidate_list["gap_id"] + " " + candidate_list[
        "Addresses Aspect"] + candidate_list["contribution"].map({"partial": " (partly)"})
        .fillna(""))
    by = rows.groupby("service_id", sort=False)
    out = by.agg(name=("Product / Service", "first"), category=("category", "first"),
                 tier=("tier", "first"), cost=("cost", "first"), n_gaps=("gap_id", "nunique"),
                 gaps=("gap", "\n".join)).reset_index()
    chosen = set(plan.services["service_id"])
    out["in_plan"] = out["service_id"].map(lambda s: "yes" if s in chosen else "no")
    return out


def _waves(road: pd.DataFrame) -> pd.DataFrame:
    """The roadmap by wave: months, cost and services of each."""
    if road.empty:
        return pd.DataFrame(columns=["wave", "start_month", "end_month", "cost", "services"])
    by = road.groupby("wave", sort=True)
    return by.agg(start_month=("start_month", "min"), end_month=("end_month", "max"),
                  cost=("cost", "sum"), services=("name", "\n".join)).reset_index()


def _left_open(plan: pl.Plan, coverage: pd.DataFrame, _: Any = None) -> pd.DataFrame:
    """The gaps the plan does nothing for (handed-over ones aside), heaviest first, and why
    (in ``_``'s words, a :class:`~pmo_nb.i18n.Translator`; default English)."""
    _ = _ or translator("en")
    gaps = plan.gaps[(plan.gaps["best_contribution"] == 0) & ~plan.gaps["handed_over"]]
    info = coverage.set_index("gap_id")
    out = gaps[["gap_id", "aspect", "weight"]].assign(
        size=gaps["gap_id"].map(info["size"]), priority=gaps["gap_id"].map(info["priority"]),
        services=gaps["gap_id"].map(info["services"]))
    out["why"] = out["services"].map(lambda s: _("its services are not in the plan: {services}",
                                                 services=s) if s
                                     else _("no service was assigned in the workshop"))
    return out.sort_values(["weight", "gap_id"], ascending=[False, True],
                           kind="stable").reset_index(drop=True)


def _named(catalog: pd.DataFrame, ids: tuple[str, ...]) -> pd.DataFrame:
    rows = catalog[catalog["service_id"].isin(ids)]
    return rows[["service_id", "name", "cost"]].reset_index(drop=True)


def votes(ws: Any) -> pd.DataFrame | None:
    """The participants' vote results, or None when the session has none to show.

    The place for issue 13's votes: today a session has no votes, so this returns None
    and the page shows no "Votes" section. Once ``ws.vote_results()`` exists, revealed
    results with at least one row are returned as they are.
    """
    results = getattr(ws, "vote_results", None)
    if not callable(results):
        return None
    try:
        frame = results()
    except PmoError:  # no vote held, or results still hidden
        return None
    return frame if isinstance(frame, pd.DataFrame) and not frame.empty else None


def session_name(session: str) -> str:
    """The name of a session: its file name without extension, or the URL's workshop.

    Examples
    --------
    >>> session_name("/tmp/hospital.sqlite"), session_name("postgresql://u@h/db?workshop=acme")
    ('hospital', 'acme')
    """
    if is_url(session):
        url = urlparse(session)
        return parse_qs(url.query).get("workshop", [url.path.strip("/") or "workshop"])[0]
    return Path(session).stem

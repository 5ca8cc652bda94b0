"""The stakeholders' page: one self-contained HTML file written from the session's facts.

Order: a summary first (how the gaps stand; what the PMO will offer, for which gaps;
what goes to other owners, and to whom; what the budget buys and what it leaves open;
the roadmap's waves), then coverage and the plan in detail, then the votes (only when
the session has some), and the gap register and the catalog as appendices. Built in
this process from :class:`~.facts.Facts` and :mod:`pmo_nb.plots` figures: no notebook,
no code, no paths, nothing but the customer's own words and ours.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from .. import plots
from ..i18n import N_, Translator, translator
from ..plan.words import count, headline, proof, service_label, versus_greedy
from ..plots.style import DARK_TEXT, STATUS_COLOURS, on_colour
from .appendix import ASPECT, GAP, PRIORITY, SIZE, levels
from .appendix import catalog as _catalog
from .appendix import register as _register
from .appendix import votes as _votes
from .facts import Facts
from .html import Col, esc, figure, number, page, status_tag, table
from .peers import TITLE as PEERS_TITLE
from .peers import section as peers_section
from .progress import section as progress_section
from .progress import title as progress_title


class _Figures:
    """Numbers the page's figures ``fig-1``, ``fig-2``, ... (stable ids, no random uuids);
    on paper, draws each at the printable ``width``."""

    def __init__(self, width: int | None = None) -> None:
        self._ids = itertools.count(1)
        self.width = width

    def __call__(self, fig: go.Figure) -> str:
        if self.width:
            fig.update_layout(width=self.width, autosize=False)
        return figure(fig, f"fig-{next(self._ids)}")


def render(facts: Facts, ws: Any, *, paper: str | None = None) -> str:
    """The whole page as HTML text; with ``paper`` ("a4", "letter"), laid out to print."""
    from .paper import figure_width, print_style

    fig = _Figures(figure_width(paper) if paper else None)
    body = "".join([_header(facts), _contents(facts), progress_section(facts, ws, fig),
                    _summary(facts),
                    _coverage(facts, ws, fig), _plan(facts, ws, fig), _votes(facts),
                    peers_section(facts.peers, facts.language),
                    _register(facts), _catalog(facts)])
    extra = print_style(facts.title, made_on(facts), paper, translator(facts.language)) \
        if paper else ""
    _ = translator(facts.language)
    return page(_("{title}: PMO Planning workshop record", title=facts.title), body,
                figures=True, style=extra, lang=facts.language)


def made_on(f: Facts) -> str:
    """The record's date as people write it: ``'5 December 2026'``."""
    if f.language != "en":  # 7 de dezembro de 2026, 7. Dezember 2026
        return translator(f.language).date(f.made)
    return f"{f.made.day} {f.made:%B %Y}"


def plural(singular: str, many: str) -> tuple[str, str]:
    """A message with its plural, marked for the catalogs (``make messages`` reads it)."""
    return singular, many


TILES = {"covered": plural("{count} gap covered by a PMO service",
                           "{count} gaps covered by a PMO service"),
         "partial": plural("{count} gap partly covered", "{count} gaps partly covered"),
         "open": plural("{count} gap still open", "{count} gaps still open"),
         "handed over": plural("{count} gap handed over to other owners",
                               "{count} gaps handed over to other owners")}
SECTIONS = (("summary", N_("Summary")), ("coverage", N_("Coverage in detail")),
            ("plan", N_("The budget plan in detail")), ("votes", N_("Votes")),
            ("register", N_("Appendix A. The gap register")),
            ("catalog", N_("Appendix B. The service catalog")))


def _contents(f: Facts) -> str:
    """The short contents list under the title (links to the sections)."""
    _ = translator(f.language)
    shown = [("progress", progress_title(f.progress, _))] if f.progress is not None else []
    shown += [(k, _(n)) for k, n in SECTIONS if k != "votes" or f.votes is not None]
    shown[-2:-2] = [("peers", _(PEERS_TITLE))] if f.peers is not None else []
    items = "".join(f'<li><a href="#{key}">{esc(name)}</a></li>' for key, name in shown)
    word = esc(_("Contents"))
    return f'<nav class="contents" aria-label="{word}"><b>{word}</b><ol>{items}</ol></nav>'


def write(facts: Facts, ws: Any, path: Path) -> Path:
    """Write the page to ``path``; returns it."""
    path.write_text(render(facts, ws), encoding="utf-8")
    return path


def _header(f: Facts) -> str:
    if f.language != "en":
        return _header_in(f, translator(f.language))
    budget = (f"a budget of {esc(number(f.plan.budget, f.currency))}" if f.budget_given
              else "the budget for every service proposed")
    changed = f" · session last changed {esc(f.last_change)} UTC" if f.last_change else ""
    made = made_on(f)
    return (f"<h1>{esc(f.title)}</h1>"
            f'<p class="meta">{_kind(f)} · record of {made}{changed}</p>'
            f'<p class="lead">What the workshop decided for the organisation\'s '
            f"{count(len(f.coverage), 'gap')}: the PMO services that will close them, the gaps "
            f"other owners must act on, and what {budget} buys, wave by wave. Costs are in "
            f"{esc(f.currency)}.</p>")


def _header_in(f: Facts, _: Translator) -> str:
    """The header in another language than English (its words from the catalogs)."""
    budget = (_("a budget of {amount}", amount=number(f.plan.budget, f.currency))
              if f.budget_given else _("the budget for every service proposed"))
    changed = (" · " + _("session last changed {when} UTC", when=f.last_change)
               if f.last_change else "")
    kind = (_("PMO Planning workshop") if f.progress is None else
            _("Follow-up assessment {n} (after {label})", n=f.progress.assessment + 1,
              label=f.progress.label))
    meta = kind + " · " + _("record of {date}", date=made_on(f)) + changed
    lead = _.plural("What the workshop decided for the organisation's {count} gap: the PMO "
                    "services that will close it, the gaps other owners must act on, and what "
                    "{budget} buys, wave by wave. Costs are in {currency}.",
                    "What the workshop decided for the organisation's {count} gaps: the PMO "
                    "services that will close them, the gaps other owners must act on, and "
                    "what {budget} buys, wave by wave. Costs are in {currency}.",
                    len(f.coverage), budget=budget, currency=f.currency)
    return (f"<h1>{esc(f.title)}</h1><p class=\"meta\">{esc(meta)}</p>"
            f'<p class="lead">{esc(lead)}</p>')


def _kind(f: Facts) -> str:
    return ("PMO Planning workshop" if f.progress is None else
            f"Follow-up assessment {f.progress.assessment + 1} (after {esc(f.progress.label)})")


def _summary(f: Facts) -> str:
    _ = translator(f.language)
    heads = [esc(_(t)) for t in (N_("What the PMO will offer"), N_("What goes to other owners"),
                                 N_("What the budget buys"), N_("The roadmap"), N_("Summary"))]
    left = (f"<h3>{heads[0]}</h3>{_offer(f)}")
    right = (f"<h3>{heads[1]}</h3>{_owners(f)}"
             f"<h3>{heads[2]}</h3>{_budget(f)}"
             f"<h3>{heads[3]}</h3>{_waves(f)}")
    return (f'<section id="summary"><h2>{heads[4]}</h2>{_tiles(f)}'
            f'<div class="grid"><div>{left}</div><div>{right}</div></div></section>')


def _tiles(f: Facts) -> str:
    _ = translator(f.language)
    words = {"covered": N_("covered by a PMO service"), "partial": N_("partly covered"),
             "open": N_("still open"), "handed over": N_("handed over to other owners")}
    tiles = []
    for status, n in f.counts.items():
        colour = STATUS_COLOURS[status]
        said = (count(n, "gap").split(" ", 1)[1] + " " + words[status] if f.language == "en"
                else _.plural(*TILES[status], n).split(" ", 1)[1])
        tiles.append(f'<div class="tile" data-status="{status}" style="background:{colour};'
                     f'color:{on_colour(colour)}"><b>{n}</b>{esc(said)}</div>')
    return f'<div class="tiles" id="status-counts">{"".join(tiles)}</div>'


def _offer(f: Facts) -> str:
    _ = translator(f.language)
    partly = " (" + _("partly") + ")"
    offer = f.offer.assign(gap_ids=f.offer["gaps"].map(
        lambda g: ", ".join(line.split(" ", 1)[0] + (partly if line.endswith("(partly)")
                                                     else "") for line in g.split("\n"))),
        in_plan=f.offer["in_plan"].map({"yes": _("yes"), "no": _("no")}).fillna(
            f.offer["in_plan"]))
    cols = [Col("name", "Service"), Col("gap_ids", "For gaps"), Col("cost", "Cost", "money"),
            Col("in_plan", "In the plan", "short")]
    note = ('<p class="note">' + esc(_("Every service the workshop assigned to a gap; the gap "
                                       "register (appendix A) says what each gap is."))
            + "</p>")
    return table(offer, cols, unit=f.currency, cls="compact",
                 empty=N_("No service was assigned to a gap."), _=_) + note


def _owners(f: Facts) -> str:
    _ = translator(f.language)
    rows = f.handed_over.assign(
        gap=f.handed_over["gap_id"] + " " + f.handed_over["aspect"],
        part=f.handed_over["handover"].map({"whole": _("the whole gap"),
                                            "rest": _("what the PMO cannot do")}))
    cols = [Col("owner", "Owner"), Col("gap", "Gap"), Col("part", "Takes"), Col("note", "Note")]
    return table(rows, cols, cls="compact", empty=N_("No gap goes to another owner."), _=_)


def _budget(f: Facts) -> str:
    p = f.plan
    given = "" if f.budget_given else (
        '<p class="note">No budget was set for this record: the plan takes every proposed '
        "service that adds value.</p>")
    left = f.left_open
    left_text = ("It leaves no gap without a service." if left.empty else
                 f"It leaves {count(len(left), 'gap')} open: " + ", ".join(
                     esc(g) for g in left["gap_id"]) + ' (<a href="#plan-left-open">why</a>).')
    _ = translator(f.language)
    if f.language != "en":
        left_text = (esc(_("It leaves no gap without a service.")) if left.empty else
                     esc(_.plural("It leaves {count} gap open:", "It leaves {count} gaps open:",
                                  len(left))) + " " + ", ".join(esc(g) for g in left["gap_id"])
                     + ' (<a href="#plan-left-open">' + esc(_("why")) + "</a>).")
        given = "" if f.budget_given else ('<p class="note">' + esc(_(
            "No budget was set for this record: the plan takes every proposed service that "
            "adds value.")) + "</p>")
    said = esc(headline(p, f.currency, _))
    return (f'{given}<p class="headline" id="plan-headline">{said}</p>'
            f"<p>{esc(proof(p, _))} {left_text}</p><p>{_choices(f)}</p>")


def _choices(f: Facts) -> str:
    def names(frame: pd.DataFrame) -> str:
        return ", ".join(esc(n) for n in frame["name"])

    _ = translator(f.language)
    must = _("Must-haves: {names}.", names=names(f.must)) if len(f.must) \
        else esc(_("No must-haves."))
    exclude = _("Excluded: {names}.", names=names(f.exclude)) if len(f.exclude) \
        else esc(_("No exclusions."))
    return f'<span id="plan-choices">{must} {exclude}</span>'


def _waves(f: Facts) -> str:
    _ = translator(f.language)
    if f.waves.empty:
        return '<p class="empty">' + esc(_("No services to deploy.")) + "</p>"
    if f.language != "en":
        return _waves_in(f, _)
    items = [f"<li><b>Wave {w.wave}</b>, months {number(w.start_month)}–{number(w.end_month)}, "
             f"{esc(number(w.cost, f.currency))}: {esc(w.services.replace(chr(10), '; '))}</li>"
             for w in f.waves.itertuples(index=False)]
    return (f'<ul class="waves" id="waves">{"".join(items)}</ul><p class="note">At most '
            f"{esc(number(f.wave_budget, f.currency))} a wave; a wave starts when the one "
            "before is in place.</p>")


def _waves_in(f: Facts, _: Translator) -> str:
    """The waves in another language than English."""
    items = ["<li><b>" + esc(_("Wave {n}", n=w.wave)) + "</b>, " + esc(_(
        "months {start}–{end}, {cost}", start=number(w.start_month), end=number(w.end_month),
        cost=number(w.cost, f.currency))) + ": " + esc(w.services.replace(chr(10), "; "))
        + "</li>" for w in f.waves.itertuples(index=False)]
    note = _("At most {amount} a wave; a wave starts when the one before is in place.",
             amount=number(f.wave_budget, f.currency))
    return (f'<ul class="waves" id="waves">{"".join(items)}</ul>'
            f'<p class="note">{esc(note)}</p>')


def _coverage(f: Facts, ws: Any, fig: _Figures) -> str:
    _ = translator(f.language)
    open_cols = [GAP, ASPECT, SIZE, PRIORITY,
                 Col("weight", "Weight", "number"), Col("current_state", "Today"),
                 Col("future_state", "Target")]
    cand = f.candidate_list.rename(columns={"Product / Service": "service",
                                            "Addresses Aspect": "aspect", "Gap Size": "size"})
    cand_cols = [Col("service", "Service"), GAP, ASPECT, SIZE,
                 PRIORITY, Col("contribution", "Closes it", "short"),
                 Col("cost", "Cost", "money")]
    owner_cols = [GAP, ASPECT, Col("owner", "Owner"), Col("handover", "Handed over", "short"),
                  Col("note", "Note"), Col("current_state", "Today"),
                  Col("future_state", "Target")]
    return (
        '<section id="coverage"><h2>' + esc(_("Coverage in detail")) + "</h2>"
        + fig(plots.status_overview(ws, language=f.language))
        + fig(plots.coverage_heatmap(ws, language=f.language))
        + fig(plots.coverage_heatmap(ws, show="open", language=f.language))
        + "<h3>" + esc(_("Still open")) + "</h3>"
        + table(levels(f.open_gaps), open_cols, empty=N_("No gap is open."), _=_)
        + "<h3>" + esc(_("Every service proposed, gap by gap")) + "</h3>"
        + table(levels(cand.assign(contribution=cand["contribution"].map(
            {"full": _("fully"), "partial": _("partly")}))), cand_cols, unit=f.currency,
            empty=N_("No service was assigned to a gap."), _=_)
        + "<h3>" + esc(_("Outside the PMO")) + "</h3>"
        + table(levels(f.handed_over.assign(handover=f.handed_over["handover"].map(
            {"whole": _("whole gap"), "rest": _("the rest")}))), owner_cols,
            empty=N_("No gap goes to another owner."), _=_)
        + fig(plots.traceability_matrix(ws, language=f.language))
        + fig(plots.service_load(ws, language=f.language))
        + fig(plots.aspect_category_heatmap(ws, width=fig.width, language=f.language))
        + "</section>")


def _plan(f: Facts, ws: Any, fig: _Figures) -> str:
    _ = translator(f.language)
    p = f.plan
    services = p.services.assign(label=[service_label(n, m, w, _) for n, m, w in zip(
        p.services["name"], p.services["must"], p.services["last_wave"], strict=True)],
        tier=p.services["tier"].map(lambda t: _(str(t))))
    cols = [Col("label", "Service"), Col("category", "Category"), Col("tier", "Tier", "short"),
            Col("cost", "Cost", "money"), Col("gap_ids", "Gaps it serves"),
            Col("standalone_value", "Value on its own", "number")]
    road_cols = [Col("wave", "Wave", "number"), Col("name", "Service"),
                 Col("cost", "Cost", "money"), Col("value", "Value added", "number"),
                 Col("start_month", "From month", "number"),
                 Col("end_month", "To month", "number"), Col("note", "Note")]
    left_cols = [GAP, ASPECT, SIZE, PRIORITY,
                 Col("weight", "Weight", "number"), Col("why", "Why")]
    return (
        '<section id="plan"><h2>' + esc(_("The budget plan in detail")) + "</h2>"
        f"<p class=\"headline\">{esc(headline(p, f.currency, _))}</p>"
        f"<p>{esc(proof(p, _))} {esc(versus_greedy(p, f.greedy, f.currency, _))}</p>"
        + table(services, cols, unit=f.currency, empty=N_("The plan has no services."),
                _=_)
        + '<p class="note">' + esc(_("Value: the weighted gap value (size × priority) a "
                                     "service covers on its own; a gap counts once, however "
                                     "many services help it.")) + "</p>"
        + fig(plots.plan_heatmap(ws, p, language=f.language)) + fig(_curve_figure(f))
        + "<h3>" + esc(_("Roadmap")) + "</h3>" + table(f.roadmap, road_cols, unit=f.currency,
                                     empty=N_("No services to deploy."), _=_)
        + (fig(plots.roadmap_timeline(f.roadmap, language=f.language)) if len(f.roadmap)
           else "")
        + '<h3 id="plan-left-open">' + esc(_("Gaps this plan leaves open")) + "</h3>"
        + table(levels(f.left_open), left_cols,
                empty=N_("None: every gap gets a service."), _=_)
        + "</section>")


def _curve_figure(f: Facts) -> go.Figure:
    """What each budget buys, the plan's budget marked at the headline's share."""
    p, _ = f.plan, translator(f.language)
    out = plots.budget_curve_figure(f.curve, p.budget, language=f.language)
    out.add_trace(go.Scatter(
        x=[p.budget], y=[p.covered_share * 100], mode="markers+text", name=_("plan"),
        text=[_.percent(p.covered_share)], textposition="bottom left",  # right: off the plot
        textfont=dict(size=18, color=DARK_TEXT), marker=dict(size=16, color=DARK_TEXT,
                                                             symbol="diamond"),
        hovertemplate=_("this plan: {share} covered", share=_.percent(p.covered_share))
        + "<extra></extra>"))
    out.update_xaxes(title_text=_("Budget ({unit})", unit=esc(f.currency)))
    return out


__all__ = ["render", "status_tag", "write"]

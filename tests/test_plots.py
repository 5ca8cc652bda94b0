"""Figures are checked through fig.data / fig.layout: numbers, order, colours, escaping."""

from __future__ import annotations

import json
import math

import pandas as pd
import plotly.graph_objects as go
import pytest

import pmo_nb
from conftest import SAMPLE
from pmo_nb import plots
from pmo_nb.analysis.coverage import STATUSES
from pmo_nb.plots.style import (
    CONTRIBUTION_COLOURS,
    LIGHT_TEXT,
    STATUS_COLOURS,
    TEMPLATE,
    text_colour,
)

HOSTILE_B = "<b>x</b>"
HOSTILE_IMG = "<img src=x onerror=alert(1)>"
RAW_MARKUP = ("<b>x</b>", "<img", "<script", "<i>now", "<Co>")
WEIGHTS = {"L": 1, "M": 2, "H": 3}


class FakeWorkshop:
    """Duck-typed Workshop with the contract's columns (notes/ws_contract.md)."""

    def __init__(self, gaps: pd.DataFrame, catalog: pd.DataFrame, assignments: pd.DataFrame):
        self._gaps, self._catalog, self._assignments = gaps, catalog, assignments

    gaps = property(lambda self: self._gaps.copy())
    catalog = property(lambda self: self._catalog.copy())
    assignments = property(lambda self: self._assignments.copy())

    def coverage(self) -> pd.DataFrame:
        rows = []
        for g in self._gaps.itertuples(index=False):
            mine = self._assignments[self._assignments["gap_id"] == g.gap_id]
            kinds = set(mine["contribution"])
            if g.pmo_role == "none":
                status, best = "handed over", 0.0
            elif "full" in kinds and g.pmo_role == "close":
                status, best = "covered", 1.0
            elif kinds or g.pmo_role == "partial":
                status, best = "partial", 1.0 if "full" in kinds else 0.5 if kinds else 0.0
            else:
                status, best = "open", 0.0
            names = dict(zip(self._catalog["service_id"], self._catalog["name"]))
            rows.append(dict(
                gap_id=g.gap_id, aspect=g.aspect, size=g.size, priority=g.priority,
                weight=float(WEIGHTS[g.size] * WEIGHTS[g.priority]), pmo_role=g.pmo_role,
                other_owner=g.other_owner, status=status, best_contribution=best,
                n_services=len(mine), service_ids="; ".join(mine["service_id"]),
                services="; ".join(names[s] for s in mine["service_id"])))
        return pd.DataFrame(rows)

    def coverage_matrix(self) -> pd.DataFrame:
        cov, rows = self.coverage(), []
        for p in "HML":
            for s in "LMH":
                c = cov[(cov["priority"] == p) & (cov["size"] == s)]
                acted = c[c["status"] != "handed over"]
                weight = float(acted["weight"].sum())
                cw = float(acted.loc[acted["status"] == "covered", "weight"].sum())
                pw = float(acted.loc[acted["status"] == "partial", "weight"].sum())
                n = {k: int((c["status"] == k).sum()) for k in STATUSES}
                rows.append(dict(
                    priority=p, size=s, gaps=len(c), covered=n["covered"], partial=n["partial"],
                    open=n["open"], handed_over=n["handed over"], weight=weight,
                    covered_weight=cw, covered_share=cw / weight if weight else math.nan,
                    partial_share=pw / weight if weight else math.nan))
        return pd.DataFrame(rows)


def _gaps() -> pd.DataFrame:
    return pd.DataFrame({
        "gap_id": ["G-01", "G-02", "G-03", "G-04", "G-05"],
        "aspect": [HOSTILE_B, HOSTILE_IMG, "Skills", "Skills", "Skills"],
        "current_state": ["now"] * 5, "future_state": ["later"] * 5, "description": [""] * 5,
        "size": ["H", "M", "L", "M", "L"], "priority": ["H", "H", "L", "M", "L"],
        "pmo_role": ["close", "close", "close", "none", "close"],
        "other_owner": ["", "", "", "HR", ""], "handover_note": [""] * 5})


def _catalog() -> pd.DataFrame:
    return pd.DataFrame({
        "service_id": ["S-A", "S-B", "S-C"],
        "name": ["Train <script>alert(1)</script>", "Mentor", "Unused"],
        "category": ["Cat & <Co>", "Growth", "Growth"],
        "tier": ["basic", "advanced", "basic"],
        "aspects": ["Skills", "Skills", "Skills"],
        "description": ["A long description " * 8 + HOSTILE_IMG, "Mentoring.", "Never used."],
        "cost": [10.0, 20.0, 5.0], "lead_time_months": [2.0, math.nan, 1.0],
        "origin": ["catalog", "workshop", "catalog"]})


def _assignments(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame({"gap_id": [r[0] for r in rows], "service_id": [r[1] for r in rows],
                         "contribution": [r[2] for r in rows], "note": [""] * len(rows),
                         "updated_at": ["2024-01-01T00:00:00+00:00"] * len(rows)},
                        columns=["gap_id", "service_id", "contribution", "note", "updated_at"])


LINKS = [("G-01", "S-A", "full"), ("G-02", "S-B", "partial"), ("G-02", "S-A", "partial"),
         ("G-04", "S-A", "full"), ("G-05", "S-B", "full")]


@pytest.fixture
def ws() -> FakeWorkshop:
    return FakeWorkshop(_gaps(), _catalog(), _assignments(LINKS))


@pytest.fixture
def empty_ws() -> FakeWorkshop:
    return FakeWorkshop(_gaps(), _catalog(), _assignments([]))


def _road() -> pd.DataFrame:
    return pd.DataFrame({"wave": [1, 1, 2], "service_id": ["S-A", "S-B", "S-C"],
                         "name": ["Train <i>now</i>", "Mentor", "Unused"],
                         "cost": [10.0, 20.0, 5.0], "start_month": [0, 0, 6],
                         "end_month": [4, 3, 9]})


def _curve() -> pd.DataFrame:
    return pd.DataFrame({"budget": [30, 0, 10], "cost": [25, 0, 10],
                         "covered_weight": [15, 0, 9], "covered_share": [1.0, 0.0, 0.6],
                         "added": [HOSTILE_IMG, "", "S-A"]})


def _all_figures(w: FakeWorkshop) -> dict[str, go.Figure]:
    return {"heatmap": plots.coverage_heatmap(w),
            "open": plots.coverage_heatmap(w, show="open"),
            "aspects": plots.aspect_category_heatmap(w),
            "trace": plots.traceability_matrix(w),
            "status": plots.status_overview(w),
            "load": plots.service_load(w),
            "catalog": plots.catalog_overview(w),
            "road": plots.roadmap_timeline(_road()),
            "curve": plots.budget_curve_figure(_curve(), current_budget=15)}


def _strings(obj: object):
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for v in obj.values():
            yield from _strings(v)
    elif isinstance(obj, list | tuple):
        for v in obj:
            yield from _strings(v)


# --- coverage heatmap -----------------------------------------------------------------------

def test_heatmap_z_and_axes_follow_the_matrix(ws):
    fig = plots.coverage_heatmap(ws)
    heat = fig.data[0]
    matrix = ws.coverage_matrix().set_index(["priority", "size"])
    assert heat.y == ("High", "Medium", "Low") and heat.x == ("Low", "Medium", "High")
    for i, p in enumerate("HML"):
        for j, s in enumerate("LMH"):
            cell = matrix.loc[(p, s)]
            expected = None if not cell["gaps"] or pd.isna(cell["covered_share"]) \
                else cell["covered_share"]
            assert heat.z[i][j] == expected
    assert fig.layout.yaxis.autorange == "reversed"
    assert list(fig.layout.yaxis.categoryarray) == ["High", "Medium", "Low"]
    assert fig.layout.xaxis.title.text == "Gap size"
    assert fig.layout.yaxis.title.text == "Priority"
    assert (heat.zmin, heat.zmax) == (0, 1.0)


def test_heatmap_annotations_count_and_contrast(ws):
    fig = plots.coverage_heatmap(ws)
    texts = {(a.y, a.x): a for a in fig.layout.annotations}
    assert texts[("High", "High")].text == "1/1 covered<br>100% of weight"
    assert texts[("High", "Medium")].text == "0/1 covered<br>0% of weight<br>(+1 partial)"
    assert texts[("Medium", "Medium")].text == "1/1 handed over"
    assert texts[("High", "Low")].text == "no gaps"
    assert texts[("Low", "Low")].text == "1/2 covered<br>50% of weight"
    # white -> bluish green: dark text contrasts more on both ends of the scale
    assert texts[("High", "High")].font.color != LIGHT_TEXT
    assert texts[("High", "Medium")].font.color != LIGHT_TEXT
    assert text_colour([[0, "#000000"], [1, "#FFFFFF"]], 0.0, 0, 1) == LIGHT_TEXT
    # a grey tile behind every cell without a share (no gaps, or all handed over)
    assert len(fig.layout.shapes) == sum(v is None for row in fig.data[0].z for v in row)


def test_heatmap_accepts_the_matrix_itself(ws):
    from_ws = plots.coverage_heatmap(ws).data[0].z
    assert plots.coverage_heatmap(ws.coverage_matrix()).data[0].z == from_ws


def test_heatmap_open_counts(ws):
    fig = plots.coverage_heatmap(ws, show="open")
    heat = fig.data[0]
    matrix = ws.coverage_matrix().set_index(["priority", "size"])
    for i, p in enumerate("HML"):
        for j, s in enumerate("LMH"):
            cell = matrix.loc[(p, s)]
            assert heat.z[i][j] == (int(cell["open"]) if cell["gaps"] else None)
    texts = {(a.y, a.x): a.text for a in fig.layout.annotations}
    assert texts[("Low", "Low")] == "1 open<br>of 2 gaps"
    assert texts[("High", "Low")] == "no gaps"
    assert "Open gaps" in fig.layout.title.text


def test_heatmap_rejects_unknown_show(ws):
    with pytest.raises(ValueError, match="show must be 'covered' or 'open', not 'closed'"):
        plots.coverage_heatmap(ws, show="closed")


# --- aspects x categories -------------------------------------------------------------------

def test_aspect_category_counts_skip_handed_over(ws):
    fig = plots.aspect_category_heatmap(ws)
    heat = fig.data[0]
    assert list(fig.layout.yaxis.ticktext) == ["&lt;b&gt;x&lt;/b&gt;",
                                               "&lt;img src=x onerror=alert(1)&gt;", "Skills"]
    assert list(fig.layout.xaxis.ticktext) == ["Cat &amp; &lt;Co&gt;", "Growth"]
    # G-04 (handed over) is assigned S-A but does not count; G-05 (Skills) via S-B counts.
    assert [list(r) for r in heat.z] == [[1, 0], [1, 1], [0, 1]]
    assert sorted(a.text for a in fig.layout.annotations) == ["1", "1", "1", "1"]


# --- traceability ---------------------------------------------------------------------------

def test_traceability_cells_match_assignments(ws):
    fig = plots.traceability_matrix(ws)
    heat = fig.data[0]
    services = ["S-A", "S-B"]  # assigned ones, in catalog order; S-C is left out
    gaps = list(ws.gaps["gap_id"])
    expected = {(g, s): 2 if c == "full" else 1 for g, s, c in LINKS}
    for i, g in enumerate(gaps):
        for j, s in enumerate(services):
            assert heat.z[i][j] == expected.get((g, s))
            assert heat.text[i][j] == ("½" if expected.get((g, s)) == 1 else "")
    first, second = fig.layout.xaxis.ticktext
    assert first.startswith("Train &lt;script&gt;alert(1)") and first.endswith("…")
    assert second == "Mentor"
    assert fig.layout.yaxis.ticktext[0] == "G-01 · &lt;b&gt;x&lt;/b&gt;"
    legend = {t.name: t.marker.color for t in fig.data[1:]}
    assert legend == {"full contribution": CONTRIBUTION_COLOURS["full"],
                      "partial contribution (½)": CONTRIBUTION_COLOURS["partial"]}
    assert heat.colorscale[-1][1] == STATUS_COLOURS["covered"]
    assert heat.colorscale[0][1] == STATUS_COLOURS["partial"]


def test_traceability_scales_with_rows_and_stays_legible():
    gaps = pd.concat([_gaps()] * 10, ignore_index=True)
    gaps["gap_id"] = [f"G-{i:02d}" for i in range(1, 51)]
    big = FakeWorkshop(gaps, _catalog(), _assignments([("G-50", "S-A", "full")]))
    small = FakeWorkshop(_gaps(), _catalog(), _assignments([("G-01", "S-A", "full")]))
    fig_big, fig_small = plots.traceability_matrix(big), plots.traceability_matrix(small)
    assert fig_big.layout.height - fig_small.layout.height == 22 * 45
    assert len(fig_big.layout.yaxis.ticktext) == 50
    assert fig_big.layout.yaxis.tickfont.size >= 12 and fig_big.layout.xaxis.tickfont.size >= 12
    assert fig_big.data[0].z[49][0] == 2


# --- status, load, catalog ------------------------------------------------------------------

def test_status_overview_shares_and_colours(ws):
    fig = plots.status_overview(ws)
    assert [t.name for t in fig.data] == list(STATUSES)
    assert [t.marker.color for t in fig.data] == [STATUS_COLOURS[s] for s in STATUSES]
    by_weight = [t.x[0] for t in fig.data]
    by_count = [t.x[1] for t in fig.data]
    total = 9 + 6 + 1 + 4 + 1  # covered G-01, G-05; partial G-02; open G-03; handed over G-04
    assert by_weight == pytest.approx([100 * 10 / total, 100 * 6 / total, 100 * 1 / total,
                                       100 * 4 / total])
    assert by_count == pytest.approx([40.0, 20.0, 20.0, 20.0])
    assert fig.layout.barmode == "stack"


def test_service_load_sorted_and_excludes_handed_over(ws):
    fig = plots.service_load(ws)
    assert list(fig.layout.yaxis.ticktext) == ["Train &lt;script&gt;alert(1)&lt;/script&gt;",
                                               "Mentor"]
    traces = {(t.name, t.xaxis): t.x for t in fig.data}
    # S-A: G-01 full (9) + G-02 partial (6); G-04 is handed over. S-B: G-02 partial, G-05 full.
    assert traces[("full contribution", "x")] == (1, 1)
    assert traces[("partial contribution", "x")] == (1, 1)
    assert traces[("full contribution", "x2")] == (9.0, 1.0)
    assert traces[("partial contribution", "x2")] == (6.0, 6.0)


def test_catalog_overview_marks_workshop_services(ws):
    fig = plots.catalog_overview(ws)
    tree = fig.data[0]
    leaves = [i for i in tree.ids if i.startswith("s\x1f")]
    assert len(leaves) == len(ws.catalog)
    at = {i: k for k, i in enumerate(tree.ids)}
    added = at["s\x1fS-B"]
    assert tree.labels[added].startswith("★ ")
    assert tree.marker.line.width[added] > tree.marker.line.width[at["s\x1fS-A"]]
    assert not tree.labels[at["s\x1fS-A"]].startswith("★")
    hover = tree.hovertext[at["s\x1fS-A"]]
    assert "&lt;img src=x" in hover and "alert(1)&gt;" in hover and "<br>" in hover
    assert "1 added in the workshop" in fig.layout.title.text


def test_catalog_overview_takes_a_frame_without_origin():
    fig = plots.catalog_overview(_catalog().drop(columns="origin"))
    assert not any(label.startswith("★") for label in fig.data[0].labels)


# --- roadmap and budget curve ---------------------------------------------------------------

def test_roadmap_bars_start_and_length():
    road = _road()
    fig = plots.roadmap_timeline(road)
    assert [t.name for t in fig.data] == ["Wave 1", "Wave 2"]
    wave1 = fig.data[0]
    assert list(wave1.base) == [0, 0] and sorted(wave1.x) == [3, 4]
    assert fig.data[1].base == (6,) and fig.data[1].x == (3,)
    assert "Train &lt;i&gt;now&lt;/i&gt;" in fig.layout.yaxis.ticktext
    assert road.equals(_road())  # input untouched


def test_roadmap_names_missing_columns():
    with pytest.raises(ValueError, match="lacks column\\(s\\) start_month, end_month"):
        plots.roadmap_timeline(_road().drop(columns=["start_month", "end_month"]))


def test_budget_curve_marks_current_budget():
    curve = _curve()
    fig = plots.budget_curve_figure(curve, current_budget=15)
    line = fig.data[0]
    assert list(line.x) == [0, 10, 30] and list(line.y) == [0.0, 60.0, 100.0]
    assert line.line.shape == "hv"
    assert fig.layout.shapes[0].x0 == 15 and fig.layout.shapes[0].x1 == 15
    assert fig.layout.annotations[0].text == "Current budget 15 → 60% covered"
    assert curve.equals(_curve())


def test_budget_curve_without_current_budget_or_share():
    fig = plots.budget_curve_figure(_curve().drop(columns="covered_share"))
    assert list(fig.data[0].y) == [0, 9, 15] and not fig.layout.shapes


# --- cross-cutting --------------------------------------------------------------------------

def test_customer_text_is_escaped_everywhere(ws):
    for name, fig in _all_figures(ws).items():
        for text in _strings(fig.to_plotly_json()):
            assert not any(raw in text for raw in RAW_MARKUP), (name, text)


def test_empty_workshop_does_not_crash(empty_ws):
    figs = _all_figures(empty_ws)
    assert all(isinstance(f, go.Figure) and not isinstance(f, go.FigureWidget)
               for f in figs.values())
    assert figs["trace"].layout.annotations[0].text == "No services assigned yet."
    assert all(v in (0.0, None) for row in figs["heatmap"].data[0].z for v in row)


def test_template_is_applied_and_legible(ws):
    assert TEMPLATE.layout.font.size >= 16 and TEMPLATE.layout.title.font.size >= 20
    for name, fig in _all_figures(ws).items():
        assert fig.layout.template.layout.font.size == TEMPLATE.layout.font.size, name
        assert fig.layout.title.text, name


def test_figures_are_deterministic(ws):
    first = {k: f.to_json() for k, f in _all_figures(ws).items()}
    second = {k: f.to_json() for k, f in _all_figures(ws).items()}
    assert first == second
    assert "uid" not in json.dumps([json.loads(v)["data"] for v in first.values()])


def test_plots_never_show(ws, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("plots must not call .show()")

    monkeypatch.setattr(go.Figure, "show", refuse)
    _all_figures(ws)


# --- with the real Workshop -----------------------------------------------------------------

def test_real_workshop_figures(tmp_path):
    real = pmo_nb.Workshop.open(tmp_path / "s.sqlite", gaps=SAMPLE / "sample_gaps.csv",
                                catalog=SAMPLE / "catalog.csv",
                                assignments=SAMPLE / "sample_assignments.csv")
    matrix = real.coverage_matrix().set_index(["priority", "size"])
    heat = plots.coverage_heatmap(real).data[0]
    for i, p in enumerate("HML"):
        for j, s in enumerate("LMH"):
            share = matrix.loc[(p, s), "covered_share"]
            assert heat.z[i][j] == (None if pd.isna(share) else pytest.approx(share))
    trace = plots.traceability_matrix(real).data[0]
    filled = sum(v is not None for row in trace.z for v in row) if len(real.assignments) else 0
    assert filled == len(real.assignments.drop_duplicates(["gap_id", "service_id"]))
    for fig in (plots.aspect_category_heatmap(real), plots.status_overview(real),
                plots.service_load(real), plots.catalog_overview(real)):
        assert isinstance(fig, go.Figure)

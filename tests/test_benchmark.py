"""What earlier workshops teach: the same workshops in a folder of SQLite sessions and in a
real PostgreSQL database give the same exact counts; consent is respected, a follow-up is
the organisation it follows (counted once), groups under k are absent, names never leave
the query, ``like=`` compares with similar organisations, and aspects pool across
languages (after the customer's aspects are mapped)."""

from __future__ import annotations

import uuid
from pathlib import Path

import pandas as pd
import pytest

import pmo_nb
from pmo_nb import DataError, UsageError

CATALOG = pd.DataFrame({
    "service_id": ["S-A", "S-B", "S-C"], "name": ["Alpha", "Beta", "Gamma"],
    "category": ["Methodology management"] * 3, "tier": ["basic"] * 3,
    "aspects": ["Methodology", "Methodology", "Resource management"],
    "description": ["A.", "B.", "C."], "cost": [10, 20, 30]})
CATALOG_PT = CATALOG.assign(aspects=["Metodologia", "Metodologia", "Gestão de recursos"])
NAMES = ["Org One", "Org Two", "Org Three", "Org Four", "Org Five", "Org Six"]


def gaps(*rows: tuple[str, str, str]) -> pd.DataFrame:
    return pd.DataFrame([{"gap_id": g, "aspect": a, "current_state": "today",
                          "future_state": "target", "size": s, "priority": "M"}
                         for g, a, s in rows])


def workshop(where, name: str, sector: str, band: str, gap_rows, picks, *,
             consent: bool = True, catalog: pd.DataFrame = CATALOG) -> pmo_nb.Workshop:
    ws = pmo_nb.Workshop.open(where, gaps=gaps(*gap_rows), catalog=catalog)
    ws.set_profile(name, sector, band)
    for gap_id, service_id in picks:
        ws.assign(gap_id, service_id)
    if consent:
        ws.set_benchmark_consent(True)
    return ws


def build(where) -> None:
    """Six organisations and a follow-up; ``where(name)`` is the session of each.

    Methodology H: One (and its follow-up), Two (in Portuguese), Three (its own aspect,
    mapped), Six; Four did not consent; Five's gap is Methodology M; One's Resource M."""
    one = workshop(where("one"), "Org One", "Insurance", "Large",
                   [("G1", "Methodology", "H"), ("G2", "Resource management", "M")],
                   [("G1", "S-A"), ("G2", "S-C")])
    with pmo_nb.Workshop.follow_up(one.path, where("one-q2")) as later:
        assert later.profile["organisation"] == "Org One" and not later.benchmark_consent
        later.assign("G1", "S-B")  # the next wave adds one: One chose S-B too
        later.set_benchmark_consent(True)
    one.close()
    workshop(where("two"), "Org Two", "insurance", "large", [("G1", "Metodologia", "H")],
             [("G1", "S-A"), ("G1", "S-B")], catalog=CATALOG_PT).close()
    three = workshop(where("three"), "Org Three", "Public", "Small",
                     [("G1", "Ways of working", "H")], [("G1", "S-B")])
    three.map_aspect("Ways of working", "Methodology")
    three.close()
    workshop(where("four"), "Org Four", "Insurance", "Large", [("G1", "Methodology", "H")],
             [("G1", "S-A")], consent=False).close()
    workshop(where("five"), "Org Five", "Insurance", "Large", [("G1", "Methodology", "M")],
             [("G1", "S-A")]).close()
    workshop(where("six"), "Org Six", "Insurance", "Large", [("G1", "Methodology", "H")],
             [("G1", "S-B")]).close()


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("sessions")
    build(lambda name: root / "customers" / f"{name}.sqlite")  # sub-folders are read too
    return root


@pytest.fixture(scope="module")
def database(pg_server) -> str:
    """The same workshops in a database of their own (other tests' workshops stay out)."""
    psycopg = pytest.importorskip("psycopg")
    name = f"bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(pg_server.url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    url = pg_server.url.rsplit("/", 1)[0] + f"/{name}"
    build(lambda workshop: f"{url}?workshop={workshop}")
    return url


@pytest.fixture(params=["folder", "database"])
def source(request) -> str | Path:
    return request.getfixturevalue(request.param)


def rows(table: pd.DataFrame) -> list[list]:
    return table[["aspect", "size", "service_id", "organisations", "chose", "share"]
                 ].values.tolist()


def test_the_counts_are_exact_on_both_stores(source):
    table = pmo_nb.benchmark(source, k=3)
    assert table.columns.tolist() == ["aspect", "size", "service_id", "organisations",
                                      "chose", "share"]
    # One (counted once with its follow-up), Two, Three, Six; not Four (no consent)
    assert rows(table) == [["Methodology", "H", "S-B", 4, 4, 1.0],
                           ["Methodology", "H", "S-A", 4, 2, 0.5]]
    assert rows(pmo_nb.benchmark(source, k=4)) == rows(table)
    assert pmo_nb.benchmark(source, k=5).empty  # four organisations: under k, nothing


def test_the_folder_and_the_database_agree(folder, database):
    for k in (3, 4, 5):
        pd.testing.assert_frame_equal(pmo_nb.benchmark(folder, k=k),
                                      pmo_nb.benchmark(database, k=k))


def test_groups_under_k_and_names_never_leave_the_query(source):
    table = pmo_nb.benchmark(source, k=3)
    assert set(zip(table["aspect"], table["size"])) == {("Methodology", "H")}  # M: 1 each
    cells = " ".join(map(str, table.to_numpy().ravel()))
    for word in [*NAMES, "Insurance", "Public", "Ways of working"]:
        assert word.casefold() not in cells.casefold()


def test_like_compares_with_similar_organisations_only(source):
    like = {"sector": "INSURANCE", "size_band": "large "}  # One, Two, Six (not Three)
    assert rows(pmo_nb.benchmark(source, k=3, like=like)) == [
        ["Methodology", "H", "S-B", 3, 3, 1.0], ["Methodology", "H", "S-A", 3, 2, 0.6667]]
    mine = {"organisation": "Org One", **like}  # One is not its own peer: two are left
    assert pmo_nb.benchmark(source, k=3, like=mine).empty
    assert pmo_nb.benchmark(source, k=3, like={"sector": "Public"}).empty


def test_consent_is_respected_and_undoable(tmp_path):
    where = lambda name: tmp_path / f"{name}.sqlite"  # noqa: E731
    opened = [workshop(where(n), n, "Retail", "Small", [("G1", "Methodology", "L")],
                       [("G1", "S-C")]) for n in ("a", "b", "c")]
    assert pmo_nb.benchmark(tmp_path, k=3)["organisations"].tolist() == [3]
    opened[0].set_benchmark_consent(False)
    assert pmo_nb.benchmark(tmp_path, k=3).empty
    assert opened[0].undo() == "set benchmark consent" and opened[0].benchmark_consent
    assert pmo_nb.benchmark(tmp_path, k=3)["chose"].tolist() == [3]
    for ws in opened:
        ws.close()


def test_suggestions_say_what_peers_chose(folder, tmp_path):
    bench = pmo_nb.benchmark(folder, k=3, like={"sector": "Insurance", "size_band": "Large"})
    with workshop(tmp_path / "me.sqlite", "Me", "Insurance", "Large",
                  [("G1", "Methodology", "H"), ("G2", "Methodology", "L")], []) as ws:
        found = ws.suggest("G1", benchmark=bench).set_index("service_id")
        assert found.loc[["S-A", "S-B", "S-C"], "peers_share"].tolist() == [0.6667, 1.0, 0.0]
        assert found.at["S-A", "peers"] == "2 of 3 organisations like yours chose this"
        assert found.at["S-C", "peers"] == ""
        assert ws.suggest("G2", benchmark=bench)["peers_share"].isna().all()  # no group
        assert "peers" not in ws.suggest("G1").columns
        panel = pmo_nb.ui.WorkshopPanel(ws, focus=False, benchmark=bench)
        panel.gap_select.value = "G1"
        assert "3 of 3 organisations like yours chose this" in \
            panel.services.rows["S-B"].info.value
        panel.gap_select.value = "G2"
        assert "organisations" not in panel.services.rows["S-B"].info.value


def test_k_below_3_and_bad_arguments_are_refused(folder, tmp_path):
    for k in (2, 0, True, 2.5):
        with pytest.raises(DataError, match=rf"benchmark: k={k!r} is too small; allowed: "
                                            r"a whole number >= 3"):
            pmo_nb.benchmark(folder, k=k)
    with pytest.raises(DataError, match="'name' is not a profile field; allowed: "
                                        "organisation, sector, size_band"):
        pmo_nb.benchmark(folder, like={"name": "x"})
    with pytest.raises(pmo_nb.InputFileError, match="is not a folder of sessions"):
        pmo_nb.benchmark(tmp_path / "missing")
    with pmo_nb.Workshop.open(tmp_path / "s.sqlite", gaps=gaps(("G1", "Methodology", "H")),
                              catalog=CATALOG) as ws:
        with pytest.raises(UsageError, match="has no profile yet; first say who it is for"):
            ws.set_benchmark_consent(True)
        with pytest.raises(UsageError, match="needs the organisation's name"):
            ws.set_profile("  ", "Insurance")
        with pytest.raises(UsageError, match="consent is True or False; got 'yes'"):
            ws.set_benchmark_consent("yes")
        assert ws.profile is None and not ws.benchmark_consent


def test_pmo_nb_benchmark_prints_the_table(folder, capsys):
    from pmo_nb.cli import main

    assert main(["benchmark", str(folder), "--k", "3"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["aspect", "size", "service_id", "organisations", "chose",
                                "share"]
    assert [line.split() for line in lines[1:]] == [
        ["Methodology", "H", "S-B", "4", "4", "1.0"], ["Methodology", "H", "S-A", "4", "2", "0.5"]]
    assert main(["benchmark", str(folder), "--k", "3", "--sector", "Public"]) == 0
    assert capsys.readouterr().out == "no group of 3 or more consenting organisations yet\n"
    assert main(["benchmark", str(folder), "--k", "2"]) == 2
    assert "pmo-nb benchmark: benchmark: k=2 is too small" in capsys.readouterr().err


def test_the_phone_shows_what_peers_chose_under_the_suggested_services(folder, tmp_path):
    from pmo_nb.ui import ParticipantPage

    bench = pmo_nb.benchmark(folder, k=3)
    with workshop(tmp_path / "me.sqlite", "Me", "Insurance", "Large",
                  [("G1", "Methodology", "H")], []) as ws:
        ws.open_vote("services", ["G1"])
        page = ParticipantPage(ws.path, benchmark=bench)
        page.name.value = "Ann"
        page.join_button.click()
        shown = list(page.answer.children)  # a heading, then each box and its line
        assert shown[1] is page.services["S-A"] and shown[2] is page.peers["S-A"]
        assert "2 of 4 organisations chose this" in page.peers["S-A"].value
        assert shown.index(page.peers["S-B"]) == shown.index(page.services["S-B"]) + 1
        assert "S-C" not in page.peers  # not suggested for Methodology: no line
        plain = ParticipantPage(ws.path)  # no benchmark: no line
        plain.name.value = "Ben"
        plain.join_button.click()
        assert plain.peers == {}
        page.close(), plain.close()


def test_the_server_reads_the_benchmark_once_like_the_workshop(folder, tmp_path, monkeypatch):
    from pmo_nb.app._room_peers import BENCHMARK_ENV, K_ENV, room_benchmark

    with workshop(tmp_path / "me.sqlite", "Me", "Insurance", "large",
                  [("G1", "Methodology", "H")], [], consent=False) as ws:
        room_benchmark.cache_clear()
        assert room_benchmark(str(ws.path)) is None  # not asked for
        monkeypatch.setenv(BENCHMARK_ENV, str(folder))
        monkeypatch.setenv(K_ENV, "3")
        room_benchmark.cache_clear()
        found = room_benchmark(str(ws.path))
        assert found.attrs["like"] and found["organisations"].tolist() == [3, 3]  # like Me
        room_benchmark.cache_clear()


def test_the_record_can_say_what_peers_chose(folder, tmp_path):
    from pmo_nb.record import report, workbook
    from pmo_nb.record.facts import gather
    from pmo_nb.record.options import Options

    with workshop(tmp_path / "me.sqlite", "Me", "Insurance", "Large",
                  [("G1", "Methodology", "H"), ("G2", "Methodology", "L")],
                  [("G1", "S-A")]) as ws:
        facts = gather(ws, Options(benchmark=str(folder), k=3))
        assert facts.peers[["gap_id", "service_id", "chose", "organisations"]].values.tolist() \
            == [["G1", "S-B", 3, 3], ["G1", "S-A", 2, 3]]  # like Me: One, Two, Six
        page = report.render(facts, ws)
        assert '<section id="peers"><h2>What organisations like yours chose</h2>' in page
        assert '<a href="#peers">' in page
        assert "peers" in workbook.tables(facts, ws)
        without = gather(ws, Options())
        assert without.peers is None and 'id="peers"' not in report.render(without, ws)

"""The Workshop's parts (GapEdits, VotingMixin) use of the Workshop only what
``pmo_nb.session.parts.WorkshopCore`` declares, and the Workshop provides all of it; the
participant uses the Workshop's public ballot methods only."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pmo_nb
from conftest import REPO
from pmo_nb.session import _follow_up, _gap_edits, _profile, _voting
from pmo_nb.session.parts import WorkshopCore
from pmo_nb.session.workshop import Workshop

DECLARED = {n for n, v in vars(WorkshopCore).items() if n.startswith("_")
            and not n.startswith("__") and inspect.isfunction(v)}
DECLARED |= set(WorkshopCore.__annotations__)


def private_uses(path: Path) -> set[str]:
    """Every ``self._name`` read or called in a module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)
            and isinstance(n.value, ast.Name) and n.value.id == "self"
            and n.attr.startswith("_") and not n.attr.startswith("__")}


def test_the_workshop_provides_what_its_parts_may_use(tmp_path: Path) -> None:
    ws = pmo_nb.Workshop.open(tmp_path / "s.sqlite", gaps=REPO / "data" / "sample_gaps.csv",
                              catalog=REPO / "data" / "catalog.csv")
    try:
        assert DECLARED == {"_store", "_frame", "_change", "_gap_row", "_service"}
        assert all(hasattr(ws, name) for name in DECLARED)
        for name in DECLARED - {"_store"}:  # the Workshop's own, not the protocol's stub
            assert getattr(Workshop, name).__qualname__ == f"Workshop.{name}"
    finally:
        ws.close()


def test_a_part_uses_only_its_own_privates_and_the_declared_ones() -> None:
    for module, part in ((_gap_edits, _gap_edits.GapEdits), (_voting, _voting.VotingMixin),
                         (_follow_up, _follow_up.FollowUp), (_profile, _profile.Profile)):
        own = {n for n in vars(part) if n.startswith("_")}
        undeclared = private_uses(Path(inspect.getfile(module))) - own - DECLARED
        assert undeclared == set(), f"{part.__name__}: declare {undeclared} in parts.py"


def test_the_participant_uses_no_private_part_of_the_workshop() -> None:
    path = REPO / "pmo_nb" / "session" / "participant.py"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    reached = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)
               and isinstance(n.value, ast.Attribute) and n.value.attr == "_ws"}
    reached |= {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)
                and isinstance(n.value, ast.Name) and n.value.id == "ws"}
    assert reached and not {n for n in reached if n.startswith("_")}, reached

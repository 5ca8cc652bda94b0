"""The house rules, read from the source with ``ast``: imports only point down the layers,
ipywidgets only under ``pmo_nb/ui/``, every raise a pmo_nb error, modules under 400 lines,
and test modules that import no other test module."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from conftest import REPO

PACKAGE = REPO / "pmo_nb"
MODULES = sorted(p for p in PACKAGE.rglob("*.py"))
# A module's layer; it may import pmo_nb modules of its own layer or below, never above.
LAYERS = [
    {"errors", "events", "_resources"},
    {"schema"},
    {"io", "_xlsx", "export"},
    {"_relevance"},
    {"_highs", "_model", "_reduce", "_milp"},
    {"coverage", "_plan_report", "plan", "votes"},
    {"_rows", "store"},
    {"session"},
    {"_gap_edits", "workshop", "_voting"},
    {"views", "plots", "start", "participant"},
    {"ui", "widgets", "display"},  # display: in Voilà, figures go out in a ui Output
    {"record", "folder", "_room_gate"},
    {"cli", "_serve", "_room_page", "__main__", "__init__"},
]
RANK = {name: i for i, names in enumerate(LAYERS) for name in names}
# Never, whatever the layers say (DESIGN.md): what each module must not import.
FORBIDDEN = {
    "io": {"plotly", "ipywidgets"}, "schema": {"plotly", "ipywidgets"},
    "coverage": {"pmo_nb.workshop", "pmo_nb.store"}, "plan": {"pmo_nb.workshop", "pmo_nb.store"},
    "votes": {"pmo_nb.workshop", "pmo_nb.store", "pmo_nb._voting"},
    "plots": {"pmo_nb.workshop", "pmo_nb.store", "ipywidgets"},
    "workshop": {"pmo_nb.plots", "pmo_nb.ui", "plotly"},
}


def unit(path: Path) -> str:
    """``pmo_nb/ui/budget.py`` -> ``ui``; ``pmo_nb/plan.py`` -> ``plan``."""
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return parts[0]


def imports(path: Path) -> set[str]:
    """Absolute names of every module ``path`` imports (relative imports resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = ["pmo_nb", *path.relative_to(PACKAGE).parent.parts]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            found.add(module)
            found |= {f"{module}.{alias.name}" for alias in node.names}
    return found


def pmo_units(names: set[str]) -> set[str]:
    return {n.split(".")[1] for n in names if n.startswith("pmo_nb.") and n.count(".") >= 1}


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_down(path: Path) -> None:
    me = unit(path)
    assert me in RANK, f"{me}: give this module a layer in tests/test_layers.py"
    up = {u for u in pmo_units(imports(path)) if u in RANK and RANK[u] > RANK[me]}
    unknown = {u for u in pmo_units(imports(path)) if u not in RANK}
    assert not unknown, f"{path.name} imports pmo_nb modules with no layer: {unknown}"
    assert not up, f"{path.relative_to(REPO)} imports {sorted(up)}, a layer above {me}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_forbidden_imports(path: Path) -> None:
    names = imports(path)
    banned = FORBIDDEN.get(unit(path), set())
    hits = {n for n in names for b in banned if n == b or n.startswith(b + ".")}
    assert not hits, f"{path.relative_to(REPO)} must not import {sorted(hits)}"


def test_only_the_ui_imports_ipywidgets() -> None:
    users = {str(p.relative_to(PACKAGE)) for p in MODULES
             if any(n.split(".")[0] == "ipywidgets" for n in imports(p))}
    assert users and all(u.startswith("ui/") for u in users), users


def test_every_raise_is_a_pmo_error() -> None:
    import pmo_nb.errors as errors

    ours = {name for name, obj in vars(errors).items()
            if isinstance(obj, type) and issubclass(obj, errors.PmoError)}
    # argparse turns ArgumentTypeError into its own usage message and exit code 2
    allowed = ours | {"NotImplementedError", "AttributeError", "ArgumentTypeError"}
    found = []
    for path in MODULES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Raise) and node.exc is not None:
                call = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
                name = call.attr if isinstance(call, ast.Attribute) else getattr(call, "id", "")
                if name and name[0].isupper() and name not in allowed:
                    found.append(f"{path.relative_to(REPO)}:{node.lineno} raises {name}")
    assert found == []


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_modules_stay_under_400_lines(path: Path) -> None:
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 400


def test_no_test_module_imports_another() -> None:
    tests = {p.stem for p in (REPO / "tests").glob("test_*.py")}
    found = {p.name: tests & {n.split(".")[0] for n in imports_any(p)}
             for p in (REPO / "tests").glob("*.py")}
    assert {k: v for k, v in found.items() if v} == {}


def imports_any(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    return names | {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}

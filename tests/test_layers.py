"""The house rules, read from the source with ``ast`` (docs/design.md, "Layers"): the package
root holds at most 8 modules, the rest is sub-packages by concept; imports only point down
the layers; no import circle (imports in functions and type-only imports count); no module
imports another package's private (``_name``) module; ipywidgets only under ``pmo_nb/ui/``;
only the store knows which database it talks to; every raise a pmo_nb error; modules under
400 lines; test modules import no other test module; docs/house.md is drawn from the code."""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

import pytest

from conftest import REPO

PACKAGE = REPO / "pmo_nb"


def _load_house():
    """docs/house.py, the script that draws the diagram from the same imports."""
    spec = importlib.util.spec_from_file_location("house", REPO / "docs" / "house.py")
    house = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(house)
    return house


HOUSE = _load_house()
imports = HOUSE.imports  # every import of a module, relative ones resolved (one reader)
MODULES = sorted(p for p in PACKAGE.rglob("*.py"))
MAX_ROOT_MODULES = 8
# A unit (a sub-package, or a module at the root) and its layer; it may import units of its
# own layer or below, never above.
LAYERS = [
    {"errors", "resources", "i18n"},
    {"inputs"},
    {"analysis"},
    {"plan"},
    {"store"},
    {"session"},
    {"plots"},
    {"ui", "display"},  # display: in Voilà, figures go out in a ui Output
    {"record"},
    {"app"},
    {"cli", "__main__", "__init__"},
]
RANK = {name: i for i, names in enumerate(LAYERS) for name in names}
# Never, whatever the layers say (docs/design.md): what each unit must not import.
PURE = {"plotly", "ipywidgets", "pmo_nb.session", "pmo_nb.store"}
FORBIDDEN = {
    "inputs": PURE, "analysis": PURE, "plan": PURE,
    "plots": {"pmo_nb.session", "pmo_nb.store", "ipywidgets"},
    "session": {"pmo_nb.plots", "pmo_nb.ui", "plotly"},
}


def unit(path: Path) -> str:
    """``pmo_nb/ui/budget.py`` -> ``ui``; ``pmo_nb/cli.py`` -> ``cli``."""
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return parts[0]


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


def module_of(name: str) -> str | None:
    """``pmo_nb.plan.select.Plan`` -> ``pmo_nb.plan.select``: the longest prefix of ``name``
    that is a module (or package) of pmo_nb; None outside pmo_nb."""
    parts = name.split(".")
    for n in range(len(parts), 0, -1):
        path = REPO.joinpath(*parts[:n])
        if parts[0] == "pmo_nb" and (path.with_suffix(".py").is_file()
                                     or (path / "__init__.py").is_file()):
            return ".".join(parts[:n])
    return None


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path) -> set[str]:
    """The pmo_nb modules ``path`` imports: ``from . import x`` is module ``x`` (not its
    package), ``from .x import name`` is ``x``; a package counts as its ``__init__``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = ["pmo_nb", *path.relative_to(PACKAGE).parent.parts]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {module_of(alias.name) for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            for alias in node.names:
                inner = module_of(f"{module}.{alias.name}")
                found.add(inner if inner == f"{module}.{alias.name}" else module_of(module))
    return found - {None}


def graph() -> dict[str, set[str]]:
    """module -> the pmo_nb modules it imports, anywhere in the file."""
    return {module_name(p): imported_modules(p) - {module_name(p)} for p in MODULES}


def circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected set of more than one node (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in edges.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                group.append(stack.pop())
                if group[-1] == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_the_root_holds_few_modules() -> None:
    root = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(root) <= MAX_ROOT_MODULES, f"{root}: move a module into a sub-package by concept"


def test_no_import_circle_between_modules() -> None:
    assert circles(graph()) == []


def test_no_import_circle_between_units() -> None:
    edges: dict[str, set[str]] = {}
    for path in MODULES:
        edges.setdefault(unit(path), set()).update(pmo_units(imports(path)) - {unit(path)})
    assert circles(edges) == []


def test_circles_are_found() -> None:  # the check above can fail
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_private_module_of_another_package(path: Path) -> None:
    """``pmo_nb.plan._milp`` is for ``pmo_nb/plan/`` alone: make it public or move it."""
    home = module_name(path) if path.name == "__init__.py" else module_name(path.parent / "x")
    home = home.rsplit(".", 1)[0] if path.name != "__init__.py" else home
    hits = set()
    for name in imports(path):
        parts = (module_of(name) or "").split(".")
        for i, part in enumerate(parts):
            if part.startswith("_") and not part.startswith("__"):
                owner = ".".join(parts[:i])
                if home != owner and not home.startswith(owner + "."):
                    hits.add(".".join(parts[: i + 1]))
    assert not hits, f"{path.relative_to(REPO)} imports private modules of other packages: {hits}"


def test_only_the_store_knows_the_database() -> None:
    import pmo_nb.store as store

    found = {}
    for path in MODULES:
        if unit(path) == "store":
            continue
        names = imports(path)
        deep = {n for n in names if n.startswith("pmo_nb.store.")
                and n.split(".")[2] not in store.__all__}
        drivers = {n for n in names if n.split(".")[0] in ("sqlite3", "psycopg")}
        if deep | drivers:
            found[str(path.relative_to(REPO))] = deep | drivers
    assert found == {}


def test_the_house_diagram_is_drawn_from_the_code() -> None:
    committed = (REPO / "docs" / "house.md").read_text(encoding="utf-8")
    assert committed == HOUSE.render(), "run: python docs/house.py"

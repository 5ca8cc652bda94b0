"""Draw the house: which sub-package of pmo_nb imports which, read from the code with ``ast``.

Writes ``docs/house.md`` (a Mermaid graph GitHub draws, and the same edges as a list);
``tests/test_layers.py`` fails when the committed file no longer matches the code.

    python docs/house.py          # rewrite docs/house.md
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "pmo_nb"
OUT = REPO / "docs" / "house.md"
# top to bottom as in docs/design.md ("Layers"): a unit imports only those below it
ORDER = ["cli", "__main__", "__init__", "app", "record", "ui", "display", "plots", "session",
         "store", "plan", "analysis", "inputs", "resources", "i18n", "errors"]
WHAT = {
    "cli": "pmo-nb new | record | serve | list",
    "app": "participants' server, customer's folder, open_workshop",
    "record": "headless notebooks, stakeholders' page, workbook, PDF",
    "ui": "every ipywidgets panel",
    "display": "tables and figures in notebooks and Voilà",
    "plots": "tables -> plotly figures; style: colours and labels",
    "session": "Workshop, Participant, gap edits, votes, events, views",
    "store": "SQLite file | PostgreSQL URL behind one interface",
    "plan": "exact plan (HiGHS), curve, roadmap, plan in words",
    "analysis": "pure pandas: coverage, relevance, vote tallies",
    "inputs": "read + validate + normalise; safe export",
    "resources": "where the packaged notebooks and data are",
    "i18n": "the customer's language: catalogs, Babel formats",
    "errors": "one family under PmoError",
}


def unit(path: Path) -> str:
    """``pmo_nb/ui/budget.py`` -> ``ui``; ``pmo_nb/cli.py`` -> ``cli``."""
    return path.relative_to(PACKAGE).with_suffix("").parts[0]


def imports(path: Path) -> set[str]:
    """Absolute names of every module ``path`` imports (relative imports resolved), anywhere
    in the file: in functions and under ``TYPE_CHECKING`` too."""
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


def edges() -> dict[str, set[str]]:
    """unit -> the other units of pmo_nb it imports."""
    out: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        me = unit(path)
        used = {n.split(".")[1] for n in imports(path) if n.startswith("pmo_nb.")}
        out.setdefault(me, set()).update(used - {me})
    return out


def render() -> str:
    """docs/house.md, from the code."""
    graph = edges()
    units = [u for u in ORDER if u in graph] + sorted(set(graph) - set(ORDER))
    shown = [u for u in units if u not in ("__main__", "__init__")]
    lines = ["# The house: pmo_nb's sub-packages and who imports whom", "",
             "Drawn from the code by `python docs/house.py` (a test checks it is up to date).",
             "An arrow `a --> b`: some module of `a` imports `b`. Imports only point down;",
             "see [design.md](design.md#layers) for the rules the layer test enforces.", "",
             "```mermaid", "flowchart TD"]
    for u in shown:
        label = f"{u}/" if (PACKAGE / u).is_dir() else f"{u}.py"
        lines.append(f'    {u}["<b>{label}</b><br/>{WHAT.get(u, "")}"]')
    for u in shown:
        for v in sorted(graph[u], key=units.index):
            if v in shown:
                lines.append(f"    {u} --> {v}")
    lines += ["```", "", "| unit | imports |", "|---|---|"]
    for u in units:
        label = f"`{u}/`" if (PACKAGE / u).is_dir() else f"`{u}.py`"
        lines.append(f"| {label} | {', '.join(sorted(graph[u], key=units.index)) or '—'} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    OUT.write_text(render(), encoding="utf-8")
    print(f"wrote {OUT.relative_to(REPO)}", file=sys.stderr)

"""The set-up files agree with each other, and the README with the code."""

from __future__ import annotations

import re
import tomllib

import yaml

from conftest import REPO
from pmo_nb.inputs import schema


def _name(spec: str) -> tuple[str, str]:
    found = re.match(r"([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?\s*(.*)", spec)  # extras: pip only
    return found.group(1).lower().replace("_", "-"), found.group(2).replace(" ", "")


def test_environment_yml_names_the_pyproject_dependencies():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    wanted = dict(_name(s) for s in project["dependencies"] + project["optional-dependencies"]
                  ["test"])
    env = yaml.safe_load((REPO / "environment.yml").read_text())
    conda = dict(_name(s) for s in env["dependencies"] if isinstance(s, str))
    conda.pop("python"), conda.pop("pip")
    assert conda == wanted
    pip = next(s for s in env["dependencies"] if isinstance(s, dict))["pip"]
    assert pip == ["--no-deps -e ."]


def _readme_table(title: str) -> list[str]:
    text = (REPO / "docs" / "data.md").read_text()
    section = text.split(f"### {title}", 1)[1].split("\n#", 1)[0]
    return re.findall(r"^\| `([a-z_]+)` \|", section, flags=re.M)


def test_readme_documents_the_gap_and_catalog_columns():
    assert _readme_table("Gaps") == [c.name for c in schema.GAPS]
    assert _readme_table("Catalog") == [c.name for c in schema.CATALOG]
    assert _readme_table("Assignments") == [c.name for c in schema.ASSIGNMENTS]


def test_readme_documents_every_make_target_and_ci_runs_the_test_command():
    readme = (REPO / "README.md").read_text()
    targets = re.findall(r"^## ([a-z-]+):", (REPO / "Makefile").read_text(), flags=re.M)
    assert targets, "Makefile targets are documented with '## name:' lines"
    for target in targets:
        assert f"make {target}" in readme, target
    assert "make test" in (REPO / ".ci" / "run").read_text()

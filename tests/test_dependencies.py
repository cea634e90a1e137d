"""The declared dependencies are the imported ones (pyproject.toml against an AST scan of the sources).

Runtime (`[project] dependencies`): exactly the third-party modules that hubbench/, bench_app/ and steps/
import (or an optional group of `[project.optional-dependencies]`, for a command that needs it), so an
import nobody declared, or a declaration nobody imports, fails here. The tests (tests/)
import only runtime or `dev` distributions, the benchmarks (bench/) only runtime or `bench` ones.
Imports under `if TYPE_CHECKING:` are not runtime imports and are left out.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
FIRST_PARTY = {"hubbench", "bench_app", "steps"}
# The scripts put their own folders on sys.path (bench/ also imports tests' support modules).
LOCAL = FIRST_PARTY | {
    path.stem for folder in ("tests", "bench") for path in (ROOT / folder).rglob("*.py")
} | {path.name for folder in ("tests", "bench") for path in (ROOT / folder).rglob("*") if path.is_dir()}

# Import name → distribution name, where they differ beyond case and "-"/"_".
DISTRIBUTION_OF = {
    "yaml": "pyyaml",
    "fpdf": "fpdf2",
    "argon2": "argon2-cffi",
    "gherkin": "gherkin-official",
    "_pytest": "pytest",  # pytest's own package (engine/runner.py patches one of its functions)
}


def _normalize(name: str) -> str:
    """PEP 503 normalized distribution name."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement_name(requirement: str) -> str:
    return _normalize(re.split(r"[\s\[<>=!~;]", requirement.strip(), maxsplit=1)[0])


def _group(name: str) -> set[str]:
    names: set[str] = set()
    for entry in PYPROJECT["dependency-groups"][name]:
        names |= _group(entry["include-group"]) if isinstance(entry, dict) else {_requirement_name(entry)}
    return names


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imported(node: ast.AST) -> Iterator[str]:
    """Top-level names of the absolute imports under `node`, `if TYPE_CHECKING:` blocks excepted."""
    if isinstance(node, ast.If) and _is_type_checking(node.test):
        for child in node.orelse:
            yield from _imported(child)
        return
    if isinstance(node, ast.Import):
        yield from (alias.name.split(".")[0] for alias in node.names)
    elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
        yield node.module.split(".")[0]
    for child in ast.iter_child_nodes(node):
        yield from _imported(child)


def third_party(*folders: str) -> dict[str, str]:
    """Distribution → one file importing it, for every third-party import of these folders."""
    files = [path for folder in folders for path in sorted((ROOT / folder).rglob("*.py"))]
    found: dict[str, str] = {}
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for name in _imported(tree):
            if name in sys.stdlib_module_names or name in LOCAL:
                continue
            found.setdefault(_normalize(DISTRIBUTION_OF.get(name, name)), str(path.relative_to(ROOT)))
    return found


def test_runtime_dependencies_are_exactly_the_runtime_imports() -> None:
    declared = {_requirement_name(r) for r in PYPROJECT["project"]["dependencies"]}
    extras = {_requirement_name(r) for group in PYPROJECT["project"]["optional-dependencies"].values()
              for r in group}  # imported where a command needs them (`hub up --docker`: docker)
    imported = third_party("hubbench", "bench_app", "steps")
    undeclared = set(imported) - declared - extras
    assert {name: imported[name] for name in sorted(undeclared)} == {}, "imported, undeclared"
    assert sorted(declared - set(imported)) == [], "declared as runtime, imported by no runtime module"


def test_tests_import_only_runtime_or_dev_distributions() -> None:
    allowed = {_requirement_name(r) for r in PYPROJECT["project"]["dependencies"]} | _group("dev")
    imported = third_party("tests")
    assert {name: path for name, path in imported.items() if name not in allowed} == {}


def test_benchmarks_import_only_runtime_or_bench_distributions() -> None:
    allowed = {_requirement_name(r) for r in PYPROJECT["project"]["dependencies"]} | _group("bench")
    imported = third_party("bench")
    assert {name: path for name, path in imported.items() if name not in allowed} == {}

"""Lazy public faces of the rooms (PEP 562).

A room's `__init__` lists what other rooms may use as ordinary imports under `if TYPE_CHECKING:` (so type
checkers, editors and import-linter see them) and ends with

    __getattr__, __dir__ = lazy_face(__name__, __file__)

A name is then imported from its module the first time it is used: importing a room's face costs nothing,
and `hubbench --help` does not load SQLAlchemy, pika, lxml or pytest through it.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any


def face_imports(init_file: str | Path) -> dict[str, tuple[str, str]]:
    """{public name: (module, name in that module)} from the absolute imports under `if TYPE_CHECKING:`."""
    import ast  # only when a face is first used, not when it is imported

    tree = ast.parse(Path(init_file).read_text(encoding="utf-8"))
    found: dict[str, tuple[str, str]] = {}
    blocks = [
        node.body for node in tree.body
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"
    ]
    for block in blocks:
        for statement in block:
            if isinstance(statement, ast.ImportFrom) and statement.module and not statement.level:
                for alias in statement.names:
                    found[alias.asname or alias.name] = (statement.module, alias.name)
    return found


def lazy_face(package: str, init_file: str) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """`__getattr__` and `__dir__` for the face `package` whose `__init__` is `init_file`."""
    where: dict[str, tuple[str, str]] = {}

    def __getattr__(name: str) -> Any:
        if not where:
            where.update(face_imports(init_file))
        if name not in where:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module, attribute = where[name]
        value = getattr(importlib.import_module(module), attribute)
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        if not where:
            where.update(face_imports(init_file))
        return sorted({*vars(sys.modules[package]), *where})

    return __getattr__, __dir__

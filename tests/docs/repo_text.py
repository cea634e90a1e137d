"""Reading the repository's own text: tracked files, the file paths and module names they mention.

Shared by the citation scan and the ARCHITECTURE.md map test. A mention is checked only when it names
this repository (a path under one of its top-level folders or rooms, a `hubbench.…` module); paths of
the official repositories (`ansforge/SAMU-Hub-Sante`, `ansforge/SAMU-Hub-Modeles`) are not ours.
"""

from __future__ import annotations

import functools
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PACKAGE = REPO / "hubbench"
TEXT_SUFFIXES = frozenset({".py", ".md", ".feature", ".toml", ".ini", ".json", ".cfg", ".sh", ".txt", ".yaml",
                           ".yml", ""})
# First path components that name this repository: its top-level folders and hubbench's rooms.
OWN_ROOTS = frozenset({"hubbench", "bench_app", "bench", "features", "steps", "tests", "schemas", "scripts",
                       ".ci", "protocol", "hub", "transport", "cases", "engine", "sim", "results", "cli",
                       "campaigns"})
PATH = re.compile(r"(?<![\w./:@-])((?:[\w-]+/)+(?:[\w-]+(?:\.\w+)*)?)")
# A module named in backticks or imported (a bare `hubbench.probe` in prose may be a certificate name).
MODULE = re.compile(r"(?:(?<=`)|(?<=from )|(?<=import ))hubbench(?:\.[a-z][a-z0-9_]*)+")
# A room's module named without the package, in backticks (`engine.partner`, `results.queries.open_prompts`).
ROOMS = ("protocol", "hub", "transport", "cases", "engine", "sim", "results", "cli", "campaigns")
# A call (`hub.unique_id()`) is a fixture's method in tests, not a module path: not checked.
ROOM_MODULE = re.compile(rf"(?<=`)(?:{'|'.join(ROOMS)})(?:\.[a-z][a-z0-9_]*)+(?![\w.]*\()")


@functools.cache
def tracked_files() -> tuple[Path, ...]:
    """The text files git tracks (binary and generated files excluded by suffix)."""
    listing = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True, text=True)
    paths = [REPO / name for name in listing.stdout.split("\0") if name]
    return tuple(p for p in paths if p.suffix in TEXT_SUFFIXES and p.is_file())


def own_path_mentions(text: str) -> Iterator[str]:
    """Paths in `text` that name this repository (not `../shared`, not an official repository's path)."""
    for match in PATH.finditer(text):
        token = match.group(1).rstrip(".")
        parts = token.split("/")
        if parts[0] not in OWN_ROOTS or "src" in parts or token.endswith("-"):
            continue
        yield token


def path_exists(token: str, citing: Path | None = None) -> bool:
    """Whether `token` names a file or folder of the repository (from its root, `hubbench/` or the citing
    file's folder and the folders above it)."""
    bases = [REPO, PACKAGE]
    if citing is not None:
        bases += [folder for folder in citing.parents if REPO in (folder, *folder.parents)]
    # `engine/clock.poll_until` names `engine/clock.py` and an attribute of it.
    stems = [token, *(token.rsplit(".", n)[0] for n in range(1, token.count(".") + 1))]
    return any((base / stem).exists() or (base / f"{stem}.py").is_file() for base in bases for stem in stems)


def module_exists(dotted: str) -> bool:
    """Whether `hubbench.a.b…` resolves: each part is a subpackage or module, or a name its package's
    `__init__.py` defines; a part after a module (an attribute) is not checked."""
    folder = REPO
    for index, part in enumerate(dotted.split(".")):
        if (folder / part).is_dir():
            folder = folder / part
        elif (folder / f"{part}.py").is_file():
            return True
        else:
            init = folder / "__init__.py"
            defined = init.is_file() and re.search(rf"\b{part}\b", init.read_text("utf-8")) is not None
            return index > 0 and defined
    return True


def module_mentions(text: str) -> Iterator[str]:
    """Dotted module names of the package in `text`, as `hubbench.…`: written in backticks (with or without
    the package) or imported."""
    for match in MODULE.finditer(text):
        yield match.group(0)
    for match in ROOM_MODULE.finditer(text):
        yield f"hubbench.{match.group(0)}"

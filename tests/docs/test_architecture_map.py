"""ARCHITECTURE.md cannot rot silently: every file or folder it names in backticks exists.

A backticked token is a path when it holds a `/` or ends with a source suffix; it is looked up from the
repository root, then from `hubbench/` (the rooms are written without the package). The repositories of
the ANS (`ansforge/…`) and patterns (`cli/<group>.py`) are not paths of this repository.
"""

from __future__ import annotations

import re

from repo_text import REPO, module_exists, module_mentions, path_exists

MAP = REPO / "ARCHITECTURE.md"
BACKTICKED = re.compile(r"`([^`\s]+)`")
SOURCE_SUFFIX = re.compile(r"\.(?:py|md|feature|ini|toml|json|sh)$")


def _paths(text: str) -> list[str]:
    tokens = BACKTICKED.findall(text)
    return [t for t in tokens if ("/" in t or SOURCE_SUFFIX.search(t)) and not t.startswith("ansforge/")
            and not re.search(r"[<>{}*]", t)]


def test_every_path_of_the_map_exists() -> None:
    text = MAP.read_text(encoding="utf-8")
    paths = _paths(text)
    assert len(paths) > 50, "la carte devrait nommer les fichiers de chaque pièce"
    missing = [p for p in paths if not path_exists(p)]
    assert not missing, "ARCHITECTURE.md nomme des chemins absents : " + ", ".join(missing)


def test_every_module_of_the_map_exists() -> None:
    modules = list(module_mentions(MAP.read_text(encoding="utf-8")))
    missing = [m for m in modules if not module_exists(m)]
    assert not missing, "ARCHITECTURE.md nomme des modules absents : " + ", ".join(missing)


def test_the_map_check_sees_a_stale_path() -> None:
    stale = _paths("Les paliers sont dans `engine/tier1.py` ; `cli/<groupe>.py` est un motif.")
    assert stale == ["engine/tier1.py"] and not path_exists(stale[0])

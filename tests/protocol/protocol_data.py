"""Paths and readers of the official data in ../shared/hubsante-models (shared by the protocol tests)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "hubsante-models"
# Line ("1", "2", "3": the first packs) or tag → folder; 1.3.0 and 2.4.0 are the vhosts' default packs.
LINE_DIRS = {"3": "official", "2": "official-2.2", "1": "official-1.0", "2.4.0": "official-2.4.0",
             "1.3.0": "official-1.3.0"}


def shared_or_skip(path: Path) -> Path:
    """The shared official data, or skip (fail when CI is set: the data must be there)."""
    if not path.exists():
        if os.environ.get("CI"):
            pytest.fail(f"données officielles absentes en CI : {path}")
        pytest.skip(f"données officielles absentes : {path}")
    return path


def examples(line: str) -> list[Path]:
    """Official JSON examples of a line (bare use-case objects), without messagesList.json."""
    root = SHARED / LINE_DIRS[line] / "examples"
    if not root.exists():
        return []
    return sorted(p for p in root.rglob("*.json") if p.name != "messagesList.json")


def load_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))

"""Readers of the official examples (shared by the protocol tests; the data: support/official.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from support.official import LINE_DIRS, MODELS


def examples(line: str) -> list[Path]:
    """Official JSON examples of a line (bare use-case objects), without messagesList.json."""
    root = MODELS / LINE_DIRS[line] / "examples"
    if not root.exists():
        return []
    return sorted(p for p in root.rglob("*.json") if p.name != "messagesList.json")


def load_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))

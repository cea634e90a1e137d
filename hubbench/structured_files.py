"""Reading a user's YAML or JSON file (declaration, answers): one French line for any problem."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from hubbench.errors import UsageError


def read_structured_file(path: Path, what: str) -> Any:
    """The data of `path` (JSON for a `.json` name, else YAML); `what` names the file in French errors
    (« de déclaration », « de réponses »)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"Fichier {what} illisible : {path} ({exc})") from exc
    try:
        return json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise UsageError(f"Fichier {what} corrompu : {path} ({first})") from exc

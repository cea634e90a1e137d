"""Dot-path helpers over JSON trees, with the official converter's semantics.

Source: `ansforge/SAMU-Hub-Modeles`, `converter/converter/utils.py` (`delete_paths`, `set_value`,
`concatenate_values`, `is_field_completed`), tag `converter-2.7.5-rc.1`:
* paths are dot-separated; `x[]` means every element of the array `x`;
* deleting a missing path is a no-op; an intermediate object or array that becomes empty because of the
  deletion is removed too, recursively up to the root;
* `set_value` creates missing intermediate objects; an existing key keeps its position;
* `concatenate_values` walks dict values (insertion order) and list items depth first and keeps the
  strings only, each prefixed with one space;
* a field is "completed" when its path exists, even with an empty value.
"""

from __future__ import annotations

import random
import string
from collections.abc import Iterable
from typing import Any

JsonObject = dict[str, Any]
_ID_ALPHABET = string.ascii_lowercase + string.digits


def _split(path: str) -> list[str]:
    return [part for part in path.removeprefix("$.").split(".") if part]


def delete_paths(obj: JsonObject, paths: Iterable[str]) -> None:
    """Delete every path of `paths` from `obj` in place (see the module docstring)."""
    for path in paths:
        _delete(obj, _split(path))


def _delete(node: Any, parts: list[str]) -> bool:
    """Delete `parts` under `node`; True when something was deleted."""
    head, rest = parts[0], parts[1:]
    is_array = head.endswith("[]")
    key = head[:-2] if is_array else head
    if not isinstance(node, dict) or key not in node:
        return False
    if not rest:
        del node[key]
        return True
    child = node[key]
    if is_array:
        if not isinstance(child, list):
            return False
        touched = [item for item in child if _delete(item, rest)]
        if not touched:
            return False
        child[:] = [item for item in child if not (item in ({}, []) and any(item is t for t in touched))]
    elif not _delete(child, rest):
        return False
    if child in ({}, []):
        del node[key]
    return True


def get_value(obj: Any, path: str) -> Any:
    """The value at a plain dot path (no arrays), or None when any step is missing."""
    node = obj
    for part in _split(path):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def is_completed(obj: Any, path: str) -> bool:
    """True when the plain dot path exists in `obj`, whatever its value."""
    node = obj
    for part in _split(path):
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


def set_value(obj: JsonObject, path: str, value: Any) -> None:
    """Set `value` at a plain dot path, creating missing intermediate objects."""
    parts = _split(path)
    node = obj
    for part in parts[:-1]:
        child = node.get(part)
        if not isinstance(child, dict):
            child = {}
            node[part] = child
        node = child
    node[parts[-1]] = value


def concatenate_values(value: Any) -> str:
    """Every string leaf of `value`, depth first, each prefixed with one space (`" a b c"`)."""
    if isinstance(value, str):
        return " " + value
    if isinstance(value, dict):
        return "".join(concatenate_values(v) for v in value.values())
    if isinstance(value, list):
        return "".join(concatenate_values(v) for v in value)
    return ""


def rename_key(obj: JsonObject, old: str, new: str) -> None:
    """Move `obj[old]` to `obj[new]` (appended at the end), when `old` is present."""
    if old in obj:
        obj[new] = obj.pop(old)


def random_id(rng: random.Random, length: int) -> str:
    """`length` random characters of `[a-z0-9]`, as the converter's generated ids."""
    return "".join(rng.choices(_ID_ALPHABET, k=length))

"""The JSONPath subset the official test cases use: `$`, `.name`, `[index]` and `['name']`.

`test_cases.json` (`ansforge/SAMU-Hub-Modeles`, `csv_parser/out/test_cases.json`) only holds concrete
paths such as `$.createCaseHealth.medicalNote[0].operator.role`; one path in the shipped file lacks the dot
after a bracket (`$.resourcesInfo.resource[0]contact.type`), which `parse` reads as the evident
`[0].contact.type`. Expected values are the leaves of `$..*`: scalars only (objects, arrays and `null` are not
leaves, as in the official runner where `typeof value !== 'object'`).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from typing import Any

Segment = str | int
Path = tuple[Segment, ...]

_TOKEN = re.compile(
    r"\.(?P<name>[A-Za-z_$][\w$-]*)|\[(?P<index>\d+)\]|\['(?P<quoted>[^']*)'\]|(?P<bare>[A-Za-z_$][\w$-]*)"
)
_PLAIN_NAME = re.compile(r"^[A-Za-z_$][\w$-]*$")


class PathSyntaxError(ValueError):
    """The text is not a path of the supported subset."""


class Missing(LookupError):
    """The path does not resolve in the document."""


def parse(text: str) -> Path:
    """`$.a.b[0]['c d']` → `("a", "b", 0, "c d")`."""
    if not text.startswith("$"):
        raise PathSyntaxError(f"Chemin JSONPath invalide (doit commencer par $) : {text!r}")
    segments: list[Segment] = []
    pos = 1
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        # a bare name is only accepted right after a closing bracket (the `[0]contact` typo)
        if match is None or (match.group("bare") is not None and text[pos - 1] != "]"):
            raise PathSyntaxError(f"Chemin JSONPath invalide à la position {pos} : {text!r}")
        if match.group("index") is not None:
            segments.append(int(match.group("index")))
        else:
            segments.append(match.group("name") or match.group("quoted") or match.group("bare"))
        pos = match.end()
    return tuple(segments)


def format_path(path: Path) -> str:
    """The canonical text of a path: `$.a.b[0]`, bracket-quoting names that need it."""
    parts = ["$"]
    for segment in path:
        if isinstance(segment, int):
            parts.append(f"[{segment}]")
        elif _PLAIN_NAME.match(segment):
            parts.append(f".{segment}")
        else:
            parts.append(f"['{segment}']")
    return "".join(parts)


def leaves(document: Any, prefix: Path = ()) -> Iterator[tuple[Path, Any]]:
    """Every scalar (string, number, boolean) of the document with its path, in document order."""
    if isinstance(document, dict):
        for key, value in document.items():
            yield from leaves(value, (*prefix, key))
    elif isinstance(document, list):
        for index, value in enumerate(document):
            yield from leaves(value, (*prefix, index))
    elif document is not None:
        yield prefix, document


def get(document: Any, path: Path) -> Any:
    """The value at `path`; raises `Missing` when a segment does not resolve."""
    node = document
    for segment in path:
        if isinstance(segment, int):
            if not isinstance(node, list) or segment >= len(node):
                raise Missing(format_path(path))
        elif not isinstance(node, dict) or segment not in node:
            raise Missing(format_path(path))
        node = node[segment]
    return node


def set_value(document: Any, path: Path, value: Any) -> None:
    """Write `value` at `path`, creating missing objects/arrays on the way (like `jsonpath.value`)."""
    if not path:
        raise PathSyntaxError("Impossible d'écrire à la racine $")
    node = document
    for segment, following in itertools.pairwise(path):
        node = _child(node, segment, [] if isinstance(following, int) else {})
    _assign(node, path[-1], value)


def _child(node: Any, segment: Segment, empty: Any) -> Any:
    if isinstance(segment, int):
        if not isinstance(node, list):
            raise Missing(f"[{segment}] sur un élément qui n'est pas un tableau")
        while len(node) <= segment:
            node.append(None)
        if node[segment] is None:
            node[segment] = empty
        return node[segment]
    if not isinstance(node, dict):
        raise Missing(f".{segment} sur un élément qui n'est pas un objet")
    if node.get(segment) is None:
        node[segment] = empty
    return node[segment]


def _assign(node: Any, segment: Segment, value: Any) -> None:
    if isinstance(segment, int):
        if not isinstance(node, list):
            raise Missing(f"[{segment}] sur un élément qui n'est pas un tableau")
        while len(node) <= segment:
            node.append(None)
    elif not isinstance(node, dict):
        raise Missing(f".{segment} sur un élément qui n'est pas un objet")
    node[segment] = value

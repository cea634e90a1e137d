"""Unusual but valid message contents for the Robustesse tier's fuzzing of the vendor's consumer.

Each content is a `customContent` use case (any object, DST 1.2 §3.4.8: the hub routes it without
functional validation), so every message is one the hub accepts and routes. Values are adversarial:
long strings, characters outside the Basic Multilingual Plane, invisible and bidirectional controls,
combining marks, boundary dates, big and negative numbers, many items, optional fields absent or all
present. Generation is pure and seeded (`random.Random`): a run's seed reproduces its messages. Each
batch holds one message per family, then random mixes; a batch is sent smallest first, so the first
message the vendor fails on is the smallest of its batch that fails.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

LONG_LENGTHS = (4_096, 10_000, 65_535)
UNUSUAL_TEXTS = (
    "Ambulance 🚑 en route 🏥",  # outside the BMP (surrogate pairs in UTF-16)
    "zéro\u200blargeur\u200djoint",  # zero-width space / joiner
    "\u202egauche-droite\u202c inversé",  # bidirectional override
    "e\u0301le\u0300ve combine\u0301",  # combining marks
    "sonnerie\u0007 et tab\tulation",  # control characters (JSON-escaped)
    "𝔐𝔞𝔱𝔥 𝟙𝟚𝟛 ꙮ ﷽",  # mathematical letters, rare scripts
    "\"guillemets\" \\ barre </script> ' --",  # quoting and markup
)
BOUNDARY_DATES = (
    "0001-01-01T00:00:00+00:00",
    "9999-12-31T23:59:59+14:00",
    "2024-02-29T23:59:59-12:00",
    "1970-01-01T00:00:00Z",
    "2038-01-19T03:14:08+00:00",
)
NUMBERS: tuple[int | float, ...] = (0, -1, 2**63 - 1, -(2**63), 1e308, -0.0, 0.1)
MANY_ITEMS = 300
OPTIONAL_FIELDS = ("commentaire", "telephone", "adresse", "note", "precision", "reference")


@dataclass(frozen=True)
class FuzzCase:
    family: str  # French, what is unusual in it
    content: dict[str, Any]  # the customContent object

    @property
    def size(self) -> int:
        return len(json.dumps(self.content, ensure_ascii=False).encode("utf-8"))

    def describe(self) -> str:
        longest = max((len(s) for s in _strings(self.content)), default=0)
        return f"{self.family} ({self.size} octets, chaîne la plus longue : {longest} caractères)"


def _long(rng: random.Random) -> FuzzCase:
    length = rng.choice(LONG_LENGTHS)
    text = ("Détresse respiratoire. " * length)[:length]
    return FuzzCase(f"chaîne de {length} caractères", {"texte": text})


def _unusual(rng: random.Random) -> FuzzCase:
    text = rng.choice(UNUSUAL_TEXTS)
    return FuzzCase("texte Unicode inhabituel", {"texte": text, "motif": text[::-1]})


def _dates(rng: random.Random) -> FuzzCase:
    start, end = rng.choice(BOUNDARY_DATES), rng.choice(BOUNDARY_DATES)
    return FuzzCase("dates aux limites", {"debut": start, "fin": end})


def _numbers(rng: random.Random) -> FuzzCase:
    return FuzzCase("nombres aux limites", {f"n{i}": n for i, n in enumerate(rng.sample(NUMBERS, 4))})


def _many(rng: random.Random) -> FuzzCase:
    items = [{"rang": i, "libelle": f"élément {i}"} for i in range(rng.randint(MANY_ITEMS // 2, MANY_ITEMS))]
    return FuzzCase(f"{len(items)} éléments", {"elements": items})


def _optional(rng: random.Random) -> FuzzCase:
    present = [f for f in OPTIONAL_FIELDS if rng.random() < 0.5]
    return FuzzCase(f"champs optionnels : {len(present)} sur {len(OPTIONAL_FIELDS)}",
                    {f: f"valeur {f}" for f in present})


def _nested(rng: random.Random) -> FuzzCase:
    depth = rng.randint(20, 60)
    value: Any = "fond"
    for level in range(depth):
        value = {f"niveau{level}": value}
    return FuzzCase(f"objets imbriqués sur {depth} niveaux", {"arbre": value})


FAMILIES: tuple[Callable[[random.Random], FuzzCase], ...] = (
    _optional, _dates, _numbers, _unusual, _nested, _many, _long,
)


def batch(rng: random.Random, size: int) -> list[FuzzCase]:
    """One case per family, then random mixes of two families, smallest first."""
    cases = [family(rng) for family in FAMILIES]
    while len(cases) < size:
        first, second = rng.sample(FAMILIES, 2)
        a, b = first(rng), second(rng)
        mixed = {**a.content, **{f"b_{key}": value for key, value in b.content.items()}}
        cases.append(FuzzCase(f"{a.family} + {b.family}", mixed))
    return sorted(cases, key=lambda c: c.size)


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []

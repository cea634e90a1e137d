"""Hypothesis strategies for schema-valid but adversarial use cases, read from the vhost's official pack.

The official schemas (ansforge/SAMU-Hub-Modeles, `src/main/resources/json-schema`) use a small subset of
JSON Schema draft 7: `type`, `properties`, `required`, `additionalProperties`, `enum`, `pattern`,
`format: date-time`, `maxLength`, `items`, `minItems`, `maxItems`, `allOf` and `$ref` (local or to a
sibling file). The strategy follows exactly that subset (hypothesis-jsonschema gives up on these
schemas: their date-time patterns defeat its filters), so every message is one the hub validates and
routes; its values are adversarial: free texts long (past 2 000 characters) or in unusual Unicode,
boundary dates (years 0001 and 9999, 29 February, extreme offsets), optional fields all absent or all
present, many array items.

`minimise` is the bench's own shrinking for a message that failed on the vendor: it removes fields,
shortens texts and arrays, keeps each change that leaves the message valid and still failing.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

from hubbench.protocol import SchemaPack, validator_for

# Use cases fuzzed when the pack has them: the functional messages a consumer integrates.
FUZZED_USE_CASES = ("createCaseHealth", "documentLink", "resourcesStatus", "resourcesInfo",
                    "createCaseHealthUpdate")
MODES = ("aucun champ optionnel", "tous les champs optionnels", "champs mélangés", "nombreux éléments")
LONG_TEXT = (2_001, 8_000)  # character counts of a long free text
MANY_ITEMS = 40  # items of an array in "nombreux éléments"
FEW_ITEMS = 2
MAX_DEPTH = 9  # below it, only required fields
UNUSUAL_TEXTS = (
    "Ambulance 🚑 en route 🏥",  # outside the BMP
    "zéro\u200blargeur\u200djoint",  # zero-width space / joiner
    "\u202egauche-droite\u202c inversé",  # bidirectional override
    "e\u0301le\u0300ve combine\u0301",  # combining marks
    "𝔐𝔞𝔱𝔥 𝟙𝟚𝟛 ꙮ ﷽",  # mathematical letters, rare scripts
    "\"guillemets\" \\ </content> <![CDATA[ ]]> &amp; '",  # quoting and markup (JSON and XML)
)
PLAIN_TEXTS = ("Douleur thoracique", "RAS", "Appelant : voisin, 3e étage")
BOUNDARY_DATES = (
    "0001-01-01T00:00:00+00:00",
    "9999-12-31T23:59:59+14:00",
    "2024-02-29T23:59:59-12:00",
    "1970-01-01T00:00:00+00:00",
    "2038-01-19T03:14:08+00:00",
    "1899-12-31T23:59:59+01:00",
)
DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$")
_LONG_SENTENCE = "Détresse respiratoire, patient conscient. "

Json = Any
Schema = dict[str, Any]


def long_text(length: int) -> str:
    return (_LONG_SENTENCE * (length // len(_LONG_SENTENCE) + 1))[:length]


def _free_text(xml: bool = False) -> st.SearchStrategy[str]:
    """Plain, unusual (rare scripts, invisible controls), random Unicode, or long; for XML, only the
    characters XML 1.0 allows (no C0 control but tab, newline, carriage return)."""
    chars = st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"] if xml else ["Cs"],
                          exclude_characters="\ufffe\uffff" if xml else "")
    unusual = st.text(chars, min_size=1, max_size=30)
    return st.one_of(st.sampled_from(PLAIN_TEXTS), st.sampled_from(UNUSUAL_TEXTS), unusual,
                     st.integers(*LONG_TEXT).map(long_text))


def _date_time() -> st.SearchStrategy[str]:
    offsets = st.sampled_from(("+00:00", "+14:00", "-12:00", "+05:30", "-00:00"))
    drawn = st.builds(lambda d, o: d.replace(microsecond=0).isoformat() + o, st.datetimes(), offsets)
    return st.one_of(st.sampled_from(BOUNDARY_DATES), drawn)


def _ascii_pattern(pattern: str) -> str:
    """The same pattern with ASCII classes (Python's \\d and \\w also match other scripts' digits)."""
    out, in_class, i = [], False, 0
    while i < len(pattern):
        two = pattern[i:i + 2]
        if two in (r"\d", r"\w"):
            body = "0-9" if two == r"\d" else "a-zA-Z0-9_"
            out.append(body if in_class else f"[{body}]")
            i += 2
            continue
        if two.startswith("\\"):
            out.append(two)
            i += 2
            continue
        in_class = (in_class or pattern[i] == "[") and not (in_class and pattern[i] == "]")
        out.append(pattern[i])
        i += 1
    return "".join(out)


class SchemaStrategies:
    """Strategies for the use cases of one pack (built once per use case and mode)."""

    def __init__(self, pack: SchemaPack, *, xml: bool = False) -> None:
        self.pack = pack
        self.xml = xml  # the messages go as XML: texts limited to the characters XML allows
        self._kinds = pack.kinds()

    def use_cases(self) -> list[str]:
        return [key for key in FUZZED_USE_CASES if key in self._kinds]

    def use_case(self, key: str | None = None) -> st.SearchStrategy[dict[str, Json]]:
        """`{key: content}` for one use case (None: any of `use_cases()`), in any of the `MODES`."""
        keys = [key] if key else self.use_cases()
        if not keys:
            raise RuntimeError(f"aucun cas d'usage à générer dans le pack {self.pack.label}")

        def one(k: str, mode: str) -> st.SearchStrategy[dict[str, Json]]:
            file = self._kinds[k][0]
            return self._node(self.pack.schemas[file], file, 0, mode).map(lambda v: {k: v})

        return st.tuples(st.sampled_from(keys), st.sampled_from(MODES)).flatmap(lambda km: one(*km))

    # -- the schema subset ----------------------------------------------------------------------
    def _resolve(self, ref: str, file: str) -> tuple[Schema, str]:
        target_file, _, pointer = ref.partition("#")
        file = target_file or file
        node: Any = self.pack.schemas[file]
        for part in (p for p in pointer.split("/") if p):
            node = node[part]
        return node, file

    def _node(self, schema: Schema, file: str, depth: int, mode: str) -> st.SearchStrategy[Json]:
        if "$ref" in schema:
            target, target_file = self._resolve(schema["$ref"], file)
            return self._node(target, target_file, depth, mode)
        if "allOf" in schema:
            merged = {k: v for k, v in schema.items() if k != "allOf"}
            for part in schema["allOf"]:
                resolved = self._resolve(part["$ref"], file)[0] if "$ref" in part else part
                merged = _merge(merged, resolved)
            return self._node(merged, file, depth, mode)
        if "enum" in schema:
            return st.sampled_from(schema["enum"])
        kind = schema.get("type", "object" if "properties" in schema else "string")
        if kind == "object":
            return self._object(schema, file, depth, mode)
        if kind == "array":
            return self._array(schema, file, depth, mode)
        if kind == "string":
            return self._string(schema)
        if kind == "integer":
            return st.one_of(st.sampled_from((0, -1, 2**31 - 1, -(2**31), 2**53)), st.integers())
        if kind == "number":
            return st.one_of(st.sampled_from((0.0, -0.0, 1e308, -1e-300)),
                             st.floats(allow_nan=False, allow_infinity=False))
        if kind == "boolean":
            return st.booleans()
        raise RuntimeError(f"type de schéma non pris en charge : {kind!r} ({file})")

    def _string(self, schema: Schema) -> st.SearchStrategy[str]:
        pattern = schema.get("pattern")
        if schema.get("format") == "date-time" or pattern == DATE_TIME.pattern.replace("[+-]", r"[\-+]"):
            return _date_time()
        if pattern:
            return st.from_regex(_ascii_pattern(pattern), fullmatch=True)
        if "maxLength" in schema:  # the maximum length itself, or any text cut to it
            most = int(schema["maxLength"])
            return st.one_of(st.just(long_text(most)), _free_text(self.xml).map(lambda t: t[:most]))
        return _free_text(self.xml)

    def _object(self, schema: Schema, file: str, depth: int, mode: str) -> st.SearchStrategy[Json]:
        props: dict[str, Schema] = schema.get("properties") or {}
        if not props:  # a free object (customMap, customContent…): a few adversarial entries
            return st.dictionaries(st.from_regex(r"[a-zA-Z][a-zA-Z0-9_]{0,11}", fullmatch=True),
                                   _free_text(self.xml),
                                   max_size=4)
        required = set(schema.get("required") or ())
        optional = [] if depth >= MAX_DEPTH or mode == MODES[0] else [k for k in props if k not in required]
        fixed = {k: self._node(props[k], file, depth + 1, mode) for k in props if k in required}
        if mode == MODES[1]:
            fixed |= {k: self._node(props[k], file, depth + 1, mode) for k in optional}
            return st.fixed_dictionaries(fixed)
        maybe = {k: self._node(props[k], file, depth + 1, mode) for k in optional}
        return st.fixed_dictionaries(fixed, optional=maybe)

    def _array(self, schema: Schema, file: str, depth: int, mode: str) -> st.SearchStrategy[Json]:
        least = int(schema.get("minItems", 0))
        most = MANY_ITEMS if mode == MODES[3] and depth <= 2 else FEW_ITEMS
        if depth >= MAX_DEPTH:
            most = least
        most = min(most, int(schema.get("maxItems", most)))
        items = self._node(schema.get("items") or {}, file, depth + 1, mode)
        return st.lists(items, min_size=least, max_size=max(least, most))


def _merge(base: Schema, extra: Schema) -> Schema:
    merged = dict(base)
    for key, value in extra.items():
        if key == "properties":
            merged["properties"] = {**merged.get("properties", {}), **value}
        elif key == "required":
            merged["required"] = sorted({*merged.get("required", ()), *value})
        else:
            merged.setdefault(key, value)
    return merged


def draw(strategy: st.SearchStrategy[Any], count: int, *, seed: int, storage: Path | None = None
         ) -> list[Any]:
    """`count` values drawn by hypothesis in drawing order, reproducible with `seed` (no database);
    `storage`: where hypothesis keeps its caches (default `.hypothesis/` in the working directory)."""
    if storage is not None:
        set_hypothesis_home_dir(str(storage))
    drawn: list[Any] = []

    @hypothesis_seed(seed)
    @settings(max_examples=count, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def collect(value: Any) -> None:
        drawn.append(value)

    collect()
    return drawn[:count]


# -- describing and minimising one message ------------------------------------------------------------
def size_of(use_case: Json) -> int:
    return len(json.dumps(use_case, ensure_ascii=False).encode("utf-8"))


def describe(use_case: dict[str, Json]) -> str:
    """French, one line: the use case, its size, what is unusual in it."""
    key = next(iter(use_case), "?")
    texts = list(strings(use_case))
    longest = max((len(t) for t in texts), default=0)
    unusual = sum(1 for t in texts if any(ord(c) > 0xFFFF or not c.isprintable() for c in t))
    dates = sorted({t[:4] for t in texts if DATE_TIME.match(t)})
    lists = max((len(v) for v in _lists(use_case)), default=0)
    parts = [f"{key} ({size_of(use_case)} octets)", f"texte le plus long : {longest} caractères"]
    if unusual:
        parts.append(f"{unusual} texte(s) Unicode inhabituel(s)")
    if dates:
        parts.append(f"années : {', '.join(dates[:4])}")
    if lists > FEW_ITEMS:
        parts.append(f"liste de {lists} éléments")
    return ", ".join(parts)


def is_valid(pack: SchemaPack, use_case: dict[str, Json]) -> bool:
    return validator_for(pack).validate_use_case(use_case).valid


def minimise(use_case: dict[str, Json], still_fails: Callable[[dict[str, Json]], bool],
             valid: Callable[[dict[str, Json]], bool], *, budget: int = 40) -> tuple[dict[str, Json], int]:
    """Greedy shrinking: drop a field, halve a text, halve an array — keep a change when the message
    stays valid and `still_fails`; at most `budget` calls of `still_fails`. Returns (smallest, calls)."""
    current, calls = use_case, 0
    progress = True
    while progress and calls < budget:
        progress = False
        for candidate in _smaller(current):
            if not valid(candidate):
                continue
            calls += 1
            if still_fails(candidate):
                current, progress = candidate, True
                break
            if calls >= budget:
                break
    return current, calls


def _smaller(value: Json) -> Iterator[Json]:
    """Every variant of `value` one step smaller, biggest cuts first."""
    for path, node in sorted(_paths(value), key=lambda pn: -size_of(pn[1])):
        if path:
            yield _without(value, path)
        if isinstance(node, str) and len(node) > 1:
            yield _replaced(value, path, node[: len(node) // 2])
        if isinstance(node, list) and len(node) > 1:
            yield _replaced(value, path, node[: len(node) // 2])


def _paths(value: Json, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Json]]:
    yield path, value
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _paths(child, (*path, index))


def _replaced(value: Json, path: tuple[Any, ...], new: Json) -> Json:
    out = copy.deepcopy(value)
    node = out
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = new
    return out


def _without(value: Json, path: tuple[Any, ...]) -> Json:
    out = copy.deepcopy(value)
    node = out
    for part in path[:-1]:
        node = node[part]
    del node[path[-1]]
    return out


def strings(value: Json) -> Iterator[str]:
    for _, node in _paths(value):
        if isinstance(node, str):
            yield node


def _lists(value: Json) -> Iterator[list[Json]]:
    for _, node in _paths(value):
        if isinstance(node, list):
            yield node

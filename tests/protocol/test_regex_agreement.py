"""The validator's regexes agree with the Java hub's on every pattern of the official packs (1.x, 2.x, 3.x).

The hub validates with networknt on the JDK: `\\w`, `\\d`, `\\s`, `\\b` are ASCII and a pattern is searched
(`find()`), not matched. Python's `re` (hence `jsonschema`, `fastjsonschema`, `hubsante-model`) makes them
Unicode. The reference below is Python `re` with `re.ASCII` and `search`, which is the JDK's behaviour for
the constructs these packs use; the values are generated from each pattern with Python's Unicode
semantics (hypothesis `from_regex`), so accented letters and non-ASCII digits land exactly where the two
semantics part. Values ending with a line terminator are kept out of the property: there Java's `$` also
matches before a final `\\n` and ECMA-262 (jsonschema-rs) does not (the one known difference, pinned by
`test_known_difference_final_newline`).
(Per-field accented-id checks on whole messages: test_toolkit_units.py.)
"""

from __future__ import annotations

import re
from typing import Any

import jsonschema
import jsonschema_rs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hubbench.protocol.packs import SchemaPack

_SHORTHAND = re.compile(r"\\[wdsb]", re.IGNORECASE)


def _patterns(node: Any) -> set[str]:
    if isinstance(node, dict):
        found = {node["pattern"]} if isinstance(node.get("pattern"), str) else set()
        for value in node.values():
            found |= _patterns(value)
        return found
    if isinstance(node, list):
        return set().union(*(_patterns(v) for v in node)) if node else set()
    return set()


def _shorthand_patterns(packs: dict[str, SchemaPack]) -> list[str]:
    return sorted({p for pack in packs.values() for schema in pack.schemas.values() for p in _patterns(schema)
                   if _SHORTHAND.search(p)})


def java_accepts(pattern: str, value: str) -> bool:
    return re.search(pattern, value, re.ASCII) is not None


def test_the_packs_use_shorthand_classes_where_semantics_differ(packs) -> None:
    patterns = _shorthand_patterns(packs)
    assert any("\\w" in p for p in patterns)  # 1.x/2.x ids (patient, medicalNote, resource, e-mail)
    assert any("\\d" in p for p in patterns)  # dates, codes in every line


def _values(pattern: str) -> st.SearchStrategy[str]:
    chars = st.characters(exclude_categories=("Cs",), exclude_characters="\n\r\x85\u2028\u2029")
    unicode = st.from_regex(pattern, alphabet=chars)
    ascii_ = st.from_regex(pattern, fullmatch=True, alphabet=st.characters(codec="ascii"))
    return (unicode | ascii_).filter(lambda v: len(v) < 200 and not v.endswith(("\n", "\r")))


@pytest.mark.parametrize("index", range(40))
@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(data=st.data())
def test_engine_agrees_with_java_on_every_shorthand_pattern(packs, index: int, data) -> None:
    patterns = _shorthand_patterns(packs)
    if index >= len(patterns):
        return
    pattern = patterns[index]
    engine = jsonschema_rs.validator_for({"type": "string", "pattern": pattern})
    value = data.draw(_values(pattern), label=pattern)
    assert engine.is_valid(value) == java_accepts(pattern, value), (pattern, value)


def test_patterns_fit_the_parametrisation(packs) -> None:
    assert 0 < len(_shorthand_patterns(packs)) <= 40


def test_known_difference_final_newline(packs) -> None:
    """Java's `$` also matches before a final line terminator; ECMA-262 (jsonschema-rs) does not. The
    bench is stricter than the hub here: an id ending with « \\n » is refused by the bench only."""
    pattern = r"^fr(\.[\w-]+){2,3}$"
    assert pattern in _shorthand_patterns(packs)
    assert java_accepts(pattern, "fr.health.samu\n")
    engine = jsonschema_rs.validator_for({"type": "string", "pattern": pattern})
    assert not engine.is_valid("fr.health.samu\n")


@pytest.mark.parametrize(("value", "java"), [
    ("fr.health.samu690.patient.P123", True),
    ("fr.health.samu690.patient.Hélène", False),  # é is not in Java's \w
    ("fr.santé.samu690.patient.P123", False),
    ("fr.health.samu690.patient.P١٢٣", False),  # Arabic-Indic digits are \w for Python only
])
def test_accented_patient_ids_java_engine_and_python_jsonschema(value: str, java: bool) -> None:
    pattern = r"^([\w-]+\.){3,4}patient(\.[\w-]+){1,2}$"  # official 1.x/2.x patient id
    schema = {"type": "string", "pattern": pattern}
    assert java_accepts(pattern, value) is java
    assert jsonschema_rs.validator_for(schema).is_valid(value) is java
    # the trap that ruled Python `jsonschema` out as the source of truth: it accepts every one of them
    assert jsonschema.Draft7Validator(schema).is_valid(value) is True


def test_non_ascii_digits_in_dates_are_refused_like_java(packs) -> None:
    pattern = r"^\d{4}-\d{2}-\d{2}$"  # official 3.x TECHNICAL date
    assert pattern in _shorthand_patterns(packs)
    engine = jsonschema_rs.validator_for({"type": "string", "pattern": pattern})
    assert engine.is_valid("2024-05-01") and java_accepts(pattern, "2024-05-01")
    fullwidth = "２０２４-０５-０１"
    assert not engine.is_valid(fullwidth) and not java_accepts(pattern, fullwidth)
    assert re.search(pattern, fullwidth)  # Python's Unicode \d would take it

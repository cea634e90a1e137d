"""Property tests: built envelopes validate, JSON→XML→JSON keeps meaning, mutations are always caught."""

from __future__ import annotations

import copy
from datetime import datetime, timedelta, timezone
from typing import Any

import jsonschema_rs
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema
from protocol_data import examples, load_json
from support.official import official

from hubbench.protocol import build_message, decode, encode, technical_noreq_use_case
from hubbench.protocol.codec import EncodeError, _Guide
from hubbench.protocol.validator import join_path

SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                            HealthCheck.filter_too_much])
EXAMPLES_3 = [load_json(p) for p in examples("3")]
client_ids = st.from_regex(r"fr\.health\.[a-z0-9]{1,12}", fullmatch=True)
offsets = st.integers(min_value=-12 * 4, max_value=14 * 4).map(lambda q: timezone(timedelta(minutes=15 * q)))
instants = st.builds(lambda dt, tz: dt.replace(tzinfo=tz),
                     st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)), offsets)


@pytest.fixture(autouse=True)
def _need_examples() -> None:
    official("official", "examples")


@SETTINGS
@given(data=st.data(), sender=client_ids, recipient=client_ids, sent=instants,
       kind=st.sampled_from(["Report", "Update", "Cancel", "Ack", "Error"]),
       status=st.sampled_from(["Actual", "Exercise"]))
def test_envelopes_built_by_the_toolkit_always_validate(val3, data, sender, recipient, sent, kind,
                                                        status) -> None:
    use_case = data.draw(st.sampled_from(EXAMPLES_3))
    env = build_message(sender, recipient, use_case, distribution_kind=kind, status=status, sent_at=sent,
                        expires_at=sent + timedelta(days=1))
    report = val3.validate_message(env)
    assert report.valid, [i.message for i in report.errors]


def _xml_safe(value: Any) -> bool:
    if isinstance(value, dict):
        return all(_xml_safe(v) for v in value.values())
    if isinstance(value, list):
        return all(_xml_safe(v) for v in value)
    if isinstance(value, str):
        return all(c in "\t\n\r" or 0x20 <= ord(c) <= 0xD7FF or 0xE000 <= ord(c) <= 0xFFFD
                   or ord(c) >= 0x10000 for c in value)
    return True


def _drop_empty_arrays(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: _drop_empty_arrays(v) for k, v in obj.items() if v != []}
    if isinstance(obj, list):
        return [_drop_empty_arrays(v) for v in obj]
    return obj


@pytest.fixture(scope="module")
def noreq_strategy(request) -> st.SearchStrategy[Any]:
    pack = request.getfixturevalue("pack3")
    return from_schema(pack.schemas["TECHNICAL_NOREQ.schema.json"])


@SETTINGS
@given(data=st.data(), sender=client_ids, recipient=client_ids)
def test_json_xml_json_round_trip_of_generated_contents(pack3, val3, noreq_strategy, data, sender,
                                                        recipient) -> None:
    fields = data.draw(noreq_strategy)
    env = build_message(sender, recipient, technical_noreq_use_case(**fields))
    # hypothesis-jsonschema uses Python `re` (Unicode \w, \d): keep what the source-of-truth engine accepts.
    assume(val3.validate_message(env).valid and _xml_safe(env))
    body, ctype = encode(env, "xml", pack=pack3)
    assert decode(body, ctype, pack3) == _drop_empty_arrays(env)


def test_xml_incompatible_text_is_refused_not_mangled(pack3) -> None:
    env = build_message("fr.health.a", "fr.health.b", technical_noreq_use_case(optionalStringField="a\x0bb"))
    with pytest.raises(EncodeError):
        encode(env, "xml", pack=pack3)


def _sites(value: Any, node: Any, doc: str, guide: _Guide, path: tuple) -> list[tuple[str, tuple, str]]:
    """Mutation sites (kind, path, field) of an example walked together with its schema."""
    node, doc = guide.resolve(node, doc)
    if not isinstance(node, dict):
        return []
    out: list[tuple[str, tuple, str]] = []
    if isinstance(value, dict):
        out += [("drop", path, name) for name in node.get("required", []) if name in value]
        for key, child in value.items():
            child_node, child_doc = guide.prop(node, doc, key)
            out += _sites(child, child_node, child_doc, guide, (*path, key))
    elif isinstance(value, list):
        items, items_doc = guide.resolve(node.get("items"), doc)
        for index, child in enumerate(value):
            out += _sites(child, items, items_doc, guide, (*path, index))
    elif isinstance(value, str) and node.get("type") == "string":
        out.append(("type", path, ""))
        if "pattern" in node:
            out.append(("pattern", path, node["pattern"]))
    return out


@SETTINGS
@given(data=st.data())
def test_mutations_are_rejected_naming_the_mutated_path(pack3, val3, data) -> None:
    guide = _Guide(pack3)
    example = data.draw(st.sampled_from(EXAMPLES_3))
    (key, body), = example.items()
    schema_file = val3.kinds[key][0]
    sites = _sites(body, pack3.schemas[schema_file], schema_file, guide, (key,))
    assume(sites)
    kind, path, extra = data.draw(st.sampled_from(sites))
    mutated = copy.deepcopy(example)
    parent = mutated
    for part in path[:-1]:
        parent = parent[part]
    if kind == "drop":
        target = parent[path[-1]]
        del target[extra]
        expected = join_path("$", (*path, extra))
    else:
        bad = 12345 if kind == "type" else "§ valeur invalide §"
        if kind == "pattern":
            assume(not jsonschema_rs.Draft7Validator({"pattern": extra}).is_valid(bad))
        parent[path[-1]] = bad
        expected = join_path("$", path)
    report = val3.validate_use_case(mutated)
    assert not report.valid
    assert expected in {i.path for i in report.errors}, (kind, expected, [i.path for i in report.errors])

"""The toolkit against the official examples and samples of each line (../shared/hubsante-models)."""

from __future__ import annotations

import re
from pathlib import Path

import jsonschema
import pytest
from protocol_data import examples, load_json
from support.official import LINE_DIRS, MODELS, official

from hubbench.protocol.codec import DecodeError, decode, encode, is_envelope
from hubbench.protocol.packs import FULL_SCHEMA, SchemaPack
from hubbench.protocol.validator import Issue, PackValidator, validator_for

SAMPLES = MODELS / "official" / "samples"
MESSAGE_PREFIX = "$.content[0].jsonContent.embeddedJsonContent.message."
# Valid XML samples whose content the 3.x JSON schemas reject: both still use the pre-1.0 namespace
# urn:emergency:cisu:3.0 (the 3.x `RC-XML-ContentType.xsd` expects urn:emergency:eda:1.9) with an
# outdated content (technicalNoreq <key>, old RS-EDA fields).
# The hub checks XML against its XSD, which is not in ../shared; our XML verdict is the JSON-schema one.
STALE_XML_SAMPLES = {"valid/EDXL-DE/EDXL-DE.xml", "valid/RS-EDA/RS-EDA.xml"}
ALL_EXAMPLES = [(line, p) for line in LINE_DIRS for p in examples(line)]


def _id(item: tuple[str, Path]) -> str:
    return f"{item[0]}:{item[1].parent.name}/{item[1].name}"


def check_sample(validator: PackValidator, path: Path) -> list[Issue]:
    """Issues of any official sample: envelopes, bare use cases, or bare TECHNICAL contents."""
    obj = decode(path.read_bytes(), None, validator.pack)
    if is_envelope(obj):
        return validator.validate_message(obj).errors
    folder = path.parent.name
    if folder.startswith("TECHNICAL") and "technical" not in obj and "technicalNoreq" not in obj:
        return validator.validate_against(f"{folder}.schema.json", obj)
    return validator.validate_use_case(obj).errors


@pytest.mark.parametrize("item", ALL_EXAMPLES, ids=_id)
def test_every_official_example_validates_with_its_pack(packs: dict[str, SchemaPack], item) -> None:
    line, path = item
    report = validator_for(packs[line]).validate_use_case(load_json(path))
    assert report.valid, [i.message for i in report.errors]
    assert report.kind is not None


@pytest.mark.parametrize("item", [i for i in ALL_EXAMPLES if i[1].with_suffix(".xml").exists()], ids=_id)
def test_xml_example_decodes_to_its_json_twin(packs: dict[str, SchemaPack], item) -> None:
    line, path = item
    decoded = decode(path.with_suffix(".xml").read_bytes(), "application/xml", packs[line])
    assert decoded == load_json(path)


def test_examples_are_present() -> None:
    counts = {line: len(examples(line)) for line in LINE_DIRS}
    official("official", "examples")
    assert counts["3"] >= 100 and counts["2"] >= 50 and counts["1"] >= 40
    assert counts["2.4.0"] >= 70 and counts["1.3.0"] >= 50


def _samples(kind: str) -> list[Path]:
    root = SAMPLES / kind
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in (".json", ".xml")) \
        if root.exists() else []


@pytest.mark.parametrize("path", _samples("valid"), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_valid_samples_pass(val3: PackValidator, path: Path) -> None:
    rel = path.relative_to(SAMPLES).as_posix()
    issues = check_sample(val3, path)
    if rel in STALE_XML_SAMPLES:
        assert issues, f"{rel} passe désormais : retirer l'exception STALE_XML_SAMPLES"
        return
    assert not issues, [i.message for i in issues]


@pytest.mark.parametrize("path", _samples("failing"), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_failing_samples_fail_naming_the_same_fields(val3: PackValidator, path: Path) -> None:
    try:
        issues = check_sample(val3, path)
    except DecodeError as exc:  # external-entity.xml: refused before any validation
        assert exc.reason == "xml_dtd"
        return
    assert issues
    expected = path.with_name(path.name + ".errors")
    if not expected.exists():
        return
    text = expected.read_text(encoding="utf-8")
    ours = {_relative(i.path) for i in issues}
    if path.suffix == ".json":
        for field in re.findall(r"^ - (\S+?): ", text, flags=re.M):
            assert _relative(field) in ours, (field, sorted(ours))
        if "Could not detect any schemas" in text and not any(i.scope == "header" for i in issues):
            assert any(i.rule == "oneOf" for i in issues)
        if "one and only one schema" in text:
            assert any(i.rule == "oneOf" for i in issues)
    else:
        leaves = {re.sub(r"\[\d+\]$", "", p).rsplit(".", 1)[-1] for p in ours}
        invalid_values = set(re.findall(r"of element '(\w+)' is not valid", text))
        assert invalid_values <= leaves, (invalid_values, leaves)
        named = set(re.findall(r"[Ee]lement '(?:\{\"[^\"]*\":)?(\w+)\}?'", text))
        named |= set(re.findall(r"\"[^\"]*\":(\w+)\}", text)) | set(re.findall(r"'(\w+)' can occur", text))
        assert named & leaves, (named, leaves)


def _relative(path: str) -> str:
    """Paths as the hub prints them: envelope `$.x`, header/content relative to the message."""
    for prefix in (MESSAGE_PREFIX, "$.technical.", "$.technicalNoreq.", "$."):
        if path.startswith(prefix):
            return path[len(prefix):]
    return path


ENVELOPE_SAMPLES = [p for p in _samples("valid") + _samples("failing")
                    if p.suffix == ".json" and is_envelope(load_json(p))]


@pytest.mark.parametrize("path", ENVELOPE_SAMPLES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_verdict_agrees_with_python_jsonschema_on_edxl_de_full(val3: PackValidator, path: Path) -> None:
    """An independent engine (python-jsonschema, Draft 7) on EDXL-DE-full gives the same verdict."""
    obj = load_json(path)
    registry = _py_registry(val3.pack)
    py = jsonschema.Draft7Validator(registry.contents(FULL_SCHEMA), registry=registry,
                                    format_checker=jsonschema.FormatChecker())
    assert val3.validate_message(obj).valid == py.is_valid(obj)


def _py_registry(pack: SchemaPack):
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT7

    return Registry().with_resources(
        (name, Resource.from_contents(schema, default_specification=DRAFT7))
        for name, schema in pack.schemas.items()
    )


@pytest.mark.parametrize("item", ALL_EXAMPLES, ids=_id)
def test_json_xml_json_round_trip_of_examples(packs: dict[str, SchemaPack], item) -> None:
    line, path = item
    obj = load_json(path)
    if _has_xml_incompatible_text(obj):
        with pytest.raises(ValueError):
            encode(obj, "xml", pack=packs[line])
        return
    body, ctype = encode(obj, "xml", pack=packs[line])
    assert ctype == "application/xml"
    assert decode(body, ctype, packs[line]) == drop_empty_arrays(obj)


def drop_empty_arrays(obj):
    """XML has no empty array: the one meaning an XML round trip cannot keep."""
    if isinstance(obj, dict):
        return {k: drop_empty_arrays(v) for k, v in obj.items() if v != []}
    if isinstance(obj, list):
        return [drop_empty_arrays(v) for v in obj]
    return obj


def _has_xml_incompatible_text(obj) -> bool:
    if isinstance(obj, dict):
        return any(_has_xml_incompatible_text(v) for v in obj.values())
    if isinstance(obj, list):
        return any(_has_xml_incompatible_text(v) for v in obj)
    return isinstance(obj, str) and any(ord(c) < 32 and c not in "\t\n\r" for c in obj)

"""The Robustesse tier's schema fuzzing (`engine.schema_fuzz`): every generated use case is valid against the
official pack it was read from, the values are adversarial, and the shrinking keeps a failing example."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hubbench.engine.schema_fuzz import (
    DATE_TIME,
    MODES,
    SchemaStrategies,
    describe,
    draw,
    is_valid,
    long_text,
    minimise,
    size_of,
    strings,
)
from hubbench.protocol import build_message, decode, encode, validator_for
from hubbench.protocol.packs import load_pack
from hubbench.sim.behaviour import far_date_in_model

MODELS = Path(__file__).resolve().parents[2] / "../shared/hubsante-models"
COUNT = 25


def _pack(folder: str):  # type: ignore[no-untyped-def]
    return load_pack(directory=MODELS / folder / "json-schema")


@pytest.mark.parametrize("folder", ["official-1.3.0", "official-2.4.0", "official"])
def test_generated_use_cases_are_valid_against_the_official_pack(folder: str) -> None:
    pack = _pack(folder)
    strategies = SchemaStrategies(pack)
    drawn = draw(strategies.use_case(), COUNT, seed=7)
    assert len(drawn) == COUNT
    invalid = [uc for uc in drawn if not is_valid(pack, uc)]
    assert not invalid, describe(invalid[0])
    assert {next(iter(uc)) for uc in drawn} <= set(strategies.use_cases())
    assert draw(strategies.use_case(), COUNT, seed=7) == drawn  # the seed reproduces the messages


def test_values_are_adversarial() -> None:
    pack = _pack("official-2.4.0")
    drawn = draw(SchemaStrategies(pack).use_case("createCaseHealth"), 50, seed=3)
    texts = [t for uc in drawn for t in strings(uc)]
    assert max(len(t) for t in texts) > 2000  # long free texts
    assert any(ord(c) > 0xFFFF for t in texts for c in t)  # outside the Basic Multilingual Plane
    years = {int(t[:4]) for t in texts if DATE_TIME.match(t)}
    assert min(years) < 1900 and max(years) > 2100  # boundary dates
    sizes = sorted(size_of(uc) for uc in drawn)
    assert sizes[0] < 300 < 20_000 < sizes[-1]  # optional fields absent … all present, many items
    assert len(MODES) == 4


def test_minimise_keeps_a_failing_example_and_shrinks_it() -> None:
    """A consumer that fails on any text over 2 000 characters: the smallest message still holds one
    such text (just over the limit after halving stops) and drops every optional field."""
    pack = _pack("official-2.4.0")
    strategy = SchemaStrategies(pack).use_case("createCaseHealth")
    big = max(draw(strategy, 30, seed=5), key=lambda uc: max(len(t) for t in strings(uc)))

    def fails(uc: dict) -> bool:
        return any(len(t) > 2000 for t in strings(uc))

    assert fails(big)
    smallest, calls = minimise(big, fails, lambda uc: is_valid(pack, uc), budget=400)
    assert fails(smallest) and is_valid(pack, smallest)
    assert size_of(smallest) < size_of(big) and calls <= 400
    assert max(len(t) for t in strings(smallest)) < 2 * max(len(t) for t in strings(big))


def test_minimise_stops_at_its_budget() -> None:
    pack = _pack("official-2.4.0")
    use_case = {"createCaseHealth": draw(SchemaStrategies(pack).use_case("createCaseHealth"), 1, seed=1)[0]
                ["createCaseHealth"]}
    calls: list[dict] = []
    smallest, used = minimise(use_case, lambda uc: calls.append(uc) is None and False,
                              lambda uc: is_valid(pack, uc), budget=3)
    assert smallest == use_case and used == len(calls) <= 3


def test_the_far_dates_profile_recognises_its_messages() -> None:
    pack = _pack("official-2.4.0")
    far = next(uc for uc in draw(SchemaStrategies(pack).use_case("createCaseHealth"), 20, seed=2)
               if any(DATE_TIME.match(t) and not 1900 <= int(t[:4]) <= 2100 for t in strings(uc)))
    body = json.dumps(build_message("fr.health.samu640", "fr.health.samu641", far)).encode()
    assert far_date_in_model(body)
    free = build_message("fr.health.samu640", "fr.health.samu641",
                         {"customContent": {"date": "0001-01-01T00:00:00+00:00"}})
    assert not far_date_in_model(json.dumps(free).encode()) and not far_date_in_model(b"<xml/>")
    assert long_text(2001) and len(long_text(2001)) == 2001



def test_xml_messages_for_xml_partners_survive_the_round_trip() -> None:
    """On a link whose partner speaks XML, the free content goes as XML: only characters XML allows,
    decoded back to the same valid message."""
    pack = _pack("official-1.3.0")
    for use_case in draw(SchemaStrategies(pack, xml=True).use_case("customContent"), 20, seed=4):
        env = build_message("fr.health.samu642", "fr.health.samu643", use_case)
        body, content_type = encode(env, "xml", pack=pack)
        back = decode(body, content_type, pack)
        assert back == env and validator_for(pack).validate_message(back).valid

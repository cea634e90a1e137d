"""Validation speed, single core: an RS-EDA createCaseHealth envelope (official example) with the 3.x pack.

Plain script (not part of the test suite). Usage: .venv/bin/python bench/validate_speed.py [SECONDS]
Prints a table, then one JSON line {"validate_msgs_s": …, …}.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from hubbench.protocol import build_message, decode, encode, load_pack, validator_for

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared" / "hubsante-models"
EXAMPLE = SHARED / "official" / "examples" / "RS-EDA" / "RS-EDA_partageDossier_DidierMorel.01a.json"


def rate(fn: Callable[[], object], seconds: float) -> float:
    fn()  # warm-up (compilation, caches)
    count, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        for _ in range(20):
            fn()
        count += 20
    return count / elapsed


def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 2.0
    pack = load_pack(directory=SHARED / "official")
    env = build_message("fr.health.samu770", "fr.health.samu940", json.loads(EXAMPLE.read_text("utf-8")))
    body, _ = encode(env, "json")
    xml_body, _ = encode(env, "xml", pack=pack)
    validator = validator_for(pack)
    assert validator.validate_message(env).valid
    registry = Registry().with_resources(
        (n, Resource.from_contents(s, default_specification=DRAFT7)) for n, s in pack.schemas.items())
    py = jsonschema.Draft7Validator(pack.schemas["EDXL-DE-full.schema.json"], registry=registry,
                                    format_checker=jsonschema.FormatChecker())
    assert py.is_valid(env)
    results = {
        "validate_msgs_s": rate(lambda: validator.validate_message(env), seconds),
        "decode_json_validate_msgs_s": rate(
            lambda: validator.validate_message(decode(body, "application/json", pack)), seconds),
        "decode_xml_validate_msgs_s": rate(
            lambda: validator.validate_message(decode(xml_body, "application/xml", pack)), seconds),
        "python_jsonschema_msgs_s": rate(lambda: py.is_valid(env), seconds),
    }
    print(f"pack {pack.tag}, message {len(body)} octets JSON / {len(xml_body)} octets XML, 1 cœur")
    print(f"{'mesure':<34}{'messages/s':>14}")
    for name, value in results.items():
        print(f"{name:<34}{value:>14,.0f}")
    print(json.dumps({k: round(v, 1) for k, v in results.items()}))


if __name__ == "__main__":
    main()

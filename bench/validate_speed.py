"""Validation speed per message kind, one core: the project's validator against the alternatives.

    .venv/bin/python bench/validate_speed.py [--seconds 0.4] [--rounds 3] [--kinds RS-EDA,RC-REF]

For each kind of the official pack (../shared/hubsante-models/official, 3.x), the first official example
is wrapped in an EDXL-DE envelope and validated in full (`EDXL-DE-full`, formats on) by:

* `hubbench` — `validator_for(pack).validate_message(env)` (jsonschema-rs inside, what the dispatcher runs);
* `jsonschema-rs` — the bare compiled `is_valid` (the engine's own ceiling);
* `fastjsonschema` — the pack bundled into one schema and compiled to Python (absent → not measured);
* `jsonschema` — `Draft7Validator(..., format_checker=FormatChecker()).is_valid`.
Also `hubbench+decode`: `codec.decode` of the JSON bytes then `validate_message` (the dispatcher's work).
Contenders alternate within each round; the table shows medians [min–max] of the rounds. A last table
shows which engines accept an accented patient id under the 1.x/2.x `\\w` pattern (Java, the real hub,
has an ASCII `\\w`: refused).
"""

from __future__ import annotations

import argparse
import copy
import json
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

import jsonschema
import jsonschema_rs
from _common import OFFICIAL, alternate, emit, fmt_spread, print_table, require_models
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from hubbench.protocol import build_message, decode, encode, load_pack, validator_for
from hubbench.protocol.packs import FULL_SCHEMA, SchemaPack

SENDER, RECIPIENT = "fr.health.samu770", "fr.health.samu940"
PATIENT_PATTERN = r"^([\w-]+\.){3,4}patient(\.[\w-]+){1,2}$"  # official 1.x/2.x packs (3.x: explicit ASCII)
ACCENTED_PATIENT_ID = "fr.health.samu690.patient.Hélène"


def rate(fn: Callable[[], object], seconds: float) -> float:
    count, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        for _ in range(10):
            fn()
        count += 10
    return count / elapsed


def bundle(schemas: dict[str, Any], root: str) -> dict[str, Any]:
    """One self-contained schema: every file's definitions under `definitions/<file>__<name>`, file roots
    under `definitions/<file>__`; `"X.schema.json[#/definitions/Y]"` and local refs rewritten."""
    definitions: dict[str, Any] = {}

    def rewrite(node: Any, file: str) -> Any:
        if isinstance(node, dict):
            out = {k: rewrite(v, file) for k, v in node.items() if k not in ("$id", "$schema")}
            ref = node.get("$ref")
            if isinstance(ref, str):
                target, _, pointer = ref.partition("#")
                target = target or file
                name = pointer.removeprefix("/definitions/") if pointer else ""
                out["$ref"] = f"#/definitions/{target}__{name}"
            return out
        if isinstance(node, list):
            return [rewrite(v, file) for v in node]
        return node

    for file, schema in schemas.items():
        body = copy.deepcopy(schema)
        for name, sub in body.pop("definitions", {}).items():
            definitions[f"{file}__{name}"] = rewrite(sub, file)
        definitions[f"{file}__"] = rewrite(body, file)
    return {"$ref": f"#/definitions/{root}__", "definitions": definitions}


def examples(pack: SchemaPack, only: set[str]) -> dict[str, dict[str, Any]]:
    """kind directory → envelope of its first official example that the pack accepts."""
    validator = validator_for(pack)
    out: dict[str, dict[str, Any]] = {}
    for directory in sorted(p for p in (OFFICIAL / "examples").iterdir() if p.is_dir()):
        if only and directory.name not in only:
            continue
        for path in sorted(directory.glob("*.json")):
            env = build_message(SENDER, RECIPIENT, json.loads(path.read_text(encoding="utf-8")))
            if validator.validate_message(env).valid:
                out[directory.name] = env
                break
    return out


_BODIES: dict[int, bytes] = {}


def _body(env: dict[str, Any]) -> bytes:
    """The JSON bytes of an envelope, encoded once (the dispatcher receives bytes)."""
    body = _BODIES.get(id(env))
    if body is None:
        body = _BODIES[id(env)] = json.dumps(env).encode()
    return body


def contenders(pack: SchemaPack) -> dict[str, Callable[[dict[str, Any]], bool]]:
    validator = validator_for(pack)
    full = validator.compiled(FULL_SCHEMA)
    registry = Registry().with_resources(
        (n, Resource.from_contents(s, default_specification=DRAFT7)) for n, s in pack.schemas.items()
    )
    py = jsonschema.Draft7Validator(
        pack.schemas[FULL_SCHEMA], registry=registry, format_checker=jsonschema.FormatChecker()
    )
    out: dict[str, Callable[[dict[str, Any]], bool]] = {
        "hubbench": lambda env: validator.validate_message(env).valid,
        "hubbench+decode": lambda env: (
            validator.validate_message(decode(_body(env), "application/json", pack)).valid
        ),
        "jsonschema-rs": full.is_valid,
        "jsonschema": py.is_valid,
    }
    try:
        import fastjsonschema
    except ImportError:
        print("fastjsonschema absent (pip install fastjsonschema) : non mesuré")
        return out
    compiled = fastjsonschema.compile(bundle(pack.schemas, FULL_SCHEMA))

    def fast(env: dict[str, Any]) -> bool:
        try:
            compiled(env)
        except fastjsonschema.JsonSchemaException:
            return False
        return True

    out["fastjsonschema"] = fast
    return out


def accented() -> dict[str, bool]:
    """Does each engine accept an accented patient id under the 1.x/2.x pattern (`\\w` inside)?"""
    import re

    schema = {"type": "string", "pattern": PATIENT_PATTERN}
    engines: dict[str, Callable[[str], bool]] = {
        "hub Java (\\w ASCII, find())": lambda v: re.search(PATIENT_PATTERN, v, re.ASCII) is not None,
        "jsonschema-rs (hubbench)": jsonschema_rs.validator_for(schema).is_valid,
        "jsonschema": jsonschema.Draft7Validator(schema).is_valid,
    }
    try:
        import fastjsonschema
    except ImportError:
        return {name: fn(ACCENTED_PATIENT_ID) for name, fn in engines.items()}
    fast = fastjsonschema.compile(schema)

    def fast_ok(value: str) -> bool:
        try:
            fast(value)
        except fastjsonschema.JsonSchemaException:
            return False
        return True

    engines["fastjsonschema"] = fast_ok
    return {name: fn(ACCENTED_PATIENT_ID) for name, fn in engines.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=0.4, help="seconds per measure")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--kinds", default="", help="comma-separated example directories (default: all)")
    args = parser.parse_args()
    require_models()
    pack = load_pack(directory=OFFICIAL)
    envs = examples(pack, {k for k in args.kinds.split(",") if k})
    checks = contenders(pack)
    names = list(checks)
    for name, fn in checks.items():  # every contender agrees on the official examples (and warms up)
        refused = [kind for kind, env in envs.items() if not fn(env)]
        if refused:
            print(f"{name} refuse des exemples officiels : {', '.join(refused)}")
    rates: dict[tuple[str, str], list[float]] = {}
    for kind, env in envs.items():
        seconds = {n: args.seconds / (4 if n == "jsonschema" else 1) for n in names}
        for _, name in alternate(names, args.rounds):
            rates.setdefault((kind, name), []).append(
                rate(lambda fn=checks[name], env=env: fn(env), seconds[name])
            )
    rows = [
        [kind, len(encode(envs[kind], "json")[0])] + [fmt_spread(rates[(kind, n)]) for n in names]
        for kind in envs
    ]
    print_table(
        f"Validation complète (EDXL-DE-full, formats), messages/s sur 1 cœur, pack {pack.tag} — "
        f"médiane [min–max] sur {args.rounds} tours",
        ["type", "octets", *names],
        rows,
    )
    per_name = {n: statistics.median(statistics.median(rates[(k, n)]) for k in envs) for n in names}
    print_table(
        "Médiane sur les types", ["validateur", "messages/s"], [[n, f"{v:,.0f}"] for n, v in per_name.items()]
    )
    agreement = accented()
    java = next(iter(agreement.values()))
    print_table(
        f"Identifiant accentué « {ACCENTED_PATIENT_ID} », motif {PATIENT_PATTERN}",
        ["moteur", "accepté", "comme le hub Java"],
        [[n, "oui" if ok else "non", "oui" if ok == java else "NON"] for n, ok in agreement.items()],
    )
    emit(
        {
            "validate_msgs_s": round(per_name["hubbench"], 1),
            "validate_decode_msgs_s": round(per_name["hubbench+decode"], 1),
            **{
                f"validate_{n.replace('-', '_')}_msgs_s": round(v, 1)
                for n, v in per_name.items()
                if not n.startswith("hubbench")
            },
            "validate_per_kind": {k: round(statistics.median(rates[(k, "hubbench")]), 1) for k in envs},
            "accented_id_accepted": agreement,
            "pack": pack.tag,
            "validate_rounds": args.rounds,
        }
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

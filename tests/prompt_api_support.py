"""A run's prompt feed and API without a hub: events are fed by hand, as the engine would emit them."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jsonschema
from referencing import Registry, Resource

from hubbench import events as ev

SCHEMA_PATH = Path(__file__).resolve().parents[1] / "schemas" / "prompt.schema.json"
SCHEMA: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
RUN_ID = "run-test-1"
CLIENT = "fr.health.samu770"
VHOST = "15-15_v1.5"


def validate(document: Any, definition: str | None = None) -> None:
    """Validate a prompt (or one of the schema's `$defs`) against schemas/prompt.schema.json."""
    registry: Registry[Any] = Registry().with_resource(SCHEMA["$id"], Resource.from_contents(SCHEMA))
    target = SCHEMA["$id"] + ("" if definition is None else f"#/$defs/{definition}")
    validator = jsonschema.Draft202012Validator({"$ref": target}, registry=registry,
                                                format_checker=jsonschema.FormatChecker())
    validator.validate(document)


def run_started(run_id: str = RUN_ID, client_id: str = CLIENT, vhost: str = VHOST) -> ev.RunStarted:
    return ev.RunStarted(run_id, vendor="v", client_id=client_id, link="15-15", vhost=vhost, tiers=(3,),
                         pack_tag="1.0", bench_version="test")


def shown(prompt_id: str, *, action: str = "send_message", deadline_in_s: float = 60,
          parameters: dict[str, Any] | None = None, run_id: str = RUN_ID) -> ev.PromptShown:
    return ev.PromptShown(
        run_id, scenario_id="f::s", prompt_id=prompt_id, actor=CLIENT, action=action,
        instruction="Envoyez un message vide",
        parameters=parameters if parameters is not None else {
            "recipient": "fr.health.samuP770", "use_case": "customContent", "format": "json", "count": 1},
        deadline=datetime.now(UTC) + timedelta(seconds=deadline_in_s),
    )


def closed(prompt_id: str, outcome: str = "done", run_id: str = RUN_ID) -> ev.PromptClosed:
    return ev.PromptClosed(run_id, scenario_id="f::s", prompt_id=prompt_id, outcome=outcome)

"""A run's prompt feed and API without a hub: events are fed by hand, as the engine would emit them."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jsonschema
from referencing import Registry, Resource

from hubbench import events as ev
from hubbench.engine.prompt_feed import PromptFeed
from hubbench.engine.prompt_server import RunApi

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "schemas" / "prompt.schema.json"
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


def opened_prompts(lines: list[dict[str, Any]], name: str = "") -> list[dict[str, Any]]:
    """The prompts a run's `--prompts-jsonl` stream opened; every line valid, the last one `run_finished`."""
    assert lines and lines[-1]["event"] == "run_finished", name
    for line in lines:
        validate(line, "line")
    return [line["prompt"] for line in lines if line["event"] == "prompt_opened"]


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


class FakeRun:
    """A run's prompt API without the engine: prompts shown by hand, served exactly as a run serves them
    (feed, HTTP server, discovery file in the bench home)."""

    def __init__(self, home_root: Path, client_id: str, vhost: str, run_id: str) -> None:
        self.run_id, self.client_id = run_id, client_id
        self.feed = PromptFeed()
        self.feed(run_started(run_id, client_id, vhost))
        self.api = RunApi.open(self.feed, run_id=run_id, home_root=home_root, link="15-15",
                               client_id=client_id, vhost=vhost)
        self.count = 0

    def show(self, action: str, deadline_in_s: float = 60, **parameters: Any) -> str:
        self.count += 1
        prompt_id = f"{self.run_id}-p{self.count}"
        self.feed(ev.PromptShown(self.run_id, scenario_id="f::s", prompt_id=prompt_id, actor=self.client_id,
                                 action=action, instruction=action, parameters=parameters,
                                 deadline=datetime.now(UTC) + timedelta(seconds=deadline_in_s)))
        return prompt_id

    def close(self) -> None:
        self.feed(ev.RunFinished(self.run_id, verdict=ev.Verdict.PASSED, counts={}))
        self.api.close()

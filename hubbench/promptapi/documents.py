"""Typed prompt and attestation documents, as `schemas/prompt.schema.json` describes them.

A prompt document is built from the engine's `PromptShown` event and the run it belongs to; the same
document goes to the JSON-lines stream (`hubbench run --prompts-jsonl`) and to the HTTP API.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hubbench.events import AttestationRequested, PromptShown

SCHEMA_ID = "https://hubbench.invalid/schemas/prompt.schema.json"
PROMPT_FORMAT = "hubbench-prompt/1"

# The message kind an action asks for when its parameters do not name it (`use_case`).
ACTION_KINDS: dict[str, str] = {
    "send_emsi": "emsi",
    "answer_owner_transfer": "createCaseHealthUpdate",
    "send_case_update": "createCaseHealthUpdate",
    "request_owner_transfer": "createCaseHealthUpdate",
    "share_case": "createCaseHealth",
    # 15-GPS (GEO-POS, GEO-REQ, GEO-RES)
    "send_geo_positions": "geoPositionsUpdate",
    "send_geo_request": "geoResourcesRequest",
    "answer_geo_request": "geoResourcesDetails",
}
# The operator's choices a prompt offers (`POST /prompts/{id}/resend|skip`), as the official test console
# offers them on an official case step (« Renvoyer l'étape », « Passer à l'étape suivante »).
STEP_CONTROLS: dict[str, tuple[str, ...]] = {"send_official_step": ("resend", "skip")}
# Parameters that carry the values the vendor's message must hold (shown as `expected`).
EXPECTED_KEYS = ("content", "changes", "decision", "test_case", "step_id", "down_s", "host", "port", "url",
                 "resource_ids")


@dataclass(frozen=True)
class RunInfo:
    run_id: str
    link: str
    vhost: str
    client_id: str


def iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def prompt_document(run: RunInfo, event: PromptShown) -> dict[str, Any]:
    """The typed prompt, status "open"."""
    params = dict(event.parameters)
    kind = params.get("use_case") or params.get("model") or ACTION_KINDS.get(event.action)
    count = params.get("count")
    return {
        "format": PROMPT_FORMAT,
        "prompt_id": event.prompt_id,
        "run_id": run.run_id,
        "scenario_id": event.scenario_id,
        "status": "open",
        "action": event.action,
        "link": run.link,
        "vhost": run.vhost,
        "client_id": event.actor,
        "recipient": _text(params.get("recipient")),
        "message_kind": _text(kind),
        "case_id": _text(params.get("case_id")),
        "format_hint": _text(params.get("format")),
        "count": count if isinstance(count, int) and count > 0 else None,
        "expected": {key: params[key] for key in EXPECTED_KEYS if key in params},
        "opened_at": iso(event.at),
        "deadline": iso(event.deadline),
        "text": event.instruction,
        "parameters": params,
        "report": None,
        "controls": list(STEP_CONTROLS.get(event.action, ())),
        "control": None,
    }


def attestation_document(run: RunInfo, event: AttestationRequested) -> dict[str, Any]:
    """An attestation awaiting a person's answer (`POST /attestations/{attestation_id}`)."""
    return {
        "format": PROMPT_FORMAT,
        "attestation_id": event.attestation_id,
        "run_id": run.run_id,
        "scenario_id": event.scenario_id,
        "status": "open",
        "question": event.question,
        "items": [dict(item) for item in event.items],
        "requested_at": iso(event.at),
    }


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None

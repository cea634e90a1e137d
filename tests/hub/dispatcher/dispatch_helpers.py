"""Shared helpers of the dispatcher tests: inbound messages, RS-ERROR checks."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from hubbench.hub.dispatcher.pipeline import Inbound
from hubbench.protocol import build_message, custom_content_use_case, decode, validator_for
from hubbench.protocol.packs import SchemaPack

SAMU_A = "fr.health.samuA"
SAMU_B = "fr.health.samuB"


def envelope(sender: str = SAMU_A, recipient: str = SAMU_B, **kwargs: Any) -> dict[str, Any]:
    use_case = kwargs.pop("use_case", None) or custom_content_use_case(text="bonjour")
    return build_message(sender, recipient, use_case, **kwargs)


def inbound(env: dict[str, Any] | bytes, *, routing_key: str | None = SAMU_A,
            content_type: str | None = "application/json", delivery_mode: int | None = 2,
            headers: dict[str, Any] | None = None, expiration: str | None = None) -> Inbound:
    body = env if isinstance(env, bytes) else json.dumps(env).encode()
    return Inbound(body=body, content_type=content_type, delivery_mode=delivery_mode,
                   headers=headers or {}, expiration=expiration, routing_key=routing_key,
                   vhost="15-15_v2.1", received_at=datetime.now(UTC))


def check_rs_error(body: bytes, content_type: str, pack: SchemaPack, code: int) -> dict[str, Any]:
    """Decode an RS-ERROR report, check it against the pack (envelope + RS-ERROR) and return `error`."""
    env = decode(body, content_type, pack)
    report = validator_for(pack).validate_message(env)
    assert report.valid, [i.message for i in report.errors]
    assert env["senderID"] == "fr.health.hub"
    assert env["distributionKind"] == "Error"
    error = env["content"][0]["jsonContent"]["embeddedJsonContent"]["message"]["error"]
    assert error["errorCode"]["statusCode"] == code
    return error

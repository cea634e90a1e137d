"""Puts a message straight into one of the vendor's queues, as the hub's dispatcher would.

Publishes on exchange `distribution` (routing key `<vendor>.message|ack|info`) with the
dispatcher's own TLS identity, bypassing validation: needed for tier 2 (an undecodable message,
hub-style RS-ERROR and RC-REF). The header `x-death-original-routing-key` names the partner, so a
message the vendor rejects is reported (500 DEAD_LETTER_QUEUED) to the partner's `.info`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hubbench.protocol import Format, SchemaPack, encode

if TYPE_CHECKING:
    from hubbench.transport import HubClient

DEATH_HEADER = "x-death-original-routing-key"


class Injector:
    def __init__(
        self, client: HubClient, vendor_id: str, partner_id: str, pack: SchemaPack | None = None
    ) -> None:
        self.client = client  # with the dispatcher identity
        self.vendor_id = vendor_id
        self.partner_id = partner_id
        self._pack = pack

    def inject_raw(self, suffix: str, body: bytes, content_type: str = "application/json") -> None:
        self.client.publish(
            body,
            content_type=content_type,
            persistent=True,
            confirm=True,
            exchange="distribution",
            routing_key=f"{self.vendor_id}.{suffix}",
            properties={"headers": {DEATH_HEADER: self.partner_id}},
            mandatory=True,
        )

    def inject(self, suffix: str, env: dict[str, Any], fmt: Format = "json") -> None:
        body, content_type = encode(env, fmt, pack=self._pack)
        self.inject_raw(suffix, body, content_type)

    def close(self) -> None:
        self.client.close()

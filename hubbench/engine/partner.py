"""The partner: the bench's counterpart client of the vendor on the run's link (ENGINE_CONTRACT).

It publishes like any client (exchange `hubsante`, routing key = its own id) and consumes its three
queues through a `transport.Inbox` started with the run, so a reply that arrives before a step waits
is never lost. It only looks at messages sent by the run's vendor (or hub reports about its own
messages), so several runs can share one hub.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hubbench.engine.errors import NothingReceived
from hubbench.engine.events import Event, MessageExchanged
from hubbench.protocol import HUB_ID, DecodeError, EnvelopeView, build_message, decode, encode


@dataclass(frozen=True)
class Received:
    """A delivery on one of the partner's queues, decoded when possible (`env` None otherwise)."""

    queue: str
    body: bytes
    content_type: str
    env: dict[str, Any] | None
    decode_error: str = ""

    @property
    def view(self) -> EnvelopeView:
        return EnvelopeView(self.env or {})

    @property
    def suffix(self) -> str:
        return self.queue.rsplit(".", 1)[-1]


class Partner:
    def __init__(
        self,
        partner_id: str,
        vendor_id: str,
        client: Any,  # transport.client.HubClient of the partner
        inbox: Any,  # transport.client.Inbox on the partner's three queues (acks on store)
        emit: Callable[[Event], None],
        run_id: str,
        pack: Any = None,
    ) -> None:
        self.partner_id = partner_id
        self.vendor_id = vendor_id
        self.client = client
        self.inbox = inbox
        self._emit = emit
        self._run_id = run_id
        self._pack = pack

    def build(self, use_case: dict[str, Any], *, kind: str = "Report") -> dict[str, Any]:
        return build_message(self.partner_id, self.vendor_id, use_case, distribution_kind=kind)

    def send(self, scenario_id: str, env: dict[str, Any], *, fmt: str = "json") -> str:
        """Publish `env` through the hub (confirmed); returns its distributionID."""
        body, content_type = encode(env, fmt, pack=self._pack)  # type: ignore[arg-type]
        self.client.publish(body, content_type=content_type, persistent=True, confirm=True)
        view = EnvelopeView(env)
        self._emit(
            MessageExchanged(
                self._run_id,
                scenario_id=scenario_id,
                direction="sent",
                queue="hubsante",
                distribution_id=view.distribution_id,
                kind=view.kind,
                content_type=content_type,
                body=body,
            )
        )
        return view.distribution_id or ""

    def _relevant(self, received: Received) -> bool:
        sender = received.view.sender_id
        return sender == self.vendor_id or (received.suffix == "info" and sender == HUB_ID)

    def _wrap(self, delivery: Any) -> Received:
        content_type = delivery.content_type or ""
        try:
            env: dict[str, Any] | None = decode(delivery.body, content_type, self._pack)
            error = ""
        except DecodeError as exc:
            env, error = None, exc.message
        return Received(delivery.queue, delivery.body, content_type, env, error)

    def wait_for(
        self,
        scenario_id: str,
        what: str,
        predicate: Callable[[Received], bool],
        timeout: float,
        *,
        rule: str = "",
        required: bool = True,
    ) -> Received | None:
        """The first relevant message matching `predicate` (buffered ones first), else NothingReceived."""

        def match(delivery: Any) -> bool:
            received = self._wrap(delivery)
            return self._relevant(received) and predicate(received)

        delivery = self.inbox.wait_for(match, timeout)
        if delivery is None:
            if required:
                raise NothingReceived(what, timeout, rule)
            return None
        received = self._wrap(delivery)
        self._emit(
            MessageExchanged(
                self._run_id,
                scenario_id=scenario_id,
                direction="received",
                queue=received.queue,
                distribution_id=received.view.distribution_id,
                kind=received.view.kind,
                content_type=received.content_type,
                body=received.body,
            )
        )
        return received

    def close(self) -> None:
        self.inbox.stop()
        self.client.close()

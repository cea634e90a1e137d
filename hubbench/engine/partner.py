"""The partner: the bench's counterpart client of the vendor on the run's link.

It publishes like any client (exchange `hubsante`, routing key = its own id) and consumes its three
queues through a `transport.Inbox` started with the run, so a reply that arrives before a step waits
is never lost. It only looks at messages sent by the run's vendor (or hub reports about its own
messages), so several runs can share one hub.

Like any receiver it integrates a distributionID once (DST 1.2 §3.3.2; palier 4 of support Projectathon 1): a
later delivery of the same id (a resend, or a redelivery after a reconnection) is never handed to a step as a
new message; it is recorded in `duplicates` (and emitted as a `MessageExchanged` with direction "duplicate",
kept as evidence but not counted as received), and when the partner had already acked the original it sends
its RC-REF again so the vendor can stop considering it undelivered (DST 1.2 §3.3.2). Duplicates are noticed
when the partner reads its inbox (`wait_for`, `sweep`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hubbench.engine.errors import NothingReceived
from hubbench.events import Event, MessageExchanged
from hubbench.protocol import (
    HUB_ID,
    DecodeError,
    EnvelopeView,
    Format,
    SchemaPack,
    build_ack,
    build_message,
    decode,
    encode,
)

if TYPE_CHECKING:
    from hubbench.transport import Delivery, HubClient, Inbox


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


@dataclass(frozen=True)
class Duplicate:
    """A delivery of a distributionID the partner had already received."""

    distribution_id: str
    queue: str
    kind: str | None
    occurrence: int  # 2 for the first repeat
    redelivered: bool  # broker flag: redelivered after a lost connection (not a resend by the vendor)
    same_body: bool
    reacked: bool  # the original was acked by the partner, and its RC-REF was sent again

    def describe(self) -> str:
        how = "relivraison par le broker" if self.redelivered else "renvoi"
        body = "contenu identique" if self.same_body else "contenu DIFFÉRENT"
        ack = "RC-REF renvoyé" if self.reacked else "pas encore acquitté par le banc"
        return (f"{self.distribution_id} reçu {self.occurrence} fois sur {self.queue} ({how}, {body}) : "
                f"non intégré à nouveau, {ack}")


class Partner:
    def __init__(
        self,
        partner_id: str,
        vendor_id: str,
        client: HubClient,
        inbox: Inbox,  # on the partner's three queues (acks on store)
        emit: Callable[[Event], None],
        run_id: str,
        pack: SchemaPack | None = None,
    ) -> None:
        self.partner_id = partner_id
        self.vendor_id = vendor_id
        self.client = client
        self.inbox = inbox
        self._emit = emit
        self._run_id = run_id
        self._pack = pack
        self.duplicates: list[Duplicate] = []
        self._first: dict[str, Delivery] = {}  # distributionID → first delivery seen
        self._counts: dict[str, int] = {}
        self._classified: dict[tuple[str, int, int], bool] = {}  # delivery → is a duplicate
        self._acked: set[str] = set()

    def build(self, use_case: dict[str, Any], *, kind: str = "Report") -> dict[str, Any]:
        return build_message(self.partner_id, self.vendor_id, use_case, distribution_kind=kind)

    def send(self, scenario_id: str, env: dict[str, Any], *, fmt: Format = "json") -> str:
        """Publish `env` through the hub (confirmed); returns its distributionID."""
        body, content_type = encode(env, fmt, pack=self._pack)
        self.client.publish(body, content_type=content_type, persistent=True, confirm=True)
        view = EnvelopeView(env)
        if view.distribution_kind == "Ack" and view.referenced_id:
            self._acked.add(view.referenced_id)
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

    def _wrap(self, delivery: Delivery) -> Received:
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

        def match(delivery: Delivery) -> bool:
            received = self._wrap(delivery)
            return (self._relevant(received) and not self._is_duplicate(scenario_id, delivery, received)
                    and predicate(received))

        delivery = self.inbox.wait_for(match, timeout)
        if delivery is None:
            if required:
                raise NothingReceived(what, timeout, rule)
            return None
        received = self._wrap(delivery)
        self._record(scenario_id, "received", received)
        return received

    def sweep(self, scenario_id: str) -> list[Duplicate]:
        """Classify what is buffered now (re-acking duplicates of acked messages); the new duplicates."""
        before = len(self.duplicates)
        for delivery in self.inbox.snapshot():
            received = self._wrap(delivery)
            if self._relevant(received):
                self._is_duplicate(scenario_id, delivery, received)
        return self.duplicates[before:]

    def deliveries_of(self, distribution_id: str) -> int:
        """How many times the partner has seen `distribution_id` delivered (0 if never)."""
        return self._counts.get(distribution_id, 0)

    def _is_duplicate(self, scenario_id: str, delivery: Delivery, received: Received) -> bool:
        """True for a repeat of a distributionID already seen; recorded (and re-acked) once per delivery."""
        key = (delivery.queue, delivery.generation, delivery.delivery_tag)
        if key in self._classified:
            return self._classified[key]
        dist_id = received.view.distribution_id
        first = self._first.setdefault(dist_id, delivery) if dist_id else delivery
        duplicate = first is not delivery
        self._classified[key] = duplicate
        if not dist_id:
            return False
        self._counts[dist_id] = self._counts.get(dist_id, 0) + 1
        if duplicate:
            reack = dist_id in self._acked and received.suffix == "message"
            self.duplicates.append(Duplicate(
                dist_id, received.queue, received.view.kind, self._counts[dist_id],
                bool(delivery.redelivered), delivery.body == first.body, reack,
            ))
            self._record(scenario_id, "duplicate", received)
            if reack:
                self.send(scenario_id, build_ack(self.partner_id, self.vendor_id, dist_id))
        return duplicate

    def _record(self, scenario_id: str, direction: str, received: Received) -> None:
        self._emit(
            MessageExchanged(
                self._run_id,
                scenario_id=scenario_id,
                direction=direction,
                queue=received.queue,
                distribution_id=received.view.distribution_id,
                kind=received.view.kind,
                content_type=received.content_type,
                body=received.body,
            )
        )

    def close(self) -> None:
        self.inbox.stop()
        self.client.close()

"""The dispatcher's AMQP side (aiormq over TLS, SASL EXTERNAL with the `dispatcher` certificate).

One `DispatcherService` serves every vhost of the hub (a connection per vhost: the vhost belongs to the
connection). Per vhost it consumes `dispatch` and `dispatch.dlq` with a prefetch window on one channel
and publishes on `distribution` with publisher confirms (pipelined: aiormq runs every delivery in its
own task) and `mandatory=True`. It works on the protocol channel (no aio-pika message objects: they
were a visible share of the profile).

At-least-once: an input is acked only once its output (the forward, or the error report) is confirmed
by the broker; after a confirmed error report it is rejected without requeue (the hub's
`AmqpRejectAndDontRequeueException`; `dispatch` has no DLX, so it is dropped). A negative confirm or a
lost connection leaves the input unacked → the broker redelivers it. Acks are coalesced (`AckWindow`):
one `basic.ack multiple=True` covers the longest prefix of delivery tags that are all settled, so a
tag is never acked before its own output is confirmed; rejects go out one by one, at once. A broker
return (312 NO_ROUTE) of a forward → 501 "unable do deliver message to <queue>…" to the sender's
`.info`. Unexpected exceptions are logged and the input rejected without report (as the hub) — the
process never dies on bad input.

Every input is traced (a `results.trace.TraceSink`, never blocks; the worker gives it a
`TraceProcess`, whose rows are built and written in a child process): outcome `routed`, `rejected`,
`unroutable` or `dead_letter`, plus one `error_report` row per RS-ERROR emitted. Counters are kept for
the health file written by `__main__` (`status`).

Known differences from the hub: aiormq gives a `message_id` to published messages that have none (it
needs one to match broker returns); `user_id` is not cloned (the broker refuses a foreign `user_id`
from the dispatcher's connection). Error reports are published without `mandatory`: a sender without
an `.info` queue cannot be told anything, and the hub's mandatory template would loop on the return.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import ssl
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import aiormq
from aiormq.abc import AbstractChannel, DeliveredMessage
from aiormq.exceptions import DeliveryError, PublishError
from pamqp.commands import Basic

from hubbench.errors import BenchError
from hubbench.hub.dispatcher import causes
from hubbench.hub.dispatcher.pipeline import (
    ORIGINAL_ROUTING_KEY,
    DispatchContext,
    Drop,
    ErrorReport,
    Facts,
    Forward,
    Inbound,
    Reject,
    decide,
    decide_dead_letter,
    error_report,
    extract_distribution_id,
)
from hubbench.protocol import ErrorCode, PackValidator
from hubbench.results import TraceRecord, TraceSink

log = logging.getLogger(__name__)

DISPATCH, DISPATCH_DLQ, DISTRIBUTION = "dispatch", "dispatch.dlq", "distribution"
# cloned properties: (name in Inbound.properties and the trace, name in pamqp's Basic.Properties)
_CLONED = (("content_encoding", "content_encoding"), ("priority", "priority"),
           ("correlation_id", "correlation_id"), ("reply_to", "reply_to"), ("message_id", "message_id"),
           ("timestamp", "timestamp"), ("type", "message_type"), ("app_id", "app_id"), ("user_id", "user_id"))
RECONNECT_MAX_S = 10.0


class Stats:
    """Counters of one service (all vhosts), read by the health file."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.errors: Counter[str] = Counter()
        self.connected: dict[str, bool] = {}

    def as_dict(self) -> dict[str, Any]:
        return {**{k: self.counts[k] for k in ("received", "routed", "rejected", "dead_letters", "dropped",
                                              "unroutable", "unexpected", "redelivered")},
                "errors_by_code": dict(sorted(self.errors.items()))}


def inbound_of(message: DeliveredMessage, vhost: str) -> Inbound:
    """The delivery as the pipeline reads it. An absent delivery mode is 1 (transient), as in AMQP."""
    props = message.header.properties
    others = {name: value for name, attr in _CLONED if (value := getattr(props, attr)) is not None}
    return Inbound(body=message.body, content_type=props.content_type,
                   delivery_mode=1 if props.delivery_mode is None else int(props.delivery_mode),
                   headers=dict(props.headers or {}),
                   expiration=props.expiration, routing_key=message.routing_key, vhost=vhost,
                   received_at=datetime.now(UTC), properties=others)


def _now() -> datetime:
    return datetime.now(UTC)


def _properties(inbound: Inbound) -> dict[str, Any]:
    props = {"content_type": inbound.content_type, "delivery_mode": inbound.delivery_mode,
             "expiration": inbound.expiration, "headers": dict(inbound.headers)}
    props.update(inbound.properties)
    return props


class AckWindow:
    """Coalesced acks of one channel: `ack(tag)` once the delivery's output is confirmed, `reject(tag)`
    at once. A single `basic.ack multiple=True` then covers every tag up to the highest acked tag of the
    longest fully settled prefix (delivery tags of a channel are 1, 2, 3…), so no input is acked before
    its own output is confirmed. The `multiple` tag is always one still unacked (never a rejected one,
    which the broker would refuse as unknown). Acks are written by one task, in increasing order."""

    def __init__(self, channel: AbstractChannel) -> None:
        self.channel = channel
        self._settled: dict[int, bool] = {}  # settled tags above the prefix → True when to be acked
        self._top = 0  # highest tag of the fully settled prefix
        self._ackable = 0  # highest to-be-acked tag within the prefix
        self._sent = 0
        self._wake = asyncio.Event()
        self._task = asyncio.ensure_future(self._acker())

    def settled(self, tag: int) -> bool:
        return tag <= self._top or tag in self._settled

    def ack(self, tag: int) -> None:
        if not self.settled(tag):
            self._settle(tag, True)

    async def reject(self, tag: int, *, requeue: bool) -> None:
        """A second settlement of a tag is ignored (the broker would close the channel on it)."""
        if not self.settled(tag):
            await self.channel.basic_reject(tag, requeue=requeue, wait=False)
            self._settle(tag, False)

    def _settle(self, tag: int, ack: bool) -> None:
        self._settled[tag] = ack
        top, settled = self._top, self._settled
        while top + 1 in settled:
            top += 1
            if settled.pop(top):
                self._ackable = top
        self._top = top
        if self._ackable > self._sent:
            self._wake.set()

    async def _acker(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            try:
                await self.flush()
            except Exception as exc:  # channel gone: the broker requeues what it did not see acked
                log.debug("acquittement impossible (%s)", exc)
                return

    async def flush(self) -> None:
        if self._ackable > self._sent:
            self._sent = self._ackable
            await self.channel.basic_ack(self._sent, multiple=True, wait=False)

    def stop(self) -> None:
        self._task.cancel()

    async def close(self) -> None:
        """Stop the acker, then send what is acked so far (graceful stop)."""
        self.stop()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        await self.flush()


class VhostLink:
    """The dispatcher of one vhost: consume, decide, publish, ack — reconnecting until stopped."""

    def __init__(self, service: DispatcherService, vhost: str, validator: PackValidator | None) -> None:
        self.service, self.vhost, self.validator = service, vhost, validator
        self.channel: AbstractChannel | None = None
        self.acks: AckWindow | None = None
        self.tasks: set[asyncio.Task[Any]] = set()

    def context(self) -> DispatchContext:
        s = self.service
        return DispatchContext(validator=self.validator, use_xml=s.preferences(), now=_now,
                               default_ttl_s=s.default_ttl_s, reserialize=s.reserialize,
                               direct_cisu=s.direct_cisu(), cisu_conversion=s.cisu_conversion)

    async def run(self, stop: asyncio.Event) -> None:
        delay = 0.5
        while not stop.is_set():
            try:
                await self._serve(stop)
                delay = 0.5
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("vhost %s : connexion perdue ou impossible (%s) ; nouvel essai dans %.1f s",
                            self.vhost, exc, delay)
            finally:
                self.service.stats.connected[self.vhost] = False
            if stop.is_set():
                break
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), delay)
            delay = min(RECONNECT_MAX_S, delay * 2)

    async def _serve(self, stop: asyncio.Event) -> None:
        s = self.service
        url = (f"amqps://{s.host}:{s.port}/{quote(self.vhost, safe='')}"
               f"?auth=external&name={quote(f'dispatcher {self.vhost} #{s.worker}')}&heartbeat=30")
        connection = await asyncio.wait_for(aiormq.connect(url, context=s.ssl_context), 10)
        acks: AckWindow | None = None
        try:
            self.channel = channel = await connection.channel(publisher_confirms=True, on_return_raises=True)
            await channel.basic_qos(prefetch_count=s.prefetch)
            self.acks = acks = AckWindow(channel)
            tags = [(await channel.basic_consume(queue, self._tracked(handler))).consumer_tag
                    for queue, handler in ((DISPATCH, self.on_dispatch), (DISPATCH_DLQ, self.on_dead_letter))]
            s.stats.connected[self.vhost] = True
            log.info("vhost %s : à l'écoute de %s et %s", self.vhost, DISPATCH, DISPATCH_DLQ)
            closing = connection.closing
            waiters = [asyncio.ensure_future(stop.wait()), closing]
            await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
            lost = closing.done()
            for waiter in waiters:
                waiter.cancel()
            if not lost:  # graceful stop: no new deliveries, let in-flight ones settle, send their acks
                for tag in tags:
                    if tag is not None:
                        await channel.basic_cancel(tag)
                await self.drain()
                await acks.close()
                await channel.close()
        finally:
            await self.drain()
            if acks is not None:
                acks.stop()
            if not connection.is_closed:
                await connection.close()

    async def drain(self, timeout: float = 10.0) -> None:
        if self.tasks:
            await asyncio.wait(list(self.tasks), timeout=timeout)

    def _tracked(self, handler: Callable[[DeliveredMessage], Any]) -> Callable[[DeliveredMessage], Any]:
        """aiormq already runs each delivery in its own task: only remember it, for `drain`."""
        async def consume(message: DeliveredMessage) -> None:
            task = asyncio.current_task()
            if task is not None:
                self.tasks.add(task)
                task.add_done_callback(self.tasks.discard)
            await handler(message)
        return consume

    # ------------------------------------------------------------------------------------ handlers
    async def on_dispatch(self, message: DeliveredMessage) -> None:
        stats = self.service.stats
        stats.counts["received"] += 1
        if message.redelivered:
            stats.counts["redelivered"] += 1
        inbound: Inbound | None = None
        try:
            inbound = inbound_of(message, self.vhost)
            decision = decide(inbound, self.context())
            if isinstance(decision, Forward):
                await self._forward(message, inbound, decision)
            elif isinstance(decision, Reject):
                await self._reject(message, inbound, decision, "rejected")
            else:
                await self._settle(message, requeue=False)
        except (DeliveryError, ConnectionError, asyncio.CancelledError) as exc:
            log.warning("vhost %s : sortie non confirmée (%s) ; le message sera redistribué", self.vhost, exc)
            await self._settle(message, requeue=True)
        except Exception:
            await self._unexpected(message, inbound)

    async def on_dead_letter(self, message: DeliveredMessage) -> None:
        stats = self.service.stats
        stats.counts["dead_letters"] += 1
        inbound: Inbound | None = None
        try:
            inbound = inbound_of(message, self.vhost)
            decision = decide_dead_letter(inbound, self.context())
            if isinstance(decision, Reject):
                await self._reject(message, inbound, decision, "dead_letter")
            else:
                await self._drop(message, inbound, decision)
        except (DeliveryError, ConnectionError, asyncio.CancelledError) as exc:
            log.warning("vhost %s : rapport 500 non confirmé (%s) ; redistribution", self.vhost, exc)
            await self._settle(message, requeue=True)
        except Exception:
            await self._unexpected(message, inbound)

    # ------------------------------------------------------------------------------------ actions
    async def _publish(self, routing_key: str, body: bytes, *, mandatory: bool, **props: Any) -> None:
        """Straight on the protocol channel; a nack raises `DeliveryError`, a return `PublishError`.
        `wait=False`: the confirm is what is awaited, not the socket drain of the frame (one future and
        one wake-up less per message; the prefetch window already bounds what is in flight)."""
        assert self.channel is not None
        if "type" in props:
            props["message_type"] = props.pop("type")
        properties = Basic.Properties(**{k: v for k, v in props.items() if v is not None})
        await self.channel.basic_publish(  # type: ignore[call-arg]  # `wait`: aiormq's Channel has it, its ABC not
            body, exchange=DISTRIBUTION, routing_key=routing_key, properties=properties, mandatory=mandatory,
            wait=False,
        )

    async def _send_report(self, report: ErrorReport) -> None:
        await self._publish(report.routing_key, report.body, mandatory=False,
                            content_type=report.content_type, delivery_mode=2)
        self.service.stats.errors[str(int(report.code))] += 1

    def _window(self, message: DeliveredMessage) -> AckWindow | None:
        """The ack window of the channel the delivery came on; None once that channel is replaced (a
        delivery tag means nothing on another channel; the broker requeues what the old one held)."""
        acks = self.acks
        return acks if acks is not None and acks.channel is message.channel else None

    def _ack(self, message: DeliveredMessage) -> None:
        acks = self._window(message)
        if acks is not None and message.delivery_tag is not None:
            acks.ack(message.delivery_tag)

    async def _forward(self, message: DeliveredMessage, inbound: Inbound, fwd: Forward) -> None:
        props = dict(fwd.properties)
        props["content_type"] = fwd.content_type
        try:
            await self._publish(fwd.routing_key, fwd.body, mandatory=True, **props)
        except PublishError as returned:
            await self._no_route(message, inbound, fwd, returned)
            return
        self._ack(message)
        self.service.stats.counts["routed"] += 1
        self._trace(inbound, fwd.facts, "routed", routed_to=fwd.routing_key,
                    forwarded_content_type=fwd.content_type,
                    forwarded_body=fwd.body if fwd.facts.converted else None)

    async def _no_route(self, message: DeliveredMessage, inbound: Inbound, fwd: Forward,
                        returned: PublishError) -> None:
        back = _basic_return(returned)
        queue = back.routing_key if back is not None and back.routing_key is not None else fwd.routing_key
        if back is None or back.reply_code == 312:
            cause = causes.no_route(queue)
        else:
            cause = f"unable do deliver message to {queue}, cause was {back.reply_text} ({back.reply_code})"
        sender = str(fwd.properties["headers"].get(ORIGINAL_ROUTING_KEY) or inbound.routing_key or "")
        source = _json_source(inbound)
        dist_id = fwd.facts.distribution_id or extract_distribution_id(inbound.body)
        report = error_report(sender, ErrorCode.UNROUTABLE_MESSAGE, cause, source, dist_id, self.context())
        fwd.facts.issues.append({"path": "$", "rule": "hub-501", "expected": queue, "found": "NO_ROUTE",
                                 "message": f"aucune file « {queue} » : destinataire inconnu du hub",
                                 "scope": "dispatch"})
        await self._send_report(report)
        await self._settle(message, requeue=False)
        self.service.stats.counts["unroutable"] += 1
        self._trace(inbound, fwd.facts, "unroutable", error_code=501, routed_to=queue)
        self._trace_report(report, inbound.vhost)

    async def _reject(self, message: DeliveredMessage, inbound: Inbound, rej: Reject,
                      outcome: str) -> None:
        await self._send_report(rej.report)
        await self._settle(message, requeue=False)
        if outcome == "rejected":
            self.service.stats.counts["rejected"] += 1
        self._trace(inbound, rej.facts, outcome, error_code=int(rej.report.code))
        self._trace_report(rej.report, inbound.vhost)

    async def _drop(self, message: DeliveredMessage, inbound: Inbound, drop: Drop) -> None:
        await self._settle(message, requeue=False)
        self.service.stats.counts["dropped"] += 1
        drop.facts.notes.append(drop.reason)
        self._trace(inbound, drop.facts, "dead_letter")

    async def _unexpected(self, message: DeliveredMessage, inbound: Inbound | None) -> None:
        log.exception("vhost %s : erreur inattendue ; message rejeté sans rapport", self.vhost)
        self.service.stats.counts["unexpected"] += 1
        await self._settle(message, requeue=False)
        if inbound is not None:
            facts = Facts(routing_key=inbound.routing_key)
            facts.notes.append("erreur inattendue du dispatcher : message rejeté sans rapport")
            self._trace(inbound, facts, "rejected")

    async def _settle(self, message: DeliveredMessage, *, requeue: bool) -> None:
        """Reject now (with or without requeue); its tag then counts as settled for the coalesced acks."""
        acks = self._window(message)
        if acks is None or message.delivery_tag is None:
            return
        try:
            await acks.reject(message.delivery_tag, requeue=requeue)
        except Exception as exc:  # channel gone: the broker requeues unacked deliveries itself
            log.debug("rejet impossible (%s)", exc)

    # ------------------------------------------------------------------------------------ trace
    def _trace(self, inbound: Inbound, facts: Facts, outcome: str, *, error_code: int | None = None,
               routed_to: str | None = None, forwarded_content_type: str | None = None,
               forwarded_body: bytes | None = None) -> None:
        trace = self.service.trace
        if trace is None:
            return
        errors = list(facts.issues) + [{"path": "", "rule": "note", "expected": "", "found": "",
                                        "message": note, "scope": "dispatch"} for note in facts.notes]
        trace.record(TraceRecord(
            vhost=inbound.vhost, outcome=outcome, at=inbound.received_at, routing_key=inbound.routing_key,
            sender_id=facts.sender_id, recipient_id=facts.recipient_id, kind=facts.kind,
            distribution_kind=facts.distribution_kind, distribution_id=facts.distribution_id,
            content_type=inbound.content_type, delivery_mode=inbound.delivery_mode,
            properties=_properties(inbound), body=inbound.body, error_code=error_code, errors=errors,
            routed_to=routed_to, forwarded_content_type=forwarded_content_type,
            forwarded_body=forwarded_body))

    def _trace_report(self, report: ErrorReport, vhost: str) -> None:
        trace = self.service.trace
        if trace is None:
            return
        env = report.envelope
        trace.record(TraceRecord(
            vhost=vhost, outcome="error_report", sender_id=env.get("senderID"),
            recipient_id=report.recipient_id, kind="error", distribution_kind="Error",
            distribution_id=env.get("distributionID"), content_type=report.content_type, delivery_mode=2,
            body=report.body, error_code=int(report.code), routed_to=report.routing_key,
            forwarded_content_type=report.content_type,
            errors=[{"path": "$", "rule": f"hub-{int(report.code)}", "expected": "",
                     "found": report.referenced_id, "message": report.cause, "scope": "report"}]))


def _basic_return(error: PublishError) -> Basic.Return | None:
    """The broker's basic.return behind a `PublishError` (aiormq raises one only for a return)."""
    delivery = error.message.delivery if error.message is not None else None
    return delivery if isinstance(delivery, Basic.Return) else None


def _json_source(inbound: Inbound) -> Any:
    try:
        return json.loads(inbound.body)
    except ValueError:
        return None


class DispatcherService:
    """All vhosts of one hub, served by one asyncio loop (one worker process)."""

    def __init__(self, *, host: str, port: int, vhosts: dict[str, PackValidator | None],
                 ssl_context: ssl.SSLContext, preferences: Callable[[], dict[str, bool]],
                 default_ttl_s: float, trace: TraceSink | None, prefetch: int = 200, worker: int = 0,
                 reserialize: bool = False, provenance: dict[str, dict[str, Any]] | None = None,
                 direct_cisu: Callable[[], dict[str, bool]] = dict, cisu_conversion: bool = False) -> None:
        self.provenance = provenance or {}
        self.host, self.port, self.ssl_context = host, port, ssl_context
        self.preferences, self.default_ttl_s = preferences, default_ttl_s
        self.direct_cisu, self.cisu_conversion = direct_cisu, cisu_conversion
        self.trace, self.prefetch, self.worker, self.reserialize = trace, prefetch, worker, reserialize
        self.stats = Stats()
        self.started_at = time.time()
        self.links = [VhostLink(self, vhost, validator) for vhost, validator in vhosts.items()]

    async def run(self, stop: asyncio.Event) -> None:
        await asyncio.gather(*(link.run(stop) for link in self.links))

    def health(self) -> dict[str, Any]:
        return {"worker": self.worker, "started_at": self.started_at, "last_heartbeat": time.time(),
                "vhosts": [link.vhost for link in self.links],
                "connected": dict(self.stats.connected), "counters": self.stats.as_dict(),
                "packs": {link.vhost: (link.validator.pack.label if link.validator else None)
                          for link in self.links},
                "provenance": self.provenance}


def load_validators(vhosts: list[str], load: Callable[[str], Any], tag_of: Callable[[str], str] = str
                    ) -> tuple[dict[str, PackValidator | None], dict[str, dict[str, Any]]]:
    """The pack validator of each vhost (a vhost whose pack cannot be had answers 301, hub behaviour),
    and each vhost's pack provenance (tag, source, checksum, provisional and why) for `hub status`."""
    from hubbench.protocol import Provenance, validator_for

    out: dict[str, PackValidator | None] = {}
    provenance: dict[str, dict[str, Any]] = {}
    for vhost in vhosts:
        try:
            pack = load(vhost)
            out[vhost] = validator_for(pack)
            provenance[vhost] = Provenance.of(pack, vhost).as_json()
        except BenchError as exc:
            log.error("vhost %s : pas de pack de schémas (%s) ; chaque message recevra 301", vhost, exc)
            out[vhost] = None
            provenance[vhost] = Provenance.missing(vhost, tag_of(vhost), str(exc)).as_json()
    return out, provenance

"""The dispatcher's AMQP side (aio-pika over TLS, SASL EXTERNAL with the `dispatcher` certificate).

One `DispatcherService` serves every vhost of the hub (a connection per vhost: the vhost belongs to the
connection). Per vhost it consumes `dispatch` and `dispatch.dlq` with a prefetch window and publishes
on `distribution` with publisher confirms (pipelined: every delivery is handled in its own task) and
`mandatory=True`.

At-least-once: an input is acked only once its output (the forward, or the error report) is confirmed
by the broker; after a confirmed error report it is rejected without requeue (the hub's
`AmqpRejectAndDontRequeueException`; `dispatch` has no DLX, so it is dropped). A negative confirm or a
lost connection leaves the input unacked → the broker redelivers it. A broker return (312 NO_ROUTE) of
a forward → 501 "unable do deliver message to <queue>…" to the sender's `.info`. Unexpected exceptions
are logged and the input rejected without report (as the hub) — the process never dies on bad input.

Every input is traced (`results.trace.TraceWriter`, never blocks): outcome `routed`, `rejected`,
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

import aio_pika
from aio_pika.abc import AbstractChannel, AbstractIncomingMessage
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
from hubbench.protocol.codes import ErrorCode
from hubbench.protocol.validator import PackValidator
from hubbench.results.trace import TraceRecord, TraceWriter

log = logging.getLogger(__name__)

DISPATCH, DISPATCH_DLQ, DISTRIBUTION = "dispatch", "dispatch.dlq", "distribution"
_CLONED = ("content_encoding", "priority", "correlation_id", "reply_to", "message_id", "timestamp", "type",
           "app_id", "user_id")
RECONNECT_MAX_S = 10.0
TRACE_HANDOFF_S = 0.05


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


def inbound_of(message: AbstractIncomingMessage, vhost: str) -> Inbound:
    others = {name: getattr(message, name) for name in _CLONED if getattr(message, name, None) is not None}
    mode = message.delivery_mode
    return Inbound(body=message.body, content_type=message.content_type,
                   delivery_mode=int(mode) if mode is not None else None,
                   headers=dict(message.headers or {}),
                   expiration=_ms(message.expiration),
                   routing_key=message.routing_key, vhost=vhost, received_at=datetime.now(UTC),
                   properties=others)


def _now() -> datetime:
    return datetime.now(UTC)


def _ms(seconds: Any) -> str | None:
    return None if seconds is None else str(round(float(seconds) * 1000))


def _properties(inbound: Inbound) -> dict[str, Any]:
    props = {"content_type": inbound.content_type, "delivery_mode": inbound.delivery_mode,
             "expiration": inbound.expiration, "headers": dict(inbound.headers)}
    props.update(inbound.properties)
    return props


class VhostLink:
    """The dispatcher of one vhost: consume, decide, publish, ack — reconnecting until stopped."""

    def __init__(self, service: DispatcherService, vhost: str, validator: PackValidator | None) -> None:
        self.service, self.vhost, self.validator = service, vhost, validator
        self.channel: AbstractChannel | None = None
        self.tasks: set[asyncio.Task[None]] = set()

    def context(self) -> DispatchContext:
        s = self.service
        return DispatchContext(validator=self.validator, use_xml=s.preferences(), now=_now,
                               default_ttl_s=s.default_ttl_s, reserialize=s.reserialize)

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
        connection = await aio_pika.connect(url, ssl_context=s.ssl_context, timeout=10)
        closed = asyncio.Event()
        connection.close_callbacks.add(lambda *_: closed.set())
        try:
            self.channel = await connection.channel(publisher_confirms=True, on_return_raises=True)
            await self.channel.set_qos(prefetch_count=s.prefetch)
            dispatch = await self.channel.get_queue(DISPATCH, ensure=False)
            dlq = await self.channel.get_queue(DISPATCH_DLQ, ensure=False)
            tags = [(dispatch, await dispatch.consume(self._spawn(self.on_dispatch))),
                    (dlq, await dlq.consume(self._spawn(self.on_dead_letter)))]
            s.stats.connected[self.vhost] = True
            log.info("vhost %s : à l'écoute de %s et %s", self.vhost, DISPATCH, DISPATCH_DLQ)
            waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(closed.wait())]
            await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
            for waiter in waiters:
                waiter.cancel()
            if not closed.is_set():  # graceful stop: no new deliveries, let in-flight ones settle
                for queue, tag in tags:
                    await queue.cancel(tag)
                await self.drain()
                await self.channel.close()
        finally:
            await self.drain()
            if not connection.is_closed:
                await connection.close()

    async def drain(self, timeout: float = 10.0) -> None:
        if self.tasks:
            await asyncio.wait(list(self.tasks), timeout=timeout)

    def _spawn(self, handler: Callable[[AbstractIncomingMessage], Any]) -> Callable[..., Any]:
        async def consume(message: AbstractIncomingMessage) -> None:
            task = asyncio.ensure_future(handler(message))
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)
        return consume

    # ------------------------------------------------------------------------------------ handlers
    async def on_dispatch(self, message: AbstractIncomingMessage) -> None:
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
                await message.reject(requeue=False)
        except (DeliveryError, ConnectionError, asyncio.CancelledError) as exc:
            log.warning("vhost %s : sortie non confirmée (%s) ; le message sera redistribué", self.vhost, exc)
            await self._settle(message, requeue=True)
        except Exception:
            await self._unexpected(message, inbound)

    async def on_dead_letter(self, message: AbstractIncomingMessage) -> None:
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
        """Straight to the protocol channel: no `aio_pika.Message` per message (it was a visible share of
        the profile); same semantics — a nack raises `DeliveryError`, a return raises `PublishError`."""
        assert self.channel is not None
        if "type" in props:
            props["message_type"] = props.pop("type")
        properties = Basic.Properties(**{k: v for k, v in props.items() if v is not None})
        amqp = await self.channel.get_underlay_channel()
        await amqp.basic_publish(body, exchange=DISTRIBUTION, routing_key=routing_key, properties=properties,
                                 mandatory=mandatory)

    async def _send_report(self, report: ErrorReport) -> None:
        await self._publish(report.routing_key, report.body, mandatory=False,
                            content_type=report.content_type, delivery_mode=2)
        self.service.stats.errors[str(int(report.code))] += 1

    async def _forward(self, message: AbstractIncomingMessage, inbound: Inbound, fwd: Forward) -> None:
        props = dict(fwd.properties)
        props["content_type"] = fwd.content_type
        try:
            await self._publish(fwd.routing_key, fwd.body, mandatory=True, **props)
        except PublishError as returned:
            await self._no_route(message, inbound, fwd, returned)
            return
        await message.ack()
        self.service.stats.counts["routed"] += 1
        self._trace(inbound, fwd.facts, "routed", routed_to=fwd.routing_key,
                    forwarded_content_type=fwd.content_type)

    async def _no_route(self, message: AbstractIncomingMessage, inbound: Inbound, fwd: Forward,
                        returned: PublishError) -> None:
        delivery = returned.message.delivery
        queue = getattr(delivery, "routing_key", fwd.routing_key)
        cause = causes.no_route(queue) if getattr(delivery, "reply_code", 312) == 312 else (
            f"unable do deliver message to {queue}, cause was {delivery.reply_text} ({delivery.reply_code})")
        sender = str(fwd.properties["headers"].get(ORIGINAL_ROUTING_KEY) or inbound.routing_key or "")
        source = _json_source(inbound)
        dist_id = fwd.facts.distribution_id or extract_distribution_id(inbound.body)
        report = error_report(sender, ErrorCode.UNROUTABLE_MESSAGE, cause, source, dist_id, self.context())
        fwd.facts.issues.append({"path": "$", "rule": "hub-501", "expected": queue, "found": "NO_ROUTE",
                                 "message": f"aucune file « {queue} » : destinataire inconnu du hub",
                                 "scope": "dispatch"})
        await self._send_report(report)
        await message.reject(requeue=False)
        self.service.stats.counts["unroutable"] += 1
        self._trace(inbound, fwd.facts, "unroutable", error_code=501, routed_to=queue)
        self._trace_report(report, inbound.vhost)

    async def _reject(self, message: AbstractIncomingMessage, inbound: Inbound, rej: Reject,
                      outcome: str) -> None:
        await self._send_report(rej.report)
        await message.reject(requeue=False)
        if outcome == "rejected":
            self.service.stats.counts["rejected"] += 1
        self._trace(inbound, rej.facts, outcome, error_code=int(rej.report.code))
        self._trace_report(rej.report, inbound.vhost)

    async def _drop(self, message: AbstractIncomingMessage, inbound: Inbound, drop: Drop) -> None:
        await message.reject(requeue=False)
        self.service.stats.counts["dropped"] += 1
        drop.facts.notes.append(drop.reason)
        self._trace(inbound, drop.facts, "dead_letter")

    async def _unexpected(self, message: AbstractIncomingMessage, inbound: Inbound | None) -> None:
        log.exception("vhost %s : erreur inattendue ; message rejeté sans rapport", self.vhost)
        self.service.stats.counts["unexpected"] += 1
        await self._settle(message, requeue=False)
        if inbound is not None:
            facts = Facts(routing_key=inbound.routing_key)
            facts.notes.append("erreur inattendue du dispatcher : message rejeté sans rapport")
            self._trace(inbound, facts, "rejected")

    @staticmethod
    async def _settle(message: AbstractIncomingMessage, *, requeue: bool) -> None:
        try:
            await message.reject(requeue=requeue)
        except Exception as exc:  # channel gone: the broker requeues unacked deliveries itself
            log.debug("rejet impossible (%s)", exc)

    # ------------------------------------------------------------------------------------ trace
    def _trace(self, inbound: Inbound, facts: Facts, outcome: str, *, error_code: int | None = None,
               routed_to: str | None = None, forwarded_content_type: str | None = None) -> None:
        if self.service.trace is None:
            return
        errors = list(facts.issues) + [{"path": "", "rule": "note", "expected": "", "found": "",
                                        "message": note, "scope": "dispatch"} for note in facts.notes]
        self.service.trace_record(TraceRecord(
            vhost=inbound.vhost, outcome=outcome, at=inbound.received_at, routing_key=inbound.routing_key,
            sender_id=facts.sender_id, recipient_id=facts.recipient_id, kind=facts.kind,
            distribution_kind=facts.distribution_kind, distribution_id=facts.distribution_id,
            content_type=inbound.content_type, delivery_mode=inbound.delivery_mode,
            properties=_properties(inbound), body=inbound.body, error_code=error_code, errors=errors,
            routed_to=routed_to, forwarded_content_type=forwarded_content_type))

    def _trace_report(self, report: ErrorReport, vhost: str) -> None:
        if self.service.trace is None:
            return
        env = report.envelope
        self.service.trace_record(TraceRecord(
            vhost=vhost, outcome="error_report", sender_id=env.get("senderID"),
            recipient_id=report.recipient_id, kind="error", distribution_kind="Error",
            distribution_id=env.get("distributionID"), content_type=report.content_type, delivery_mode=2,
            body=report.body, error_code=int(report.code), routed_to=report.routing_key,
            forwarded_content_type=report.content_type,
            errors=[{"path": "$", "rule": f"hub-{int(report.code)}", "expected": "",
                     "found": report.referenced_id, "message": report.cause, "scope": "report"}]))


def _json_source(inbound: Inbound) -> Any:
    try:
        return json.loads(inbound.body)
    except ValueError:
        return None


class DispatcherService:
    """All vhosts of one hub, served by one asyncio loop (one worker process)."""

    def __init__(self, *, host: str, port: int, vhosts: dict[str, PackValidator | None],
                 ssl_context: ssl.SSLContext, preferences: Callable[[], dict[str, bool]],
                 default_ttl_s: float, trace: TraceWriter | None, prefetch: int = 200, worker: int = 0,
                 reserialize: bool = False) -> None:
        self.host, self.port, self.ssl_context = host, port, ssl_context
        self.preferences, self.default_ttl_s = preferences, default_ttl_s
        self.trace, self.prefetch, self.worker, self.reserialize = trace, prefetch, worker, reserialize
        self.stats = Stats()
        self._trace_buffer: list[TraceRecord] = []
        self.started_at = time.time()
        self.links = [VhostLink(self, vhost, validator) for vhost, validator in vhosts.items()]

    async def run(self, stop: asyncio.Event) -> None:
        try:
            await asyncio.gather(*(link.run(stop) for link in self.links))
        finally:
            self.flush_trace()

    def trace_record(self, record: TraceRecord) -> None:
        """Queue a trace row; rows reach the writer together every `TRACE_HANDOFF_S` (one wake-up of its
        thread per batch instead of one per message: the per-record hand-off showed in the profile)."""
        if not self._trace_buffer:
            asyncio.get_running_loop().call_later(TRACE_HANDOFF_S, self.flush_trace)
        self._trace_buffer.append(record)

    def flush_trace(self) -> None:
        records, self._trace_buffer = self._trace_buffer, []
        if self.trace is not None:
            for record in records:
                self.trace.record(record)

    def health(self) -> dict[str, Any]:
        return {"worker": self.worker, "started_at": self.started_at, "last_heartbeat": time.time(),
                "vhosts": [link.vhost for link in self.links],
                "connected": dict(self.stats.connected), "counters": self.stats.as_dict(),
                "packs": {link.vhost: (link.validator.pack.label if link.validator else None)
                          for link in self.links}}


def load_validators(vhosts: list[str], load: Callable[[str], Any]) -> dict[str, PackValidator | None]:
    """The pack validator of each vhost; a vhost whose pack cannot be had answers 301 (hub behaviour)."""
    from hubbench.protocol.validator import validator_for

    out: dict[str, PackValidator | None] = {}
    for vhost in vhosts:
        try:
            out[vhost] = validator_for(load(vhost))
        except BenchError as exc:
            log.error("vhost %s : pas de pack de schémas (%s) ; chaque message recevra 301", vhost, exc)
            out[vhost] = None
    return out

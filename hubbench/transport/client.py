"""AMQP client of the hub over TLS + EXTERNAL (pika 1.4): publish with confirms, and an `Inbox` that
consumes the client's queues in a background thread.

`HubClient` is used from one thread. Its publisher connection has heartbeats disabled (it is idle
between publishes) and reconnects on the next publish after a loss. The `Inbox` has its own connection
and thread; deliveries are buffered as they arrive, so a message that arrives before anyone waits is
never lost, and it reconnects by itself (bounded back-off) after a forced close.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from enum import StrEnum
from functools import partial
from queue import Empty, SimpleQueue
from typing import Any

import pika
import pika.exceptions as pex
from pika.adapters.blocking_connection import BlockingChannel, BlockingConnection

from hubbench.errors import BenchError
from hubbench.transport.tls import Identity, connection_parameters, quiet_pika
from hubbench.vhosts import DEFAULT_VHOST

QUEUE_KINDS = ("message", "ack", "info")
LOG_LIMIT = 20_000  # deliveries an inbox remembers (a run's messages, well within memory)
_CONNECTION_LOST = (pex.AMQPConnectionError, pex.ConnectionWrongStateError, pex.StreamLostError, OSError)
_LOGIN_REFUSED = (pex.ProbableAuthenticationError, pex.ProbableAccessDeniedError, pex.AuthenticationError)


class TransportError(BenchError):
    """The broker could not be reached, or the inbox gave up reconnecting."""


class PublishRefused(TransportError):
    """The broker closed the channel on a publish (e.g. 403 ACCESS_REFUSED on a foreign routing key)."""

    def __init__(self, reply_code: int, reply_text: str) -> None:
        super().__init__(f"Publication refusée par le broker : {reply_code} {reply_text}")
        self.reply_code = reply_code
        self.reply_text = reply_text


class StaleDelivery(TransportError):
    """Ack/nack of a delivery received on a connection that has since been lost (it will be redelivered)."""


class AckMode(StrEnum):
    ON_STORE = "on_store"  # the inbox acks each delivery as soon as it is buffered
    MANUAL = "manual"  # the caller acks, nacks or rejects through the inbox


def backoff(attempt: int, base: float = 0.2, cap: float = 5.0) -> float:
    return min(cap, base * 2.0 ** max(0, attempt - 1))


@dataclass(frozen=True)
class Delivery:
    queue: str
    body: bytes
    properties: pika.BasicProperties
    routing_key: str
    exchange: str
    redelivered: bool
    delivery_tag: int
    generation: int
    received_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    json: Any = None

    @property
    def content_type(self) -> str | None:
        return self.properties.content_type

    @property
    def kind(self) -> str:
        """'message', 'ack' or 'info': the suffix of the queue it came from."""
        return self.queue.rsplit(".", 1)[-1]


def _decode_json(body: bytes) -> Any:
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None


class HubClient:
    def __init__(
        self,
        client_id: str,
        credentials: Identity,
        host: str = "127.0.0.1",
        port: int = 5671,
        vhost: str = DEFAULT_VHOST,
        connection_name: str | None = None,
        *,
        server_hostname: str = "localhost",
        reconnect_attempts: int = 5,
    ) -> None:
        self.client_id = client_id
        self.credentials = credentials
        self.host = host
        self.port = port
        self.vhost = vhost
        self.connection_name = connection_name or f"{client_id}-hubbench"
        self.server_hostname = server_hostname
        self.reconnect_attempts = reconnect_attempts
        self.reconnections = 0
        self._conn: BlockingConnection | None = None
        self._channels: dict[bool, BlockingChannel] = {}

    def parameters(self, *, heartbeat: int = 30, suffix: str = "") -> pika.ConnectionParameters:
        return connection_parameters(
            self.credentials, host=self.host, port=self.port, vhost=self.vhost,
            server_hostname=self.server_hostname, connection_name=self.connection_name + suffix,
            heartbeat=heartbeat,
        )

    def queue_names(self, kinds: Sequence[str] = QUEUE_KINDS) -> list[str]:
        return [f"{self.client_id}.{kind}" for kind in kinds]

    # -- connection -------------------------------------------------------------------------------
    def connect(self) -> HubClient:
        """Open the publisher connection now (it also opens lazily). Raises pika's error on refusal."""
        if self._conn is None or not self._conn.is_open:
            self._channels.clear()
            self._conn = pika.BlockingConnection(self.parameters(heartbeat=0))
        return self

    @property
    def is_open(self) -> bool:
        return self._conn is not None and self._conn.is_open

    def close(self) -> None:
        conn, self._conn = self._conn, None
        self._channels.clear()
        if conn is not None and conn.is_open:
            with contextlib.suppress(*_CONNECTION_LOST):
                conn.close()

    def __enter__(self) -> HubClient:
        return self.connect()

    def __exit__(self, *_: object) -> None:
        self.close()

    def _reconnect(self) -> None:
        self.close()
        last: Exception | None = None
        for attempt in range(1, self.reconnect_attempts + 1):
            try:
                with quiet_pika():
                    self.connect()
                self.reconnections += 1
                return
            except _LOGIN_REFUSED:
                raise
            except _CONNECTION_LOST as exc:
                last = exc
                time.sleep(backoff(attempt))
        raise TransportError(
            f"Connexion AMQPS impossible pour {self.client_id} sur {self.host}:{self.port}/{self.vhost} "
            f"après {self.reconnect_attempts} tentatives : {last!r}"
        )

    def channel(self, *, confirm: bool = False) -> BlockingChannel:
        """The publisher connection's channel (confirm mode or not), reopened when closed."""
        if self._conn is None:
            self.connect()
        elif not self._conn.is_open:
            self._reconnect()
        assert self._conn is not None
        channel = self._channels.get(confirm)
        if channel is None or not channel.is_open:
            channel = self._conn.channel()
            if confirm:
                channel.confirm_delivery()
            self._channels[confirm] = channel
        return channel

    # -- publish ----------------------------------------------------------------------------------
    def publish(
        self,
        body: bytes | dict[str, Any],
        *,
        content_type: str | None = "application/json",
        persistent: bool = True,
        confirm: bool = True,
        routing_key: str | None = None,
        exchange: str = "hubsante",
        properties: dict[str, Any] | None = None,
        mandatory: bool = False,
    ) -> bool:
        """Publish one message. Dicts are JSON-encoded.

        Returns True when the broker confirmed it; False when it nacked it, returned it as unroutable
        (`mandatory`), or when `confirm` is False (nothing to confirm). Raises `PublishRefused` when the
        broker closes the channel (403 on a foreign routing key or exchange, 406 on a foreign
        user_id). After a lost connection the publish is retried once on a new connection.
        """
        payload = json.dumps(body, ensure_ascii=False).encode() if isinstance(body, dict) else body
        props: dict[str, Any] = {"content_type": content_type, "delivery_mode": 2 if persistent else 1}
        props.update(properties or {})
        basic = pika.BasicProperties(**props)
        key = self.client_id if routing_key is None else routing_key
        for attempt in (1, 2):
            try:
                channel = self.channel(confirm=confirm)
                channel.basic_publish(exchange, key, payload, basic, mandatory=mandatory)
                return confirm
            except (pex.UnroutableError, pex.NackError):
                return False
            except pex.ChannelClosedByBroker as exc:
                self._channels.pop(confirm, None)
                raise PublishRefused(exc.reply_code, exc.reply_text) from exc
            except _LOGIN_REFUSED:
                raise
            except _CONNECTION_LOST:
                if attempt == 2:
                    raise
                self._reconnect()
        return False  # pragma: no cover - the loop always returns or raises

    # -- consume ----------------------------------------------------------------------------------
    def inbox(
        self,
        queues: Sequence[str] | None = None,
        *,
        ack: AckMode | str = AckMode.ON_STORE,
        prefetch: int = 100,
        start: bool = True,
        max_reconnect_attempts: int = 10,
    ) -> Inbox:
        inbox = Inbox(
            partial(self.parameters, suffix="-inbox"),
            list(queues) if queues else self.queue_names(),
            ack=AckMode(ack), prefetch=prefetch, max_reconnect_attempts=max_reconnect_attempts,
        )
        if start:
            inbox.start()
        return inbox


Command = tuple[Callable[[], Any], "Future[Any]"]


class Inbox:
    """Consumes queues in a background thread and buffers every delivery until someone takes it."""

    def __init__(
        self,
        parameters: Callable[[], pika.ConnectionParameters],
        queues: Sequence[str],
        *,
        ack: AckMode = AckMode.ON_STORE,
        prefetch: int = 100,
        max_reconnect_attempts: int = 10,
    ) -> None:
        self._parameters = parameters
        self.queues = list(queues)
        self.ack_mode = ack
        self.prefetch = prefetch
        self.max_reconnect_attempts = max_reconnect_attempts
        self.reconnections = 0
        self.received = 0
        self.error: BaseException | None = None
        self._buffer: list[Delivery] = []
        self._log: list[Delivery] = []  # every delivery, taken or not (bounded: `LOG_LIMIT`)
        self._cond = threading.Condition()
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._commands: SimpleQueue[Command] = SimpleQueue()
        self._conn: BlockingConnection | None = None
        self._channel: BlockingChannel | None = None
        self._generation = 0
        self._thread: threading.Thread | None = None

    # -- lifecycle --------------------------------------------------------------------------------
    def start(self, timeout: float = 15.0) -> Inbox:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name=f"inbox-{self.queues[0]}", daemon=True)
            self._thread.start()
        if not self.wait_connected(timeout):
            self.stop()
            raise TransportError(
                f"Consommation impossible de {', '.join(self.queues)} : {self.error or 'délai dépassé'}"
            )
        return self

    def wait_connected(self, timeout: float) -> bool:
        """True once consuming (again); False on timeout or permanent failure."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._ready.wait(0.1):
                return True
            if self.error is not None:
                return False
        return self._ready.is_set()

    @property
    def connected(self) -> bool:
        return self._ready.is_set()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake()
        if self._thread is not None:
            self._thread.join(timeout)
        with self._cond:
            self._cond.notify_all()

    def __enter__(self) -> Inbox:
        return self.start() if self._thread is None else self

    def __exit__(self, *_: object) -> None:
        self.stop()

    # -- reading ----------------------------------------------------------------------------------
    def wait_for(
        self,
        predicate: Callable[[Delivery], bool] | None = None,
        timeout: float = 10.0,
        *,
        take: bool = True,
    ) -> Delivery | None:
        """The first buffered delivery matching `predicate` (oldest first), waiting up to `timeout`.

        Returns None when nothing matching arrived in time. With `take` the delivery leaves the
        buffer. Raises `TransportError` if the inbox has given up (e.g. the client was revoked).
        """
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for index, delivery in enumerate(self._buffer):
                    if predicate is None or predicate(delivery):
                        if take:
                            del self._buffer[index]
                        return delivery
                if self.error is not None:
                    raise TransportError(f"Réception interrompue sur {', '.join(self.queues)} : {self.error}")
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self._stop.is_set():
                    return None
                self._cond.wait(remaining)

    def snapshot(self) -> list[Delivery]:
        with self._cond:
            return list(self._buffer)

    def log(self) -> list[Delivery]:
        """Every delivery received so far (the last `LOG_LIMIT`), taken or not, oldest first."""
        with self._cond:
            return list(self._log)

    def drain(self) -> list[Delivery]:
        with self._cond:
            taken, self._buffer = self._buffer, []
            return taken

    # -- acknowledgements (manual mode) -------------------------------------------------------------
    def ack(self, delivery: Delivery) -> None:
        self._settle(delivery, lambda ch: ch.basic_ack(delivery.delivery_tag))

    def nack(self, delivery: Delivery, *, requeue: bool = False) -> None:
        self._settle(delivery, lambda ch: ch.basic_nack(delivery.delivery_tag, requeue=requeue))

    def reject(self, delivery: Delivery, *, requeue: bool = False) -> None:
        self._settle(delivery, lambda ch: ch.basic_reject(delivery.delivery_tag, requeue=requeue))

    def _settle(self, delivery: Delivery, action: Callable[[BlockingChannel], None]) -> None:
        def run() -> None:
            if delivery.generation != self._generation or self._channel is None or not self._channel.is_open:
                raise StaleDelivery(
                    f"Acquittement impossible : la connexion qui a livré le message (tag "
                    f"{delivery.delivery_tag}) est perdue ; il sera relivré."
                )
            action(self._channel)

        if threading.current_thread() is self._thread:
            run()
            return
        future: Future[Any] = Future()
        self._commands.put((run, future))
        self._wake()
        try:
            future.result(timeout=10.0)
        except FutureTimeout as exc:
            raise TransportError("Le fil de réception n'a pas traité l'acquittement à temps") from exc

    # -- background thread ------------------------------------------------------------------------
    def _wake(self) -> None:
        conn = self._conn
        if conn is not None:
            with contextlib.suppress(*_CONNECTION_LOST):
                conn.add_callback_threadsafe(self._run_commands)

    def _run_commands(self) -> None:
        while True:
            try:
                run, future = self._commands.get_nowait()
            except Empty:
                return
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(run())
            except BaseException as exc:  # handed back to the caller's thread
                future.set_exception(exc)

    def _on_message(
        self, queue: str, generation: int, channel: BlockingChannel, method: Any, props: Any, body: bytes
    ) -> None:
        delivery = Delivery(
            queue=queue, body=body, properties=props, routing_key=method.routing_key,
            exchange=method.exchange, redelivered=method.redelivered, delivery_tag=method.delivery_tag,
            generation=generation, json=_decode_json(body),
        )
        with self._cond:
            self._buffer.append(delivery)
            self._log.append(delivery)
            del self._log[:-LOG_LIMIT]
            self.received += 1
            self._cond.notify_all()
        if self.ack_mode is AckMode.ON_STORE:
            channel.basic_ack(method.delivery_tag)

    def _run(self) -> None:
        failures = 0
        while not self._stop.is_set():
            try:
                with quiet_pika():
                    conn = pika.BlockingConnection(self._parameters())
            except _LOGIN_REFUSED as exc:
                self._fail(exc)
                return
            except _CONNECTION_LOST as exc:
                failures += 1
                if failures > self.max_reconnect_attempts:
                    self._fail(exc)
                    return
                self._stop.wait(backoff(failures))
                continue
            if self._generation:
                self.reconnections += 1
            failures = 0
            try:
                self._consume(conn)
            except pex.ChannelClosedByBroker as exc:  # 403/404: retrying would not help
                self._fail(exc)
                return
            except _CONNECTION_LOST:
                pass  # lost or force-closed: reconnect below
            finally:
                self._ready.clear()
                self._channel = None
                self._conn = None
                if conn.is_open:
                    with contextlib.suppress(*_CONNECTION_LOST):
                        conn.close()
            self._drain_pending(StaleDelivery("Connexion perdue avant l'acquittement"))

    def _consume(self, conn: BlockingConnection) -> None:
        self._generation += 1
        generation = self._generation
        channel = conn.channel()
        channel.basic_qos(prefetch_count=self.prefetch)
        for queue in self.queues:
            channel.basic_consume(queue, partial(self._on_message, queue, generation), auto_ack=False)
        self._conn, self._channel = conn, channel
        self._ready.set()
        while not self._stop.is_set():
            conn.process_data_events(time_limit=0.2)
            self._run_commands()

    def _drain_pending(self, error: BaseException) -> None:
        while True:
            try:
                _, future = self._commands.get_nowait()
            except Empty:
                return
            if future.set_running_or_notify_cancel():
                future.set_exception(error)

    def _fail(self, exc: BaseException) -> None:
        self.error = exc
        self._drain_pending(TransportError(str(exc)))
        with self._cond:
            self._cond.notify_all()

"""The reference vendor's runtime: a real AMQP client of the hub, driven by a profile and by prompts.

One thread owns the connection (pika's blocking adapter is single-threaded): it consumes its own
`.message`, `.ack` and `.info` queues with manual acks, settles each delivery after handling it as
`sim.behaviour` decides, publishes with confirms, carries out the prompts the run's public prompt API
hands it (`sim.prompts`, reporting each one done), and
reconnects on its own after a forced close with a bounded exponential back-off. It declares nothing
(passive declarations only, DST 1.2 §3.1) and never imports the engine's checking code.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pika
from pika.adapters.blocking_connection import BlockingChannel, BlockingConnection
from pika.exceptions import AMQPError
from pika.spec import Basic, BasicProperties

from hubbench.errors import BenchError
from hubbench.protocol import ENVELOPE_SCHEMA, EnvelopeView, SchemaPack, validator_for
from hubbench.sim.behaviour import (
    Outgoing,
    VendorState,
    build_sends,
    far_date_in_model,
    handle_delivery,
    longest_string,
    unusual_text,
)
from hubbench.sim.functional import FUNCTIONAL_ACTIONS, CaseDesk
from hubbench.sim.profiles import Profile, Settle
from hubbench.sim.prompts import Prompt, PromptListener

EXCHANGE = "hubsante"  # the only exchange a client publishes to (DST 1.2 §2.1.3, §3.3)
QUEUE_SUFFIXES = ("message", "ack", "info")
PREFETCH = 50
REQUEUE_DELAY_S = 0.05  # `requeue-infini`: a short pause so the redelivery loop does not burn a core
DEFAULT_DOWN_S = 3.0  # how long `restart_client` stays disconnected unless the prompt says otherwise
BACKOFF_FIRST_S, BACKOFF_MAX_S = 0.5, 8.0
MAX_FAILED_CONNECTS = 60  # consecutive failures before giving up (≈ 7 min at the maximum back-off)
TICK_S = 1.0  # the loop waits in the connection this long at most; a prompt or a stop wakes it sooner

_OnDelivery = Callable[[BlockingChannel, Basic.Deliver, BasicProperties, bytes], None]
Address = tuple[str, int]
Connector = Callable[[str, Address | None], BlockingConnection]  # name, address (None: the hub's) → open
PROXY_TRIES = 3  # failed connections through the bench's proxy before connecting to the hub directly

_log = logging.getLogger(__name__)


class VendorGaveUp(Exception):
    """The hub stayed unreachable for `MAX_FAILED_CONNECTS` consecutive attempts."""


class VendorCrashed(Exception):
    """A fault profile's crash (`crash_on_long_string`): the vendor's process would be gone."""


@dataclass(frozen=True)
class LogEntry:
    at: datetime
    text: str  # French


@dataclass
class VendorStats:
    connections: int = 0
    deliveries: dict[str, int] = field(default_factory=lambda: dict.fromkeys(QUEUE_SUFFIXES, 0))
    settled: dict[str, int] = field(default_factory=lambda: {s.value: 0 for s in Settle})
    rc_refs_sent: int = 0
    messages_sent: int = 0
    prompts_done: int = 0
    recoveries: int = 0  # sessions opened again after a lost connection (bench/reliability.py)
    dropped: int = 0  # unconfirmed messages abandoned after a loss (`perd-non-confirmes`)


class _Restart(Exception):
    def __init__(self, down_s: float) -> None:
        super().__init__(down_s)
        self.down_s = down_s


class ReferenceVendor:
    def __init__(
        self,
        client_id: str,
        profile: Profile,
        connect: Connector,
        *,
        prompts: PromptListener | None = None,
        xml_line: str = "3",
        on_log: Callable[[LogEntry], None] | None = None,
        desk: CaseDesk | None = None,
    ) -> None:
        self.client_id = client_id
        self.profile = profile
        self.connection_name = f"hubbench-sim {client_id} ({profile.name})"
        self._connect = connect
        self._prompts = prompts
        self._pending_prompts: deque[Prompt] = deque()  # received, not yet performed (survives a restart)
        self._xml_line = xml_line
        self._on_log = on_log
        if prompts is not None:
            prompts.on_arrival = self.wake
        self.desk = desk  # functional behaviour (tiers 4–7); None: technical messages only
        self.state = VendorState()
        self.stats = VendorStats()
        self.log: deque[LogEntry] = deque(maxlen=2000)
        self.connected = threading.Event()
        self._publish_channel: BlockingChannel | None = None
        self._via: Address | None = None  # the bench's proxy, once a `connect_via_proxy` prompt asked
        self._outbox: deque[Outgoing] = deque()  # to publish; left when the hub has confirmed it
        self._consume_channel: BlockingChannel | None = None
        self._connection: BlockingConnection | None = None  # while a session is open
        self._message_tag = ""
        self._lost = False  # the last session ended with a lost connection

    # -- log ---------------------------------------------------------------------------------------
    def note(self, text: str) -> None:
        entry = LogEntry(datetime.now(UTC), text)
        self.log.append(entry)
        _log.debug("%s: %s", self.client_id, text)
        if self._on_log is not None:
            self._on_log(entry)

    # -- main loop ---------------------------------------------------------------------------------
    def wake(self) -> None:
        """Make the connection thread look at its prompts and its stop flag now (any thread may call it)."""
        connection = self._connection
        if connection is None:
            return
        with contextlib.suppress(AMQPError, OSError, RuntimeError):  # closing: its loop ends anyway
            connection.add_callback_threadsafe(_nothing)

    def run(self, stop: threading.Event, *, duration_s: float | None = None) -> None:
        """Run until `stop` is set or `duration_s` has elapsed; reconnects after any connection loss."""
        deadline = None if duration_s is None else time.monotonic() + duration_s
        failures, delay = 0, BACKOFF_FIRST_S
        self.note(f"démarrage, profil « {self.profile.name} »")
        try:
            while not stop.is_set() and not _past(deadline):
                sessions = self.stats.connections
                try:
                    self._session(stop, deadline)
                    failures, delay = 0, BACKOFF_FIRST_S
                except _Restart as restart:
                    failures, delay = 0, BACKOFF_FIRST_S
                    self.note(f"redémarrage demandé : déconnecté pendant {restart.down_s:g} s")
                    stop.wait(_bounded(restart.down_s, deadline))
                except (AMQPError, OSError) as exc:
                    self.connected.clear()
                    lost = self.stats.connections > sessions
                    if lost and not self._after_loss(exc):
                        stop.wait(None if deadline is None else max(0.0, deadline - time.monotonic()))
                        return
                    if lost:  # lost after connecting: back-off starts over
                        failures, delay = 0, BACKOFF_FIRST_S
                    failures += 1
                    if self._via is not None and failures >= PROXY_TRIES:
                        self.note(f"proxy du banc {self._via[0]}:{self._via[1]} injoignable : connexion "
                                  "directe")
                        self._via, failures = None, 0
                    if failures >= MAX_FAILED_CONNECTS:
                        raise VendorGaveUp(f"hub injoignable après {failures} tentatives : {exc}") from exc
                    self.note(f"connexion perdue ({_describe(exc)}) : nouvelle tentative dans {delay:g} s")
                    stop.wait(_bounded(delay, deadline))
                    delay = min(delay * 2, BACKOFF_MAX_S)
        finally:
            self.connected.clear()
            if self._prompts is not None:
                self._prompts.close()
            self.note("arrêt")

    def _after_loss(self, exc: BaseException) -> bool:
        """What the profile does when an open connection is lost; False: it never reconnects."""
        self._lost = True
        if self._outbox and not self.profile.resend_unconfirmed:
            self.note(f"connexion perdue : {len(self._outbox)} message(s) non confirmé(s) abandonné(s)")
            self.stats.dropped += len(self._outbox)
            self._outbox.clear()
        if not self.profile.reconnect:
            self.note(f"connexion perdue ({_describe(exc)}) : pas de reconnexion")
            return False
        return True

    def _session(self, stop: threading.Event, deadline: float | None) -> None:
        connection = self._connect(self.connection_name, self._via)
        self._connection = connection
        try:
            if self._prompts is not None:
                self._prompts.start()
            self._open_channels(connection)
            self.stats.connections += 1
            self.stats.recoveries += int(self._lost)
            self._lost = False
            self.connected.set()
            via = f" par {self._via[0]}:{self._via[1]}" if self._via else ""
            self.note(f"connecté au hub{via}, consommation de .message, .ack et .info")
            self._flush_outbox()  # what the hub did not confirm before a cut goes again, same ids
            while not stop.is_set() and not _past(deadline):
                self._serve_prompts()
                connection.process_data_events(time_limit=_bounded(TICK_S, deadline))
        finally:
            self._connection = None
            self.connected.clear()
            self._publish_channel = self._consume_channel = None
            if connection.is_open:
                with contextlib.suppress(AMQPError):
                    connection.close()

    def _open_channels(self, connection: BlockingConnection) -> None:
        consume = connection.channel()
        consume.basic_qos(prefetch_count=PREFETCH)
        self._consume_channel = consume
        info = connection.channel()  # its own channel: `ignore-info` holds one delivery there forever
        info.basic_qos(prefetch_count=PREFETCH if self.profile.drain_info else 1)
        for suffix in QUEUE_SUFFIXES:
            channel = info if suffix == "info" else consume
            queue = f"{self.client_id}.{suffix}"
            channel.queue_declare(queue, passive=True)  # no configure right: check only
            tag = channel.basic_consume(queue, self._consumer(suffix), auto_ack=False)
            if suffix == "message":
                self._message_tag = tag
        publish = connection.channel()
        publish.confirm_delivery()
        self._publish_channel = publish

    # -- deliveries ------------------------------------------------------------------------------
    def _consumer(self, suffix: str) -> _OnDelivery:
        def on_delivery(channel: BlockingChannel, method: Basic.Deliver, props: BasicProperties,
                        body: bytes) -> None:
            self.stats.deliveries[suffix] += 1
            assert method.delivery_tag is not None  # pika sets it on every basic.deliver
            if self._falls_over(channel, suffix, body, method.delivery_tag):
                return
            pack = self._xml_pack(body, props.content_type)
            handling = handle_delivery(self.profile, self.client_id, self.state, suffix, body,
                                       props.content_type, integrate=self._integrate if self.desk else None,
                                       pack=pack, screen=self._screen if self.desk and not pack else None)
            self.note(handling.note + (" (redélivré)" if method.redelivered else ""))
            for reply in handling.replies:
                self._publish(reply)
                if reply.envelope.get("distributionKind") == "Error":
                    self.note(f"message d'erreur envoyé à {_recipient(reply)} : {reply.distribution_id}")
                    continue
                self.stats.rc_refs_sent += 1
                self.note(f"RC-REF envoyé à {_recipient(reply)} : {reply.distribution_id}")
            if handling.integrated_id:
                self.state.integrated.add(handling.integrated_id)
            self._settle(channel, method.delivery_tag, handling.settle)

        return on_delivery

    def _falls_over(self, channel: BlockingChannel, suffix: str, body: bytes, tag: int) -> bool:
        """The robustness fault profiles' reaction to an unusual delivery (True: not handled)."""
        limit = self.profile.crash_on_long_string
        if limit and suffix == "message" and longest_string(body) > limit:
            self.note(f"chaîne de plus de {limit} caractères : le système s'arrête")
            raise VendorCrashed(f"chaîne de plus de {limit} caractères")
        if self.profile.stall_on_unusual_text and suffix == "message" and unusual_text(body):
            self.note("texte inhabituel : la consommation de .message s'arrête")
            channel.basic_cancel(self._message_tag)
            return True
        if self.profile.reject_far_dates and suffix == "message" and far_date_in_model(body):
            self.note("date avant 1900 ou après 2100 : message rejeté sans réponse")
            self._settle(channel, tag, Settle.REJECT)
            return True
        return False

    def _integrate(self, env: dict[str, Any]) -> str:
        assert self.desk is not None
        try:
            return self.desk.receive(env)
        except Exception as exc:  # one unreadable case must not stop the product: logged, acknowledged
            return f"intégration impossible ({type(exc).__name__}: {exc})"

    def _screen(self, env: dict[str, Any]) -> str | None:
        """Why a received JSON message cannot be accepted: its EDXL-DE envelope is invalid against the
        vhost's schema (None: it can, or the pack is not to be had). The content is not screened: the hub
        validated it, or converted it (a converted case is delivered as the converter wrote it); XML
        bodies are read with the pack's types and not screened."""
        assert self.desk is not None
        try:
            issues = validator_for(self.desk.pack).validate_against(ENVELOPE_SCHEMA, env)
        except (BenchError, KeyError, OSError):
            return None
        if not issues:
            return None
        return "enveloppe non conforme au schéma : " + "; ".join(i.message for i in issues[:3])[:500]

    def _xml_pack(self, body: bytes, content_type: str | None) -> SchemaPack | None:
        """The vhost's pack to read an XML body (15-NexSIS partners write XML); None for JSON."""
        if self.desk is None or not (body.lstrip()[:1] == b"<" or "xml" in (content_type or "")):
            return None
        try:
            return self.desk.pack
        except BenchError as exc:
            self.note(f"pack du vhost indisponible, lecture XML sans schéma : {exc.message}")
            return None

    def _settle(self, channel: BlockingChannel, tag: int, settle: Settle) -> None:
        self.stats.settled[settle.value] += 1
        if settle is Settle.ACK:
            channel.basic_ack(tag)
        elif settle is Settle.REJECT:
            channel.basic_nack(tag, requeue=False)
        elif settle is Settle.REQUEUE:
            time.sleep(REQUEUE_DELAY_S)
            channel.basic_nack(tag, requeue=True)

    def _publish(self, out: Outgoing) -> None:
        if self._publish_channel is None:
            raise pika.exceptions.ChannelWrongStateError("canal de publication fermé")
        self._publish_channel.basic_publish(
            EXCHANGE,
            self.client_id,  # routing key = own id, always (topic permission)
            out.body,
            BasicProperties(content_type=out.content_type, delivery_mode=out.delivery_mode),
        )

    # -- prompts ---------------------------------------------------------------------------------
    def _serve_prompts(self) -> None:
        if self._prompts is None:
            return
        self._pending_prompts.extend(self._prompts.due())
        while self._pending_prompts:  # a restart raised by one leaves the others for the next session
            prompt = self._pending_prompts.popleft()
            try:
                done = self.perform(prompt.action, prompt.parameters, label=prompt.prompt_id)
            except _Restart:
                self._prompts.report(prompt, {"restarted": True})
                raise
            if done is not None:
                self._prompts.report(prompt, done)
        self._flush_outbox()

    def _flush_outbox(self) -> None:
        """Publish what waits, oldest first; a message leaves the outbox once the hub confirmed it (a
        cut raises out of here and leaves it there for the next session)."""
        while self._outbox:
            out = self._outbox[0]
            self._publish(out)
            self._outbox.popleft()
            self.stats.messages_sent += 1
            self.note(f"message envoyé à {_recipient(out)} ({out.content_type}) : {out.distribution_id}")

    def perform(self, action: str, parameters: dict[str, Any], *, label: str = "") -> dict[str, Any] | None:
        """Carry out one prompt action (called from the connection thread only); what was done (the
        distributionIDs sent, the case id), or None when the prompt could not be carried out."""
        self.note(f"consigne {label} : {action} {parameters}")
        if action in ("send_message", "send_messages_burst"):
            try:
                sends = build_sends(self.profile, self.client_id, parameters, xml_line=self._xml_line)
            except ValueError as exc:
                self.note(f"consigne {label} ignorée : {exc}")
                return None
            self._outbox.extend(sends)
            self.stats.prompts_done += 1
            return _sent(sends)
        if action in FUNCTIONAL_ACTIONS and self.desk is not None:
            try:
                done = self.desk.perform(action, parameters)
            except (ValueError, BenchError) as exc:
                self.note(f"consigne {label} ignorée : {getattr(exc, 'message', exc)}")
                return None
            self._outbox.extend(done.sends)
            self.stats.prompts_done += 1
            self.note(f"consigne {label} : {done.note}")
            return _sent(done.sends)
        if action == "restart_client":
            self.stats.prompts_done += 1
            raise _Restart(_seconds(parameters.get("down_s"), DEFAULT_DOWN_S))
        if action == "connect_via_proxy":
            try:
                self._via = (str(parameters["host"]), int(parameters["port"]))
            except (KeyError, TypeError, ValueError):
                self.note(f"consigne {label} ignorée : adresse du proxy absente ou invalide")
                return None
            self.stats.prompts_done += 1
            raise _Restart(0.0)
        if action == "connect_to_untrusted_hub":
            try:
                address = (str(parameters["host"]), int(parameters["port"]))
            except (KeyError, TypeError, ValueError):
                self.note(f"consigne {label} ignorée : adresse du hub à essayer absente ou invalide")
                return None
            self.stats.prompts_done += 1
            return self._try_hub(address)
        self.note(f"consigne {label} : action « {action} » non prise en charge par ce vendeur")
        return None

    def _try_hub(self, address: Address) -> dict[str, Any]:
        """One connection to another hub (the bench's impostor), with the profile's server checks."""
        where = f"{address[0]}:{address[1]}"
        try:
            trial = self._connect(f"{self.connection_name} (essai {where})", address)
        except (AMQPError, OSError) as exc:
            self.note(f"hub {where} refusé : {_describe(exc)}")
            return {"refused": True, "cause": _describe(exc)[:300]}
        with contextlib.suppress(AMQPError):
            trial.close()
        self.note(f"hub {where} accepté")
        return {"refused": False}


def _sent(sends: Sequence[Outgoing]) -> dict[str, Any]:
    """What a prompt's report says was sent: the distributionIDs and the case ids of the messages."""
    case_ids = sorted({cid for out in sends if (cid := EnvelopeView(out.envelope).case_id)})
    return {"distribution_ids": [out.distribution_id for out in sends], "case_ids": case_ids}


def _recipient(out: Outgoing) -> str:
    return str(out.envelope.get("descriptor", {}).get("explicitAddress", {}).get("explicitAddressValue"))


def _seconds(value: Any, default: float) -> float:
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        return default
    return min(max(seconds, 0.0), 300.0)


def _nothing() -> None:
    """A callback that only ends the connection's wait (`ReferenceVendor.wake`)."""


def _past(deadline: float | None) -> bool:
    return deadline is not None and time.monotonic() >= deadline


def _bounded(wait_s: float, deadline: float | None) -> float:
    if deadline is None:
        return wait_s
    return max(0.0, min(wait_s, deadline - time.monotonic()))


def _describe(exc: BaseException) -> str:
    text = str(exc).strip() or repr(exc)
    return f"{type(exc).__name__}: {text.splitlines()[0]}"

"""Palier 1 — Raccordement: what the bench observes of the vendor's connection (management API, log)."""

from __future__ import annotations

from typing import Any

from hubbench.engine.clock import poll_until
from hubbench.engine.errors import CheckFailed, NothingReceived, TimedOut
from hubbench.engine.observers import LIVE_POLL_S, STATS_POLL_S, LiveQueues
from hubbench.engine.scenario import ScenarioEngine

TLS_OK = ("tlsv1.2", "tlsv1.3")
RULE_CONNECTED = "Palier 1 — DST 1.2 §3.1 (connexion au hub)"
MANAGEMENT_EVERY = 5  # with AMQP probes, one management poll out of this many


def connections(bench: ScenarioEngine, rule: str = RULE_CONNECTED) -> list[dict[str, Any]]:
    """The vendor's live connections on the run's vhost (waits up to `settle`)."""
    t = bench.ctx.timeouts.settle
    found = poll_until(lambda: bench.management.connections() or None, clock=bench.ctx.clock, timeout=t)
    if not found:
        raise NothingReceived(f"connexion de {bench.ctx.client_id} sur le vhost {bench.ctx.vhost}", t, rule)
    bench.memo["connections"] = found
    return found


def connected(bench: ScenarioEngine, rule: str = RULE_CONNECTED) -> None:
    """The vendor is connected: a consumer on each of its three queues right now (AMQP, no lag: after
    a reconnection the management API lists the new connection seconds later), else at least one
    connection listed by the management API (a system that does not consume yet). On an external hub
    the vendor's connection is the hub operator's to see: this gate is left to the scenario's own
    steps (a message, an RC-REF proves the vendor is there; what needs the connection itself is
    « non vérifiable à distance »)."""
    if bench.services.remote_hub is not None:
        return
    counts = bench.services.live.all_counts() if bench.services.live is not None else None
    if counts and all(consumers for _ready, consumers in counts.values()):
        return
    connections(bench, rule)


def check_tls(bench: ScenarioEngine, rule: str) -> None:
    for conn in bench.memo.get("connections") or connections(bench, rule):
        protocol = str(conn.get("ssl_protocol") or "aucun")
        bench.check.that(
            bool(conn.get("ssl")) and protocol.lower() in TLS_OK,
            rule,
            "AMQPS en TLS 1.2 (ou 1.3)",
            protocol if conn.get("ssl") else "connexion sans TLS",
            soft=True,
        )


def check_external(bench: ScenarioEngine, rule: str) -> None:
    for conn in bench.memo.get("connections") or connections(bench, rule):
        bench.check.that(
            conn.get("auth_mechanism") == "EXTERNAL",
            rule,
            "mécanisme SASL EXTERNAL",
            str(conn.get("auth_mechanism")),
            soft=True,
        )


def check_certificate(bench: ScenarioEngine, rule: str) -> None:
    expected = f"CN={bench.ctx.client_id}"
    for conn in bench.memo.get("connections") or connections(bench, rule):
        subject = str(conn.get("peer_cert_subject") or "aucun certificat")
        bench.check.that(expected in subject.split(","), rule, expected, subject, soft=True)


def _consumers_ready(bench: ScenarioEngine) -> dict[str, list[dict[str, Any]]] | None:
    consumers = bench.management.consumers()
    return consumers if all(consumers.values()) else None


def check_consumers(bench: ScenarioEngine, rule: str, *, timeout: float | None = None) -> None:
    t = timeout if timeout is not None else bench.ctx.timeouts.settle
    found = poll_until(lambda: _consumers_ready(bench), clock=bench.ctx.clock, timeout=t)
    if found is None:
        missing = [q for q, c in bench.management.consumers().items() if not c]
        raise CheckFailed(
            rule,
            "un consommateur sur chacune des files .message, .ack, .info",
            f"aucun consommateur sur {', '.join(missing)} après {t:g} s",
        )
    bench.memo["consumers"] = found
    bench.check.that(True, rule, "un consommateur sur chaque file", ", ".join(sorted(found)))


def check_manual_ack(bench: ScenarioEngine, rule: str) -> None:
    for queue, consumers in (bench.memo.get("consumers") or {}).items():
        auto = [c for c in consumers if not c.get("ack_required", True)]
        bench.check.that(
            not auto,
            rule,
            f"acquittement manuel sur {queue}",
            "auto-ack (no_ack)" if auto else "manuel",
            soft=True,
        )


def force_close(bench: ScenarioEngine) -> None:
    connections(bench)
    closed = bench.management.close_connections()
    if not closed:
        raise RuntimeError("aucune connexion du système à fermer")
    bench.memo["closed"] = set(closed)


def check_reconnection(bench: ScenarioEngine, rule: str) -> None:
    """Back = the three queues have consumers again after the forced close. Seen at once through AMQP
    (`LiveQueues`): every consumer gone at one instant (the bench closed all the vendor's
    connections), then one on each queue, necessarily on a new connection; or, as before, a new
    connection listed by the management API with consumers on the three queues (seconds later)."""
    closed = bench.memo.get("closed", set())
    t = bench.ctx.timeouts.reconnect
    live = bench.services.live
    emptied, polls = False, 0

    def back_live(live: LiveQueues) -> bool:
        nonlocal emptied
        counts = live.all_counts()
        if counts is None:
            return False
        consumers = [count for _ready, count in counts.values()]
        emptied = emptied or not any(consumers)
        return emptied and all(consumers)

    def back() -> bool | None:
        nonlocal polls
        polls += 1
        if live is not None and back_live(live):
            return True
        if live is not None and polls % MANAGEMENT_EVERY:  # the management API is asked less often
            return None
        fresh = [c for c in bench.management.connections() if c.get("name") not in closed]
        return True if fresh and _consumers_ready(bench) else None

    interval = LIVE_POLL_S if live is not None else STATS_POLL_S
    if poll_until(back, clock=bench.ctx.clock, timeout=t, interval=interval) is None:
        raise TimedOut(
            rule,
            f"reconnexion avec un consommateur sur .message, .ack et .info en moins de {t:g} s",
            f"pas de nouvelle connexion avec ses trois consommateurs après {t:g} s",
        )
    bench.check.that(True, rule, f"reconnexion avec consommateurs en moins de {t:g} s", "reconnecté")


def check_no_refusal(bench: ScenarioEngine, rule: str) -> None:
    lines = bench.broker_log.refusals()
    bench.check.that(
        not lines,
        rule,
        "aucun accès refusé par le hub (déclarations passives, clé de routage = identifiant)",
        f"{len(lines)} refus dans le journal du hub, ex. : {lines[0][:240]}" if lines else "aucun",
    )

"""Palier 2 — Réception de messages techniques: acks, rejection without requeue, .info/.ack, durability."""

from __future__ import annotations

import itertools
import json
import uuid
from typing import Any

from hubbench.engine import connection, prerequisites
from hubbench.engine.clock import poll_until
from hubbench.engine.errors import CheckFailed, NotApplicable, TimedOut
from hubbench.engine.observers import LIVE_POLL_S, STATS_POLL_S, counter
from hubbench.engine.partner import Received
from hubbench.engine.scenario import ScenarioEngine
from hubbench.protocol import ErrorCode, build_ack, build_error_report, custom_content_use_case

API_EVERY = 5  # a restart's stop: one management API probe per this many AMQP probes


def _baseline(bench: ScenarioEngine, suffix: str) -> dict[str, int]:
    queue = bench.management.queue(suffix)
    return {name: counter(queue, name) for name in ("ack", "publish", "redeliver", "deliver")}


def send_technical(bench: ScenarioEngine, count: int) -> None:
    """The partner sends `count` empty (customContent) messages to the vendor through the hub."""
    bench.memo["base"] = _baseline(bench, "message")
    bench.memo["count"] = count
    for index in range(count):
        env = bench.partner.build(custom_content_use_case(banc="palier 2", numero=index + 1))
        bench.partner.send(bench.scenario_id, env)


def _settled(bench: ScenarioEngine, suffix: str, base: dict[str, int], count: int) -> dict[str, Any] | None:
    queue = bench.management.queue(suffix)
    done = (
        counter(queue, "ack") >= base["ack"] + count
        and not queue.get("messages_ready")
        and not queue.get("messages_unacknowledged")
    )
    return queue if done else None


def check_acked(bench: ScenarioEngine, rule: str, suffix: str = "message") -> None:
    base, count = bench.memo["base"], bench.memo["count"]
    t = bench.wait_after_root(bench.ctx.timeouts.settle, prerequisites.AMQP_ACK)
    queue = poll_until(
        lambda: _settled(bench, suffix, base, count), clock=bench.ctx.clock, timeout=t, interval=STATS_POLL_S
    )
    if queue is None:
        queue = bench.management.queue(suffix)
        if counter(queue, "publish") < base["publish"] + count:
            raise RuntimeError(
                f"le hub n'a pas livré les {count} messages dans {bench.ctx.client_id}.{suffix}"
            )
        raise CheckFailed(
            rule,
            f"{count} message(s) acquitté(s) (basic.ack), file vide",
            f"acquittés {counter(queue, 'ack') - base['ack']}, prêts {queue.get('messages_ready', 0)}, "
            f"non acquittés {queue.get('messages_unacknowledged', 0)} après {t:g} s",
            prerequisite=prerequisites.AMQP_ACK,
        )
    bench.memo["queue"] = queue
    bench.check.that(True, rule, f"{count} message(s) acquitté(s)", "file vide, tout acquitté")


def check_no_redelivery(bench: ScenarioEngine, rule: str, suffix: str = "message") -> None:
    queue = bench.memo.get("queue") or bench.management.queue(suffix)
    loops = counter(queue, "redeliver") - bench.memo["base"]["redeliver"]
    bench.check.that(loops == 0, rule, "aucune relivraison (pas de boucle)", f"{loops} relivraison(s)")


def inject_undecodable(bench: ScenarioEngine) -> None:
    marker = f"{bench.ctx.partner_id}_{uuid.uuid4()}"
    bench.memo.update(marker=marker, base=_baseline(bench, "message"))
    body = ("{\"distributionID\": \"" + marker + "\", \"contenu\": volontairement illisible").encode()
    bench.injector.inject_raw("message", body, "application/json")


def _is_dead_letter_report(received: Received, marker: str) -> bool:
    error = received.view.message.get("error") if received.env else None
    if received.suffix != "info" or not isinstance(error, dict):
        return False
    code = (error.get("errorCode") or {}).get("statusCode")
    return code == ErrorCode(500).value and marker in json.dumps(error, ensure_ascii=False)


def check_rejected_without_requeue(bench: ScenarioEngine, rule: str) -> None:
    marker, base = bench.memo["marker"], bench.memo["base"]
    report = bench.partner.wait_for(
        bench.scenario_id,
        "rapport 500 DEAD_LETTER_QUEUED",
        lambda r: _is_dead_letter_report(r, marker),
        bench.ctx.timeouts.reply,
        rule=rule,
        required=False,
    )
    if report is None:
        queue = bench.management.queue("message")
        loops = counter(queue, "redeliver") - base["redeliver"]
        raise CheckFailed(
            rule,
            "rejet sans remise en file (500 DEAD_LETTER_QUEUED, raison « rejected »)",
            f"aucun rejet vu ; relivré {loops} fois, prêts {queue.get('messages_ready', 0)}, "
            f"non acquittés {queue.get('messages_unacknowledged', 0)}",
        )
    cause = str(report.view.message["error"].get("errorCause", ""))
    bench.check.that("rejected" in cause, rule, "raison « rejected »", cause[:200], marker)


def inject_info_and_ack(bench: ScenarioEngine) -> None:
    vendor, partner = bench.ctx.client_id, bench.ctx.partner_id
    bench.memo["bases"] = {s: _baseline(bench, s) for s in ("info", "ack")}
    referenced = f"{vendor}_{uuid.uuid4()}"
    report = build_error_report(
        vendor, ErrorCode(300), "Palier 2 : rapport d'erreur injecté par le banc", None, referenced
    )
    bench.injector.inject("info", report)
    bench.injector.inject("ack", build_ack(partner, vendor, referenced))


def check_drained(bench: ScenarioEngine, suffix: str, rule: str) -> None:
    base = bench.memo["bases"][suffix]
    t = bench.ctx.timeouts.settle
    settled = poll_until(
        lambda: _settled(bench, suffix, base, 1), clock=bench.ctx.clock, timeout=t, interval=STATS_POLL_S
    )
    if settled is None:
        queue = bench.management.queue(suffix)
        raise CheckFailed(
            rule,
            f"file {bench.ctx.client_id}.{suffix} consommée et acquittée",
            f"prêts {queue.get('messages_ready', 0)}, non acquittés "
            f"{queue.get('messages_unacknowledged', 0)} après {t:g} s",
        )
    bench.check.that(True, rule, f"file .{suffix} vidée", "vide")


def check_publisher_confirms(bench: ScenarioEngine, rule: str) -> None:
    """Publisher confirms are optional: the scenario runs only when the vendor declared them (tag
    `@option-confirmations`), and then a system without a confirm channel fails; without a declaration
    (engine unit tests) a system without one is « non applicable »."""
    connection.connections(bench, rule)
    channels = bench.management.channels()
    confirmed = any(ch.get("confirm") for ch in channels)
    run_declaration = bench.ctx.declaration
    declared = run_declaration is not None and run_declaration.declaration.features.publisher_confirms
    if confirmed or declared:
        bench.check.that(confirmed, rule, "canal de publication en mode confirm (déclaré)",
                         "confirm activé" if confirmed else f"{len(channels)} canal(aux) sans confirm")
        return
    from hubbench.events import Verdict

    bench.check.record(
        Verdict.NOT_APPLICABLE, rule, "confirm (optionnel)", f"{len(channels)} canal(aux) sans confirm"
    )
    raise NotApplicable(f"{rule} : optionnel — aucun canal du système en mode confirm")


def restart_and_send(bench: ScenarioEngine, count: int, rule: str) -> None:
    """Prompt a restart; once the vendor is gone, queue `count` messages for it."""
    connection.connections(bench, rule)
    queue = f"{bench.ctx.client_id}.message"

    def consumers() -> set[tuple[str, str]]:
        return {(str((c.get("channel_details") or {}).get("name")), str(c.get("consumer_tag")))
                for c in bench.management.consumers()[queue]}

    before = consumers()
    live, polls = bench.services.live, itertools.count()

    def stopped() -> bool | None:
        """No consumer on `.message` now (AMQP: seen at once, even in a short stop), or none of the
        consumers seen before is left (management API, lags: every few probes, or each one without AMQP)."""
        counts = live.all_counts(("message",)) if live is not None else None
        if counts is not None and counts["message"][1] == 0:
            return True
        if counts is not None and next(polls) % API_EVERY:
            return None
        return True if not before & consumers() else None

    with bench.prompt("restart_client", "Arrêtez puis relancez le système (file conservée pendant l'arrêt)",
                      {}) as prompt:
        gone = poll_until(stopped, clock=bench.ctx.clock, timeout=prompt.remaining(), interval=0.2)
        if gone is None:
            raise TimedOut(
                rule,
                "arrêt du système (ses consommateurs disparaissent) dans le délai de l'invite",
                f"consommateurs toujours présents sur {queue} à la fin de l'invite",
            )
    send_technical(bench, count)
    bench.memo["queued_while_down"] = _queued_while_down(bench, count)


def _queued_while_down(bench: ScenarioEngine, count: int) -> bool:
    """The `count` messages wait in the vendor's queue while it has no consumer (seen through AMQP).

    False when that was not seen (no AMQP probe, or the system came back before they arrived): the
    scenario then judges on the management API's counters, as before."""
    live = bench.services.live
    if live is None:
        return False

    def queued() -> bool | None:
        counts = live.all_counts()
        if counts is None or counts["message"][1]:
            return False
        return True if counts["message"][0] >= count else None

    t = bench.ctx.timeouts.reply
    return bool(poll_until(queued, clock=bench.ctx.clock, timeout=t, interval=LIVE_POLL_S))


def check_back_and_consumed(bench: ScenarioEngine, rule: str) -> None:
    """Consumers are back and the messages queued during the stop were delivered to the vendor."""
    if bench.memo.get("queued_while_down"):
        _check_back_live(bench, rule)
        return
    connection.check_consumers(bench, rule, timeout=bench.ctx.timeouts.reconnect)
    base, count, t = bench.memo["base"], bench.memo["count"], bench.ctx.timeouts.settle

    def delivered() -> dict[str, Any] | None:
        queue = bench.management.queue("message")
        return queue if counter(queue, "deliver") >= base["deliver"] + count else None

    if poll_until(delivered, clock=bench.ctx.clock, timeout=t, interval=STATS_POLL_S) is None:
        queue = bench.management.queue("message")
        raise CheckFailed(
            rule,
            f"{count} message(s) mis en file pendant l'arrêt, consommés au redémarrage",
            f"{counter(queue, 'deliver') - base['deliver']} livré(s), "
            f"{queue.get('messages_ready', 0)} toujours en file après {t:g} s",
        )
    bench.check.that(True, rule, f"{count} message(s) consommé(s) après redémarrage", "consommés")


def _check_back_live(bench: ScenarioEngine, rule: str) -> None:
    """Through AMQP, at once: a consumer on each of the three queues again, and none of the messages
    seen waiting in `.message` during the stop is still ready (delivered to the restarted system)."""
    live, count, t = bench.live, bench.memo["count"], bench.ctx.timeouts.reconnect

    def back() -> dict[str, tuple[int, int]] | None:
        counts = live.all_counts()
        if counts is None:
            return None
        return counts if all(c for _r, c in counts.values()) and counts["message"][0] == 0 else None

    if poll_until(back, clock=bench.ctx.clock, timeout=t, interval=LIVE_POLL_S) is None:
        counts = live.all_counts()
        if counts is None:
            raise RuntimeError("files du système illisibles par le banc (déclaration passive AMQP refusée)")
        missing = [f"{bench.ctx.client_id}.{s}" for s, (_r, c) in counts.items() if not c]
        if missing:
            raise CheckFailed(
                rule,
                "un consommateur sur chacune des files .message, .ack, .info",
                f"aucun consommateur sur {', '.join(missing)} après {t:g} s",
            )
        raise CheckFailed(
            rule,
            f"{count} message(s) mis en file pendant l'arrêt, consommés au redémarrage",
            f"{counts['message'][0]} toujours en file après {t:g} s",
        )
    bench.check.that(True, rule, "un consommateur sur chaque file", "revenus sur les trois files")
    bench.check.that(True, rule, f"{count} message(s) consommé(s) après redémarrage",
                     "consommés (vus en file pendant l'arrêt, livrés au retour)")

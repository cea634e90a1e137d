"""Robustesse (optional tier, `@robustesse`): faults on the vendor's own connection, through the bench's
`FaultProxy`, and unusual but valid messages to its consumer (`engine.adversarial`).

The vendor connects through the proxy once per run (a `connect_via_proxy` prompt names its address;
TLS passes through untouched, the server name stays the hub's); the proxy lives until the run ends.
After each fault the bench checks what the vendor does by itself: it reconnects, re-sends what the hub
did not confirm with the same distributionID, and consumes again what was delivered during the fault.
Where the DST has no rule, the rule cited says "bonne pratique" plainly.
"""

from __future__ import annotations

import random

from hubbench.engine.adversarial import FuzzCase, batch
from hubbench.engine.clock import Deadline, poll_until
from hubbench.engine.consumer_fuzz import GONE_KEY
from hubbench.engine.consumer_fuzz import fuzz_from_schema as fuzz_from_schema  # for the steps
from hubbench.engine.errors import CheckFailed, TimedOut
from hubbench.engine.observers import LIVE_POLL_S
from hubbench.engine.partner import Received
from hubbench.engine.scenario import ScenarioEngine
from hubbench.faults import FaultProxy
from hubbench.protocol import custom_content_use_case

PROXY_KEY = "fault_proxy"  # in `bench.shared`: the run's proxy
PUBLISH_CHUNK = 300  # bytes read at once from the vendor: a publish, never a heartbeat or a basic.ack
STALL_S = 4.0
RESET_AFTER_BYTES = 1500  # a few deliveries' worth: the link resets in the middle of them
FUZZ_BATCHES, FUZZ_BATCH_SIZE = 3, 8


def proxy(bench: ScenarioEngine) -> FaultProxy:
    """The run's proxy to the hub's AMQPS port, started on first use and closed when the run ends."""
    found = bench.shared.get(PROXY_KEY)
    if found is None:
        settings = bench.ctx.settings
        if settings is None:
            raise RuntimeError("adresse du hub inconnue : le proxy du banc ne peut pas démarrer")
        found = FaultProxy(settings.host, settings.amqps_port).start()
        bench.shared[PROXY_KEY] = found
        bench.on_run_end(found.close)
    assert isinstance(found, FaultProxy)
    return found


def _through(bench: ScenarioEngine, fault_proxy: FaultProxy) -> bool:
    """Every connection the hub lists for the vendor comes from the proxy, with its three consumers."""
    if not fault_proxy.active():
        return False
    counts = bench.services.live.all_counts() if bench.services.live is not None else None
    if counts is not None and not all(consumers for _ready, consumers in counts.values()):
        return False
    ports = fault_proxy.upstream_ports()
    listed = bench.management.connections()
    return bool(listed) and all(int(c.get("peer_port") or 0) in ports for c in listed)


def connected_through_proxy(bench: ScenarioEngine, rule: str) -> None:
    fault_proxy = proxy(bench)
    if _through(bench, fault_proxy):
        bench.shared.pop(GONE_KEY, None)
        return
    gone = bench.shared.get(GONE_KEY)
    if gone is not None:  # it never came back: a new prompt would only wait out its delay again
        raise CheckFailed(rule, "le système connecté par le proxy du banc",
                          f"pas revenu depuis la panne du scénario « {gone} »")
    host, port = fault_proxy.address
    settings = bench.ctx.settings
    server = settings.server_hostname if settings is not None else "le nom du hub"
    url = f"amqps://{host}:{port}/{bench.ctx.vhost}"
    instruction = (f"Connectez le système au hub par le proxy du banc : {url} (même certificat ; le nom de "
                   f"serveur vérifié en TLS reste {server})")
    with bench.prompt("connect_via_proxy", instruction, {"host": host, "port": port, "url": url}) as prompt:
        through = poll_until(lambda: True if _through(bench, fault_proxy) else None, clock=bench.ctx.clock,
                             timeout=prompt.remaining(), interval=LIVE_POLL_S)
    if through is None:
        raise TimedOut(rule, f"toutes les connexions du système passent par {url}, trois consommateurs",
                       f"{fault_proxy.active()} connexion(s) par le proxy à la fin de l'invite")
    bench.check.that(True, rule, f"connexion par le proxy du banc ({url})", "connecté par le proxy")


# -- faults while the vendor sends ------------------------------------------------------------------
def cut_during_send(bench: ScenarioEngine, count: int, *, forward: bool, rule: str) -> None:
    """Prompt `count` messages to the partner; the proxy cuts every connection on the first publish,
    before the hub sees it (`forward` False) or after, before the vendor sees the confirm (True)."""
    fault_proxy = proxy(bench)
    since = bench.ctx.clock.now()
    known = {m.distribution_id for m in bench.trace.published_by_vendor(since)}
    cuts, accepted = fault_proxy.stats.cuts, fault_proxy.stats.accepted
    fault_proxy.arm_cut(PUBLISH_CHUNK, forward=forward)
    partner = bench.ctx.partner_id
    try:
        with bench.prompt(
            "send_messages_burst",
            f"Envoyez {count} messages vides à la suite à {partner}",
            {"recipient": partner, "count": count, "use_case": "customContent", "format": "json"},
        ) as prompt:
            cut = poll_until(lambda: True if fault_proxy.stats.cuts > cuts else None, clock=bench.ctx.clock,
                             timeout=prompt.remaining(), interval=LIVE_POLL_S)
    finally:
        fault_proxy.disarm()
    if cut is None:
        raise CheckFailed(rule, "une publication du système par le proxy du banc (coupée par le banc)",
                          "aucune publication vue par le proxy pendant l'invite")
    bench.memo.update(since=since, known=known, count=count, accepted=accepted)


def _sent_ids(bench: ScenarioEngine) -> list[str]:
    """distributionIDs of the messages (not acks) the hub routed from the vendor since the fault."""
    known = bench.memo["known"]
    return [m.distribution_id for m in bench.trace.published_by_vendor(bench.memo["since"])
            if m.distribution_id and m.distribution_kind != "Ack" and m.distribution_id not in known]


def check_reconnected(bench: ScenarioEngine, rule: str) -> None:
    fault_proxy, t = proxy(bench), bench.ctx.timeouts.reconnect
    accepted = bench.memo.get("accepted", 0)

    def back() -> bool | None:
        return True if fault_proxy.stats.accepted > accepted and _through(bench, fault_proxy) else None

    if poll_until(back, clock=bench.ctx.clock, timeout=t, interval=LIVE_POLL_S) is None:
        bench.shared[GONE_KEY] = bench.scenario_id.split("::", 1)[-1]
        raise TimedOut(rule, f"reconnexion par le proxy avec ses trois consommateurs en moins de {t:g} s",
                       f"pas de nouvelle connexion complète après {t:g} s")
    bench.check.that(True, rule, f"reconnexion seule en moins de {t:g} s", "reconnecté par le proxy")


def check_nothing_lost(bench: ScenarioEngine, rule: str) -> None:
    count, t = bench.memo["count"], bench.ctx.timeouts.reply
    ids = poll_until(lambda: ids if len(set(ids := _sent_ids(bench))) >= count else None,
                     clock=bench.ctx.clock, timeout=t, interval=LIVE_POLL_S)
    got = set(ids) if ids is not None else set(_sent_ids(bench))
    bench.check.that(len(got) >= count, rule, f"les {count} messages demandés reçus par le hub",
                     f"{len(got)} reçu(s) après {t:g} s" + ("" if got else " : rien n'a été renvoyé"))


def check_same_distribution_ids(bench: ScenarioEngine, rule: str) -> None:
    """A message re-sent after the cut keeps its distributionID: after a quiet window, no more distinct
    ids than messages asked for (a re-send under a new id shows as one more)."""
    count = bench.memo["count"]
    bench.ctx.clock.sleep(bench.ctx.timeouts.quiet)  # the window in which an extra copy would show
    ids = _sent_ids(bench)
    repeats = len(ids) - len(set(ids))
    bench.check.that(
        len(set(ids)) <= count, rule, f"{count} distributionID au plus (un renvoi garde le sien)",
        f"{len(set(ids))} distributionID distincts pour {count} messages"
        + (f", dont {repeats} renvoi(s) sous le même identifiant" if repeats else ""),
    )


# -- faults while the vendor receives ---------------------------------------------------------------
def _partner_sends(bench: ScenarioEngine, count: int, what: str) -> list[str]:
    envs = [bench.partner.build(custom_content_use_case(banc="robustesse", epreuve=what, numero=i + 1))
            for i in range(count)]
    return [bench.partner.send(bench.scenario_id, env) for env in envs]


def cut_while_receiving(bench: ScenarioEngine, count: int) -> None:
    fault_proxy = proxy(bench)
    bench.memo["accepted"] = fault_proxy.stats.accepted
    bench.memo["sent"] = _partner_sends(bench, count, "coupure")
    fault_proxy.cut_all()


def stall_while_receiving(bench: ScenarioEngine, count: int) -> None:
    fault_proxy = proxy(bench)
    bench.memo["accepted"] = fault_proxy.stats.accepted
    fault_proxy.stall(STALL_S)
    bench.memo["sent"] = _partner_sends(bench, count, "blocage")


def reset_while_receiving(bench: ScenarioEngine, count: int) -> None:
    fault_proxy = proxy(bench)
    bench.memo.update(accepted=fault_proxy.stats.accepted, cuts=fault_proxy.stats.cuts)
    fault_proxy.reset_after(RESET_AFTER_BYTES)
    bench.memo["sent"] = _partner_sends(bench, count, "réinitialisation")


def check_reconnected_after_reset(bench: ScenarioEngine, rule: str) -> None:
    """The reset did cut the link (else nothing was judged: a bench error, never the vendor's), then
    the vendor came back."""
    fault_proxy, cuts = proxy(bench), bench.memo["cuts"]
    if poll_until(lambda: True if fault_proxy.stats.cuts > cuts else None, clock=bench.ctx.clock,
                  timeout=bench.ctx.timeouts.reply, interval=LIVE_POLL_S) is None:
        fault_proxy.disarm()
        raise RuntimeError(f"réinitialisation non faite : moins de {RESET_AFTER_BYTES} octets par le proxy")
    check_reconnected(bench, rule)


def _missing_rc_refs(bench: ScenarioEngine, ids: list[str], timeout: float) -> list[str]:
    """Of `ids`, those the vendor has not acknowledged (RC-REF) within `timeout`."""
    pending, deadline = set(ids), Deadline.after(bench.ctx.clock, timeout)

    def rc_ref(received: Received) -> bool:
        view = received.view
        return view.distribution_kind == "Ack" and view.referenced_id in pending

    while pending and not deadline.expired():
        found = bench.partner.wait_for(bench.scenario_id, "RC-REF", rc_ref, deadline.remaining(),
                                       required=False)
        if found is None:
            break
        pending.discard(str(found.view.referenced_id))
    return [i for i in ids if i in pending]


def check_all_consumed(bench: ScenarioEngine, rule: str) -> None:
    sent = bench.memo["sent"]
    t = bench.ctx.timeouts.reconnect + bench.ctx.timeouts.reply
    missing = _missing_rc_refs(bench, sent, t)
    bench.check.that(
        not missing, rule, f"un RC-REF pour chacun des {len(sent)} messages envoyés pendant la panne",
        f"{len(missing)} sans RC-REF après {t:g} s : {', '.join(missing[:3])}" if missing else "tous",
        missing[0] if missing else None,
    )


# -- unusual messages to the vendor's consumer ------------------------------------------------------
def fuzz_consumer(bench: ScenarioEngine, rule: str) -> None:
    """Batches of unusual but valid messages, each followed by a probe: every message and the probe get
    their RC-REF (the vendor acks, answers and keeps consuming). The first message left without RC-REF
    (a batch goes smallest first) is kept as the evidence."""
    seed = random.Random(bench.ctx.run_id).randrange(2**32)
    rng = random.Random(seed)
    sent_total = 0
    for number in range(1, FUZZ_BATCHES + 1):
        cases = batch(rng, FUZZ_BATCH_SIZE)
        sent = [(case, bench.partner.send(bench.scenario_id, bench.partner.build(
            custom_content_use_case(**case.content)))) for case in cases]
        probe = _partner_sends(bench, 1, f"sonde après le lot {number}")
        sent_total += len(sent)
        missing = set(_missing_rc_refs(bench, [*(i for _, i in sent), *probe], bench.ctx.timeouts.reply))
        if missing:
            _fail_fuzz(bench, rule, number, seed, sent, probe[0], missing)
    bench.check.that(True, rule, "RC-REF pour chaque message inhabituel et pour chaque sonde",
                     f"{sent_total} messages en {FUZZ_BATCHES} lots (graine {seed}), tous acquittés")


def _fail_fuzz(bench: ScenarioEngine, rule: str, number: int, seed: int, sent: list[tuple[FuzzCase, str]],
               probe: str, missing: set[str]) -> None:
    culprit = next(((case, dist_id) for case, dist_id in sent if dist_id in missing), None)
    alive = "la sonde a reçu son RC-REF" if probe not in missing else "la sonde est restée sans RC-REF"
    if probe in missing:  # its queue no longer moves: the next scenarios fail at once
        bench.shared[GONE_KEY] = bench.scenario_id.split("::", 1)[-1]
    if culprit is None:
        raise CheckFailed(rule, "RC-REF de la sonde après chaque lot", f"lot {number} : {alive}", probe)
    case, dist_id = culprit
    raise CheckFailed(
        rule,
        "un RC-REF pour chaque message inhabituel mais valide, puis pour la sonde",
        f"lot {number} (graine {seed}) : premier message sans RC-REF, le plus petit de son lot à échouer : "
        f"{case.describe()} ; {len(missing)} message(s) sans RC-REF ; {alive}",
        dist_id,
    )


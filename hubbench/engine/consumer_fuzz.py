"""Robustesse: fuzzing the vendor's consumer with messages generated from the vhost's official schemas.

Through the partner, batches of schema-valid messages with adversarial values (`engine.schema_fuzz`,
drawn by hypothesis from a seed derived from the run id and printed in the verdict); each batch goes
smallest first and is followed by a probe. The vendor must answer every message with its RC-REF or an
error message (DST 1.2 §3.3.1, §3.4.6) and keep consuming (the probe is answered). On a failure the
smallest failing message is kept as the evidence; while the vendor is still alive (the probe answered)
it is first shrunk against the vendor itself (`schema_fuzz.minimise`, bounded in calls and time).
On a link whose partner is not a health actor the partner speaks XML, so the messages go as XML.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from hubbench.engine.clock import Deadline
from hubbench.engine.errors import CheckFailed
from hubbench.engine.partner import Received
from hubbench.engine.scenario import ScenarioEngine
from hubbench.engine.schema_fuzz import SchemaStrategies, describe, draw, is_valid, minimise, size_of
from hubbench.protocol import Format, custom_content_use_case

BATCHES, BATCH_SIZE = 3, 8
MINIMISE_CALLS, MINIMISE_S = 8, 12.0  # bounds of the live shrinking
MINIMISE_WAIT_S = 2.0  # an answer expected within this while shrinking (a late one: not the smallest)
GONE_KEY = "gone_after_fault"  # in `bench.shared`: the vendor did not come back after a fault (or a fuzz)
STATS_KEY = "consumer_fuzz"  # in `bench.shared`: the run-wide `FuzzStats` (counts in the verdicts)
XML_USE_CASES = ("customContent",)  # an XML link: the partner's free content, adversarial values


@dataclass
class FuzzStats:
    sent: int = 0  # fuzz messages (not probes, not shrinking attempts)
    probes: int = 0
    unanswered: int = 0
    shrink_calls: int = 0
    seeds: list[int] = field(default_factory=list)


def stats(bench: ScenarioEngine) -> FuzzStats:
    found = bench.shared.setdefault(STATS_KEY, FuzzStats())
    assert isinstance(found, FuzzStats)
    return found


def fuzz_from_schema(bench: ScenarioEngine, rule: str) -> None:
    pack = bench.ctx.require_pack()
    xml = not bench.ctx.link.health_partner
    strategies = SchemaStrategies(pack, xml=xml)
    keys = [k for k in XML_USE_CASES if k in pack.kinds()] if xml else []
    seed = random.Random(f"{bench.ctx.run_id}:schema").randrange(2**32)
    drawn = draw(strategies.use_case(keys[0] if keys else None), BATCHES * BATCH_SIZE, seed=seed,
                 storage=bench.ctx.home.root / "hypothesis")  # never a stray .hypothesis/ where run starts
    cases = [uc for uc in drawn if is_valid(pack, uc)]
    counts = stats(bench)
    counts.seeds.append(seed)
    fmt: Format = "xml" if xml else "json"
    for number in range(1, BATCHES + 1):
        chunk = sorted(cases[(number - 1) * BATCH_SIZE: number * BATCH_SIZE], key=size_of)
        sent = [(uc, _send(bench, uc, fmt)) for uc in chunk]
        probe = _send(bench, custom_content_use_case(banc="robustesse", sonde=f"après le lot {number}"), fmt)
        counts.sent += len(sent)
        counts.probes += 1
        missing = unanswered(bench, [*(i for _, i in sent), probe], bench.ctx.timeouts.reply)
        if missing:
            counts.unanswered += len(missing)
            _fail(bench, rule, number, seed, sent, probe, missing, fmt)
    bench.check.that(True, rule, "une réponse (RC-REF ou erreur) à chaque message généré et à chaque sonde",
                     f"{counts.sent} messages générés envoyés (pack {pack.label}) en {BATCHES} lots "
                     f"(graine {seed}, {fmt.upper()}), tous acquittés")


def _send(bench: ScenarioEngine, use_case: dict[str, Any], fmt: Format) -> str:
    return bench.partner.send(bench.scenario_id, bench.partner.build(use_case), fmt=fmt)


def unanswered(bench: ScenarioEngine, ids: list[str], timeout: float) -> list[str]:
    """Of `ids`, those the vendor has answered neither with an RC-REF nor with an error message of its own
    within `timeout`, in the order given (the hub's error 500 for a rejected delivery does not count)."""
    pending, deadline = set(ids), Deadline.after(bench.ctx.clock, timeout)

    def answer(received: Received) -> bool:  # the hub's own error (a rejected delivery) is no answer
        return received.view.sender_id == bench.ctx.client_id and _answered_id(received) in pending

    while pending and not deadline.expired():
        found = bench.partner.wait_for(bench.scenario_id, "RC-REF ou erreur", answer, deadline.remaining(),
                                       required=False)
        if found is None:
            break
        pending.discard(str(_answered_id(found)))
    return [i for i in ids if i in pending]


def _answered_id(received: Received) -> str | None:
    view = received.view
    if view.distribution_kind == "Ack":
        return view.referenced_id
    if view.distribution_kind == "Error" and isinstance(view.use_case, dict):
        ref = view.use_case.get("referencedDistributionID")
        return ref if isinstance(ref, str) else None
    return None


def _fail(bench: ScenarioEngine, rule: str, number: int, seed: int, sent: list[tuple[dict[str, Any], str]],
          probe: str, missing: list[str], fmt: Format) -> None:
    alive = probe not in missing
    if not alive:  # its queue no longer moves: the next scenarios fail at once instead of prompting again
        bench.shared[GONE_KEY] = bench.scenario_id.split("::", 1)[-1]
    failing = [(uc, dist_id) for uc, dist_id in sent if dist_id in missing]
    if not failing:
        raise CheckFailed(rule, "une réponse à la sonde après chaque lot (la file du système avance)",
                          f"lot {number} (graine {seed}) : sonde sans RC-REF, la file ne se vide plus", probe)
    smallest, dist_id = failing[0]  # the batch went smallest first
    shrunk = ""
    if alive:
        smaller, calls = _shrink(bench, smallest, fmt)
        found = "rien de plus petit n'échoue" if smaller is smallest else f"réduit à : {describe(smaller)}"
        shrunk = f" ; réduction contre le système, {calls} essai(s) : {found}"
        smallest = smaller
        bench.memo["fuzz_evidence"] = smallest
    state = ("la sonde a reçu son RC-REF : le système consomme encore" if alive
             else "la sonde est restée sans RC-REF : la file du système est bloquée")
    raise CheckFailed(
        rule,
        "un RC-REF (ou un message d'erreur) pour chaque message valide du schéma, puis pour la sonde",
        f"lot {number} (graine {seed}) : {stats(bench).sent} messages générés envoyés, "
        f"{len(missing) - (0 if alive else 1)} sans réponse ; le plus "
        f"petit : {describe(failing[0][0])}{shrunk} ; {state}",
        dist_id,
    )


def _shrink(bench: ScenarioEngine, use_case: dict[str, Any], fmt: Format) -> tuple[dict[str, Any], int]:
    """The smallest variant the live vendor still leaves unanswered (bounded in calls and seconds)."""
    pack, deadline = bench.ctx.require_pack(), Deadline.after(bench.ctx.clock, MINIMISE_S)
    counts = stats(bench)

    def still_fails(candidate: dict[str, Any]) -> bool:
        if deadline.expired():
            return False
        counts.shrink_calls += 1
        dist_id = _send(bench, candidate, fmt)
        return bool(unanswered(bench, [dist_id], min(MINIMISE_WAIT_S, deadline.remaining())))

    return minimise(use_case, still_fails, lambda c: is_valid(pack, c), budget=MINIMISE_CALLS)

"""Palier 6 — a case shared with two partners: every update reaches both (DSF 15-15 §5.4: « toute
modification d'un dossier partagé est repartagée à tous les partenaires »; palier 6 of support
Projectathon 1, p. 15–16).

The vendor's own case (tier 5's, shared with the run's partner) is shared again, on prompt
(`share_case`), with a second partner of the bench; the vendor's operator then updates it
(`send_case_update`, addressed to the first partner): the hub's trace must show the update sent to both.
The second partner is a bench client of its own (registered on the hub, connected once per run,
`engine.wiring.connect_partner`); it acknowledges (RC-REF) what it receives like the first.
"""

from __future__ import annotations

import hashlib

from hubbench.cases import rules
from hubbench.engine import case_sending, initial_reception, lrm
from hubbench.engine import functional as fn
from hubbench.engine.errors import NothingReceived, RemoteUnverifiable
from hubbench.engine.observers import TracedMessage
from hubbench.engine.partner import Partner
from hubbench.engine.scenario import ScenarioEngine
from hubbench.protocol import build_ack

SECOND_PARTNER = "palier6-second-partenaire"
RESHARED = "palier6-dossier-repartage"  # the vendor's case id, once shared with the second partner


def second_partner_id(vendor_client_id: str) -> str:
    """A SAMU of the bench's own, unique per vendor, other than the run's partner (`links`)."""
    return "fr.health.samuc" + hashlib.sha256(f"{vendor_client_id}/2".encode()).hexdigest()[:4]


def second_partner(bench: ScenarioEngine, rule: str) -> Partner:
    """The second partner, connected on first use and closed when the run ends."""
    if bench.services.remote_hub is not None:
        raise RemoteUnverifiable(rule, "un second partenaire du banc enregistré sur le hub")

    def connect() -> Partner:
        from hubbench.engine.wiring import connect_partner

        partner = connect_partner(bench.ctx, bench.emit, second_partner_id(bench.ctx.client_id))
        bench.on_run_end(partner.close)
        return partner

    return fn.once(bench, SECOND_PARTNER, connect)


def share_with_second(bench: ScenarioEngine, rule: str) -> None:
    """The vendor shares its case (created in tier 5, shared with the run's partner) with a second one."""
    other = second_partner(bench, rule)  # first: on an external hub, « non vérifiable à distance » at once
    _, created = case_sending.vendor_case(bench, rule)
    case_id = created.view.case_id or ""
    msg = fn.prompted_message(
        bench,
        "share_case",
        f"Partagez aussi votre dossier {case_id} avec {other.partner_id}",
        {"recipient": other.partner_id, "case_id": case_id},
        (lrm.create_kind(bench.ctx),),
        rule,
    )
    _acknowledge(bench, other, msg.distribution_id)
    fn.judge(bench, rules.check_case_reused(msg.body, {case_id}), [rules.RULE_CASE_REUSED],
             msg.distribution_id)
    bench.memo[RESHARED] = case_id


def check_update_reaches_both(bench: ScenarioEngine, rule: str) -> None:
    """The operator updates the case (prompt addressed to the first partner): both partners get it."""
    case_id: str = bench.memo[RESHARED]
    first, other = bench.ctx.partner_id, second_partner(bench, rule)
    partners = {first, other.partner_id}
    used = fn.shared_set(bench, "trace_rows")
    since = bench.ctx.clock.now()
    kind = lrm.update_kind(bench.ctx)

    def wanted(m: TracedMessage) -> bool:
        return str(m.id) not in used and m.kind == kind and m.recipient_id in partners

    with bench.prompt(
        "send_case_update",
        f"Modifiez votre dossier {case_id} et partagez la mise à jour avec {first}",
        {"recipient": first, "case_id": case_id, "changes": initial_reception.update_changes(bench),
         "use_case": kind},
    ) as prompt:
        found = bench.trace.wait_for(since, wanted, prompt.remaining(), bench.ctx.clock)
        if found:  # the copies of one update go out together: the second has a reply's time to come
            found = bench.trace.wait_for(since, wanted, min(prompt.remaining(), bench.ctx.timeouts.reply),
                                         bench.ctx.clock, count=2)
    if not found:
        raise NothingReceived(f"{kind} publié par {bench.ctx.client_id}", bench.ctx.timeouts.operator, rule)
    used.update(str(m.id) for m in found)
    for traced in found:
        if traced.recipient_id == other.partner_id:
            _acknowledge(bench, other, traced.distribution_id)
        else:
            fn.partner_acks(bench, fn.VendorMessage(traced, None))
    recipients = {m.recipient_id for m in found if m.recipient_id}
    fn.judge(bench, rules.check_reshared(recipients, partners), [rules.RULE_RESHARED],
             found[0].distribution_id)


def _acknowledge(bench: ScenarioEngine, partner: Partner, dist_id: str | None) -> None:
    if dist_id:
        partner.send(bench.scenario_id, build_ack(partner.partner_id, bench.ctx.client_id, dist_id))

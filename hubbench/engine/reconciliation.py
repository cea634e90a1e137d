"""Palier 6 — Réception et réconciliation (DSF 15-15 §5.3, §5.4, §6.1; palier 6 of support
Projectathon 1, p. 15–16).

The partner shares a case then sends updates with variations on the same caseId: each is acked; the
vendor's later message about the case reuses that caseId. Transfer of responsibility (`owner`, CRRA
traitant): the partner asks the vendor to take its case over; the vendor's operator accepts or refuses
(prompt `answer_owner_transfer`) and the answer must carry the expected owner. Variations of one
operational field at a time (`cases.variations`: priority, location, patient, resources), each acked;
the vendor asks the partner to take over its own case (prompt `request_owner_transfer`, DSF 15-15 §5.3).
Re-sharing to a second partner is `engine.resharing`.
"""

from __future__ import annotations

from hubbench.cases import CaseContext, rules, variations
from hubbench.engine import case_sending, initial_reception
from hubbench.engine import functional as fn
from hubbench.engine.scenario import ScenarioEngine

NEXSIS = "15-NexSIS"


def share_case(bench: ScenarioEngine, rule: str) -> CaseContext:
    ctx = fn.new_case(bench)
    fn.send_and_expect_ack(bench, fn.factory(bench).create_case(ctx, link=fn.link_name(bench)), rule)
    bench.memo["ctx"] = ctx
    return ctx


def send_updates(bench: ScenarioEngine, count: int, rule: str) -> None:
    """`count` updates of the shared case, each a variation of operational fields, each acked."""
    ctx: CaseContext = bench.memo["ctx"]
    factory = fn.factory(bench)
    for index in range(1, count + 1):
        changes = initial_reception.update_changes(bench, partner=True)
        if fn.link_name(bench) == NEXSIS:
            changes = {path: f"{value} (mise à jour n°{index})" for path, value in changes.items()}
        use_case = factory.correction(ctx, link=fn.link_name(bench), changes=changes)
        fn.send_and_expect_ack(bench, use_case, f"{rule} — mise à jour n°{index}")
    fn.check_amqp_acked(bench, f"{rule} — {fn.RULE_AMQP_ACK}")


def check_vendor_reuses_case(bench: ScenarioEngine, rule: str) -> None:
    ctx: CaseContext = bench.memo["ctx"]
    msg = initial_reception.prompt_case_update(bench, ctx.case_id, rule)
    fn.judge(bench, rules.check_case_reused(msg.body, {ctx.case_id}), [rules.RULE_CASE_REUSED],
             msg.distribution_id)


def request_transfer(bench: ScenarioEngine, rule: str) -> None:
    """The partner (owner of its case) asks the vendor to take the case over (owner = vendor's id)."""
    ctx = share_case(bench, rule)
    fn.send_and_expect_ack(bench, fn.factory(bench).owner_request(ctx, bench.ctx.client_id), rule)


def check_transfer_answer(bench: ScenarioEngine, decision: str, rule: str) -> None:
    ctx: CaseContext = bench.memo["ctx"]
    partner = bench.ctx.partner_id
    verb = "Acceptez" if decision == "accept" else "Refusez"
    msg = fn.prompted_message(
        bench,
        "answer_owner_transfer",
        f"{verb} la demande de prise en charge du dossier {ctx.case_id} envoyée par {partner}",
        {"recipient": partner, "case_id": ctx.case_id, "decision": decision},
        ("createCaseHealthUpdate", "createCaseHealth"),
        rule,
    )
    fn.partner_acks(bench, msg)
    findings = rules.check_owner_answer(msg.body, requester_id=partner, answerer_id=bench.ctx.client_id,
                                        expected=decision)
    findings += rules.check_case_reused(msg.body, {ctx.case_id})
    fn.judge(bench, findings, [rules.RULE_OWNER, rules.RULE_CASE_REUSED], msg.distribution_id)


def send_variation(bench: ScenarioEngine, field: str) -> None:
    """The partner's update of the shared case changing only `field` (`cases.variations.FIELDS`); its
    RC-REF and AMQP ack are judged by `check_variation_acked`."""
    ctx: CaseContext = bench.memo["ctx"]
    factory = fn.factory(bench)
    changes = variations.variation_changes(field, factory, ctx)
    bench.memo["sent_id"] = fn.send_use_case(bench, factory.correction(ctx, link=fn.link_name(bench),
                                                                       changes=changes))


def check_variation_acked(bench: ScenarioEngine, rule: str) -> None:
    fn.wait_rc_ref(bench, bench.memo["sent_id"], f"{rule} — {fn.RULE_RC_REF}")
    fn.check_amqp_acked(bench, f"{rule} — {fn.RULE_AMQP_ACK}")


def vendor_requests_transfer(bench: ScenarioEngine, rule: str) -> None:
    """The vendor's operator asks the partner to take over the vendor's own case (shared in tier 5)."""
    _, created = case_sending.vendor_case(bench, rule)
    case_id = created.view.case_id or ""
    partner = bench.ctx.partner_id
    msg = fn.prompted_message(
        bench,
        "request_owner_transfer",
        f"Demandez à {partner} de prendre en charge votre dossier {case_id} (transfert de responsabilité)",
        {"recipient": partner, "case_id": case_id, "target": partner},
        ("createCaseHealthUpdate",),
        rule,
    )
    fn.partner_acks(bench, msg)
    fn.judge(bench, rules.check_owner_request(msg.body, case_id=case_id, target_id=partner),
             [rules.RULE_OWNER_REQUEST, rules.RULE_CASE_REUSED], msg.distribution_id)

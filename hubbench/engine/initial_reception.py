"""Palier 4 — Réception d'un message fonctionnel initial (support Projectathon 1, p. 15–16, palier 4).

The bench (partner) shares the link's initial case (createCase on 15-NexSIS, createCaseHealth on
15-15/15-SMUR), built from the pack's official example like the official runner's receive step. The
vendor acks it (AMQP and RC-REF); a resend must not create a second case (seen in the vendor's next
message about it); what its UI shows becomes a checklist a person attests, value by value.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hubbench.cases import OPERATIONAL_CHANGES, CaseContext, rules
from hubbench.conversion import Converted, convert
from hubbench.engine import functional as fn
from hubbench.engine import lrm
from hubbench.engine.errors import NotApplicable
from hubbench.engine.scenario import ScenarioEngine
from hubbench.protocol import message_of

PARTNER_CASE = "palier4-dossier-partenaire"


def share_initial_case(bench: ScenarioEngine, rule: str) -> tuple[CaseContext, dict[str, Any]]:
    """The partner shares a new initial case and the vendor returns its RC-REF."""
    ctx = fn.new_case(bench)
    use_case = fn.factory(bench).create_case(ctx, link=fn.link_name(bench))
    bench.memo["case"] = (ctx, use_case)
    bench.memo["sent_id"] = fn.send_use_case(bench, use_case)
    return ctx, use_case


def partner_case(bench: ScenarioEngine, rule: str) -> tuple[CaseContext, dict[str, Any]]:
    """The run's initial case shared by the partner (shared once, acked, then reused by later scenarios)."""

    def make() -> tuple[CaseContext, dict[str, Any]]:
        ctx, use_case = share_initial_case(bench, rule)
        fn.wait_rc_ref(bench, bench.memo["sent_id"], f"{rule} — {fn.RULE_RC_REF}")
        return ctx, use_case

    case = fn.once(bench, PARTNER_CASE, make)
    bench.memo["case"] = case
    return case


def check_acked(bench: ScenarioEngine, rule: str) -> None:
    """RC-REF for the message just sent, then the vendor's queue settled (basic.ack)."""
    fn.wait_rc_ref(bench, bench.memo["sent_id"], f"{rule} — {fn.RULE_RC_REF}")
    fn.check_amqp_acked(bench, f"{rule} — {fn.RULE_AMQP_ACK}")


def resend(bench: ScenarioEngine, rule: str) -> None:
    """The same case sent again (same caseId, new distributionID), acked like the first."""
    _, use_case = partner_case(bench, rule)
    bench.memo["sent_id"] = fn.send_use_case(bench, use_case)
    check_acked(bench, rule)


def deliver_twice(bench: ScenarioEngine, rule: str) -> None:
    """A new initial case sent, acked (RC-REF), then delivered again with the same distributionID, as a
    sender does that never saw the RC-REF (DST 1.2 §3.3.2)."""
    ctx = fn.new_case(bench)
    use_case = fn.factory(bench).create_case(ctx, link=fn.link_name(bench))
    bench.memo["case"] = (ctx, use_case)
    env = bench.partner.build(use_case)
    dist_id = bench.partner.send(bench.scenario_id, env)
    fn.wait_rc_ref(bench, dist_id, f"{rule} — {fn.RULE_RC_REF}")
    bench.partner.send(bench.scenario_id, env)  # the very same envelope: same distributionID
    bench.memo["twice"] = dist_id


def check_reacked(bench: ScenarioEngine, rule: str) -> None:
    """A second RC-REF for the distributionID delivered again (the first was taken by `deliver_twice`)."""
    dist_id, timeout = bench.memo["twice"], bench.ctx.timeouts.reply
    found = bench.partner.wait_for(
        bench.scenario_id, f"second RC-REF de {bench.ctx.client_id} pour {dist_id}",
        lambda r: r.suffix == "ack" and r.view.referenced_id == dist_id, timeout, required=False,
    )
    bench.check.that(
        found is not None, rule, f"un nouvel RC-REF pour {dist_id} après sa seconde livraison",
        f"reçu ({found.view.distribution_id})" if found is not None else
        f"aucun RC-REF après la seconde livraison en {timeout:g} s (le premier avait été reçu)",
        dist_id,
    )


def update_changes(bench: ScenarioEngine, *, partner: bool = False) -> dict[str, Any]:
    """The operational change of a correction: the vendor's in its model (`engine.lrm`), the partner's in
    the link's (a NexSIS partner always speaks RC-EDA; the hub converts for a non-directCISU LRM)."""
    if partner:
        key = lrm.CREATE_CASE if fn.link_name(bench) == lrm.NEXSIS else lrm.CASE_UPDATE_HEALTH
    else:
        key = lrm.update_kind(bench.ctx)
    return dict(OPERATIONAL_CHANGES[key])


def prompt_case_update(bench: ScenarioEngine, case_id: str, rule: str) -> fn.VendorMessage:
    """The vendor's operator updates the case; its message is read from the trace and acked."""
    partner = bench.ctx.partner_id
    msg = fn.prompted_message(
        bench,
        "send_case_update",
        f"Modifiez le dossier {case_id} (reçu de {partner}) et partagez la mise à jour avec {partner}",
        {"recipient": partner, "case_id": case_id, "changes": update_changes(bench),
         "use_case": lrm.update_kind(bench.ctx)},
        fn.CASE_KINDS,
        rule,
    )
    fn.partner_acks(bench, msg)
    return msg


def check_no_second_case(bench: ScenarioEngine, rule: str) -> None:
    ctx, _ = bench.memo["case"]
    msg = prompt_case_update(bench, ctx.case_id, rule)
    fn.judge(bench, rules.check_case_reused(msg.body, {ctx.case_id}), [rules.RULE_CASE_REUSED],
             msg.distribution_id)


def displayed_case(bench: ScenarioEngine, use_case: dict[str, Any]) -> tuple[dict[str, Any], tuple[str, ...]]:
    """What the vendor's UI shows of the partner's case: the case itself, or — when the hub converts it —
    its RS-EDA form (the same conversion the hub runs; the medical note id it draws is not compared)."""
    if not lrm.converted(bench.ctx):
        return use_case, ()
    outcome = convert(bench.partner.build(use_case))
    delivered = message_of(outcome.messages[0]) if isinstance(outcome, Converted) else {}
    shown = {k: v for k, v in delivered.items() if k == lrm.CREATE_CASE_HEALTH}
    notes = (shown.get(lrm.CREATE_CASE_HEALTH) or {}).get("medicalNote") or []
    return shown or use_case, tuple(f"$.createCaseHealth.medicalNote[{i}].medicalNoteId"
                                    for i in range(len(notes)))


def attest_display(bench: ScenarioEngine, key: str, rule: str) -> None:
    ctx, use_case = bench.memo["case"]
    shown, ignored = displayed_case(bench, use_case)
    items = fn.value_checklist(shown, ignored=ignored)
    fn.attest_open_case(
        bench, key, ctx.case_id,
        f"chaque valeur du dossier {ctx.case_id} est affichée correctement (valide / approximative / "
        f"invalide, comme la console officielle) ({rule})",
        items,
    )


def send_link_message(bench: ScenarioEngine, kind: str, rule: str,
                      case: Callable[[], CaseContext] | None = None) -> None:
    """Another message of the link (resources, documents, positions …) about the run's shared case (or
    the one `case` gives), when the vhost's pack defines it."""
    factory = fn.factory(bench)
    if kind not in factory.kinds():
        raise NotApplicable(f"{rule} : le modèle {bench.ctx.pack_tag} du vhost n'a pas de message {kind}")
    ctx = case() if case is not None else partner_case(bench, rule)[0]
    bench.memo["sent_id"] = fn.send_use_case(bench, factory.build(kind, ctx))

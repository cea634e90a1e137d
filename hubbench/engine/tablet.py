"""The tablet role on 15-SMUR (« tablette », logiciel SMUR): tiers 4–6 mirrored, the bench playing the LRM.

Tier 4: the bench's LRM shares a case (RS-EDA, createCaseHealth) and the messages an LRM sends a SMUR
(resources); the tablet acks each (AMQP and RC-REF); the same message sent again (same distributionID)
is acked again and not integrated twice (its next message on the case keeps the caseId); a person attests
what it shows. Tier 5: the tablet's operator sends each message a tablet sends (prompt
`send_smur_message`: RS-SR, RS-URL, RS-BPV, RS-RPIS, GEO-POS, those the vhost's pack defines); each is
judged on the vhost's schema and its content rules (`cases.tablet_rules`). Tier 6: the LRM updates the
case (RS-EDA-MAJ) twice; the tablet's next message keeps the caseId and a person attests the update shown.
Sources: support Projectathon 9, p. 23 (15-SMUR link content); DST 1.2 §3.3.1, §3.3.2 (acks).
"""

from __future__ import annotations

from typing import Any

from hubbench.cases import CaseContext, tablet_rules
from hubbench.engine import functional as fn
from hubbench.engine import initial_reception, reconciliation
from hubbench.engine.errors import NotApplicable
from hubbench.engine.scenario import ScenarioEngine
from hubbench.protocol import KINDS, EnvelopeView

TABLET_CASE = "tablette-dossier"  # run-wide: the case the bench's LRM shares with the tablet (tiers 4–5)
UPDATED_CASE = "tablette-dossier-mis-a-jour"  # run-wide: the case updated by RS-EDA-MAJ (tier 6)
FOLLOW_UP_KIND = "resourcesStatus"  # the tablet's next message on a case: a resource status (RS-SR)
UPDATES = 2


# -- tier 4: the tablet receives ----------------------------------------------------------------------

def tablet_case(bench: ScenarioEngine, rule: str) -> tuple[CaseContext, dict[str, Any]]:
    """The case the LRM shares with the tablet once per run (RS-EDA), RC-REF awaited; (ctx, envelope)."""

    def make() -> tuple[CaseContext, dict[str, Any]]:
        ctx = fn.new_case(bench)
        env = bench.partner.build(fn.factory(bench).create_case(ctx, link=fn.link_name(bench)))
        bench.memo["sent_id"] = fn.send_envelope(bench, env)
        fn.wait_rc_ref(bench, bench.memo["sent_id"], f"{rule} — {fn.RULE_RC_REF}")
        return ctx, env

    case: tuple[CaseContext, dict[str, Any]] = fn.once(bench, TABLET_CASE, make)
    return case


def share_case(bench: ScenarioEngine, rule: str) -> None:
    """The LRM shares a new case (RS-EDA) with the tablet; its acks are checked by `check_acked`."""
    ctx = fn.new_case(bench)
    use_case = fn.factory(bench).create_case(ctx, link=fn.link_name(bench))
    bench.memo["sent_id"] = fn.send_use_case(bench, use_case)


def check_acked(bench: ScenarioEngine, rule: str) -> None:
    """RC-REF for the last message the LRM sent, then the tablet's queue settled (basic.ack)."""
    initial_reception.check_acked(bench, rule)


def send_lrm_message(bench: ScenarioEngine, kind: str, rule: str) -> None:
    """A message an LRM sends a SMUR (resources …) about the tablet's case, when the pack defines it."""
    initial_reception.send_link_message(bench, kind, rule, lambda: tablet_case(bench, rule)[0])


def resend_same(bench: ScenarioEngine, rule: str) -> None:
    """The shared case sent again as it was (same distributionID): the tablet acks it again."""
    _, env = tablet_case(bench, rule)
    bench.memo["sent_id"] = fn.send_envelope(bench, env)
    check_acked(bench, rule)


def check_follow_up_case(bench: ScenarioEngine, rule: str, *, updated: bool = False) -> None:
    """The tablet's next message on the case (a resource status) names the same caseId."""
    ctx = updated_case(bench, rule) if updated else tablet_case(bench, rule)[0]
    msg = prompt_message(bench, FOLLOW_UP_KIND, ctx, rule)
    checked = tablet_rules.RULE_RECONCILIATION if updated else tablet_rules.RULE_NO_SECOND_CASE
    fn.judge(bench, tablet_rules.check_case(FOLLOW_UP_KIND, msg.body, ctx.case_id, rule=checked), [checked],
             msg.distribution_id)


def attest_display(bench: ScenarioEngine, key: str, rule: str) -> None:
    ctx, env = tablet_case(bench, rule)
    view = EnvelopeView(env)
    items = fn.value_checklist({view.kind or "": view.use_case})
    fn.attest_open_case(
        bench, key, ctx.case_id,
        f"chaque valeur du dossier {ctx.case_id} est affichée correctement par la tablette ({rule})", items,
    )


# -- tier 5: the tablet sends -------------------------------------------------------------------------

def prompt_message(bench: ScenarioEngine, kind: str, ctx: CaseContext, rule: str) -> fn.VendorMessage:
    """The tablet's operator sends one `kind` message on the case (prompt `send_smur_message`); acked."""
    partner = bench.ctx.partner_id
    own = CaseContext(bench.ctx.client_id, ctx.sender_case_id, ctx.case_id, ctx.owner, ctx.creation)
    content = fn.factory(bench).build(kind, own)
    name = tablet_rules.KIND_NAMES.get(kind, kind)
    msg = fn.prompted_message(
        bench,
        "send_smur_message",
        f"Depuis la tablette, envoyez un message {name} ({kind}) sur le dossier {ctx.case_id} à {partner}",
        {"recipient": partner, "case_id": ctx.case_id, "use_case": kind, "content": content},
        (kind,),
        rule,
    )
    fn.partner_acks(bench, msg)
    bench.memo["asked"] = content[kind]
    return msg


def tablet_sends(bench: ScenarioEngine, kind: str, rule: str) -> None:
    if kind not in tablet_rules.TABLET_KINDS or kind not in KINDS:
        raise RuntimeError(f"type de message de tablette inconnu du banc : {kind}")
    if kind not in fn.factory(bench).kinds():
        raise NotApplicable(f"{rule} : le modèle {bench.ctx.pack_tag} du vhost n'a pas de message "
                            f"{tablet_rules.KIND_NAMES[kind]} ({kind})")
    ctx, _ = tablet_case(bench, rule)
    bench.memo["tablet_message"] = (kind, ctx, prompt_message(bench, kind, ctx, rule))


def check_schema(bench: ScenarioEngine, rule: str) -> None:
    _, _, msg = bench.memo["tablet_message"]
    fn.check_schema(bench, msg, rule)


def check_content(bench: ScenarioEngine, rule: str) -> None:
    kind, ctx, msg = bench.memo["tablet_message"]
    statuses: tuple[str, ...] = ()
    asked = None
    if kind == "resourcesStatus":
        pack = bench.ctx.require_pack()
        schema = pack.schemas.get(KINDS[kind].schema_for(pack.line), {})
        statuses = tablet_rules.status_values(schema)
        asked_status = tablet_rules.status_of(bench.memo.get("asked") or {})
        asked = asked_status if isinstance(asked_status, str) else None
    findings = tablet_rules.check_message(kind, msg.body, case_id=ctx.case_id, statuses=statuses,
                                          asked_status=asked)
    fn.judge(bench, findings, tablet_rules.KIND_RULES[kind], msg.distribution_id)


# -- tier 6: the LRM updates the case -----------------------------------------------------------------

def updated_case(bench: ScenarioEngine, rule: str) -> CaseContext:
    """A case the LRM shares then updates `UPDATES` times (RS-EDA-MAJ), each acked; once per run."""

    def make() -> CaseContext:
        ctx = reconciliation.share_case(bench, rule)
        reconciliation.send_updates(bench, UPDATES, rule)
        return ctx

    ctx: CaseContext = fn.once(bench, UPDATED_CASE, make)
    return ctx


def share_and_update(bench: ScenarioEngine, rule: str) -> None:
    updated_case(bench, rule)


def attest_update_display(bench: ScenarioEngine, key: str, rule: str) -> None:
    ctx = updated_case(bench, rule)
    changes = initial_reception.update_changes(bench, partner=True)
    items = [{"path": path, "expected": value, "label": f"{path} = {value!r}"}
             for path, value in changes.items()]
    fn.attest_open_case(
        bench, key, ctx.case_id,
        f"la tablette montre le dossier {ctx.case_id} mis à jour ({UPDATES} RS-EDA-MAJ), un seul dossier, "
        f"chaque valeur modifiée mise en évidence ({rule})",
        items,
    )

"""Palier 7 — EMSI sur 15-NexSIS: DC (partnerRequest), RDC/DCR (partnerRequestAnswer), OPG/SOM
(operationReport) — DSF 15-NexSIS §5.3; EMSI schema and examples of `ansforge/SAMU-Hub-Modeles`; tier 7
of support Projectathon 1, p. 15–16.

Every EMSI is about a case shared before (a DC requires a prior case share, cahier de recette 2023 §7). The
vendor's EMSI (prompt `send_emsi`) are judged by `cases.emsi_rules`: MAIN_EVENT_ID = a shared caseId,
CONTEXT.ID new, MODE ACTUAL, MSGTYPE ALERT on the case's first EMSI then UPDATE, the DC/answer names, the
answer reusing the DC's MISSION.ID with the answering organisation, LEVEL OPR for an OPG.
"""

from __future__ import annotations

from typing import Any

from hubbench.cases import CaseContext, emsi_rules
from hubbench.engine import functional as fn
from hubbench.engine import reconciliation
from hubbench.engine.scenario import ScenarioEngine

EMSI_CASES = "palier7-affaires-emsi"  # caseIds with an EMSI already exchanged (MSGTYPE ALERT → UPDATE)
CONTEXT_IDS = "palier7-context-ids"
VENDOR_DC = "palier7-dc-editeur"
VENDOR_DC_MISSIONS = "palier7-dc-editeur-missions"
RULE_SCHEMA = "Palier 7 — DSF 15-NexSIS §5.3 (EMSI conforme au schéma du vhost)"


def _exchanged(bench: ScenarioEngine) -> set[str]:
    return fn.shared_set(bench, EMSI_CASES)


def partner_sends(bench: ScenarioEngine, variant: str, rule: str, *, mission_id: str | None = None,
                  answer: str = "ACCEPTE") -> None:
    """The partner shares a case (if the scenario has none) and sends an EMSI of `variant` about it (an
    RDC: the answer `answer` with its content)."""
    ctx: CaseContext = bench.memo.get("ctx") or reconciliation.share_case(bench, rule)
    first = ctx.case_id not in _exchanged(bench)
    factory = fn.factory(bench)
    use_case = factory.emsi(ctx, variant, sender_id=bench.ctx.partner_id,
                            msgtype="ALERT" if first else "UPDATE", mission_id=mission_id, answer=answer,
                            details=factory.answer_details(answer))
    _exchanged(bench).add(ctx.case_id)
    bench.memo["emsi"] = use_case["emsi"]
    bench.memo["sent_id"] = fn.send_use_case(bench, use_case)


def _vendor_emsi(bench: ScenarioEngine, ctx: CaseContext, params: dict[str, Any], instruction: str,
                 rule: str) -> tuple[fn.VendorMessage, dict[str, Any]]:
    """Prompt the vendor's EMSI and judge what every EMSI must respect; returns (message, emsi body)."""
    first = ctx.case_id not in _exchanged(bench)
    msg = fn.prompted_message(
        bench, "send_emsi", instruction,
        {"recipient": bench.ctx.partner_id, "case_id": ctx.case_id, **params}, ("emsi",), rule,
    )
    fn.partner_acks(bench, msg)
    _exchanged(bench).add(ctx.case_id)
    fn.check_schema(bench, msg, RULE_SCHEMA)
    emsi = msg.body
    seen = fn.shared_set(bench, CONTEXT_IDS)
    findings = emsi_rules.check_main_event(emsi, fn.shared_set(bench, "case_ids"))
    findings += emsi_rules.check_context(emsi, seen_context_ids=seen, first_exchange=first)
    context_id = (emsi.get("CONTEXT") or {}).get("ID")
    if isinstance(context_id, str):
        seen.add(context_id)
    fn.judge(bench, findings, [emsi_rules.RULE_MAIN_EVENT, emsi_rules.RULE_CONTEXT_ID, emsi_rules.RULE_MODE,
                               emsi_rules.RULE_MSGTYPE], msg.distribution_id)
    return msg, emsi


def vendor_sends_dc(bench: ScenarioEngine, rule: str) -> None:
    """On a case the partner has just shared, the vendor asks the partner for help (DC)."""
    ctx = reconciliation.share_case(bench, rule)
    msg, emsi = _vendor_emsi(
        bench, ctx, {"variant": "DC"},
        f"Envoyez une demande de concours (EMSI DC) à {bench.ctx.partner_id} pour l'affaire {ctx.case_id}",
        rule,
    )
    bench.shared[VENDOR_DC] = ctx
    bench.shared[VENDOR_DC_MISSIONS] = sorted(emsi_rules.dc_mission_ids(emsi))
    fn.judge(bench, emsi_rules.check_dc(emsi), [emsi_rules.RULE_DC_NAME], msg.distribution_id)


def vendor_answers_dc(bench: ScenarioEngine, answer: str, rule: str) -> None:
    """The partner's DC (sent by the previous step) answered by the vendor's operator (RDC)."""
    ctx: CaseContext = bench.memo["ctx"]
    dc_ids = emsi_rules.dc_mission_ids(bench.memo["emsi"])
    mission_id = next(iter(sorted(dc_ids)), "")
    details = fn.factory(bench).answer_details(answer)
    msg, emsi = _vendor_emsi(
        bench, ctx, {"variant": "RDC", "mission_id": mission_id, "answer": answer, **details},
        f"Répondez {answer} à la demande de concours {mission_id} de {bench.ctx.partner_id} (EMSI RDC)"
        + _details_text(details),
        rule,
    )
    findings = emsi_rules.check_dc_answer(emsi, dc_ids=dc_ids, answerer_id=bench.ctx.client_id)
    findings += emsi_rules.check_answer_kind(emsi, answer=answer, details=details)
    content_rule = emsi_rules.ANSWER_CONTENT_RULES.get(answer)
    kind_rules = [emsi_rules.RULE_ANSWER_KIND, *([content_rule] if content_rule else [])]
    fn.judge(bench, findings, [emsi_rules.RULE_ANSWER_NAME, emsi_rules.RULE_ANSWER_MISSION,
                               emsi_rules.RULE_ANSWER_ORG, *kind_rules], msg.distribution_id)


def _details_text(details: dict[str, Any]) -> str:
    """The answer's content in the operator's words (French)."""
    parts = {"reason": "motif « {} »", "resources": "ressources engagées {}",
             "start_time": "horaire proposé {}"}
    said = [parts[k].format(", ".join(v) if isinstance(v, list) else v) for k, v in details.items()]
    return f" ; {' ; '.join(said)}" if said else ""


def partner_answers(bench: ScenarioEngine, answer: str, rule: str) -> None:
    """The partner answers `answer` (with its content) to the vendor's DC of this run if any, else to a
    DC of its own on a freshly shared case; the vendor must ack and RC-REF it like any EMSI."""
    missions: list[str] = bench.shared.get(VENDOR_DC_MISSIONS) or []
    if VENDOR_DC in bench.shared and missions:
        bench.memo["ctx"] = bench.shared[VENDOR_DC]
    mission_id = missions[0] if missions else f"{bench.ctx.client_id}.mission.{answer.lower()}"
    partner_sends(bench, "RDC", rule, mission_id=mission_id, answer=answer)


def vendor_sends_opg(bench: ScenarioEngine, rule: str) -> None:
    """An operations report (OPG) on the vendor's DC case if any, else on a freshly shared case."""
    ctx: CaseContext = bench.shared.get(VENDOR_DC) or reconciliation.share_case(bench, rule)
    msg, emsi = _vendor_emsi(
        bench, ctx, {"variant": "OPG"},
        f"Envoyez un compte rendu d'opérations (EMSI OPG) à {bench.ctx.partner_id} pour l'affaire "
        f"{ctx.case_id}",
        rule,
    )
    fn.judge(bench, emsi_rules.check_opg(emsi), [emsi_rules.RULE_OPG_LEVEL], msg.distribution_id)

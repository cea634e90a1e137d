"""Palier 5 on 15-NexSIS: the case model the vendor speaks, and what the fire service receives of it.

A directCISU LRM shares RC-EDA itself; any other LRM shares RS-EDA and the hub converts it into RC-EDA
(`engine.lrm`). For the latter, the bench's NexSIS partner judges the case it is delivered — the
dispatcher's trace keeps the delivered body next to the received one — against the converter's content
rules (`cases.conversion_rules`, each citing its source) and the vhost's RC-EDA schema. A case the hub
could not convert (error 300 on the vendor's `.info`) never reaches the partner: every check says so.
"""

from __future__ import annotations

from typing import Any

from hubbench.cases import conversion_rules
from hubbench.cases.rules import Finding
from hubbench.engine import case_sending, empty_messages, lrm, prerequisites
from hubbench.engine import functional as fn
from hubbench.engine.errors import CheckFailed
from hubbench.engine.scenario import ScenarioEngine
from hubbench.protocol import DecodeError, EnvelopeView, decode, validator_for

RULE_MODEL = ("Palier 5 — modèle du dossier selon la déclaration directCISU (ansforge/SAMU-Hub-Sante "
              "dispatcher-1.4.0, hub/dispatcher/src/main/java/com/hubsante/hub/utils/ConversionUtils.java)")
DELIVERED = "palier5-dossier-converti"


def check_model(bench: ScenarioEngine, rule: str) -> None:
    """The vendor shares the model of its kind: RC-EDA when directCISU, RS-EDA otherwise."""
    _, msg = case_sending.vendor_case(bench, rule)
    expected = lrm.create_kind(bench.ctx)
    findings = [] if msg.key == expected else [Finding(
        RULE_MODEL, f"{lrm.kind_label(bench.ctx)} : le dossier doit être un {expected}", expected,
        str(msg.key))]
    fn.judge(bench, findings, [RULE_MODEL], msg.distribution_id)


def delivered(bench: ScenarioEngine, rule: str) -> tuple[fn.VendorMessage, dict[str, Any]]:
    """(the vendor's RS-EDA message, the envelope the hub delivered to the partner after conversion)."""
    _, msg = case_sending.vendor_case(bench, rule)

    def make() -> dict[str, Any] | None:
        traced = msg.traced
        if traced.forwarded_body is None:
            return None
        try:
            return decode(traced.forwarded_body, traced.forwarded_content_type, bench.ctx.pack)
        except (DecodeError, ValueError):
            return None

    env: dict[str, Any] | None = fn.once(bench, DELIVERED, make)
    if env is None:
        traced = msg.traced
        why = (f"erreur {traced.error_code} du hub sur {bench.ctx.client_id}.info"
               if traced.error_code else f"message transmis sans conversion ({traced.kind})")
        detail = "; ".join(str(e.get("cause") or e.get("message") or e) for e in traced.errors[:1])
        # refused (300) for its distributionID: the tier-3 rule's failure (DST 1.2 §3.4.3), not a new one
        refused_id = traced.error_code == 300 and msg.env is not None and not (
            empty_messages.distribution_id_prefixed(EnvelopeView(msg.env)))
        raise CheckFailed(rule, "le dossier converti en RC-EDA (createCase) remis au partenaire NexSIS",
                          f"{why}{' : ' + detail[:300] if detail else ''}", msg.distribution_id,
                          prerequisite=prerequisites.DISTRIBUTION_ID if refused_id else None)
    return msg, env


def check_schema(bench: ScenarioEngine, rule: str) -> None:
    """The delivered case is an RC-EDA valid for the vhost's pack: the fire service can read it."""
    msg, env = delivered(bench, rule)
    view = EnvelopeView(env)
    report = validator_for(bench.ctx.require_pack()).validate_message(env)
    issues = "; ".join(issue.message for issue in report.errors[:3])
    bench.check.that(view.kind == lrm.CREATE_CASE, rule, "un createCase (RC-EDA)", str(view.kind),
                     msg.distribution_id, soft=True)
    bench.check.that(report.valid, rule, f"RC-EDA conforme au schéma du pack {bench.ctx.pack_tag}",
                     issues or "valide", msg.distribution_id, soft=True)


def check_content(bench: ScenarioEngine, rule: str) -> None:
    """Kept, dropped, generated and re-mapped fields of the delivered case (one rule each)."""
    msg, env = delivered(bench, rule)
    rc = EnvelopeView(env).use_case
    findings = conversion_rules.check_content(msg.body, rc if isinstance(rc, dict) else {},
                                              bench.ctx.client_id)
    fn.judge(bench, findings, conversion_rules.CONTENT_RULES, msg.distribution_id)


def check_envelope(bench: ScenarioEngine, rule: str) -> None:
    msg, env = delivered(bench, rule)
    fn.judge(bench, conversion_rules.check_envelope(msg.env or {}, env), [conversion_rules.RULE_ENVELOPE],
             msg.distribution_id)

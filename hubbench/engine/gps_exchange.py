"""15-GPS, tiers 4 and 5: positions (GEO-POS) and resource details (GEO-REQ → GEO-RES).

Tier 4 (réception): the bench, as the partner, sends a GEO-POS, a GEO-REQ or a GEO-RES; the vendor acks
it (AMQP and RC-REF, DST 1.2 §3.3.1, §3.3.2; the ack step is tier 4's, `engine.initial_reception`).
Tier 5 (envoi): the vendor sends its positions (`send_geo_positions`), answers the partner's GEO-REQ with a
GEO-RES (`answer_geo_request`), and sends a GEO-REQ (`send_geo_request`) that the partner answers. What it
sends is judged by `cases.gps_rules` (schemas and DSF 15-GPS); messages are built by `cases.gps_messages`.
No RC-REF is awaited in tier 5: acks are tier 4's rule, so a missing ack is caught there alone.
"""

from __future__ import annotations

from hubbench.cases import gps_messages as geo
from hubbench.cases import gps_rules
from hubbench.engine import functional as fn
from hubbench.engine.errors import CheckFailed
from hubbench.engine.scenario import ScenarioEngine

RULE_SCHEMA = "Palier 5 — DSF 15-GPS (message GEO-* conforme au schéma du vhost)"
VENDOR_RESOURCES = "gps-ressources-editeur"  # resource ids of the vendor's GEO-POS (run-wide)


def _line(bench: ScenarioEngine) -> str:
    return bench.ctx.require_pack().line


def vendor_resources(bench: ScenarioEngine) -> list[str]:
    """The vendor's resources: those of its GEO-POS when one came, else ids under its organisation."""
    seen: list[str] = bench.shared.get(VENDOR_RESOURCES) or []
    return seen or geo.resource_ids(bench.ctx.client_id)


def partner_sends(bench: ScenarioEngine, name: str) -> None:
    """The partner sends a GEO-POS (its positions), a GEO-REQ (the vendor's resources) or a GEO-RES."""
    partner = bench.ctx.partner_id
    now = bench.ctx.clock.now().astimezone()
    builders = {
        "GEO-POS": lambda: geo.geo_positions(_line(bench), geo.resource_ids(partner), now),
        "GEO-REQ": lambda: geo.geo_request(vendor_resources(bench)),
        "GEO-RES": lambda: geo.geo_details(_line(bench), geo.resource_ids(partner), partner),
    }
    if name not in builders:
        raise ValueError(f"message 15-GPS inconnu : {name!r} (attendu : {', '.join(builders)})")
    bench.memo["sent_id"] = fn.send_use_case(bench, builders[name]())


def vendor_sends_positions(bench: ScenarioEngine, rule: str) -> None:
    """The vendor's GEO-POS: valid for the vhost, each position with its id, timestamp and coordinates."""
    msg = fn.prompted_message(
        bench, "send_geo_positions",
        f"Envoyez à {bench.ctx.partner_id} les positions de vos ressources (GEO-POS)",
        {"recipient": bench.ctx.partner_id}, (geo.GEO_POS,), rule,
    )
    fn.partner_acks(bench, msg)
    fn.check_schema(bench, msg, RULE_SCHEMA)
    ids = geo.ids_of(msg.body.get("position"))
    if ids:
        bench.shared[VENDOR_RESOURCES] = ids
    findings = gps_rules.check_positions(msg.body, now=bench.ctx.clock.now())
    rules = [gps_rules.RULE_POS_PRESENT, gps_rules.RULE_POS_DATETIME, gps_rules.RULE_POS_COORD]
    fn.judge(bench, findings, rules, msg.distribution_id)


def vendor_answers_request(bench: ScenarioEngine, rule: str) -> None:
    """The partner asks for the details of the vendor's resources (GEO-REQ); the vendor answers GEO-RES."""
    since = bench.ctx.clock.now()
    wanted = vendor_resources(bench)
    request_id = fn.send_use_case(bench, geo.geo_request(wanted))
    msg = fn.prompted_message(
        bench, "answer_geo_request",
        f"Répondez à la demande GEO-REQ de {bench.ctx.partner_id} ({request_id}) par les détails des "
        f"ressources {', '.join(wanted)} (GEO-RES)",
        {"recipient": bench.ctx.partner_id, "resource_ids": wanted, "request_id": request_id},
        (geo.GEO_RES, geo.GEO_POS), rule, since=since,  # positions sent instead: judged, not waited for
    )
    fn.partner_acks(bench, msg)
    if msg.key != geo.GEO_RES:
        raise CheckFailed(rule, f"un GEO-RES ({geo.GEO_RES}) en réponse à la GEO-REQ {request_id}",
                          f"{geo.GEO_NAMES.get(msg.key or '', msg.key)} ({msg.key})", msg.distribution_id)
    fn.check_schema(bench, msg, RULE_SCHEMA)
    findings = gps_rules.check_details(msg.body, requested=wanted)
    fn.judge(bench, findings, [gps_rules.RULE_RES_ANSWERS, gps_rules.RULE_RES_FIELDS], msg.distribution_id)


def vendor_sends_request(bench: ScenarioEngine, rule: str) -> None:
    """The vendor asks the partner for the details of the partner's resources (GEO-REQ)."""
    partner_ids = geo.resource_ids(bench.ctx.partner_id)
    msg = fn.prompted_message(
        bench, "send_geo_request",
        f"Demandez à {bench.ctx.partner_id} les détails des ressources {', '.join(partner_ids)} (GEO-REQ)",
        {"recipient": bench.ctx.partner_id, "resource_ids": partner_ids}, (geo.GEO_REQ,), rule,
    )
    fn.partner_acks(bench, msg)
    fn.check_schema(bench, msg, RULE_SCHEMA)
    bench.memo["geo_requested"] = [rid for rid in msg.body.get("resourceId") or [] if isinstance(rid, str)]
    findings = gps_rules.check_request(msg.body, line=_line(bench))
    fn.judge(bench, findings, [gps_rules.RULE_REQ_IDS], msg.distribution_id)


def partner_answers_request(bench: ScenarioEngine, rule: str) -> None:
    """The partner answers the vendor's GEO-REQ (GEO-RES of the ids asked); the vendor settles it (AMQP)."""
    asked = bench.memo.get("geo_requested") or geo.resource_ids(bench.ctx.partner_id)
    fn.send_use_case(bench, geo.geo_details(_line(bench), asked, bench.ctx.partner_id))
    fn.check_amqp_acked(bench, f"{rule} — {fn.RULE_AMQP_ACK}")

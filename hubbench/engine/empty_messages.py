"""Palier 3 — Envoi de messages vides: every rule judged on what the vendor published (the hub's trace).

Each scenario judges its own rule on the raw message the vendor put on `hubsante` (properties and
bytes as the dispatcher saw them), whatever the hub did with it; the hub's error report for that
message is charged to the rule it reports (100 → persistence, 101/102/301 → format, 200 → senderID,
300 → envelope or distributionID, 400 → dates, 501 → recipient).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from hubbench.engine.errors import CheckFailed, NotApplicable, NothingReceived, RemoteUnverifiable
from hubbench.engine.observers import TracedMessage
from hubbench.engine.remote import is_partner_view
from hubbench.engine.scenario import ScenarioEngine
from hubbench.protocol import (
    DecodeError,
    EnvelopeView,
    ErrorCode,
    build_ack,
    custom_content_use_case,
    decode,
    validator_for,
)

OFFSET = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?[+-]\d{2}:\d{2}$")
CLOCK_TOLERANCE_S = 60.0  # DST 1.2 §2.2.3: systems are NTP-synchronised
RC_REF_DELAY = "rc-ref-delay-s"  # run-wide: the slowest RC-REF of the vendor seen by the bench (s)
ABSENCE_FACTOR = 3.0  # an ack of an ack is awaited this many times the vendor's own RC-REF delay
JSON_TYPE, XML_TYPE = "application/json", "application/xml"


def _body(msg: TracedMessage) -> bytes:
    """The traced body; one purged by the results' retention is the bench's problem, never the vendor's."""
    if msg.body is None:
        raise RuntimeError(f"corps du message {msg.distribution_id} absent de la trace (purgé)")
    return msg.body


def envelope_of(msg: TracedMessage, pack: Any = None) -> dict[str, Any] | None:
    try:
        return decode(_body(msg), msg.content_type, pack)
    except (DecodeError, ValueError):
        return None


def _is_ack(msg: TracedMessage) -> bool:
    if msg.distribution_kind == "Ack" or msg.kind == "reference":
        return True
    env = envelope_of(msg)
    return env is not None and (env.get("distributionKind") == "Ack" or EnvelopeView(env).kind == "reference")


def vendor_message(bench: ScenarioEngine, fmt: str = "json", rule: str = "") -> TracedMessage:
    """The vendor's empty message for this run (prompted once per format, then shared by scenarios)."""
    key = f"message-vide-{fmt}"
    if key in bench.shared:
        shared: TracedMessage = bench.shared[key]
        return shared
    partner = bench.ctx.partner_id
    since = bench.ctx.clock.now()
    with bench.prompt(
        "send_message",
        f"Envoyez un message vide (customContent, {fmt.upper()}) à {partner}",
        {"recipient": partner, "use_case": "customContent", "format": fmt, "count": 1},
    ) as prompt:
        found = bench.trace.wait_for(since, lambda m: not _is_ack(m), prompt.remaining(), bench.ctx.clock)
        if not found:
            raise NothingReceived(
                f"message vide ({fmt.upper()}) publié par {bench.ctx.client_id}",
                bench.ctx.timeouts.operator,
                rule,
            )
    bench.shared[key] = found[0]
    return found[0]


def as_published(msg: TracedMessage, what: str, rule: str = "") -> None:
    """A check on how the vendor published (AMQP properties, routing key): on an external hub the partner
    sees the hub's re-publication only, so it is « non vérifiable à distance »."""
    if is_partner_view(msg):
        raise RemoteUnverifiable(rule, f"{what} tel(le) que publié(e) par le système testé (trace du hub)")


def charge_hub_errors(
    bench: ScenarioEngine,
    msg: TracedMessage,
    codes: tuple[int, ...],
    rule: str,
    *,
    prerequisite: str | None = None,
) -> None:
    """A hub error report (DST 1.2 §3.4.7) with one of `codes` on the vendor's message fails `rule`."""
    if msg.error_code in codes:
        name = ErrorCode(msg.error_code).status_string
        bench.check.that(
            False,
            rule,
            "aucun rapport d'erreur du hub sur .info",
            f"{msg.error_code} {name} envoyé sur {bench.ctx.client_id}.info",
            msg.distribution_id,
            soft=True,
            prerequisite=prerequisite,
        )


def check_json_format(bench: ScenarioEngine, msg: TracedMessage, rule: str) -> None:
    as_published(msg, "le content_type", rule)
    bench.check.that(
        msg.content_type == JSON_TYPE, rule, JSON_TYPE, str(msg.content_type), msg.distribution_id, soft=True
    )
    env = envelope_of(msg)
    bench.check.that(
        env is not None and _body(msg).lstrip()[:1] == b"{",
        rule,
        "corps JSON lisible (objet)",
        "illisible" if env is None else "lisible",
        msg.distribution_id,
        soft=True,
    )
    charge_hub_errors(bench, msg, (101, 102, 301), rule)


def check_xml_format(bench: ScenarioEngine, msg: TracedMessage, rule: str) -> None:
    if _body(msg).lstrip()[:1] != b"<":
        raise NotApplicable(f"{rule} : le système a répondu en JSON (format XML facultatif pour lui)")
    as_published(msg, "le content_type et le corps XML", rule)
    bench.check.that(
        msg.content_type == XML_TYPE, rule, XML_TYPE, str(msg.content_type), msg.distribution_id, soft=True
    )
    try:
        decode(_body(msg), XML_TYPE, bench.ctx.pack)
        readable = "lisible"
    except (DecodeError, ValueError) as exc:
        readable = f"illisible : {exc}"[:200]
    bench.check.that(
        readable == "lisible", rule, "corps XML EDXL-DE lisible", readable, msg.distribution_id, soft=True
    )
    charge_hub_errors(bench, msg, (101, 102, 301), rule)


def check_persistent(bench: ScenarioEngine, msg: TracedMessage, rule: str) -> None:
    as_published(msg, "le delivery_mode", rule)
    bench.check.that(
        msg.delivery_mode == 2,
        rule,
        "delivery_mode 2 (persistant)",
        str(msg.delivery_mode),
        msg.distribution_id,
        soft=True,
    )
    charge_hub_errors(bench, msg, (100,), rule)


def _env_or_fail(bench: ScenarioEngine, msg: TracedMessage, rule: str) -> dict[str, Any]:
    env = envelope_of(msg, bench.ctx.pack)
    if env is None:
        raise CheckFailed(rule, "une enveloppe EDXL-DE lisible", "corps illisible", msg.distribution_id)
    return env


def distribution_id_prefixed(view: EnvelopeView) -> bool:
    dist, sender = view.distribution_id or "", view.sender_id or ""
    return bool(sender) and dist.startswith(sender + "_") and len(dist) > len(sender) + 1


def check_envelope(bench: ScenarioEngine, msg: TracedMessage, rule: str) -> None:
    env = _env_or_fail(bench, msg, rule)
    report = validator_for(bench.ctx.require_pack()).validate_message(env)
    issues = "; ".join(issue.message for issue in report.errors[:3])
    bench.check.that(
        report.valid,
        rule,
        f"enveloppe et contenu valides (pack {bench.ctx.pack_tag})",
        issues or "valide",
        msg.distribution_id,
        soft=True,
    )
    view = EnvelopeView(env)
    bench.check.that(
        view.address_scheme == "hubex",
        rule,
        "explicitAddressScheme « hubex »",
        str(view.address_scheme),
        msg.distribution_id,
        soft=True,
    )
    bench.check.that(
        bool(view.language),
        rule,
        "descriptor.language renseigné",
        str(view.language),
        msg.distribution_id,
        soft=True,
    )
    check_rc_de(bench, env, rule)
    if distribution_id_prefixed(view):
        charge_hub_errors(bench, msg, (300,), rule)


def check_rc_de(bench: ScenarioEngine, env: dict[str, Any], rule: str) -> None:
    """RC-DE header consistent with the envelope, when the message carries one (DST 1.2 §3.4.5)."""
    view = EnvelopeView(env)
    header = view.header
    if header is None:
        return
    dist = view.distribution_id
    bench.check.equal(
        header.get("messageId"), dist, f"{rule} — RC-DE messageId = distributionID", dist, soft=True
    )
    bench.check.equal(
        header.get("kind"), view.distribution_kind, f"{rule} — RC-DE kind = distributionKind", dist, soft=True
    )
    bench.check.equal(
        header.get("status"),
        view.distribution_status,
        f"{rule} — RC-DE status = distributionStatus",
        dist,
        soft=True,
    )
    sent_at, sent = _parse(header.get("sentAt")), _parse(view.date_time_sent)
    close = sent_at is not None and sent is not None and abs((sent_at - sent).total_seconds()) <= 2
    bench.check.that(
        close,
        f"{rule} — RC-DE sentAt ≈ dateTimeSent",
        str(view.date_time_sent),
        str(header.get("sentAt")),
        dist,
        soft=True,
    )


def check_sender(bench: ScenarioEngine, msg: TracedMessage, rule: str) -> None:
    as_published(msg, "la clé de routage", rule)
    view = EnvelopeView(_env_or_fail(bench, msg, rule))
    bench.check.equal(view.sender_id, msg.routing_key, rule, msg.distribution_id, soft=True)
    charge_hub_errors(bench, msg, (200,), rule)


def check_distribution_id(bench: ScenarioEngine, msg: TracedMessage, rule: str) -> None:
    view = EnvelopeView(_env_or_fail(bench, msg, rule))
    bench.check.that(
        distribution_id_prefixed(view),
        rule,
        f"« {view.sender_id}_<identifiant unique> »",
        str(view.distribution_id),
        view.distribution_id,
        soft=True,
    )
    if not distribution_id_prefixed(view):
        charge_hub_errors(bench, msg, (300,), rule)


def _parse(value: Any) -> datetime | None:
    if not isinstance(value, str) or not OFFSET.match(value):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def check_recipient_and_dates(bench: ScenarioEngine, msg: TracedMessage, rule: str) -> None:
    view = EnvelopeView(_env_or_fail(bench, msg, rule))
    dist = view.distribution_id
    bench.check.equal(
        view.recipient_id, bench.ctx.partner_id, f"{rule} — explicitAddressValue", dist, soft=True
    )
    sent, expires = _parse(view.date_time_sent), _parse(view.date_time_expires)
    bench.check.that(
        sent is not None,
        f"{rule} — dateTimeSent avec décalage horaire",
        "AAAA-MM-JJThh:mm:ss±hh:mm",
        str(view.date_time_sent),
        dist,
        soft=True,
    )
    if sent is not None:
        drift = abs((sent - msg.at).total_seconds())
        bench.check.that(
            drift <= CLOCK_TOLERANCE_S,
            f"{rule} — horloge (dateTimeSent ≈ heure du hub)",
            f"écart ≤ {CLOCK_TOLERANCE_S:g} s",
            f"écart {drift:.0f} s",
            dist,
            soft=True,
        )
    bench.check.that(
        expires is not None and expires > msg.at and (sent is None or expires >= sent),
        f"{rule} — dateTimeExpires futur et ≥ dateTimeSent",
        "date future ≥ dateTimeSent",
        str(view.date_time_expires),
        dist,
        soft=True,
    )
    charge_hub_errors(bench, msg, (400, 501), rule)


def burst_unique_ids(bench: ScenarioEngine, count: int, rule: str) -> None:
    partner = bench.ctx.partner_id
    since = bench.ctx.clock.now()
    with bench.prompt(
        "send_messages_burst",
        f"Envoyez {count} messages vides à la suite à {partner}",
        {"recipient": partner, "count": count, "use_case": "customContent", "format": "json"},
    ) as prompt:
        found = bench.trace.wait_for(
            since, lambda m: not _is_ack(m), prompt.remaining(), bench.ctx.clock, count=count
        )
        if len(found) < count:
            raise NothingReceived(
                f"{count} messages en rafale ({len(found)} reçus)", bench.ctx.timeouts.operator, rule
            )
    ids = [EnvelopeView(envelope_of(m) or {}).distribution_id for m in found]
    burst_rows = {m.id for m in found}
    earlier = {
        m.distribution_id
        for m in bench.trace.published_by_vendor(bench.shared.get("run_start", since))
        if m.id not in burst_rows and m.distribution_id
    }
    repeated = sorted({i for i in ids if i is None or ids.count(i) > 1 or i in earlier}, key=str)
    bench.check.that(
        not repeated,
        rule,
        "distributionID tous différents, jamais réutilisés",
        f"réutilisé(s) : {', '.join(map(str, repeated))}"
        if repeated
        else f"{len(ids)} identifiants distincts",
    )


def partner_sends(bench: ScenarioEngine) -> None:
    env = bench.partner.build(custom_content_use_case(banc="palier 3", objet="acquittement attendu"))
    bench.memo["since"] = bench.ctx.clock.now()
    bench.memo["sent_at"] = bench.ctx.clock.monotonic()
    bench.memo["sent_id"] = bench.partner.send(bench.scenario_id, env)


def _acks(msg: TracedMessage, referenced: str) -> bool:
    env = envelope_of(msg)
    return env is not None and EnvelopeView(env).referenced_id == referenced


def check_vendor_acks(bench: ScenarioEngine, rule: str) -> None:
    sent_id, since = bench.memo["sent_id"], bench.memo["since"]
    timeout = bench.ctx.timeouts.reply
    found = bench.trace.wait_for(since, lambda m: _acks(m, sent_id), timeout, bench.ctx.clock)
    if not found:
        raise NothingReceived(f"RC-REF de {bench.ctx.client_id} pour {sent_id}", timeout, rule)
    seen = bench.ctx.clock.monotonic() - bench.memo["sent_at"]  # as the bench sees it: hub and trace included
    bench.shared[RC_REF_DELAY] = max(seen, bench.shared.get(RC_REF_DELAY, 0.0))
    env = envelope_of(found[0]) or {}
    view = EnvelopeView(env)
    bench.check.equal(
        view.distribution_kind, "Ack", f"{rule} — distributionKind", view.distribution_id, soft=True
    )
    bench.check.equal(
        view.recipient_id,
        bench.ctx.partner_id,
        f"{rule} — destinataire = émetteur du message",
        view.distribution_id,
        soft=True,
    )
    check_rc_de(bench, env, rule)


def partner_acks_vendor_message(bench: ScenarioEngine, rule: str) -> None:
    msg = vendor_message(bench, "json", rule)
    if not msg.distribution_id:
        raise CheckFailed(rule, "un message du système avec un distributionID", "aucun distributionID")
    ack = build_ack(bench.ctx.partner_id, bench.ctx.client_id, msg.distribution_id)
    bench.memo["since"] = bench.ctx.clock.now()
    bench.memo["acked_at"] = bench.ctx.clock.monotonic()
    bench.memo["ack_id"] = bench.partner.send(bench.scenario_id, ack)


def absence_window(bench: ScenarioEngine) -> float:
    """How long the bench watches that the vendor does NOT acknowledge an acknowledgement.

    The spec gives no delay for an RC-REF (DST 1.2 §3.3.2: "once integrated"), so the window is set by
    the vendor itself: a system that wrongly acks acks does it through the same path as its RC-REFs,
    so `ABSENCE_FACTOR` times the slowest RC-REF it sent in this run (bench → hub → vendor → hub →
    trace), never less than `timeouts.quiet`. Without such a measure in the run (scenario filtered
    out or failed), the generous `quiet + reply / 2` of before; never longer than that either.
    """
    t = bench.ctx.timeouts
    ceiling = t.quiet + t.reply / 2
    seen: float | None = bench.shared.get(RC_REF_DELAY)
    if seen is None:
        return ceiling
    return min(ceiling, max(t.quiet, ABSENCE_FACTOR * seen))


def check_ack_not_acked(bench: ScenarioEngine, rule: str) -> None:
    ack_id = bench.memo["ack_id"]
    window = absence_window(bench)
    remaining = max(0.0, window - (bench.ctx.clock.monotonic() - bench.memo["acked_at"]))
    found = bench.trace.wait_for(bench.memo["since"], lambda m: _acks(m, ack_id), remaining, bench.ctx.clock)
    bench.check.that(
        not found,
        rule,
        f"aucun RC-REF en réponse à l'acquittement {ack_id} (observé {window:.1f} s)",
        f"RC-REF {found[0].distribution_id} reçu" if found else f"aucun en {window:.1f} s",
        found[0].distribution_id if found else ack_id,
    )

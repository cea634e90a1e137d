"""The dispatcher's decision for one message — pure: no I/O, no clock of its own.

Source: the Java dispatcher, `ansforge/SAMU-Hub-Sante` `hub/dispatcher/src/main/java/com/hubsante/hub/`
(`service/Dispatcher.java`, `service/MessageHandler.java`, `utils/MessageUtils.java`).

`decide(inbound, ctx)` reproduces the Java dispatcher's `dispatch` listener step by step and returns a
`Forward` (publish on `distribution`) or a `Reject` (publish an RS-ERROR on the sender's `.info`, then
reject the input without requeue). `decide_dead_letter(inbound, ctx)` is the `dispatchDLQ` listener:
a `Reject` carrying a 500 report, or a `Drop`.

Order of the checks (the Java `dispatch` listener), first failure wins:
 1. content type: exactly `application/json` → JSON; `application/xml`, or any type when the routing
    key is absent or not `fr.health…` (partner hub) → XML; else 101 (distributionID by regex).
 2. parse: JSON body not parseable → 301 (the hub's Jackson `IOException`); no pack for the vhost →
    301; readable JSON that is not an object (array, string, number) → 300 with the CAUTION prefix
    (the hub parses it, then its schema check fails); XML not readable → 300 "Something went wrong
    with the XSD Validator" with the CAUTION prefix. JSON nested deeper than the validator can follow
    (255 levels; Jackson stops at 1000) → 301, like a body Jackson cannot read.
 3. full-schema validation of the vhost's pack → 300; envelope KO → CAUTION prefix + distributionID by
    regex (`"distributionID"\\s*:\\s*"([\\w._-]+)"`, then `<distributionID>…</distributionID>`, else
    `distributionID_could_not_be_extracted`).
 4. 102: the hub's JSON mapper fails on unknown properties while the schema leaves `message` open; we
    report 102 when the first `message` of a JSON body holds a key that is neither a use-case key nor an
    RC-DE field (official sample `unparsable-content.json`). XML is never 102 (lenient XML mapper).
 5. 501 when neither sender nor recipient starts with `fr.health`.
 6. CISU conversion (`hubbench.conversion`): health ↔ non-health `createCase` / `createCaseHealth` when
    the health actor is not directCISU. With `DispatchContext.cisu_conversion` (`[hub] cisu_conversion`
    in config.toml) the converted message
    replaces the received one for the next steps and is always re-encoded for the recipient; a converter
    refusal is a 300 to `<routingKey>.info` whose cause is "Error during internal call to Hub Santé
    conversion service: <converter text>" (`ansforge/SAMU-Hub-Sante`, `…/service/ConversionHandler.java`,
    `dispatcher-1.4.0`). Off by default until the 15-NexSIS scenarios choose by the vendor's
    declaration: the message is then forwarded as it is, and the trace says so (`facts.notes`).
 7. 200 when a `fr.health` routing key differs from `senderID` (report to `<routingKey>.info`); a
    partner-hub mismatch is only noted.
 8. 100 when `delivery_mode` ≠ 2 for a `fr.health` routing key; partner hubs only noted.
 9. 300 when, for a `fr.health` routing key, `distributionID.split("_")[0]` ≠ `senderID`.
10. expiry, in whole seconds like the hub: TTL = dateTimeExpires − now; TTL ≤ 0 → 400; when
    dateTimeExpires < now + default TTL, `expiration` = TTL×1000 (ms, string). Other properties are
    cloned (the publisher's own `expiration` too, as the Java `MessageHandler.forwardedMessage` does) except
    `user_id`, which the broker would refuse from the dispatcher's connection (RabbitMQ docs "Validated
    User-ID").
11. format per recipient: XML when the recipient's `useXML` is true, or the recipient is not health and
    is not `fr.cisu.sdisY`; else JSON. CHOICE: the real hub always re-serialises its parsed model; the
    bench forwards the ORIGINAL BYTES when the format is unchanged (the recipient sees exactly what the
    vendor sent, which is what a conformance bench must show, and it saves a re-encoding per message)
    and re-encodes only on a JSON ↔ XML change. `DispatchContext.reserialize=True` re-encodes always
    (bench/dispatch_throughput.py measures both).
12. route `<explicitAddressValue>.<message|ack|info>` (Ack→ack, Error→info), header
    `x-death-original-routing-key` = received routing key.

Where the hub's code and DST 1.2 differ, DST 1.2 wins; where DST 1.2 is silent, the hub's code is
followed. Error causes are the hub's English texts (`causes.py`); French explanations go to the trace.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from hubbench import protocol
from hubbench.conversion import ConversionError, Converted, conversion_decision, convert
from hubbench.hub.dispatcher import causes
from hubbench.protocol import (
    KINDS,
    RC_DE_FIELDS,
    EnvelopeView,
    ErrorCode,
    Issue,
    PackValidator,
    SchemaPack,
    build_error_report,
    message_of,
    queue_suffix,
)

JSON = "application/json"
XML = "application/xml"
HEALTH_PREFIX = "fr.health"
CISU_ID = "fr.cisu.sdisY"
ORIGINAL_ROUTING_KEY = "x-death-original-routing-key"
FIRST_DEATH_REASON = "x-first-death-reason"
ID_UNAVAILABLE = "distributionID_could_not_be_extracted"
_JSON_ID = re.compile(rb'"distributionID"\s*:\s*"([\w._-]+)"')
_XML_ID = re.compile(rb"<distributionID>([\w._-]+)</distributionID>")


def is_health(client_id: str | None) -> bool:
    return client_id is not None and client_id.startswith(HEALTH_PREFIX)


def extract_distribution_id(body: bytes) -> str:
    """The hub's regex salvage of a distributionID from an unreadable body."""
    match = _JSON_ID.search(body) or _XML_ID.search(body)
    return match.group(1).decode("ascii", "replace") if match else ID_UNAVAILABLE


@dataclass(frozen=True)
class Inbound:
    """One AMQP delivery as the dispatcher received it."""

    body: bytes
    content_type: str | None
    delivery_mode: int | None
    headers: Mapping[str, Any]
    expiration: str | None
    routing_key: str | None
    vhost: str
    received_at: datetime
    properties: Mapping[str, Any] = field(default_factory=dict)  # other properties, cloned on forward


@dataclass(frozen=True)
class DispatchContext:
    """What the decision depends on besides the message."""

    validator: PackValidator | None  # the vhost's pack; None → 301 (schema not found)
    use_xml: Mapping[str, bool]  # client preferences {client_id: useXML}
    now: Callable[[], datetime]
    default_ttl_s: float  # = settings.message_ttl_ms / 1000 (client-queue TTL)
    reserialize: bool = False  # True: always re-encode the forwarded body, like the real hub
    direct_cisu: Mapping[str, bool] = field(default_factory=dict)  # {client_id: directCISU}
    cisu_conversion: bool = False  # True: convert health ↔ CISU cases like the real hub (step 6)

    @property
    def pack(self) -> SchemaPack | None:
        return self.validator.pack if self.validator is not None else None


@dataclass
class Facts:
    """What the pipeline could read of the message, for the trace and the counters."""

    routing_key: str | None
    sender_id: str | None = None
    recipient_id: str | None = None
    distribution_id: str | None = None
    distribution_kind: str | None = None
    kind: str | None = None
    issues: list[dict[str, Any]] = field(default_factory=list)  # French, {path, rule, …, scope}
    notes: list[str] = field(default_factory=list)  # French, things logged but not reported
    converted: bool = False  # the forwarded body is a CISU conversion of the received one


@dataclass(frozen=True)
class ErrorReport:
    code: ErrorCode
    cause: str  # the hub's English text
    recipient_id: str  # the client whose .info receives it
    referenced_id: str
    envelope: dict[str, Any]
    body: bytes
    content_type: str

    @property
    def routing_key(self) -> str:
        return f"{self.recipient_id}.info"


@dataclass(frozen=True)
class Forward:
    routing_key: str
    body: bytes
    content_type: str
    properties: dict[str, Any]  # aio-pika Message keyword arguments (expiration in ms string)
    facts: Facts


@dataclass(frozen=True)
class Reject:
    report: ErrorReport
    facts: Facts


@dataclass(frozen=True)
class Drop:
    reason: str  # French
    facts: Facts


Decision = Forward | Reject | Drop


class _Refused(Exception):
    def __init__(self, code: ErrorCode, cause: str, referenced_id: str, *, to: str | None = None,
                 issues: list[Issue] | None = None, explanation: str = "") -> None:
        super().__init__(cause)
        self.code, self.cause, self.referenced_id, self.to = code, cause, referenced_id, to
        self.issues, self.explanation = issues or [], explanation


def wants_xml(client_id: str, use_xml: Mapping[str, bool], *, forwarding: bool) -> bool:
    """Forwarded messages (`forwardedMessage`) and error reports (`convertToXML`) follow the client's
    useXML."""
    preference = use_xml.get(client_id)
    if forwarding:
        return bool(preference) or (not is_health(client_id) and client_id != CISU_ID)
    return preference if preference is not None else client_id.startswith("fr.fire")


def encode(env: Mapping[str, Any], xml: bool, ctx: DispatchContext) -> tuple[bytes, str]:
    return protocol.encode(env, "xml" if xml else "json", pack=ctx.pack)


# ---------------------------------------------------------------------------------------------- decide
def decide(inbound: Inbound, ctx: DispatchContext) -> Decision:
    facts = Facts(routing_key=inbound.routing_key)
    source: Any = None
    try:
        env, source = _read(inbound, ctx, facts)
        return _route(inbound, ctx, env, facts)
    except _Refused as refused:
        for issue in refused.issues:
            facts.issues.append(issue.as_json())
        if refused.explanation:
            facts.issues.append({"path": "$", "rule": f"hub-{int(refused.code)}", "expected": "",
                                 "found": "", "message": refused.explanation, "scope": "dispatch"})
        to = refused.to or inbound.routing_key or ""
        report = error_report(to, refused.code, refused.cause, source, refused.referenced_id, ctx)
        return Reject(report, facts)


def error_report(to: str, code: ErrorCode, cause: str, source: Any, referenced_id: str,
                 ctx: DispatchContext) -> ErrorReport:
    env = build_error_report(to, code, cause, source if isinstance(source, Mapping) else None,
                             referenced_id, sent_at=ctx.now())
    body, content_type = encode(env, wants_xml(to, ctx.use_xml, forwarding=False), ctx)
    return ErrorReport(code, cause, to, referenced_id, env, body, content_type)


def _read(inbound: Inbound, ctx: DispatchContext, facts: Facts) -> tuple[dict[str, Any], Any]:
    """Steps 1–4: content type, parse, validation, mapping. Returns (envelope, source map)."""
    body, rk = inbound.body, inbound.routing_key
    if inbound.content_type == JSON:
        fmt = JSON
    elif inbound.content_type == XML or not is_health(rk):
        fmt = XML
    else:
        raise _Refused(ErrorCode.NOT_ALLOWED_CONTENT_TYPE, causes.CONTENT_TYPE, extract_distribution_id(body),
                       explanation=f"content_type « {inbound.content_type} » refusé : application/json ou "
                                   "application/xml attendu (DST 3.4.1)")
    if ctx.validator is None:
        raise _Refused(ErrorCode.SCHEMA_NOT_FOUND, causes.INTERNAL_ERROR, extract_distribution_id(body),
                       explanation=f"aucun pack de schémas pour le vhost « {inbound.vhost} »")
    try:
        env = protocol.decode(body, fmt, ctx.pack)
    except protocol.DecodeError as exc:
        if exc.reason == "not_object":  # readable JSON (array, string…): the hub's schema check fails → 300
            issue = Issue("$", "type", "object", exc.detail, f"enveloppe : objet JSON attendu, {exc.detail}",
                          "envelope")
            raise _Refused(ErrorCode.INVALID_MESSAGE, causes.envelope_failure([issue]),
                           extract_distribution_id(body), issues=[issue]) from exc
        if fmt == JSON:  # the hub's Jackson parse error is an IOException → 301
            raise _Refused(ErrorCode.SCHEMA_NOT_FOUND, causes.INTERNAL_ERROR, extract_distribution_id(body),
                           explanation=f"corps illisible en JSON : {exc.message}") from exc
        raise _Refused(ErrorCode.INVALID_MESSAGE, f"{causes.CAUTION}\n{causes.XSD_FAILURE}",
                       extract_distribution_id(body),
                       explanation=f"corps illisible en XML : {exc.message}") from exc
    source = env if isinstance(env, dict) else None
    try:
        report = ctx.validator.validate_message(env)
    except (ValueError, RecursionError) as exc:  # jsonschema-rs stops at 255 levels of nesting
        raise _Refused(ErrorCode.SCHEMA_NOT_FOUND, causes.INTERNAL_ERROR, extract_distribution_id(body),
                       explanation=f"imbrication trop profonde pour la validation ({exc})") from exc
    view = EnvelopeView(env if isinstance(env, Mapping) else {})
    _fill(facts, view, report.kind)
    if report.envelope_errors:
        raise _Refused(ErrorCode.INVALID_MESSAGE, causes.envelope_failure(report.envelope_errors),
                       extract_distribution_id(body), issues=report.errors)
    if report.content_errors:
        raise _Refused(ErrorCode.INVALID_MESSAGE, causes.schema_failure([], report.content_errors),
                       view.distribution_id or ID_UNAVAILABLE, issues=report.errors)
    if fmt == JSON:
        unknown = [k for k in message_of(env) if k not in KINDS and k not in RC_DE_FIELDS]
        if unknown:
            raise _Refused(ErrorCode.UNRECOGNIZED_MESSAGE_FORMAT, causes.INTERNAL_ERROR,
                           extract_distribution_id(body),
                           explanation=f"clé(s) inconnue(s) dans message : {', '.join(unknown)} (le schéma "
                                       "les tolère, le modèle du hub les refuse)")
    return env, source


def _fill(facts: Facts, view: EnvelopeView, kind: str | None) -> None:
    facts.sender_id, facts.recipient_id = view.sender_id, view.recipient_id
    facts.distribution_id, facts.distribution_kind = view.distribution_id, view.distribution_kind
    facts.kind = kind or view.kind


def _route(inbound: Inbound, ctx: DispatchContext, env: dict[str, Any], facts: Facts) -> Forward:
    """Steps 5–12 on a schema-valid envelope."""
    dist_id = facts.distribution_id or ID_UNAVAILABLE
    sender, recipient = facts.sender_id or "", facts.recipient_id or ""
    rk = inbound.routing_key or ""
    if not is_health(sender) and not is_health(recipient):
        raise _Refused(ErrorCode.UNROUTABLE_MESSAGE, causes.no_health_actor(dist_id), dist_id,
                       explanation="ni l'émetteur ni le destinataire n'est un acteur santé (fr.health…)")
    conversion = conversion_decision(sender, recipient, facts.kind, inbound.vhost,
                                     ctx.direct_cisu.get(recipient if is_health(recipient) else sender))
    converted = conversion.converts and ctx.cisu_conversion
    if converted:
        env = _convert(env, facts, dist_id, conversion.reason)
        facts.converted = True
    elif conversion.converts:
        facts.notes.append(f"conversion CISU non activée ({conversion.reason}) : message transmis tel quel")
    if rk != sender:
        if is_health(rk):
            raise _Refused(ErrorCode.SENDER_INCONSISTENCY, causes.sender_inconsistency(dist_id, sender, rk),
                           dist_id, to=rk,
                           explanation=f"senderID « {sender} » ≠ clé de routage « {rk} » (DST 3.4.3)")
        facts.notes.append(f"clé de routage partenaire « {rk} » ≠ senderID « {sender} » (journalisé)")
    if inbound.delivery_mode != 2:
        if is_health(rk):
            raise _Refused(ErrorCode.DELIVERY_MODE_INCONSISTENCY, causes.non_persistent(dist_id), dist_id,
                           explanation=f"delivery_mode {inbound.delivery_mode} : 2 (persistant) attendu "
                                       "(DST 3.2)")
        facts.notes.append(f"message partenaire non persistant (delivery_mode {inbound.delivery_mode})")
    prefix = dist_id.split("_")[0]
    if is_health(rk) and prefix != sender:
        raise _Refused(ErrorCode.INVALID_MESSAGE, causes.invalid_distribution_id(dist_id, sender, prefix),
                       dist_id, explanation=f"distributionID « {dist_id} » : préfixe « {prefix} » ≠ "
                                            f"senderID « {sender} » (DST 3.4.3)")
    expiration = _expiration(env, inbound, ctx, dist_id)
    return _forward(inbound, ctx, env, facts, recipient, expiration, reencode=converted)


def _convert(env: dict[str, Any], facts: Facts, dist_id: str, reason: str) -> dict[str, Any]:
    """The converted message (a create-case conversion yields exactly one), or a 300 refusal."""
    try:
        outcome = convert(env)
    except ConversionError as exc:
        raise _Refused(ErrorCode.INVALID_MESSAGE, exc.hub_error_cause, dist_id,
                       explanation=f"{reason} ; le convertisseur refuse le message "
                                   f"(HTTP {exc.http_status}) : {exc.cause}") from exc
    if not isinstance(outcome, Converted) or len(outcome.messages) != 1:  # never for a create case
        raise _Refused(ErrorCode.INVALID_MESSAGE, causes.INTERNAL_ERROR, dist_id,
                       explanation=f"{reason} ; le convertisseur ne produit pas un message unique")
    delivered = outcome.messages[0]
    target = next((k for k in message_of(delivered) if k not in RC_DE_FIELDS), "?")
    facts.notes.append(f"{reason} : {outcome.source_key} → {target} (corps converti transmis)")
    return delivered


def _expiration(env: Mapping[str, Any], inbound: Inbound, ctx: DispatchContext, dist_id: str) -> str | None:
    try:
        expires = datetime.fromisoformat(str(env["dateTimeExpires"]))
    except ValueError as exc:  # schema-valid yet unreadable by the hub's date mapper → mapping failure
        raise _Refused(ErrorCode.UNRECOGNIZED_MESSAGE_FORMAT, causes.INTERNAL_ERROR, dist_id,
                       explanation=f"dateTimeExpires illisible : {env['dateTimeExpires']!r}") from exc
    if expires.tzinfo is None:
        expires = expires.astimezone()
    now_s = int(ctx.now().timestamp())
    ttl_s = int(expires.timestamp()) - now_s
    if ttl_s <= 0:
        raise _Refused(ErrorCode.EXPIRED_MESSAGE_BEFORE_ROUTING, causes.expired(dist_id), dist_id,
                       explanation=f"dateTimeExpires {env['dateTimeExpires']} déjà dépassé à la réception")
    if expires.timestamp() < now_s + ctx.default_ttl_s:
        return str(ttl_s * 1000)
    return inbound.expiration


def _forward(inbound: Inbound, ctx: DispatchContext, env: dict[str, Any], facts: Facts, recipient: str,
             expiration: str | None, *, reencode: bool = False) -> Forward:
    to_xml = wants_xml(recipient, ctx.use_xml, forwarding=True)
    same = (inbound.content_type == XML) == to_xml and inbound.content_type in (JSON, XML) and not reencode
    if same and not ctx.reserialize:
        body, content_type = inbound.body, inbound.content_type or JSON
    else:
        body, content_type = encode(env, to_xml, ctx)
    headers = dict(inbound.headers)
    headers[ORIGINAL_ROUTING_KEY] = inbound.routing_key or ""
    properties = {k: v for k, v in inbound.properties.items() if k != "user_id"}
    properties.update(delivery_mode=inbound.delivery_mode, expiration=expiration, headers=headers)
    routing_key = f"{recipient}.{queue_suffix(facts.distribution_kind)}"
    return Forward(routing_key, body, content_type, properties, facts)


# ----------------------------------------------------------------------------------------- dead letters
def decide_dead_letter(inbound: Inbound, ctx: DispatchContext) -> Reject | Drop:
    """`dispatchDLQ`: 500 DEAD_LETTER_QUEUED to the original sender's .info, or drop.

    No `x-death-original-routing-key` (hub-made error reports) → drop, no report; a header naming an
    `.info` queue (a dead-lettered info) → drop too (hub unit test `handleDLQInfo`).
    """
    facts = Facts(routing_key=inbound.routing_key)
    sender = inbound.headers.get(ORIGINAL_ROUTING_KEY)
    env: Any = None
    try:
        env = protocol.decode(inbound.body, inbound.content_type, ctx.pack)
    except protocol.DecodeError:
        env = None
    view = EnvelopeView(env if isinstance(env, Mapping) else {})
    _fill(facts, view, None)
    if isinstance(sender, bytes):
        sender = sender.decode("utf-8", "replace")
    if not isinstance(sender, str) or not sender:
        return Drop("lettre morte sans x-death-original-routing-key (rapport du hub) : ignorée", facts)
    if sender.endswith(".info"):
        return Drop(f"lettre morte d'une file .info ({sender}) : pas de rapport", facts)
    reason = inbound.headers.get(FIRST_DEATH_REASON)
    reason = reason.decode() if isinstance(reason, bytes) else str(reason)
    dist_id = view.distribution_id or extract_distribution_id(inbound.body)
    cause = causes.dead_lettered(dist_id, reason)
    explanation = f"message {dist_id} non consommé par son destinataire (raison : {reason})"
    facts.issues.append({"path": "$", "rule": "hub-500", "expected": "", "found": reason,
                         "message": explanation, "scope": "dispatch"})
    return Reject(error_report(sender, ErrorCode.DEAD_LETTER_QUEUED, cause, env, dist_id, ctx), facts)

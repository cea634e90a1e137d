"""What the reference vendor does with each delivery and each prompt: pure decisions, no I/O.

The runtime (`sim.vendor`) feeds deliveries and prompts in and carries the decisions out (settle the
delivery, publish the replies). Keeping the decisions here lets the profiles be tested without a
broker. Deviations of a fault profile touch only the rule it names: the RC-REF acknowledgements the
vendor sends are always well-formed, so a sending fault shows on the prompted messages alone.
"""

from __future__ import annotations

import json
import re
import unicodedata
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from hubbench import protocol
from hubbench.protocol import (
    HUB_ID,
    EnvelopeView,
    SchemaPack,
    build_ack,
    build_message,
    custom_content_use_case,
    technical_noreq_use_case,
    technical_use_case,
)
from hubbench.sim.case_store import FUNCTIONAL_KINDS
from hubbench.sim.profiles import DeliveryMode, Profile, SenderIdentity, Settle

JSON = "application/json"
_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}")
MAX_SEND_COUNT = 100  # a prompt never makes the vendor send more than this at once

Integrate = Callable[[dict[str, Any]], str]  # functional message → log line (French)
Screen = Callable[[dict[str, Any]], str | None]  # a received message → why it cannot be accepted, or None
REFUSAL_CODE = protocol.ErrorCode.INVALID_MESSAGE  # the code its error messages carry (à vérifier: no
# public list of vendor error codes; the hub's own 300 names a message invalid against the schemas)


@dataclass(frozen=True)
class Outgoing:
    """A message to publish on `hubsante` with the vendor's own routing key."""

    envelope: dict[str, Any]
    body: bytes
    content_type: str
    delivery_mode: DeliveryMode

    @property
    def distribution_id(self) -> str | None:
        return EnvelopeView(self.envelope).distribution_id


@dataclass(frozen=True)
class Handling:
    settle: Settle
    replies: tuple[Outgoing, ...] = ()
    note: str = ""  # French, for the vendor's log
    integrated_id: str | None = None  # distributionID newly integrated (to remember it)


@dataclass
class VendorState:
    """What the vendor remembers between deliveries: the functional messages already integrated."""

    integrated: set[str] = field(default_factory=set)


def _ack_reply(own_id: str, to: str, acked_id: str) -> Outgoing:
    env = build_ack(own_id, to, acked_id)
    body, content_type = protocol.encode(env, "json")
    return Outgoing(env, body, content_type, delivery_mode=2)


def refusal(profile: Profile, own_id: str, sender: str, refused_id: str, cause: str,
            source: dict[str, Any]) -> tuple[Outgoing, Outgoing]:
    """Its error message about a message it refuses (kind Error, lands on the sender's .info), then the
    RC-REF that refuses it (`refused`, `errorDistributionID`: ansforge/SAMU-Hub-Modeles,
    RC-REF.schema.json)."""
    error = {"error": {"errorCode": {"statusCode": int(REFUSAL_CODE), "statusString": REFUSAL_CODE.name},
                       "errorCause": cause if profile.error_cause else "",
                       "sourceMessage": source, "referencedDistributionID": refused_id}}
    error_env = build_message(own_id, sender, error, distribution_kind="Error")
    ack_env = build_ack(own_id, sender, refused_id)
    if profile.refuse_in_rc_ref:
        reference = protocol.message_of(ack_env)["reference"]
        reference.update(refused=True, errorDistributionID=error_env["distributionID"])
    error_body, error_type = protocol.encode(error_env, "json")
    ack_body, ack_type = protocol.encode(ack_env, "json")
    return (Outgoing(error_env, error_body, error_type, delivery_mode=2),
            Outgoing(ack_env, ack_body, ack_type, delivery_mode=2))


def handle_delivery(profile: Profile, own_id: str, state: VendorState, queue_suffix: str,
                    body: bytes, content_type: str | None, *, integrate: Integrate | None = None,
                    pack: SchemaPack | None = None, screen: Screen | None = None) -> Handling:
    """Decide what to do with one delivery from `<own_id>.<queue_suffix>`.

    `integrate` takes a functional message (a use case about a case) into the vendor's cases and
    returns the log line; `pack` guides the reading of XML bodies (types of the vhost's schemas);
    `screen` says why a message cannot be accepted (invalid against the vhost's schemas): it is refused.
    """
    try:
        env = protocol.decode(body, content_type or "", pack)
    except protocol.DecodeError as exc:
        return Handling(profile.settle_undecodable, note=f"message indécodable sur .{queue_suffix} : {exc}")
    view = EnvelopeView(env)
    dist_id, sender, kind = view.distribution_id, view.sender_id, view.distribution_kind
    if queue_suffix == "info":
        code = _error_code(view.use_case)
        settle = Settle.ACK if profile.drain_info else Settle.KEEP
        return Handling(settle, note=f"information reçue de {sender} ({kind}{code}) : {dist_id}")
    if queue_suffix == "ack":
        replies: tuple[Outgoing, ...] = ()
        if profile.ack_acks and dist_id and sender and sender != HUB_ID:
            replies = (_ack_reply(own_id, sender, dist_id),)
        return Handling(Settle.ACK, replies, note=f"RC-REF reçu de {sender} pour {view.referenced_id}")
    if kind in ("Ack", "Error") or not dist_id or not sender:
        return Handling(profile.settle_message, note=f"message {kind} de {sender} ignoré : {dist_id}")
    cause = screen(env) if screen is not None and sender != HUB_ID else None
    if cause is not None:
        error, ack = refusal(profile, own_id, sender, dist_id, cause, env)
        replies = (error, ack) if profile.send_rc_ref else (error,)
        return Handling(profile.settle_message, replies,
                        note=f"message de {sender} refusé ({cause}) : {dist_id}")
    functional = integrate is not None and view.kind in FUNCTIONAL_KINDS
    replies = ()
    if (profile.send_rc_ref and sender != HUB_ID and view.kind not in profile.rc_ref_skip_kinds
            and not rc_ref_withheld(profile, view)):
        replies = (_ack_reply(own_id, sender, dist_id),)
    if dist_id in state.integrated:
        if functional and not profile.duplicate_on_resend:  # the sender waits for its RC-REF again
            if not profile.reack_duplicate:
                return Handling(profile.settle_message, note=f"{view.kind} déjà intégré, ignoré : {dist_id}")
            return Handling(profile.settle_message, replies,
                            note=f"{view.kind} déjà intégré, RC-REF renvoyé : {dist_id}")
        if not functional:
            return Handling(profile.settle_message, note=f"doublon déjà intégré : {dist_id}")
    note = integrate(env) if functional and integrate is not None else \
        f"message {view.kind} de {sender} intégré"
    return Handling(profile.settle_message, replies, note=f"{note} : {dist_id}", integrated_id=dist_id)


ACCEPTED_ANSWER = "#REPONSE_DEMANDE_CONCOURS#ACCEPTE#"


def rc_ref_withheld(profile: Profile, view: EnvelopeView) -> bool:
    """The faults that skip the RC-REF of one kind of functional message (it is still integrated)."""
    body = view.use_case
    if not isinstance(body, Mapping):
        return False
    if not profile.rc_ref_refused_answer and view.kind == "emsi":
        raw = body.get("MISSION")
        missions: list[Any] = raw if isinstance(raw, list) else []
        names = [str(m.get("NAME", "")) for m in missions if isinstance(m, Mapping)]
        return any(n.startswith("#REPONSE_DEMANDE_CONCOURS#") and n != ACCEPTED_ANSWER for n in names)
    if not profile.rc_ref_location_update and view.kind == "createCaseHealthUpdate":
        return set(body) - {"caseId", "senderCaseId"} == {"location"}
    return False


def longest_string(body: bytes) -> int:
    """Length of the longest string value of a JSON body (0 when unreadable)."""
    try:
        return max((len(text) for text in _strings(json.loads(body))), default=0)
    except (ValueError, UnicodeDecodeError):
        return 0


def far_date_in_model(body: bytes) -> bool:
    """A model message (not free `customContent`) with a date-time before 1900 or after 2100 (the
    `rejette-dates-limites` profile's date parser refuses them)."""
    try:
        message = json.loads(body)["content"][0]["jsonContent"]["embeddedJsonContent"]["message"]
    except (ValueError, UnicodeDecodeError, KeyError, IndexError, TypeError):
        return False
    if not isinstance(message, dict) or "customContent" in message:
        return False
    years = [int(t[:4]) for t in _strings(message) if _DATE_TIME.match(t)]
    return any(year < 1900 or year > 2100 for year in years)


def unusual_text(body: bytes) -> bool:
    """A string value with characters outside the Basic Multilingual Plane or invisible controls (the
    `arret-sur-texte-inhabituel` profile's parser stops on them)."""
    try:
        texts = list(_strings(json.loads(body)))
    except (ValueError, UnicodeDecodeError):
        return False
    return any(ord(c) > 0xFFFF or unicodedata.category(c) in ("Cc", "Cf") for t in texts for c in t)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _error_code(use_case: Any) -> str:
    if isinstance(use_case, Mapping) and isinstance(use_case.get("errorCode"), Mapping):
        return f", erreur {use_case['errorCode'].get('statusCode')}"
    return ""


def _use_case(name: str, index: int) -> dict[str, Any]:
    text = f"Message vide n°{index} du système de référence"
    if name == "technical":
        return technical_use_case(text, ["valeur"])
    if name == "technicalNoreq":
        return technical_noreq_use_case(optionalStringField=text)
    if name == "customContent":
        return custom_content_use_case(message=text)
    raise ValueError(f"cas d'usage non pris en charge par le vendeur de référence : {name!r}")


def other_sender(own_id: str) -> str:
    """The foreign senderID the `mauvais-emetteur` profile writes (its routing key stays its own)."""
    return f"{own_id}usurpe"


def build_sends(profile: Profile, own_id: str, parameters: Mapping[str, Any], *, xml_line: str = "3"
                ) -> list[Outgoing]:
    """The functional messages a `send_message` / `send_messages_burst` prompt asks for.

    `xml_line` is the model line ("1", "2", "3") of the vhost, which sets the XML namespaces.
    """
    recipient = parameters.get("recipient")
    if not isinstance(recipient, str) or not recipient:
        raise ValueError("paramètre « recipient » absent de la consigne")
    fmt = str(parameters.get("format", "json")).lower()
    if fmt not in ("json", "xml"):
        raise ValueError(f"format inconnu : {fmt!r} (attendu json ou xml)")
    count = int(parameters.get("count", 1))
    if not 1 <= count <= MAX_SEND_COUNT:
        raise ValueError(f"nombre de messages hors limites : {count} (1 à {MAX_SEND_COUNT})")
    use_case_name = str(parameters.get("use_case", "customContent"))
    return [wrap(profile, own_id, recipient, _use_case(use_case_name, index), fmt=fmt, xml_line=xml_line)
            for index in range(1, count + 1)]


def wrap(profile: Profile, own_id: str, recipient: str, use_case: Mapping[str, Any], *, fmt: str = "json",
         xml_line: str = "3") -> Outgoing:
    """One message the vendor sends on its own initiative, with the envelope deviations of its profile."""
    sender = own_id if profile.sender is SenderIdentity.OWN else other_sender(own_id)
    dist_id = None if profile.prefix_distribution_id else str(uuid.uuid4())
    env = build_message(sender, recipient, use_case, distribution_id=dist_id)
    if profile.extra_envelope_field:
        env["senderRole"] = "SAMU"
    if fmt == "xml":
        body, content_type = protocol.json_to_xml(env, xml_line), profile.xml_content_type
    else:
        body, content_type = protocol.encode(env, "json")
    return Outgoing(env, body, content_type, profile.delivery_mode)

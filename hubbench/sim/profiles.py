"""Behaviour profiles of the reference vendor: `conforme` and one profile per broken rule.

A profile is plain data read by the vendor runtime (`sim.vendor`): every field is one rule the
runtime follows, with its conforming value as the default. A fault profile changes exactly one field,
so it breaks exactly one rule, explicitly (ENGINE_CONTRACT "Fault profiles").
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from hubbench.errors import UsageError


class Settle(enum.StrEnum):
    """What the vendor does with an AMQP delivery once it has handled it (DST 1.2 §3.3.1)."""

    ACK = "ack"  # basic.ack
    REJECT = "reject"  # basic.nack without requeue → dead-lettered, the sender gets 500
    REQUEUE = "requeue"  # basic.nack with requeue → redelivered again and again
    KEEP = "keep"  # never settled: stays "unacked" on the broker while the channel lives


class SenderIdentity(enum.StrEnum):
    OWN = "own"  # senderID = routing key = the vendor's client id
    OTHER = "other"  # senderID = another client id (the routing key stays the vendor's own)


@dataclass(frozen=True)
class Profile:
    name: str
    summary: str  # French, shown by `hubbench sim --list-profiles`
    broken_rule: str = ""  # French citation of the rule a fault profile breaks ("" for conforme)
    settle_message: Settle = Settle.ACK  # a decodable delivery on .message, after integration
    settle_undecodable: Settle = Settle.REJECT  # a delivery whose body cannot be decoded
    drain_info: bool = True  # settle (ack) .info deliveries; False: a consumer that never settles them
    send_rc_ref: bool = True  # RC-REF final ack for every functional message integrated
    ack_acks: bool = False  # also send an RC-REF for each RC-REF received (forbidden)
    delivery_mode: int = 2  # of the functional messages it sends
    sender: SenderIdentity = SenderIdentity.OWN
    prefix_distribution_id: bool = True  # distributionID = "<senderID>_<unique>"
    extra_envelope_field: bool = False  # adds a root field the hub profile of EDXL-DE forbids
    xml_content_type: str = "application/xml"  # content type declared for XML bodies

    @property
    def is_fault(self) -> bool:
        return bool(self.broken_rule)


CONFORME = Profile(
    name="conforme",
    summary="Système conforme : acquitte chaque livraison, envoie les RC-REF, draine .info et .ack.",
)

_FAULTS: tuple[Profile, ...] = (
    Profile(
        name="sans-ack",
        summary="N'acquitte jamais (basic.ack) les messages reçus sur .message : ils restent « unacked ».",
        broken_rule="Palier 2 — DST 1.2 §3.3.1 (acquittement AMQP après traitement)",
        settle_message=Settle.KEEP,
    ),
    Profile(
        name="requeue-infini",
        summary="Rejette les messages indécodables en les remettant en file (nack requeue) : boucle infinie.",
        broken_rule="Palier 2 — DST 1.2 §3.3.1 (rejet sans remise en file d'un message indécodable)",
        settle_undecodable=Settle.REQUEUE,
    ),
    Profile(
        name="non-persistant",
        summary="Publie ses messages avec delivery_mode 1 (non persistant).",
        broken_rule="Palier 3 — DST 1.2 §3.2 (delivery_mode 2)",
        delivery_mode=1,
    ),
    Profile(
        name="mauvais-emetteur",
        summary="Met dans senderID un identifiant différent de sa clé de routage.",
        broken_rule="Palier 3 — DST 1.2 §3.4.3 (senderID = clé de routage)",
        sender=SenderIdentity.OTHER,
    ),
    Profile(
        name="distribution-id-invalide",
        summary="Produit des distributionID qui ne commencent pas par « <senderID>_ ».",
        broken_rule="Palier 3 — DST 1.2 §3.4.3 (distributionID préfixé par senderID)",
        prefix_distribution_id=False,
    ),
    Profile(
        name="enveloppe-invalide",
        summary="Ajoute à l'enveloppe EDXL-DE un champ racine interdit (senderRole) : schéma non respecté.",
        broken_rule="Palier 3 — DST 1.2 §3.4.3 (enveloppe EDXL-DE conforme au schéma)",
        extra_envelope_field=True,
    ),
    Profile(
        name="sans-rc-ref",
        summary="N'envoie jamais d'acquittement de réception finale (RC-REF).",
        broken_rule="Palier 3 — DST 1.2 §3.3.2, §3.4.6 (RC-REF après intégration)",
        send_rc_ref=False,
    ),
    Profile(
        name="acquitte-les-acquittements",
        summary="Renvoie un RC-REF pour chaque RC-REF reçu.",
        broken_rule="Palier 3 — DST 1.2 §3.3.2 (on n'acquitte pas un acquittement)",
        ack_acks=True,
    ),
    Profile(
        name="ignore-info",
        summary="Ne traite jamais sa file .info : les messages y restent (son consommateur n'acquitte rien).",
        broken_rule="Palier 2 — DST 1.2 §3.3.4, §3.4.7 (consommation de la file .info)",
        drain_info=False,
    ),
    Profile(
        name="xml-mauvais-content-type",
        summary="Envoie ses messages XML en les déclarant application/json.",
        broken_rule="Palier 3 — DST 1.2 §3.4.1 (content_type cohérent avec le corps)",
        xml_content_type="application/json",
    ),
)

PROFILES: dict[str, Profile] = {p.name: p for p in (CONFORME, *_FAULTS)}


def get_profile(name: str) -> Profile:
    try:
        return PROFILES[name.strip().lower()]
    except KeyError:
        raise UsageError(
            f"Profil inconnu : {name!r} (attendu l'un de : {', '.join(PROFILES)})",
        ) from None

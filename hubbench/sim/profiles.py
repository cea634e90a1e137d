"""Behaviour profiles of the reference vendor: `conforme` and one profile per broken rule.

A profile is plain data read by the vendor runtime (`sim.vendor`): every field is one rule the
runtime follows, with its conforming value as the default. A fault profile changes exactly one field,
so it breaks exactly one rule, explicitly (its `broken_rule`).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Literal

from hubbench.errors import UsageError
from hubbench.events import ROBUSTNESS_TIER

DeliveryMode = Literal[1, 2]  # AMQP basic properties: 1 transient, 2 persistent


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
class StepChange:
    """One value the operator re-types wrongly in one send step of one official test case."""

    case_label: str  # the case's label in test_cases.json
    step_id: str
    path: str  # JSONPath in the use case ($.createCaseHealthUpdate…)
    value: str


# A free-text value valid on every line, expected by the step (not in its ignoredProperties).
WRONG_DIAGNOSIS = StepChange("Monsieur X - Editeur 09 / Hub Santé 31", "02a",
                             "$.createCaseHealthUpdate.patient[0].hypothesis.mainDiagnosis.label",
                             "Diagnostic ressaisi autrement")


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
    delivery_mode: DeliveryMode = 2  # of the functional messages it sends
    sender: SenderIdentity = SenderIdentity.OWN
    prefix_distribution_id: bool = True  # distributionID = "<senderID>_<unique>"
    extra_envelope_field: bool = False  # adds a root field the hub profile of EDXL-DE forbids
    xml_content_type: str = "application/xml"  # content type declared for XML bodies
    # -- functional behaviour (tiers 4–7) --
    duplicate_on_resend: bool = False  # a create for a known caseId opens a second local case
    keep_creation: bool = True  # corrections carry the case's original `creation`
    keep_case_id: bool = True  # corrections of a case it created carry that case's caseId
    invert_owner_answer: bool = False  # accept writes the requester's id, refuse the vendor's own
    reuse_dc_mission_id: bool = True  # an EMSI RDC carries the DC's MISSION.ID
    answer_as_asked: bool = True  # an EMSI RDC carries the answer code (and its content) it is asked for
    rc_ref_refused_answer: bool = True  # RC-REF for an EMSI answer other than ACCEPTE
    rc_ref_location_update: bool = True  # RC-REF for an update that only changes the case's location
    owner_request_to_target: bool = True  # an owner-transfer request names the target CRRA as owner
    update_all_partners: bool = True  # an update of a case goes to every partner it was shared with
    foreign_model_line: bool = False  # shared cases carry a field of another model line than the vhost's
    official_step_change: StepChange | None = None  # a wrong value in one official case's send step
    # -- kind of LRM on 15-NexSIS (`engine.lrm`) --
    direct_cisu: bool = False  # declared directCISU when registered (`clients add --direct-cisu`)
    case_model: str = ""  # "": the model its operator is asked for; else always this one on 15-NexSIS
    # -- 15-GPS (`sim.gps`) --
    link: str = ""  # the link a fault profile is run on ("": the LRM links; "15-GPS")
    geo_timestamp: bool = True  # each GEO-POS position carries its `datetime`
    geo_coord_scale: int = 1  # GEO-POS coordinates × this (1: decimal degrees)
    geo_answer_kind: str = "geoResourcesDetails"  # what it answers a GEO-REQ with (GEO-RES)
    geo_describe_all: bool = True  # its GEO-RES describes every resource asked (False: the first only)
    # -- robustness (optional Robustesse tier) --
    reconnect: bool = True  # reconnects by itself after a lost connection
    resend_unconfirmed: bool = True  # re-sends, same distributionID, what the hub did not confirm
    crash_on_long_string: int = 0  # > 0: the process dies on a string value longer than this
    stall_on_unusual_text: bool = False  # stops consuming .message after a string with unusual characters
    reject_far_dates: bool = False  # rejects, unanswered, a model message dated before 1900 or after 2100
    # -- tablet role on 15-SMUR (`--role tablette`; tiers 4–6 of the tablet, `engine.tablet`) --
    roles: tuple[str, ...] = ()  # declared roles on its link (the run's `--role`); () = implicit (LRM)
    rc_ref_skip_kinds: frozenset[str] = frozenset()  # message kinds it never sends an RC-REF for
    smur_status: str = ""  # "": the resource status its operator enters (RS-SR); else always this one
    keep_case_id_after_update: bool = True  # its messages on a case updated by RS-EDA-MAJ keep the caseId
    # -- branches of issue 14 (server trust, duplicates, refusals) --
    verify_server_ca: bool = True  # checks the hub's certificate chains to the agreed CA (DST 1.2 §2.2)
    verify_server_name: bool = True  # checks the hub's certificate names the host it connects to
    reack_duplicate: bool = True  # a functional distributionID delivered again gets its RC-REF again
    refuse_in_rc_ref: bool = True  # a message it cannot accept gets an RC-REF `refused` + errorDistributionID
    error_cause: bool = True  # its own error message about a refused message says why

    @property
    def is_fault(self) -> bool:
        return bool(self.broken_rule)

    @property
    def tier(self) -> int | None:
        """Tier (palier) of the rule a fault profile breaks, read from `broken_rule` ("Palier N — …";
        "Robustesse — …": the optional tier, `ROBUSTNESS_TIER`)."""
        if self.broken_rule.startswith("Robustesse"):
            return ROBUSTNESS_TIER
        parts = self.broken_rule.split()
        return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None


CONFORME = Profile(
    name="conforme",
    summary="Système conforme : acquitte chaque livraison, envoie les RC-REF, draine .info et .ack.",
)

CONFORME_DIRECT_CISU = Profile(
    name="conforme-direct-cisu",
    summary="Système conforme déclaré directCISU : sur 15-NexSIS il partage et reçoit des RC-EDA lui-même.",
    direct_cisu=True,
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
    Profile(
        name="doublon-sur-renvoi",
        summary="Ouvre un second dossier local quand un dossier déjà reçu lui est renvoyé (nouveau caseId).",
        broken_rule="Palier 4 — DSF 15-15 §5.4 (un renvoi du même caseId ne crée pas de second dossier)",
        duplicate_on_resend=True,
    ),
    Profile(
        name="creation-modifiee",
        summary="Change la date de création (creation) du dossier dans ses corrections.",
        broken_rule="Palier 5 — RS-EDA/RC-EDA (correction : creation inchangée)",
        keep_creation=False,
    ),
    Profile(
        name="nouveau-caseid-en-correction",
        summary="Met un nouveau caseId dans les corrections d'un dossier qu'il a créé et déjà partagé.",
        broken_rule="Palier 5 — DSF 15-15 §5.4 (correction : même caseId)",
        keep_case_id=False,
    ),
    Profile(
        name="mauvaise-reponse-owner",
        summary="Répond à une demande de transfert avec l'owner inversé (accepte → demandeur, refuse → soi).",
        broken_rule="Palier 6 — DSF 15-15 §5.3, §6.1 (owner : transfert de responsabilité)",
        invert_owner_answer=True,
    ),
    Profile(
        name="emsi-sans-mission-id",
        summary="Répond à une demande de concours (EMSI RDC) sans reprendre le MISSION.ID de la demande.",
        broken_rule="Palier 7 — DSF 15-NexSIS §5.3 (réponse : MISSION.ID de la demande)",
        reuse_dc_mission_id=False,
    ),
    Profile(
        name="faux-direct-cisu",
        summary="Se déclare directCISU mais partage ses dossiers en RS-EDA (createCaseHealth) sur "
                "15-NexSIS : le hub les transmet tels quels, le service d'incendie ne peut pas les lire.",
        broken_rule="Palier 5 — ansforge/SAMU-Hub-Sante dispatcher-1.4.0, ConversionUtils.java (directCISU : "
                    "le LRM parle RC-EDA)",
        direct_cisu=True,
        case_model="createCaseHealth",
    ),
    Profile(
        name="rc-eda-sans-direct-cisu",
        summary="Non déclaré directCISU, partage pourtant ses dossiers en RC-EDA (createCase) sur "
                "15-NexSIS : le convertisseur du hub les refuse (erreur 300 sur sa file .info).",
        broken_rule="Palier 5 — ansforge/SAMU-Hub-Sante dispatcher-1.4.0, ConversionUtils.java (sans "
                    "directCISU : le LRM parle RS-EDA, le hub convertit)",
        case_model="createCase",
    ),
    Profile(
        name="mauvaise-version-schema",
        summary="Partage ses dossiers avec un champ d'une autre version du modèle (location.geometry).",
        broken_rule="Palier 5 — DSF 5.1/6.3 (dossier partagé conforme au schéma du vhost)",
        foreign_model_line=True,
    ),
    Profile(
        name="cas-officiel-valeur-ressaisie",
        summary="Ressaisit autrement une valeur attendue dans une étape « send » d'un cas de test officiel "
                "(Monsieur X, étape 02a : diagnostic principal).",
        broken_rule="Palier 6 — cas de test officiel, étape send (valeurs du jeu de données attendues)",
        official_step_change=WRONG_DIAGNOSIS,
    ),
    # -- branches of tiers 6 and 7 (issue 14) --
    Profile(
        name="emsi-reponse-toujours-acceptee",
        summary="Répond ACCEPTE à toute demande de concours, quel que soit le code choisi par l'opérateur.",
        broken_rule="Palier 7 — DSF 15-NexSIS §5.3 (réponse : code de réponse choisi par l'opérateur)",
        answer_as_asked=False,
    ),
    Profile(
        name="emsi-reponse-non-acceptee-ignoree",
        summary="N'envoie pas de RC-REF pour une réponse à demande de concours autre que ACCEPTE.",
        broken_rule="Palier 7 — DST 1.2 §3.3.2 ; DSF 15-NexSIS §5.3 (réception d'une réponse REFUS, "
                    "PARTIELLE ou DIVERGENTE)",
        rc_ref_refused_answer=False,
    ),
    Profile(
        name="variation-localisation-sans-rc-ref",
        summary="N'envoie pas de RC-REF pour une mise à jour qui ne change que la localisation du dossier.",
        broken_rule="Palier 6 — DST 1.2 §3.3.2 ; DSF 15-15 §5.4 (variation de la localisation acquittée)",
        rc_ref_location_update=False,
    ),
    Profile(
        name="demande-owner-sans-cible",
        summary="Demande le transfert de responsabilité de son dossier en se mettant lui-même en owner.",
        broken_rule="Palier 6 — DSF 15-15 §5.3, §6.1 (demande de transfert : owner = CRRA sollicité)",
        owner_request_to_target=False,
    ),
    Profile(
        name="repartage-premier-partenaire-seul",
        summary="N'envoie les mises à jour d'un dossier qu'au premier partenaire, pas aux autres.",
        broken_rule="Palier 6 — DSF 15-15 §5.4 (mise à jour repartagée à tous les partenaires)",
        update_all_partners=False,
    ),
    Profile(
        name="perd-non-confirmes",
        summary="Abandonne, après une coupure, les messages que le hub n'avait pas encore confirmés.",
        broken_rule="Robustesse — cahier de recette 2023 §2.2 (Publisher Confirms) ; bonne pratique : "
                    "renvoyer ce que le hub n'a pas confirmé",
        resend_unconfirmed=False,
    ),
    Profile(
        name="sans-reconnexion",
        summary="Ne se reconnecte jamais après la perte de sa connexion.",
        broken_rule="Robustesse — DST 1.2 §3.1 (reconnexion automatique)",
        reconnect=False,
    ),
    Profile(
        name="meurt-sur-chaine-longue",
        summary="S'arrête (plantage) en recevant une valeur texte de plus de 2 000 caractères.",
        broken_rule="Robustesse — DST 1.2 §3.3.1 (acquittement après traitement) ; bonne pratique : "
                    "un message inhabituel mais valide ne fait pas tomber le système",
        crash_on_long_string=2000,
    ),
    Profile(
        name="arret-sur-texte-inhabituel",
        summary="Cesse de consommer .message après un texte inhabituel (emoji, caractère invisible).",
        broken_rule="Robustesse — DST 1.2 §3.3.1 (acquittement après traitement) ; bonne pratique : "
                    "un message inhabituel mais valide ne bloque pas la file",
        stall_on_unusual_text=True,
    ),
    # -- robustness: consumer fuzzing from the official schemas (issue 18) --
    Profile(
        name="rejette-dates-limites",
        summary="Rejette sans réponse (ni RC-REF ni erreur) un message du modèle daté avant 1900 ou après "
                "2100, dates pourtant valides du schéma.",
        broken_rule="Robustesse — DST 1.2 §3.3.1 (acquittement après traitement), §3.4.6 (RC-REF) ; bonne "
                    "pratique : un message valide du schéma, même inhabituel, est intégré ou refusé par un "
                    "message d'erreur",
        reject_far_dates=True,
    ),
)

# 15-GPS faults (issue 14): `conforme` is the conforming GPS vendor in both roles.
GPS_LINK_NAME = "15-GPS"
_GPS_FAULTS: tuple[Profile, ...] = (
    Profile(
        name="geo-sans-rc-ref",
        summary="Acquitte (AMQP) les GEO-POS, GEO-REQ et GEO-RES reçus mais n'envoie jamais leur RC-REF.",
        broken_rule="Palier 4 — DST 1.2 §3.3.2 (RC-REF des messages GEO-* reçus)",
        link=GPS_LINK_NAME,
        rc_ref_skip_kinds=frozenset({"geoPositionsUpdate", "geoResourcesRequest", "geoResourcesDetails"}),
    ),
    Profile(
        name="position-sans-horodatage",
        summary="Envoie des positions GEO-POS sans leur horodatage (datetime).",
        broken_rule="Palier 5 — DSF 15-GPS, GEO-POS (datetime de chaque position)",
        link=GPS_LINK_NAME, geo_timestamp=False,
    ),
    Profile(
        name="coordonnees-micro-degres",
        summary="Envoie ses coordonnées GEO-POS en micro-degrés entiers (49464944), pas en degrés décimaux.",
        broken_rule="Palier 5 — DSF 15-GPS, GEO-POS (coord en degrés décimaux)",
        link=GPS_LINK_NAME, geo_coord_scale=1_000_000,
    ),
    Profile(
        name="geo-req-repondu-par-positions",
        summary="Répond aux demandes GEO-REQ du partenaire par ses positions (GEO-POS), pas par un GEO-RES.",
        broken_rule="Palier 5 — DSF 15-GPS (GEO-REQ → GEO-RES)",
        link=GPS_LINK_NAME, geo_answer_kind="geoPositionsUpdate",
    ),
    Profile(
        name="geo-res-incomplet",
        summary="Ne décrit dans son GEO-RES que la première des ressources demandées.",
        broken_rule="Palier 5 — DSF 15-GPS, GEO-RES (une ressource décrite par identifiant demandé)",
        link=GPS_LINK_NAME, geo_describe_all=False,
    ),
)

# -- tablet role on 15-SMUR (`engine.tablet`): a conforming tablet and one fault per tier it adds --
TABLET = ("tablette",)
CONFORME_TABLETTE = Profile(
    name="conforme-tablette",
    summary="Tablette SMUR conforme (15-SMUR, rôle tablette) : acquitte le dossier et les messages du LRM, "
            "envoie statuts, bilans, RPIS et positions sur le dossier reçu.",
    roles=TABLET,
)
_TABLET_FAULTS: tuple[Profile, ...] = (
    Profile(
        name="tablette-sans-rc-ref-ressources",
        summary="Tablette qui n'envoie pas de RC-REF pour les messages de ressources du LRM (RS-RI, RS-ER).",
        broken_rule="Palier 4 — DST 1.2 §3.3.2 (RC-REF après intégration des messages de ressources)",
        roles=TABLET,
        rc_ref_skip_kinds=frozenset({"resourcesInfo", "resourcesEngagement"}),
    ),
    Profile(
        name="tablette-statut-invalide",
        summary="Tablette qui envoie ses statuts de ressource (RS-SR) avec un statut hors nomenclature.",
        broken_rule="Palier 5 — ansforge/SAMU-Hub-Modeles, src/main/resources/json-schema/RS-SR.schema.json "
                    "(statut de la nomenclature)",
        roles=TABLET,
        smur_status="EN_ROUTE",
    ),
    Profile(
        name="tablette-nouveau-caseid-apres-maj",
        summary="Tablette qui, après une mise à jour RS-EDA-MAJ du dossier, envoie ses messages sous un "
                "nouveau caseId.",
        broken_rule="Palier 6 — DSF 15-15 §5.4 (réconciliation sur caseId)",
        roles=TABLET,
        keep_case_id_after_update=False,
    ),
)


# Faults of the branches issue 14 adds (tiers 1 and 4), in their own block.
_BRANCH_FAULTS: tuple[Profile, ...] = (
    Profile(
        name="accepte-tout-serveur",
        summary="Ne vérifie pas le certificat du hub : se connecte à un serveur de n'importe quelle "
                "autorité.",
        broken_rule="Palier 1 — DST 1.2 §2.2.1, §2.2.2 (certificat du hub émis par l'autorité convenue)",
        verify_server_ca=False,
    ),
    Profile(
        name="sans-verification-nom",
        summary="Vérifie l'autorité du certificat du hub mais pas le nom : accepte un certificat d'un "
                "autre nom.",
        broken_rule="Palier 1 — DST 1.2 §2.2.1, §2.2.2 (nom du hub vérifié dans son certificat)",
        verify_server_name=False,
    ),
    Profile(
        name="doublon-non-reacquitte",
        summary="Ignore en silence un message déjà intégré qui lui est relivré (même distributionID) : "
                "pas de second RC-REF, l'émetteur le croit non délivré.",
        broken_rule="Palier 4 — DST 1.2 §3.3.2 (un message relivré est acquitté à nouveau, intégré une fois)",
        reack_duplicate=False,
    ),
    Profile(
        name="rc-ref-refus-absent",
        summary="Acquitte un message non conforme qu'il refuse par un RC-REF ordinaire (sans « refused » ni "
                "lien vers son message d'erreur).",
        broken_rule="Palier 3 — ansforge/SAMU-Hub-Modeles RC-REF.schema.json (refused, errorDistributionID "
                    "d'un message refusé)",
        refuse_in_rc_ref=False,
    ),
    Profile(
        name="erreur-editeur-sans-cause",
        summary="Envoie, pour un message non conforme qu'il refuse, un message d'erreur à la cause vide.",
        broken_rule="Palier 3 — ansforge/SAMU-Hub-Modeles RS-ERROR.schema.json (errorCause, "
                    "referencedDistributionID du message d'erreur)",
        error_cause=False,
    ),
)

PROFILES: dict[str, Profile] = {p.name: p for p in (CONFORME, CONFORME_DIRECT_CISU, *_FAULTS,
                                                     CONFORME_TABLETTE, *_TABLET_FAULTS, *_GPS_FAULTS,
                                                     *_BRANCH_FAULTS)}


def get_profile(name: str) -> Profile:
    try:
        return PROFILES[name.strip().lower()]
    except KeyError:
        raise UsageError(
            f"Profil inconnu : {name!r} (attendu l'un de : {', '.join(PROFILES)})",
        ) from None

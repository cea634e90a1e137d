"""EMSI rules of tier 7 (DC, RDC/DCR, OPG/SOM) on the body of an `emsi` use case.

Sources: DSF 15-NexSIS §5.3; tier 7 of the Projectathon tier list (support Projectathon 1, p. 15–16)
and the ANS cahier de recette 2023 §7–§10; the descriptions of the EMSI schema (`ansforge/SAMU-Hub-Modeles`,
`src/main/resources/json-schema/EMSI.schema.json`: MISSION.NAME, MISSION.ID, MISSION.ORG_ID,
CONTEXT.ID/MODE/MSGTYPE/LEVEL; for the answer kinds MISSION.FREETEXT, RESOURCE_ID and START_TIME, whose
use per kind is à vérifier against DSF 15-NexSIS §5.3).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any

from hubbench.cases.rules import Finding, _finding

DC_NAME = re.compile(r"^#DEMANDE_CONCOURS#[^#]+#[^#]+#$")
ANSWER_NAME = re.compile(r"^#REPONSE_DEMANDE_CONCOURS#(ACCEPTE|REFUS|PARTIELLE|DIVERGENTE)#$")

RULE_MAIN_EVENT = "Palier 7 — DSF 15-NexSIS §5.3 (EVENT.MAIN_EVENT_ID = affaire partagée)"
RULE_CONTEXT_ID = "Palier 7 — EMSI CONTEXT.ID (unique par message)"
RULE_MODE = "Palier 7 — EMSI CONTEXT.MODE (ACTUAL)"
RULE_MSGTYPE = "Palier 7 — EMSI CONTEXT.MSGTYPE (ALERT au premier échange, UPDATE ensuite)"
RULE_DC_NAME = "Palier 7 — DSF 15-NexSIS §5.3 (MISSION.NAME de la demande de concours)"
RULE_ANSWER_NAME = "Palier 7 — DSF 15-NexSIS §5.3 (MISSION.NAME de la réponse à demande de concours)"
RULE_ANSWER_MISSION = "Palier 7 — DSF 15-NexSIS §5.3 (réponse : MISSION.ID de la demande)"
RULE_ANSWER_ORG = "Palier 7 — DSF 15-NexSIS §5.3 (réponse : MISSION.ORG_ID = organisation qui répond)"
RULE_ANSWER_KIND = "Palier 7 — DSF 15-NexSIS §5.3 (réponse : code de réponse choisi par l'opérateur)"
RULE_REFUSAL_REASON = "Palier 7 — DSF 15-NexSIS §5.3 (réponse REFUS : motif en MISSION.FREETEXT, à vérifier)"
RULE_PARTIAL_RESOURCES = ("Palier 7 — DSF 15-NexSIS §5.3 (réponse PARTIELLE : ressources engagées en "
                          "MISSION.RESOURCE_ID, à vérifier)")
RULE_DIVERGENT_TIME = ("Palier 7 — DSF 15-NexSIS §5.3, EMSI MISSION.START_TIME (réponse DIVERGENTE : "
                       "horaire proposé)")
# The content rule of each answer kind besides its code (ACCEPTE: none more).
ANSWER_CONTENT_RULES = {"REFUS": RULE_REFUSAL_REASON, "PARTIELLE": RULE_PARTIAL_RESOURCES,
                        "DIVERGENTE": RULE_DIVERGENT_TIME}
RULE_OPG_LEVEL = "Palier 7 — EMSI CONTEXT.LEVEL (OPR avec une opération OPG)"


def _missions(emsi: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    missions = emsi.get("MISSION")
    return [m for m in missions if isinstance(m, Mapping)] if isinstance(missions, list) else []


def _context(emsi: Mapping[str, Any]) -> Mapping[str, Any]:
    context = emsi.get("CONTEXT")
    return context if isinstance(context, Mapping) else {}


def variant_of(emsi: Mapping[str, Any]) -> str | None:
    """"DC", "RDC" or "OPG" from the missions' names; None for an EMSI with no recognisable mission."""
    names = [str(m.get("NAME", "")) for m in _missions(emsi)]
    if any(name.startswith("#REPONSE_DEMANDE_CONCOURS#") for name in names):
        return "RDC"
    if any(name.startswith("#DEMANDE_CONCOURS#") for name in names):
        return "DC"
    if names or _context(emsi).get("LEVEL") == "OPR":
        return "OPG"
    return None


def check_main_event(emsi: Mapping[str, Any], shared_case_ids: Collection[str]) -> list[Finding]:
    raw_event = emsi.get("EVENT")
    event: Mapping[str, Any] = raw_event if isinstance(raw_event, Mapping) else {}
    main = event.get("MAIN_EVENT_ID")
    if main in shared_case_ids:
        return []
    return [_finding(RULE_MAIN_EVENT, "EVENT.MAIN_EVENT_ID ne désigne pas une affaire partagée auparavant",
                     " ou ".join(sorted(shared_case_ids)) or "un caseId partagé", main)]


def check_context(emsi: Mapping[str, Any], *, seen_context_ids: Collection[str],
                  first_exchange: bool) -> list[Finding]:
    """CONTEXT.ID new, MODE ACTUAL, MSGTYPE ALERT on the first exchange of the case then UPDATE."""
    context = _context(emsi)
    findings = []
    context_id = context.get("ID")
    if not isinstance(context_id, str) or context_id in seen_context_ids:
        findings.append(_finding(RULE_CONTEXT_ID, "CONTEXT.ID absent ou déjà utilisé",
                                 "un identifiant nouveau", context_id))
    if context.get("MODE") != "ACTUAL":
        findings.append(_finding(RULE_MODE, "CONTEXT.MODE doit valoir ACTUAL", "ACTUAL", context.get("MODE")))
    wanted = "ALERT" if first_exchange else "UPDATE"
    if context.get("MSGTYPE") != wanted:
        moment = "premier échange" if first_exchange else "échange suivant"
        findings.append(_finding(RULE_MSGTYPE, f"CONTEXT.MSGTYPE incorrect ({moment})", wanted,
                                 context.get("MSGTYPE")))
    return findings


def check_dc(emsi: Mapping[str, Any]) -> list[Finding]:
    """A DC carries a mission named `#DEMANDE_CONCOURS#{libellé}#{code}#` with an ID."""
    missions = [m for m in _missions(emsi) if str(m.get("NAME", "")).startswith("#DEMANDE_CONCOURS#")]
    if not missions:
        return [_finding(RULE_DC_NAME, "aucune mission de demande de concours", "#DEMANDE_CONCOURS#…#…#",
                         ", ".join(str(m.get("NAME")) for m in _missions(emsi)) or None)]
    return [_finding(RULE_DC_NAME, "MISSION.NAME de la demande de concours mal formé",
                     "#DEMANDE_CONCOURS#{libellé cadre conventionnel}#{code}#", m.get("NAME"))
            for m in missions if not DC_NAME.match(str(m.get("NAME"))) or not m.get("ID")]


def dc_mission_ids(emsi: Mapping[str, Any]) -> set[str]:
    """MISSION.IDs of the DC missions of a message (what an answer must reuse)."""
    return {str(m["ID"]) for m in _missions(emsi)
            if str(m.get("NAME", "")).startswith("#DEMANDE_CONCOURS#") and m.get("ID")}


def check_dc_answer(emsi: Mapping[str, Any], *, dc_ids: Collection[str], answerer_id: str) -> list[Finding]:
    """Answer mission: name with a known answer code, the DC's MISSION.ID, ORG_ID of the answering side."""
    answers = [m for m in _missions(emsi) if str(m.get("NAME", "")).startswith("#REPONSE_DEMANDE_CONCOURS#")]
    if not answers:
        return [_finding(RULE_ANSWER_NAME, "aucune mission de réponse à demande de concours",
                         "#REPONSE_DEMANDE_CONCOURS#{ACCEPTE|REFUS|PARTIELLE|DIVERGENTE}#",
                         ", ".join(str(m.get("NAME")) for m in _missions(emsi)) or None)]
    findings = []
    for mission in answers:
        if not ANSWER_NAME.match(str(mission.get("NAME"))):
            findings.append(_finding(RULE_ANSWER_NAME, "code de réponse à demande de concours inconnu",
                                     "#REPONSE_DEMANDE_CONCOURS#{ACCEPTE|REFUS|PARTIELLE|DIVERGENTE}#",
                                     mission.get("NAME")))
        if mission.get("ID") not in dc_ids:
            findings.append(_finding(RULE_ANSWER_MISSION,
                                     "la réponse ne reprend pas le MISSION.ID de la demande",
                                     " ou ".join(sorted(dc_ids)) or "MISSION.ID de la DC", mission.get("ID")))
        org = str(mission.get("ORG_ID", ""))
        if org != answerer_id and not org.startswith(answerer_id + "."):
            findings.append(_finding(RULE_ANSWER_ORG, "MISSION.ORG_ID n'est pas l'organisation qui répond",
                                     answerer_id, mission.get("ORG_ID")))
    return findings


def _answers(emsi: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [m for m in _missions(emsi) if str(m.get("NAME", "")).startswith("#REPONSE_DEMANDE_CONCOURS#")]


def answer_codes(emsi: Mapping[str, Any]) -> list[str]:
    """The answer codes of a message's answer missions (`#REPONSE_DEMANDE_CONCOURS#{code}#`)."""
    return [match.group(1) for m in _answers(emsi) if (match := ANSWER_NAME.match(str(m.get("NAME"))))]


def _same_time(found: Any, wanted: str) -> bool:
    try:
        return isinstance(found, str) and datetime.fromisoformat(found) == datetime.fromisoformat(wanted)
    except ValueError:
        return False


def check_answer_kind(emsi: Mapping[str, Any], *, answer: str, details: Mapping[str, Any]) -> list[Finding]:
    """The answer carries the code the operator chose, and what that code asks for: REFUS the reason
    given (MISSION.FREETEXT), PARTIELLE the resources engaged (MISSION.RESOURCE_ID), DIVERGENTE the
    arrival time proposed (MISSION.START_TIME)."""
    codes = answer_codes(emsi)
    if answer not in codes:
        return [_finding(RULE_ANSWER_KIND, "la réponse ne porte pas le code choisi par l'opérateur",
                         f"#REPONSE_DEMANDE_CONCOURS#{answer}#", ", ".join(codes) or None)]
    mission = next(m for m in _answers(emsi) if str(m.get("NAME")) == f"#REPONSE_DEMANDE_CONCOURS#{answer}#")
    if answer == "REFUS" and str(details.get("reason", "")) not in str(mission.get("FREETEXT") or ""):
        return [_finding(RULE_REFUSAL_REASON, "le refus ne porte pas son motif", details.get("reason"),
                         mission.get("FREETEXT"))]
    if answer == "PARTIELLE":
        raw = mission.get("RESOURCE_ID")
        engaged: list[Any] = raw if isinstance(raw, list) else []
        wanted: list[str] = list(details.get("resources") or ())
        if not engaged or any(r not in engaged for r in wanted):
            return [_finding(RULE_PARTIAL_RESOURCES, "la réponse partielle ne dit pas les ressources "
                             "engagées", ", ".join(wanted) or "au moins une ressource",
                             ", ".join(map(str, engaged)) or None)]
    if answer == "DIVERGENTE" and not _same_time(mission.get("START_TIME"), str(details.get("start_time"))):
        return [_finding(RULE_DIVERGENT_TIME, "la réponse divergente ne porte pas l'horaire proposé",
                         details.get("start_time"), mission.get("START_TIME"))]
    return []


def check_opg(emsi: Mapping[str, Any]) -> list[Finding]:
    level = _context(emsi).get("LEVEL")
    if level == "OPR":
        return []
    return [_finding(RULE_OPG_LEVEL, "un message d'opérations (OPG) doit avoir CONTEXT.LEVEL = OPR", "OPR",
                     level)]

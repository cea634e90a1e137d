"""Functional rules of tiers 5–6 on the vendor's case messages; EMSI rules (tier 7) are in `emsi_rules`.

Each check returns findings (empty list = rule met). A finding cites its rule, says in French what was
expected and what arrived; `severity="warning"` marks the soft checks, the points the sources word as
recommendations such as the DSF 15-15 §3.6 local-number format (they are reported, the engine decides
whether they fail a step).
Sources: the caseId description and patterns of the schemas of each line (`ansforge/SAMU-Hub-Modeles`,
`src/main/resources/json-schema/`: `{pays}.{domaine}.{organisation}.{senderCaseId}`, `creation` kept by
updates); tiers 5 and 6 of the Projectathon tier list (support Projectathon 1, p. 15–16): corrections with
the same caseId, `creation` without `Z`, a new distributionID, RS-EDA-MAJ on 15-15/15-SMUR and createCase on
15-NexSIS (link contents of the Projectathon 7–9 decks); owner transfer, DSF 15-15 §5.3, §6.1.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from hubbench.cases.case_ids import LOCAL_NUMBER, case_id_matches_pattern

Severity = Literal["error", "warning"]
CREATION = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$")
NEXSIS_LINK = "15-NexSIS"

RULE_CASE_ID = "Palier 5 — DSF 15-15 §3.6 (caseId)"
RULE_SENDER_CASE_ID = "Palier 5 — DSF 15-15 §3.6 (senderCaseId, format local)"
RULE_CREATION = "Palier 5 — RS-EDA/RC-EDA (creation, format sans Z)"
RULE_CORRECTION_CASE = "Palier 5 — DSF 15-15 §5.4 (correction : même caseId)"
RULE_CORRECTION_CREATION = "Palier 5 — RS-EDA (correction : creation inchangée)"
RULE_NEW_DISTRIBUTION_ID = "Palier 5 — DST 1.2 §3.4.3 (distributionID nouveau à chaque envoi)"
RULE_UPDATE_KIND = "Palier 5 — DSF 15-15 §5.4 / DSF 15-NexSIS (message de mise à jour)"
RULE_OWNER = "Palier 6 — DSF 15-15 §5.3, §6.1 (owner : transfert de responsabilité)"
RULE_CASE_REUSED = "Palier 6 — DSF 15-15 §5.4 (réconciliation sur caseId)"
RULE_OWNER_REQUEST = "Palier 6 — DSF 15-15 §5.3, §6.1 (demande de transfert : owner = CRRA sollicité)"
RULE_RESHARED = "Palier 6 — DSF 15-15 §5.4 (mise à jour repartagée à tous les partenaires)"


@dataclass(frozen=True)
class Finding:
    rule: str
    message: str
    expected: str
    found: str
    severity: Severity = "error"


def _finding(rule: str, message: str, expected: Any, found: Any, severity: Severity = "error") -> Finding:
    return Finding(rule, message, str(expected), "absent" if found is None else str(found), severity)


# -- tier 5: creation ---------------------------------------------------------------------------------

def check_case_id(body: Mapping[str, Any], *, sender_id: str, line: str) -> list[Finding]:
    """caseId present, matching the schema line's pattern, equal to `<sender organisation>.<senderCaseId>`."""
    case_id, local = body.get("caseId"), body.get("senderCaseId")
    if not isinstance(case_id, str):
        return [_finding(RULE_CASE_ID, "caseId absent du dossier partagé", f"{sender_id}.<senderCaseId>",
                         case_id)]
    findings = []
    if not case_id_matches_pattern(case_id, line):
        findings.append(_finding(RULE_CASE_ID, "caseId ne respecte pas le motif du modèle",
                                 "{pays}.{domaine}.{organisation}.{numéro}", case_id))
    if not case_id.startswith(sender_id + "."):
        findings.append(_finding(RULE_CASE_ID, "caseId ne commence pas par l'identifiant de l'organisation "
                                 "émettrice", f"{sender_id}.…", case_id))
    elif isinstance(local, str) and case_id != f"{sender_id}.{local}":
        findings.append(_finding(RULE_CASE_ID, "caseId ≠ organisation émettrice + senderCaseId",
                                 f"{sender_id}.{local}", case_id))
    if isinstance(local, str) and not LOCAL_NUMBER.match(local):
        findings.append(_finding(RULE_SENDER_CASE_ID, "senderCaseId hors du format local DSF "
                                 "(DRFR15DDXAAJJJ00000)", "DRFR15DDXAAJJJ00000", local, "warning"))
    return findings


def check_creation(body: Mapping[str, Any]) -> list[Finding]:
    """`creation` present, `yyyy-MM-ddTHH:mm:ss±hh:mm` (never `Z`)."""
    creation = body.get("creation")
    if isinstance(creation, str) and CREATION.match(creation):
        return []
    reason = "creation en UTC « Z » interdit" if isinstance(creation, str) and creation.endswith("Z") \
        else "creation absente ou mal formée"
    return [_finding(RULE_CREATION, reason, "yyyy-MM-ddTHH:mm:ss±hh:mm", creation)]


# -- tier 5: corrections ------------------------------------------------------------------------------

def check_update_kind(key: str | None, *, link: str, expected: str | None = None) -> list[Finding]:
    """A correction is RS-EDA-MAJ on 15-15/15-SMUR, a new createCase (RC-EDA) on 15-NexSIS — or, for an
    LRM whose cases the hub converts, a new createCaseHealth (`expected`, chosen by the engine)."""
    expected = expected or ("createCase" if link == NEXSIS_LINK else "createCaseHealthUpdate")
    if key == expected:
        return []
    return [_finding(RULE_UPDATE_KIND, f"la mise à jour d'un dossier sur {link} doit être un {expected}",
                     expected, key)]


def check_same_case(first: Mapping[str, Any], later: Mapping[str, Any]) -> list[Finding]:
    if later.get("caseId") == first.get("caseId"):
        return []
    return [_finding(RULE_CORRECTION_CASE, "la correction ne reprend pas le caseId du dossier partagé",
                     first.get("caseId"), later.get("caseId"))]


def check_creation_unchanged(first: Mapping[str, Any], later: Mapping[str, Any]) -> list[Finding]:
    """When the correction carries `creation`, it is the original one, character for character."""
    if "creation" not in later or later.get("creation") == first.get("creation"):
        return []
    return [_finding(RULE_CORRECTION_CREATION, "la date de création du dossier a changé dans la correction",
                     first.get("creation"), later.get("creation"))]


def check_new_distribution_id(distribution_id: str, seen: Collection[str]) -> list[Finding]:
    if distribution_id not in seen:
        return []
    return [_finding(RULE_NEW_DISTRIBUTION_ID, "distributionID déjà utilisé par un message précédent",
                     "un distributionID nouveau", distribution_id)]


# -- tier 6: reconciliation and owner transfer -------------------------------------------------------

def check_case_reused(body: Mapping[str, Any] | None, known_case_ids: Collection[str]) -> list[Finding]:
    """A later vendor message about a case shared with it carries that case's caseId."""
    case_id = body.get("caseId") if isinstance(body, Mapping) else None
    if case_id in known_case_ids:
        return []
    return [_finding(RULE_CASE_REUSED, "le message ne reprend pas le caseId d'un dossier partagé",
                     " ou ".join(sorted(known_case_ids)) or "un caseId partagé", case_id)]


def owner_decision(body: Mapping[str, Any], *, requester_id: str, answerer_id: str) -> str | None:
    """"accept": the answer keeps the answerer's id as owner; "refuse": it puts back the requester's."""
    owner = body.get("owner")
    return "accept" if owner == answerer_id else "refuse" if owner == requester_id else None


def check_owner_answer(body: Mapping[str, Any], *, requester_id: str, answerer_id: str,
                       expected: str | None = None) -> list[Finding]:
    """Answer to a transfer request: accept ⇒ owner = answerer, refuse ⇒ owner = requester."""
    decision = owner_decision(body, requester_id=requester_id, answerer_id=answerer_id)
    wanted = {"accept": answerer_id, "refuse": requester_id}
    if decision is not None and (expected is None or decision == expected):
        return []
    expected_owner = wanted[expected] if expected else f"{answerer_id} (accepte) ou {requester_id} (refuse)"
    return [_finding(RULE_OWNER, "owner de la réponse à la demande de transfert incorrect", expected_owner,
                     body.get("owner"))]


def check_owner_request(body: Mapping[str, Any], *, case_id: str, target_id: str) -> list[Finding]:
    """The owner of a case asks `target_id` to take it over: an update of that case naming the target as
    owner (DSF 15-15 §5.3: the sender writes the CRRA it asks)."""
    findings = check_case_reused(body, {case_id})
    if body.get("owner") != target_id:
        findings.append(_finding(RULE_OWNER_REQUEST, "la demande de transfert ne désigne pas le CRRA "
                                 "sollicité en owner", target_id, body.get("owner")))
    return findings


def check_reshared(recipients: Collection[str], partners: Collection[str]) -> list[Finding]:
    """An update of a case reaches every partner the case was shared with (DSF 15-15 §5.4)."""
    missing = sorted(set(partners) - set(recipients))
    if not missing:
        return []
    return [_finding(RULE_RESHARED, "la mise à jour n'a pas été envoyée à tous les partenaires du dossier",
                     ", ".join(sorted(partners)), ", ".join(sorted(recipients)) or None)]

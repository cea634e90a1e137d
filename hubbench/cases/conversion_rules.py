"""What the fire service (NexSIS) must receive when the hub converts an LRM's RS-EDA into RC-EDA.

The bench's NexSIS partner judges the delivered `createCase` against the `createCaseHealth` the vendor
published, rule by rule. Source of every rule: `ansforge/SAMU-Hub-Modeles`, tag `converter-2.7.5-rc.1`,
`converter/converter/cisu/create_case/create_case_cisu_converter.py` (`from_rs_to_cisu`) and
`converter/converter/cisu/create_case/create_case_cisu_constants.py` (the health-only delete list); the
envelope rule from `converter/converter/converter.py` (the output is a copy of the input envelope).
The DSF 15-NexSIS text is not public: where the converter and the DSF could differ, the converter rules.
These checks are written from the rules, independently of `hubbench.conversion` which the hub runs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from hubbench.cases.rules import Finding, _finding

SOURCE = ("ansforge/SAMU-Hub-Modeles converter-2.7.5-rc.1, "
          "converter/converter/cisu/create_case/create_case_cisu_converter.py")
RULE_KEPT = f"Palier 5 — conversion RS-EDA → RC-EDA : champs conservés ({SOURCE}, from_rs_to_cisu)"
RULE_DROPPED = ("Palier 5 — conversion RS-EDA → RC-EDA : champs santé supprimés (ansforge/SAMU-Hub-Modeles "
                "converter-2.7.5-rc.1, converter/converter/cisu/create_case/create_case_cisu_constants.py)")
RULE_GENERATED = (f"Palier 5 — conversion RS-EDA → RC-EDA : champs générés (referenceVersion, locID, "
                  f"country, victims, whatsHappen par défaut) ({SOURCE})")
RULE_ALERT = f"Palier 5 — conversion RS-EDA → RC-EDA : alerte initiale reconstruite ({SOURCE})"
RULE_ENVELOPE = ("Palier 5 — conversion RS-EDA → RC-EDA : enveloppe inchangée (ansforge/SAMU-Hub-Modeles "
                 "converter-2.7.5-rc.1, converter/converter/converter.py)")
CONTENT_RULES = (RULE_KEPT, RULE_DROPPED, RULE_GENERATED, RULE_ALERT)

KEPT_PATHS = (  # copied unchanged when present in the RS-EDA
    ("caseId",), ("senderCaseId",), ("creation",),
    ("qualification", "whatsHappen"), ("qualification", "locationKind"), ("qualification", "healthMotive"),
    ("qualification", "riskThreat"),
    ("location", "name"), ("location", "externalLocationId"), ("location", "city"),
    ("location", "detailedAddress", "complete"), ("location", "detailedAddress", "number"),
    ("location", "detailedAddress", "wayName"), ("location", "access"), ("location", "freetext"),
    ("location", "geometry", "datetime"), ("location", "geometry", "obsDatime"),
    ("location", "geometry", "point", "coord"),
    ("initialAlert", "caller"), ("initialAlert", "notes"), ("additionalInformation",),
)
DROPPED_PATHS = (  # health-only: never delivered to the fire service
    ("owner",), ("perimeter",), ("interventionType",), ("patient",), ("medicalNote",), ("decision",),
    ("qualification", "origin"), ("qualification", "details"),
    ("location", "detailedAddress", "highway"), ("location", "geometry", "point", "isAml"),
)
DEFAULT_WHATS_HAPPEN = {"code": "C11.06.00", "label": "Autre nature de fait"}
LOC_ID = re.compile(r"^LOC-(\d{14})-([a-z0-9]{4})$")
ALERT_ID = re.compile(r"^INAL-(\d{14})-([a-z0-9]{4})$")
_MISSING = object()


def get(tree: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(tree, Mapping) or key not in tree:
            return _MISSING
        tree = tree[key]
    return tree


def _text(path: tuple[str, ...]) -> str:
    return ".".join(path)


def victims_count(patients: Any) -> str:
    """0 or none → "0", 1 → "1", 2–4 → "PLUSIEURS", 5 and more → "BEAUCOUP"."""
    count = len(patients) if isinstance(patients, list) else 0
    return "0" if count == 0 else "1" if count == 1 else "PLUSIEURS" if count < 5 else "BEAUCOUP"


def check_kept(rs: Mapping[str, Any], rc: Mapping[str, Any]) -> list[Finding]:
    findings = []
    for path in KEPT_PATHS:
        sent = get(rs, path)
        if sent is _MISSING:
            continue
        got = get(rc, path)
        if got != sent:
            findings.append(_finding(RULE_KEPT, f"{_text(path)} modifié par la conversion", sent,
                                     None if got is _MISSING else got))
    return findings


def check_dropped(rc: Mapping[str, Any]) -> list[Finding]:
    return [_finding(RULE_DROPPED, f"{_text(path)} (donnée santé) transmis au service d'incendie",
                     "absent", get(rc, path))
            for path in DROPPED_PATHS if get(rc, path) is not _MISSING]


def check_generated(rs: Mapping[str, Any], rc: Mapping[str, Any]) -> list[Finding]:
    findings = []
    expected_what = get(rs, ("qualification", "whatsHappen"))
    wanted: list[tuple[tuple[str, ...], Any]] = [
        (("referenceVersion",), "2.0"),
        (("location", "country"), "FR"),
        (("qualification", "victims"), {"count": victims_count(rs.get("patient"))}),
        (("qualification", "whatsHappen"),
         DEFAULT_WHATS_HAPPEN if expected_what is _MISSING else expected_what),
    ]
    for path, value in wanted:
        got = get(rc, path)
        if got != value:
            findings.append(_finding(RULE_GENERATED, f"{_text(path)} : valeur produite par le convertisseur "
                                     "attendue", value, None if got is _MISSING else got))
    loc_id = get(rc, ("location", "locID"))
    if not isinstance(loc_id, str) or not LOC_ID.match(loc_id):
        findings.append(_finding(RULE_GENERATED, "location.locID généré (LOC-<horodatage>-<4 caractères>)",
                                 "LOC-AAAAMMJJhhmmss-xxxx", None if loc_id is _MISSING else loc_id))
    infos = get(rc, ("location", "externalInfo"))
    for index, info in enumerate(infos if isinstance(infos, list) else []):
        if not isinstance(info, Mapping) or not info.get("type"):
            findings.append(_finding(RULE_GENERATED, f"location.externalInfo[{index}].type absent (AUTRE par "
                                     "défaut)", "AUTRE", None))
    return findings


def check_alert(rs: Mapping[str, Any], rc: Mapping[str, Any], sender_id: str) -> list[Finding]:
    """Only when the RS-EDA has an initialAlert: the RC-EDA's is rebuilt from the case and the sender."""
    if "initialAlert" not in rs:
        got = get(rc, ("initialAlert",))
        return [] if got is _MISSING else [_finding(RULE_ALERT, "initialAlert produit sans alerte dans le "
                                                    "RS-EDA", "absent", got)]
    priority = get(rs, ("qualification", "details", "priority"))
    wanted: list[tuple[tuple[str, ...], Any]] = [
        (("initialAlert", "callTaker"), {"organization": sender_id, "controlRoom": "CRRA " + sender_id[10:]}),
        (("initialAlert", "reception"), rs.get("creation")),
        (("initialAlert", "reporting"), "ATTENTION" if priority in ("P0", "P1") else "STANDARD"),
        (("initialAlert", "qualification"), rc.get("qualification")),
        (("initialAlert", "location"), rc.get("location")),
    ]
    findings = []
    for path, value in wanted:
        got = get(rc, path)
        if got != value:
            findings.append(_finding(RULE_ALERT, f"{_text(path)} : valeur reconstruite par le convertisseur "
                                     "attendue", value, None if got is _MISSING else got))
    alert_id, loc_id = get(rc, ("initialAlert", "id")), get(rc, ("location", "locID"))
    alert_match = ALERT_ID.match(alert_id) if isinstance(alert_id, str) else None
    loc_match = LOC_ID.match(loc_id) if isinstance(loc_id, str) else None
    if alert_match is None or loc_match is None or alert_match.groups() != loc_match.groups():
        findings.append(_finding(RULE_ALERT, "initialAlert.id = INAL-<horodatage et 4 caractères de locID>",
                                 f"INAL-{loc_id[4:] if isinstance(loc_id, str) else '…'}",
                                 None if alert_id is _MISSING else alert_id))
    return findings


def check_envelope(received: Mapping[str, Any], delivered: Mapping[str, Any]) -> list[Finding]:
    findings = []
    for field in ("distributionID", "senderID", "distributionKind"):
        if received.get(field) != delivered.get(field):
            findings.append(_finding(RULE_ENVELOPE, f"{field} changé par la conversion", received.get(field),
                                     delivered.get(field)))
    to_sent = get(received, ("descriptor", "explicitAddress", "explicitAddressValue"))
    to_got = get(delivered, ("descriptor", "explicitAddress", "explicitAddressValue"))
    if to_sent != to_got:
        findings.append(_finding(RULE_ENVELOPE, "destinataire changé par la conversion", to_sent, to_got))
    return findings


def check_content(rs: Mapping[str, Any], rc: Mapping[str, Any], sender_id: str) -> list[Finding]:
    """Every content rule of RS-EDA → RC-EDA on one delivered case."""
    return [*check_kept(rs, rc), *check_dropped(rc), *check_generated(rs, rc),
            *check_alert(rs, rc, sender_id)]

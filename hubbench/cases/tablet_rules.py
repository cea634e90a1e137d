"""Content rules of the messages a SMUR tablet (« tablette », 15-SMUR) sends its LRM (tiers 5–6).

The 15-SMUR link carries, from the tablet to the LRM, resource statuses (RS-SR), document links (RS-URL),
the patient report (RS-BPV), RPIS data (RS-RPIS) and positions (GEO-POS) (support Projectathon 9, p. 23:
the link's perimeters 1 to 4). Which of them a vhost carries is its pack's: RS-URL and RS-BPV exist from
the 2.x line on (`ansforge/SAMU-Hub-Modeles`, src/main/resources/json-schema/). The schema of each is
checked apart (whole message, vhost's pack); the rules here are what a schema cannot say: the message is
about the case the LRM shared (same caseId), the status is one of the vhost's nomenclature, the times of
an intervention follow each other, a position is on Earth. Where the DSF 15-SMUR wording could not be
read, the rule says « à vérifier ».

Each check returns findings (empty list = rule met), as `cases.rules`.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any

from hubbench.cases.rules import Finding

TABLET_KINDS: tuple[str, ...] = ("resourcesStatus", "documentLink", "interventionReport", "rpis",
                                 "geoPositionsUpdate")
KIND_NAMES: dict[str, str] = {"resourcesStatus": "RS-SR", "documentLink": "RS-URL",
                              "interventionReport": "RS-BPV", "rpis": "RS-RPIS",
                              "geoPositionsUpdate": "GEO-POS"}
CASE_ID_KINDS = frozenset({"resourcesStatus", "documentLink", "interventionReport"})  # caseId at the root

_SCHEMAS = "ansforge/SAMU-Hub-Modeles, src/main/resources/json-schema/"
RULE_CASE = ("Palier 5 — DSF 15-SMUR (message de la tablette sur le dossier reçu du LRM : même caseId ; "
             "à vérifier) ; support Projectathon 9, p. 23")
RULE_NO_SECOND_CASE = ("Palier 4 — cahier de recette 2023 §6.1 (un renvoi du même message n'ouvre pas de "
                       "second dossier : la tablette reprend le caseId reçu) ; DST 1.2 §3.3.2 (renvoi)")
RULE_RECONCILIATION = ("Palier 6 — DSF 15-SMUR (après une mise à jour RS-EDA-MAJ, la tablette garde le "
                       "caseId du dossier ; à vérifier) ; DSF 15-15 §5.4 (réconciliation sur caseId)")
RULE_STATUS = f"Palier 5 — {_SCHEMAS}RS-SR.schema.json (statut de la ressource dans la nomenclature du vhost)"
RULE_STATUS_ASKED = "Palier 5 — DSF 15-SMUR (statut transmis : celui saisi par l'opérateur ; à vérifier)"
RULE_URL = f"Palier 5 — {_SCHEMAS}RS-URL.schema.json (document[].url : adresse http(s) du document)"
RULE_REPORT = f"Palier 5 — {_SCHEMAS}RS-BPV.schema.json (bilan : patient identifié, date de création sans Z)"
RULE_RPIS = (f"Palier 5 — {_SCHEMAS}RS-RPIS.schema.json (intervention.smurStatus : horaires dans l'ordre "
             "de l'intervention ; à vérifier)")
RULE_POSITION = f"Palier 5 — {_SCHEMAS}GEO-POS.schema.json (position[].coord : latitude et longitude valides)"

KIND_RULES: dict[str, tuple[str, ...]] = {
    "resourcesStatus": (RULE_CASE, RULE_STATUS, RULE_STATUS_ASKED),
    "documentLink": (RULE_CASE, RULE_URL),
    "interventionReport": (RULE_CASE, RULE_REPORT),
    "rpis": (RULE_RPIS,),
    "geoPositionsUpdate": (RULE_POSITION,),
}
SMUR_TIMES = ("departSmur", "arrivedSmur", "departLocation", "arrivedDestination", "teamAvailable",
              "returnSmur")
_WITH_OFFSET = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$")


def _finding(rule: str, message: str, expected: Any, found: Any) -> Finding:
    return Finding(rule, message, str(expected), "absent" if found is None else str(found))


def status_of(body: Mapping[str, Any]) -> Any:
    """RS-SR status: `state.status` from the 2.x line on, `status` at the root on the 1.x line."""
    state = body.get("state")
    return state.get("status") if isinstance(state, Mapping) else body.get("status")


def status_values(schema: Mapping[str, Any]) -> tuple[str, ...]:
    """The status nomenclature of a pack's RS-SR schema (root `status`, or `state.status` in definitions)."""
    found = (schema.get("properties") or {}).get("status", {}).get("enum")
    if not found:
        state = (schema.get("definitions") or schema.get("$defs") or {}).get("state") or {}
        found = (state.get("properties") or {}).get("status", {}).get("enum")
    return tuple(str(value) for value in found or ())


def check_case(key: str, body: Mapping[str, Any], case_id: str, *, rule: str = RULE_CASE) -> list[Finding]:
    """A tablet message that names a case (RS-SR, RS-URL, RS-BPV) names the one the LRM shared."""
    if key not in CASE_ID_KINDS:
        return []
    found = body.get("caseId")
    if found == case_id:
        return []
    return [_finding(rule, f"{KIND_NAMES.get(key, key)} sur un autre dossier que celui reçu du LRM",
                     case_id, found)]


def check_status(body: Mapping[str, Any], allowed: Collection[str], asked: str | None) -> list[Finding]:
    """RS-SR: a status of the vhost's nomenclature, and the one the operator entered."""
    status = status_of(body)
    if allowed and status not in allowed:
        return [_finding(RULE_STATUS, "statut de ressource hors de la nomenclature du vhost",
                         " | ".join(allowed), status)]
    if asked and status != asked:
        return [_finding(RULE_STATUS_ASKED, "le statut transmis n'est pas celui saisi", asked, status)]
    return []


def check_document_links(body: Mapping[str, Any]) -> list[Finding]:
    documents = body.get("document")
    if not isinstance(documents, list) or not documents:
        return [_finding(RULE_URL, "aucun document dans le message RS-URL", "document[] non vide", documents)]
    return [_finding(RULE_URL, f"document[{i}] : adresse non http(s)", "http(s)://…", doc.get("url"))
            for i, doc in enumerate(documents)
            if not (isinstance(doc, Mapping) and re.match(r"^https?://\S+$", str(doc.get("url", ""))))]


def check_report(body: Mapping[str, Any]) -> list[Finding]:
    """RS-BPV: the patient is identified and `creation` carries its offset (no Z), as RS-EDA's."""
    findings = []
    patient = body.get("patient")
    if not isinstance(patient, Mapping) or not patient.get("patientId"):
        findings.append(_finding(RULE_REPORT, "bilan sans patient identifié", "patient.patientId",
                                 None if not isinstance(patient, Mapping) else patient.get("patientId")))
    creation = body.get("creation")
    if not (isinstance(creation, str) and _WITH_OFFSET.match(creation)):
        findings.append(_finding(RULE_REPORT, "date de création du bilan sans décalage horaire",
                                 "AAAA-MM-JJThh:mm:ss±hh:mm", creation))
    return findings


def check_rpis_times(body: Mapping[str, Any]) -> list[Finding]:
    """RS-RPIS: the SMUR's times (departure, arrival, … return) never go backwards."""
    intervention = body.get("intervention")
    times = intervention.get("smurStatus") if isinstance(intervention, Mapping) else None
    if not isinstance(times, Mapping):
        return [_finding(RULE_RPIS, "horaires de l'intervention absents", "intervention.smurStatus", None)]
    seen: list[tuple[str, datetime]] = []
    for name in SMUR_TIMES:
        value = times.get(name)
        if not isinstance(value, str):
            continue
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return [_finding(RULE_RPIS, f"horaire {name} illisible", "date ISO 8601", value)]
        if seen and moment < seen[-1][1]:
            return [_finding(RULE_RPIS, f"{name} antérieur à {seen[-1][0]}", f"≥ {seen[-1][0]}", value)]
        seen.append((name, moment))
    return []


def check_positions(body: Mapping[str, Any]) -> list[Finding]:
    """GEO-POS: at least one position; each coordinate a latitude in [-90, 90], a longitude in [-180, 180]."""
    positions = body.get("position")
    if not isinstance(positions, list) or not positions:
        return [_finding(RULE_POSITION, "aucune position", "position[] non vide", positions)]
    findings = []
    for i, position in enumerate(positions):
        coords = position.get("coord") if isinstance(position, Mapping) else None
        for j, coord in enumerate(coords if isinstance(coords, list) else []):
            lat, lon = (coord.get("lat"), coord.get("lon")) if isinstance(coord, Mapping) else (None, None)
            if not (isinstance(lat, int | float) and -90 <= lat <= 90
                    and isinstance(lon, int | float) and -180 <= lon <= 180):
                findings.append(_finding(RULE_POSITION, f"position[{i}].coord[{j}] hors de la Terre",
                                         "lat ∈ [-90, 90], lon ∈ [-180, 180]", f"lat {lat}, lon {lon}"))
    return findings


def check_message(key: str, body: Mapping[str, Any], *, case_id: str, statuses: Collection[str] = (),
                  asked_status: str | None = None) -> list[Finding]:
    """Every content rule of one tablet message kind (`KIND_RULES[key]`)."""
    findings = check_case(key, body, case_id)
    if key == "resourcesStatus":
        findings += check_status(body, statuses, asked_status)
    elif key == "documentLink":
        findings += check_document_links(body)
    elif key == "interventionReport":
        findings += check_report(body)
    elif key == "rpis":
        findings += check_rpis_times(body)
    elif key == "geoPositionsUpdate":
        findings += check_positions(body)
    return findings

"""Content rules of the 15-GPS link (tier 5) on the body of a GEO-POS, GEO-REQ or GEO-RES use case.

Sources: the GEO-POS, GEO-REQ and GEO-RES schemas of `ansforge/SAMU-Hub-Modeles`
(`src/main/resources/json-schema/`: descriptions of `datetime`, `coord.lat` « entre −90 et +90 »,
`coord.lon` « entre −180 et +180 », `resourceId` {orgID}.resource.{id}, GEO-REQ « liste des ID des
ressources pour lesquels le demandeur a besoin d'obtenir plus de détails »); DSF 15-GPS (the section
numbers are « à vérifier »: the DSF is not in the sources the bench holds). Both model lines are read:
1.x `id` / `coord` list / `type`, 3.x `resourceId` / `coord` object / `resourceType`.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from datetime import datetime, timedelta
from typing import Any

from hubbench.cases.rules import Finding, _finding

OFFSET_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$")
SHARED_RESOURCE_ID = re.compile(r"^([a-zA-Z0-9_-]+\.){3,8}resource(\.[a-zA-Z0-9_-]+){1,2}$")
FUTURE_TOLERANCE = timedelta(minutes=2)  # clocks of two systems never agree to the second

RULE_POS_PRESENT = "Palier 5 — DSF 15-GPS, GEO-POS (au moins une position, identifiant de la ressource)"
RULE_POS_DATETIME = ("Palier 5 — DSF 15-GPS, GEO-POS (datetime de chaque position : horodatage avec "
                     "décalage horaire, pas dans le futur)")
RULE_POS_COORD = ("Palier 5 — DSF 15-GPS, GEO-POS (coord : latitude entre −90 et +90, longitude entre −180 "
                  "et +180, en degrés décimaux)")
RULE_REQ_IDS = "Palier 5 — DSF 15-GPS, GEO-REQ (identifiants {orgID}.resource.{id} des ressources demandées)"
RULE_RES_ANSWERS = "Palier 5 — DSF 15-GPS, GEO-RES (une ressource décrite pour chaque identifiant demandé)"
RULE_RES_FIELDS = "Palier 5 — DSF 15-GPS, GEO-RES (orgId et type de chaque ressource décrite)"


def _items(body: Mapping[str, Any], name: str) -> list[Any]:
    items = body.get(name)
    return items if isinstance(items, list) else []


def _id_of(item: Mapping[str, Any]) -> Any:
    return item.get("resourceId", item.get("id"))


def _coords(position: Mapping[str, Any]) -> list[Any]:
    coord = position.get("coord")
    return coord if isinstance(coord, list) else ([] if coord is None else [coord])


def check_positions(body: Mapping[str, Any], *, now: datetime) -> list[Finding]:
    """GEO-POS: at least one position, each with its resource id, its timestamp, decimal-degree coords."""
    positions = _items(body, "position")
    if not positions:
        return [_finding(RULE_POS_PRESENT, "le GEO-POS ne contient aucune position", "au moins une position",
                         "aucune")]
    findings: list[Finding] = []
    for index, pos in enumerate(positions):
        where = f"position[{index}]"
        if not isinstance(pos, Mapping):
            findings.append(_finding(RULE_POS_PRESENT, f"{where} n'est pas un objet", "un objet", pos))
            continue
        if not isinstance(_id_of(pos), str) or not _id_of(pos):
            findings.append(_finding(RULE_POS_PRESENT, f"{where} sans identifiant de ressource",
                                     "resourceId (ou id en 1.x)", None))
        findings += _check_datetime(pos.get("datetime"), where, now)
        findings += _check_coords(pos, where)
    return findings


def _check_datetime(value: Any, where: str, now: datetime) -> list[Finding]:
    expected = "yyyy-MM-ddTHH:mm:ss±hh:mm, au plus tard maintenant"
    if not isinstance(value, str) or not OFFSET_DATE_TIME.match(value):
        return [_finding(RULE_POS_DATETIME, f"{where} : horodatage absent ou mal formé", expected, value)]
    moment = datetime.fromisoformat(value)
    if moment > now + FUTURE_TOLERANCE:
        return [_finding(RULE_POS_DATETIME, f"{where} : horodatage dans le futur", expected, value)]
    return []


def _check_coords(pos: Mapping[str, Any], where: str) -> list[Finding]:
    coords = _coords(pos)
    if not coords:
        return [_finding(RULE_POS_COORD, f"{where} sans coordonnées", "coord {lat, lon}", None)]
    findings: list[Finding] = []
    for coord in coords:
        lat = coord.get("lat") if isinstance(coord, Mapping) else None
        lon = coord.get("lon") if isinstance(coord, Mapping) else None
        if not _number_within(lat, 90) or not _number_within(lon, 180):
            findings.append(_finding(RULE_POS_COORD, f"{where} : coordonnées hors des bornes en degrés",
                                     "lat ∈ [−90, 90], lon ∈ [−180, 180] (nombres)", f"lat={lat}, lon={lon}"))
    return findings


def _number_within(value: Any, bound: float) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and -bound <= value <= bound


def check_request(body: Mapping[str, Any], *, line: str) -> list[Finding]:
    """GEO-REQ: a non-empty list of resource ids; on the 3.x line each is {orgID}.resource.{id}."""
    ids = _items(body, "resourceId")
    if not ids:
        return [_finding(RULE_REQ_IDS, "le GEO-REQ ne demande aucune ressource", "au moins un identifiant",
                         "aucun")]
    bad = [rid for rid in ids if not isinstance(rid, str) or not rid
           or (line != "1" and not SHARED_RESOURCE_ID.match(rid))]
    if bad:
        return [_finding(RULE_REQ_IDS, "identifiant de ressource mal formé", "{orgID}.resource.{id}", bad[0])]
    return []


def check_details(body: Mapping[str, Any], *, requested: Collection[str]) -> list[Finding]:
    """GEO-RES answering a GEO-REQ: each requested id described, each resource with orgId and type."""
    resources = [r for r in _items(body, "resource") if isinstance(r, Mapping)]
    described = {_id_of(r) for r in resources}
    missing = sorted(set(requested) - described)
    findings: list[Finding] = []
    if missing:
        found = ", ".join(sorted(map(str, described))) or None
        findings.append(_finding(RULE_RES_ANSWERS, f"{len(missing)} ressource(s) demandée(s) non décrite(s)",
                                 ", ".join(sorted(requested)), found))
    for resource in resources:
        if not resource.get("orgId") or not (resource.get("resourceType") or resource.get("type")):
            findings.append(_finding(RULE_RES_FIELDS, f"ressource {_id_of(resource)} incomplète",
                                     "orgId et resourceType (type en 1.x)", dict(resource)))
    return findings

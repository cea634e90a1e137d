"""The reference vendor on 15-GPS: what its operator (or its automaton) sends when prompted.

Both roles: as a position sender it sends the positions of its vehicles (GEO-POS) and answers a request
for their details (GEO-REQ → GEO-RES); as a requester it asks for the details of the partner's vehicles
(GEO-REQ). Messages come from `hubbench.cases.gps_messages` for the vhost's model line; the GPS fault
profiles change one thing each (`Profile` fields under "15-GPS"). Nothing here judges a message.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from hubbench.cases import gps_messages as geo
from hubbench.sim.profiles import Profile

GPS_ACTIONS = frozenset({"send_geo_positions", "send_geo_request", "answer_geo_request"})


def gps_use_case(profile: Profile, own_id: str, line: str, action: str, parameters: Mapping[str, Any],
                 now: datetime) -> tuple[dict[str, Any], str]:
    """The use case a GPS prompt asks for, and the log line (French); ValueError when it is not sent."""
    recipient = str(parameters.get("recipient") or "")
    asked = _ids(parameters.get("resource_ids"))
    if action == "send_geo_positions":
        use_case = geo.geo_positions(line, geo.resource_ids(own_id), now)
        note = _positions_faults(profile, use_case[geo.GEO_POS]["position"])
        return use_case, f"positions GEO-POS de {len(use_case[geo.GEO_POS]['position'])} ressource(s){note}"
    if action == "send_geo_request":
        wanted = asked or geo.resource_ids(recipient)
        return geo.geo_request(wanted), f"demande GEO-REQ de {len(wanted)} ressource(s)"
    if action == "answer_geo_request":
        described = asked or geo.resource_ids(own_id)
        if profile.geo_answer_kind == geo.GEO_POS:  # its positions instead of the details asked
            return geo.geo_positions(line, described, now), "réponse à la GEO-REQ par des positions GEO-POS"
        if not profile.geo_describe_all:
            described = described[:1]
        return geo.geo_details(line, described, own_id), f"réponse GEO-RES ({len(described)} ressource(s))"
    raise ValueError(f"action « {action} » inconnue sur 15-GPS")


def _positions_faults(profile: Profile, positions: list[dict[str, Any]]) -> str:
    """The fault profile's change to its positions; the note says what it did."""
    notes = []
    for position in positions:
        if not profile.geo_timestamp:
            position.pop("datetime", None)
        scale = profile.geo_coord_scale
        if scale != 1:
            coords = position["coord"] if isinstance(position["coord"], list) else [position["coord"]]
            for coord in coords:
                coord.update(lat=round(coord["lat"] * scale), lon=round(coord["lon"] * scale))
    if not profile.geo_timestamp:
        notes.append("sans horodatage")
    if profile.geo_coord_scale != 1:
        notes.append(f"coordonnées × {profile.geo_coord_scale}")
    return f" ({', '.join(notes)})" if notes else ""


def _ids(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str) and v] if isinstance(value, list) else []

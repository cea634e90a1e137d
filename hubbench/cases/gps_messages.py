"""GEO-* use cases of the 15-GPS link, for the model line of a vhost (pure, no I/O).

Shapes from the schemas and examples of `ansforge/SAMU-Hub-Modeles` (`src/main/resources/json-schema/`
GEO-POS, GEO-REQ, GEO-RES; `src/main/resources/sample/examples/GEO-*/`): on the 1.x line (vhost
15-gps_v1.0) a position carries `id` and a list `coord`, a resource `id` and `type`; on the 3.x line
(15-gps_v1.3) `resourceId` ({orgID}.resource.{id}) and one `coord` object, a resource `resourceId` and
`resourceType`. The 2.x line has no 15-GPS vhost. Positions: GEO-POS (geoPositionsUpdate); a request for
resource details: GEO-REQ (geoResourcesRequest); its answer: GEO-RES (geoResourcesDetails).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from hubbench.protocol import format_datetime

GEO_POS = "geoPositionsUpdate"
GEO_REQ = "geoResourcesRequest"
GEO_RES = "geoResourcesDetails"
GEO_KINDS = (GEO_POS, GEO_REQ, GEO_RES)
GEO_NAMES = {GEO_POS: "GEO-POS", GEO_REQ: "GEO-REQ", GEO_RES: "GEO-RES"}

# Points in France (decimal degrees), one per vehicle of a message.
_POINTS = ((49.464944, 1.097341), (49.428421, 1.086735), (49.448681, 1.072659))


@dataclass(frozen=True)
class GpsShape:
    """Field names of one model line."""

    id_field: str  # of a position and of a resource
    coord_list: bool  # `coord` is a list (1.x) or one object (3.x)
    type_field: str  # of a resource in GEO-RES


def shape_of(line: str) -> GpsShape:
    """The 1.x line's names, else the 3.x ones (the line of a pack: "1", "2", "3")."""
    if line == "1":
        return GpsShape("id", True, "type")
    return GpsShape("resourceId", False, "resourceType")


def resource_ids(org_id: str, count: int = 2, *, prefix: str = "VLM") -> list[str]:
    """Shared resource ids {orgID}.resource.{id} (valid on both lines)."""
    return [f"{org_id}.resource.{prefix}{index}" for index in range(1, count + 1)]


def position(line: str, resource_id: str, lat: float, lon: float, moment: datetime) -> dict[str, Any]:
    shape = shape_of(line)
    coord: Any = {"lat": lat, "lon": lon}
    return {
        shape.id_field: resource_id,
        "datetime": format_datetime(moment),
        "coord": [coord] if shape.coord_list else coord,
        "move": "MOBILE",
        "engineOn": True,
        "status": "INDISPONIBLE",
        "engagedStatus": "PARTIE",
    }


def geo_positions(line: str, ids: list[str], now: datetime) -> dict[str, Any]:
    """GEO-POS: one position per resource, observed a few seconds before `now`."""
    positions = [
        position(line, rid, *_POINTS[index % len(_POINTS)], now - timedelta(seconds=5 * (index + 1)))
        for index, rid in enumerate(ids)
    ]
    return {GEO_POS: {"position": positions}}


def geo_request(ids: list[str]) -> dict[str, Any]:
    """GEO-REQ: the resources whose details the requester wants."""
    return {GEO_REQ: {"resourceId": list(ids)}}


def geo_details(line: str, ids: list[str], org_id: str) -> dict[str, Any]:
    """GEO-RES: one resource per id asked, owned by `org_id`."""
    shape = shape_of(line)
    resources = [
        {shape.id_field: rid, "orgId": org_id, "name": f"SMUR {index}", shape.type_field: "SMUR",
         "nature": "EFFECTEUR", "mobility": "VEHICULE", "capacity": "MEDICALE"}
        for index, rid in enumerate(ids, start=1)
    ]
    return {GEO_RES: {"resource": resources}}


def ids_of(items: Any) -> list[str]:
    """The resource ids of positions or resources (either line's field name)."""
    if not isinstance(items, list):
        return []
    found = [item.get("resourceId", item.get("id")) for item in items if isinstance(item, dict)]
    return [rid for rid in found if isinstance(rid, str)]

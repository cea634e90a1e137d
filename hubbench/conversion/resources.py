"""RS-RI / RS-SR → RC-RI and RC-RI → RS-RI + RS-SR, with the case's previous messages as state.

Source: `ansforge/SAMU-Hub-Modeles`, tag `converter-2.7.5-rc.1`:
`converter/converter/cisu/resources_info/resources_info_cisu_converter.py`,
`converter/converter/cisu/resources_info/resources_info_cisu_helper.py`,
`converter/converter/cisu/resources_status/resources_status_converter.py`.
Why state: CISU carries one RC-RI snapshot (every resource, one state each) while health splits resources
(RS-RI) and statuses (RS-SR); to send only deltas to the SAMU the converter compares an RC-RI with the
previous one of the case, and to build an RC-RI from an RS-SR it needs the case's last RS-RI and the other
resources' last statuses (`hubbench.conversion.history`).

RS-RI → RC-RI: each resource's `state[]` is enriched with the last stored RS-SR of the same resource, then
reduced to its latest state (by the *text* of `datetime`, ties won by the later element); `patientId`
dropped; `missionId` renamed `operationId`; resources without `vehicleType` or without state are left
out, and on the released line only `SIS*` / `SMUR*` vehicles are kept, typed `SIS` / `SMUR`
(`converter-2.8.0-rc.5`: every vehicle becomes `VECTEUR_SANTE`). No resource left → nothing is sent.
RS-SR → RC-RI: the case's last RS-RI (required) enriched with the stored RS-SRs and the current one, then
as above: a full snapshot under the RS-SR's envelope.
RC-RI → health: first RC-RI of a case → one RS-RI then one RS-SR per resource; later RC-RIs → an RS-RI
when the set of resource ids changed, then one RS-SR per new resource or changed `state.status` (a change
of `datetime` or `availability` alone sends nothing; a removed resource produces no RS-SR). RS-RI:
`state` → `[state]`, `position` dropped, `operationId` → `missionId`. RS-SR: `{caseId, resourceId, state}`
with a fresh `distributionID` = RC-DE `messageId` = `<senderID>_<uuid4>`, except the first RS-SR of an
update without RS-RI, which keeps the received id.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from hubbench.conversion.edxl import replace_use_case, sender_of, set_ids, use_case_of
from hubbench.conversion.history import (
    RESOURCES_INFO,
    RESOURCES_INFO_CISU,
    RESOURCES_STATUS,
    StoredMessage,
    check_case_id,
    latest,
    latest_status_per_resource,
)
from hubbench.conversion.outcome import ConversionError
from hubbench.conversion.settings import ConversionSettings, ConverterLine
from hubbench.conversion.tree import JsonObject, rename_key

HEALTH_VEHICLE = "VECTEUR_SANTE"  # converter-2.8.0-rc.5 only
CISU_VEHICLE_RC = "SIS"  # converter-2.8.0-rc.5: every CISU vehicle seen by the SAMU


def latest_state(states: Iterable[Any]) -> Any:
    """The state with the greatest `datetime` text (missing → ""); ties → the later one."""
    ordered = sorted(states, key=lambda s: str(s.get("datetime", "")) if isinstance(s, Mapping) else "")
    return ordered[-1]


def cisu_vehicle_type(vehicle_type: Any, line: ConverterLine) -> str | None:
    """RC-RI `vehicleType` for an RS-RI one, or None when the resource is not sent to the fire service."""
    if not isinstance(vehicle_type, str):
        return None
    if line is ConverterLine.NOMENCLATURE_RC:
        return HEALTH_VEHICLE
    for prefix in ("SIS", "SMUR"):
        if vehicle_type.startswith(prefix):
            return prefix
    return None


def enrich(resources: list[Any], statuses: Mapping[str, Mapping[str, Any]]) -> None:
    """Fold each resource's last RS-SR state into its `state[]` (in place)."""
    for resource in resources:
        if not isinstance(resource, dict):
            continue
        status = statuses.get(str(resource.get("resourceId")))
        if status is None or "state" not in status:
            continue
        states = resource.get("state")
        extra = copy.deepcopy(status["state"])
        resource["state"] = [latest_state([*states, extra])] if isinstance(states, list) and states \
            else [extra]


def to_cisu_resources(resources: list[Any], line: ConverterLine) -> list[JsonObject]:
    kept = []
    for resource in resources:
        if not isinstance(resource, dict):
            continue
        vehicle = cisu_vehicle_type(resource.get("vehicleType"), line)
        states = resource.get("state")
        if vehicle is None or not isinstance(states, list) or not states:
            continue
        out = copy.deepcopy(resource)
        out["vehicleType"] = vehicle
        out["state"] = latest_state(out["state"])
        out.pop("patientId", None)
        rename_key(out, "missionId", "operationId")
        kept.append(out)
    return kept


def rs_ri_to_rc_ri(edxl: Mapping[str, Any], history: Sequence[StoredMessage],
                   settings: ConversionSettings) -> list[JsonObject]:
    info = use_case_of(edxl, RESOURCES_INFO)
    resources = info.get("resource")
    resources = resources if isinstance(resources, list) else []
    enrich(resources, latest_status_per_resource(history, info.get("caseId")))
    kept = to_cisu_resources(resources, settings.line)
    if not kept:
        return []
    return [replace_use_case(edxl, RESOURCES_INFO, RESOURCES_INFO_CISU,
                             {"caseId": info.get("caseId"), "resource": kept})]


def rs_sr_to_rc_ri(edxl: Mapping[str, Any], history: Sequence[StoredMessage],
                   settings: ConversionSettings) -> list[JsonObject]:
    status = use_case_of(edxl, RESOURCES_STATUS)
    case_id = status.get("caseId")
    stored_info = latest(history, RESOURCES_INFO, case_id)
    info = copy.deepcopy(dict(stored_info.use_case(RESOURCES_INFO) or {})) if stored_info else None
    if info is None:
        raise ConversionError(f"No RS-RI found for caseId: {case_id!r}")
    resources = info.get("resource")
    resources = resources if isinstance(resources, list) else []
    resource_id = status.get("resourceId")
    if resource_id not in {r.get("resourceId") for r in resources if isinstance(r, dict)}:
        raise ConversionError(
            f"Resource '{resource_id}' from RS-SR not found in RS-RI for caseId '{case_id}'")
    statuses = dict(latest_status_per_resource(history, case_id))
    statuses[str(resource_id)] = status
    enrich(resources, statuses)
    kept = to_cisu_resources(resources, settings.line)
    if not kept:
        return []
    snapshot = {"caseId": case_id, "resource": kept}
    return [replace_use_case(edxl, RESOURCES_STATUS, RESOURCES_INFO_CISU, snapshot)]


def rc_ri_to_health(edxl: Mapping[str, Any], history: Sequence[StoredMessage],
                    settings: ConversionSettings) -> list[JsonObject]:
    info = use_case_of(edxl, RESOURCES_INFO_CISU)
    case_id = info.get("caseId")
    if not isinstance(case_id, str):
        raise ConversionError(f"Missing or invalid caseId in RC-RI message: {case_id!r}")
    check_case_id(case_id)
    resources = [r for r in info.get("resource", []) if isinstance(r, dict)] \
        if isinstance(info.get("resource"), list) else []
    current_id = edxl.get("distributionID")
    previous = latest(history, RESOURCES_INFO_CISU, case_id,
                      exclude_distribution_id=current_id if isinstance(current_id, str) else None)
    if previous is None:
        send_info, changed = True, resources
    else:
        before = previous.use_case(RESOURCES_INFO_CISU) or {}
        old = {r.get("resourceId"): r for r in before.get("resource", []) if isinstance(r, Mapping)}
        send_info = set(old) != {r.get("resourceId") for r in resources}
        changed = [r for r in resources if r.get("resourceId") not in old
                   or _status(r) != _status(old[r.get("resourceId")])]
    out = []
    if send_info:
        health = [_health_resource(r, settings.line) for r in resources]
        out.append(replace_use_case(edxl, RESOURCES_INFO_CISU, RESOURCES_INFO, {**info, "resource": health}))
    sender = sender_of(edxl)
    for index, resource in enumerate(changed):
        status = {"caseId": case_id, "resourceId": resource.get("resourceId"),
                  "state": copy.deepcopy(resource.get("state"))}
        message = replace_use_case(edxl, RESOURCES_INFO_CISU, RESOURCES_STATUS, status)
        if send_info or index > 0:
            set_ids(message, f"{sender}_{uuid.UUID(int=settings.rng.getrandbits(128), version=4)}")
        out.append(message)
    return out


def _status(resource: Mapping[str, Any]) -> Any:
    state = resource.get("state")
    return state.get("status") if isinstance(state, Mapping) else None


def _health_resource(resource: Mapping[str, Any], line: ConverterLine) -> JsonObject:
    out = copy.deepcopy(dict(resource))
    if "state" in out:
        out["state"] = [out["state"]]
    out.pop("position", None)
    rename_key(out, "operationId", "missionId")
    if line is ConverterLine.NOMENCLATURE_RC and "vehicleType" in out:
        out["vehicleType"] = CISU_VEHICLE_RC
    return out

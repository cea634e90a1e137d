"""Qualification code re-mapping of the converter release candidate (`ConverterLine.NOMENCLATURE_RC`).

Source: `ansforge/SAMU-Hub-Modeles` tag `converter-2.8.0-rc.5`, `converter/converter/nomenclatures/utils.py`:
* object fields (`whatsHappen`, `locationKind`, `healthMotive`): a code found in the map replaces the whole
  object by the mapped `{code, label}`, or deletes the field when the map says so; an unknown code is left
  as it is (label kept);
* `riskThreat[]`: the same per item; removed items disappear and an emptied list is deleted;
* only the top-level `qualification` (RC-EDA `initialAlert.qualification` is rebuilt from it afterwards).
The released line (`converter-2.7.5-rc.1`, `main`) re-maps nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hubbench.conversion import nomenclature_maps as maps
from hubbench.conversion.tree import JsonObject

FieldMaps = Mapping[str, maps.CodeMap]

CISU_TO_RS: FieldMaps = {
    "whatsHappen": maps.CISU_TO_RS_WHATS_HAPPEN,
    "locationKind": maps.CISU_TO_RS_LOCATION_KIND,
    "riskThreat": maps.CISU_TO_RS_RISK_THREAT,
    "healthMotive": maps.CISU_TO_RS_HEALTH_MOTIVE,
}
RS_TO_CISU: FieldMaps = {
    "whatsHappen": maps.RS_TO_CISU_WHATS_HAPPEN,
    "locationKind": maps.RS_TO_CISU_LOCATION_KIND,
    "riskThreat": maps.RS_TO_CISU_RISK_THREAT,
    "healthMotive": maps.RS_TO_CISU_HEALTH_MOTIVE,
}
_REMOVE = object()


def _mapped(item: Any, code_map: maps.CodeMap) -> Any:
    code = item.get("code") if isinstance(item, dict) else None
    if not isinstance(code, str) or code not in code_map:
        return item
    target = code_map[code]
    return _REMOVE if target is None else {"code": target[0], "label": target[1]}


def remap(use_case: JsonObject, field_maps: FieldMaps) -> None:
    """Re-map the codes of `use_case["qualification"]` in place."""
    qualification = use_case.get("qualification")
    if not isinstance(qualification, dict):
        return
    for name, code_map in field_maps.items():
        if name not in qualification:
            continue
        value = qualification[name]
        if isinstance(value, list):
            kept = [m for m in (_mapped(item, code_map) for item in value) if m is not _REMOVE]
            if kept or not value:
                qualification[name] = kept
            else:
                del qualification[name]
            continue
        mapped = _mapped(value, code_map)
        if mapped is _REMOVE:
            del qualification[name]
        else:
            qualification[name] = mapped

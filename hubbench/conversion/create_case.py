"""RS-EDA `createCaseHealth` ⇄ RC-EDA `createCase`, as the official converter transcodes a case.

Source: `ansforge/SAMU-Hub-Modeles`, `converter/converter/cisu/create_case/create_case_cisu_converter.py`
(`from_rs_to_cisu`, `from_cisu_to_rs`) and
`converter/converter/cisu/create_case/create_case_cisu_constants.py`,
tag `converter-2.7.5-rc.1`
(branch `main`); checked against the schemas `RC-EDA.schema.json` / `RS-EDA.schema.json` of the same
commit (model tag `3.4.1-rc.3`), where the two field sets are exactly complementary. The DSF 15-NexSIS
(1.9.1) describes the exchange; its PDF is not in the public repositories, so the rules below are those
of the converter's code, not of the DSF text.

RS-EDA → RC-EDA (steps in the converter's order):
 1. `caseId`, `senderCaseId`, `creation`, `additionalInformation`, `location` (name, ids, address, city,
    access, geometry, freetext, externalInfo), `initialAlert.caller` / `.notes` copied unchanged;
 2. `referenceVersion` = `"2.0"` (hard-coded by the converter);
 3. `qualification.victims` = `{"count": c}` from the number of patients: 0 or none → `"0"`, 1 → `"1"`,
    2–4 → `"PLUSIEURS"`, 5 and more → `"BEAUCOUP"`;
 4. `location.locID` = `LOC-<local time %Y%m%d%H%M%S>-<4 random [a-z0-9]>`; `location.country` = `"FR"`;
 5. (`converter-2.8.0-rc.5` only) nomenclature re-mapping of the qualification codes;
 6. `qualification.whatsHappen` absent → `{"code": "C11.06.00", "label": "Autre nature de fait"}`;
 7. `location.externalInfo[].type` absent → `"AUTRE"`;
 8. health-only fields dropped: `owner`, `perimeter`, `interventionType`, `patient`, `medicalNote`,
    `decision`, `qualification.origin`, `qualification.details`, `location.detailedAddress.highway`,
    `location.geometry.point.isAml` (patients, medical notes and decisions are lost, not turned into notes);
 9. only when the input has `initialAlert`: `initialAlert.id` = `INAL-<same time>-<same 4 chars>`,
    `callTaker` = `{"organization": senderID, "controlRoom": "CRRA " + senderID[10:]}`, `reception` =
    the case `creation`, `reporting` = `ATTENTION` for priority P0/P1 else `STANDARD`, `qualification` and
    `location` = copies of the final top-level ones.

RC-EDA → RS-EDA:
 1. `owner` = the recipient id (envelope `explicitAddressValue`);
 2. `location.freetext` absent → `""`; a non-empty `location.city.detail` is appended as
    `"\\nDétails de commune : <detail>"`;
 3. (`converter-2.8.0-rc.5` only) nomenclature re-mapping;
 4. `initialAlert.reporting` non-empty → `qualification.details.priority` = `P0` for `ATTENTION`, else `P2`;
 5. notes appended to `initialAlert.notes`, in this order: `"Pièces jointes :"` + the attachment strings,
    `"Contact de l'opérateur SIS :"` + the call taker strings, the top-level `freetext[]` strings,
    `"Nouvelles alertes :"` + the new alerts' strings; then every note with a `freetext` is merged into one
    note (texts joined by `"; "`, their `creation` lost) placed first; an RC-EDA with `freetext` or
    `newAlert` but no `initialAlert` fails like the converter (`KeyError('initialAlert')` → HTTP 500);
 6. `qualification.victims` → one `medicalNote` `{"medicalNoteId": "<senderID>.medicalNote.<7 random>",
    "freetext": <YAML of victims, keys renamed>, "operator": {"role": "AUTRE"}}`;
 7. the input `customMap` is discarded; up to three entries are added: victims count, main victim,
    call taker organisation (labels "Nombre de patients-victimes", "Type du patient-victime principal",
    "Identifiant SDIS");
 8. CISU-only fields dropped: `referenceVersion`, `qualification.victims`, `initialAlert.id`, `.reporting`,
    `.qualification`, `.location`, `.callTaker`, `.attachment`, `newAlert`, top-level `freetext`,
    `location.locID`, `.locLabel`, `.country`, `.city.detail`, `.geometry.sketch`,
    `.geometry.point.coord.heading`, `.speed`.
"""

from __future__ import annotations

import copy
from typing import Any

import yaml

from hubbench.conversion import nomenclatures
from hubbench.conversion.outcome import ConversionError
from hubbench.conversion.settings import ConversionSettings, ConverterLine
from hubbench.conversion.tree import (
    JsonObject,
    concatenate_values,
    delete_paths,
    get_value,
    is_completed,
    random_id,
    set_value,
)

REFERENCE_VERSION = "2.0"
DEFAULT_COUNTRY = "FR"
DEFAULT_WHATS_HAPPEN = {"code": "C11.06.00", "label": "Autre nature de fait"}
DEFAULT_EXTERNAL_INFO_TYPE = "AUTRE"
HEALTH_ONLY_PATHS = (
    "owner", "perimeter", "interventionType", "patient", "medicalNote", "decision",
    "qualification.origin", "qualification.details", "location.detailedAddress.highway",
    "location.geometry.point.isAml",
)
CISU_ONLY_PATHS = (
    "referenceVersion", "qualification.victims", "initialAlert.id", "initialAlert.reporting",
    "initialAlert.qualification", "initialAlert.location", "initialAlert.callTaker",
    "initialAlert.attachment", "newAlert", "freetext", "location.locID", "location.locLabel",
    "location.country", "location.city.detail", "location.geometry.sketch",
    "location.geometry.point.coord.heading", "location.geometry.point.coord.speed",
)
ATTENTION_PRIORITIES = frozenset({"P0", "P1"})
CITY_DETAIL_PREFIX = "\nDétails de commune : "
NOTE_SOURCES = (  # (path in RC-EDA, note prefix), in the converter's order
    ("initialAlert.attachment", "Pièces jointes :"),
    ("initialAlert.callTaker", "Contact de l'opérateur SIS :"),
    ("freetext", ""),
    ("newAlert", "Nouvelles alertes :"),
)
NOTES_SEPARATOR = "; "
VICTIMS_RENAMES = (("freetext:", "Commentaire général :"), ("mainVictim:", "Victime principale :"),
                   ("count:", "Nombre de victimes :"))
CUSTOM_MAP_ENTRIES = (  # (path in RC-EDA, customMap key, label)
    ("qualification.victims.count", "qualification.victims.count", "Nombre de patients-victimes"),
    ("qualification.victims.mainVictim", "qualification.victims.mainVictim",
     "Type du patient-victime principal"),
    ("initialAlert.callTaker.organization", "initialalert.calltaker.organization", "Identifiant SDIS"),
)
CUSTOM_MAP_MAX = 3


def victims_count(patients: Any) -> str:
    """RC-EDA `victims.count` from the RS-EDA `patient[]` list."""
    n = len(patients) if isinstance(patients, list) else 0
    if n <= 1:
        return str(n)
    return "PLUSIEURS" if n < 5 else "BEAUCOUP"


def control_room(sender_id: str) -> str:
    """`CRRA ` + the sender id without its first 10 characters (`fr.health.samuA` → `CRRA samuA`)."""
    return "CRRA " + sender_id[10:]


def reporting_of(priority: Any) -> str:
    return "ATTENTION" if priority in ATTENTION_PRIORITIES else "STANDARD"


def priority_of(reporting: Any) -> str:
    return "P0" if reporting == "ATTENTION" else "P2"


def rs_to_rc(rs_eda: JsonObject, sender_id: str, settings: ConversionSettings) -> JsonObject:
    """RC-EDA `createCase` object from an RS-EDA `createCaseHealth` object (the input is not modified)."""
    stamp = settings.now().strftime("%Y%m%d%H%M%S")
    suffix = random_id(settings.rng, 4)
    out = copy.deepcopy(rs_eda)
    set_value(out, "referenceVersion", REFERENCE_VERSION)
    set_value(out, "qualification.victims", {"count": victims_count(rs_eda.get("patient"))})
    set_value(out, "location.locID", f"LOC-{stamp}-{suffix}")
    set_value(out, "location.country", DEFAULT_COUNTRY)
    if settings.line is ConverterLine.NOMENCLATURE_RC:
        nomenclatures.remap(out, nomenclatures.RS_TO_CISU)
    if not is_completed(out, "qualification.whatsHappen"):
        set_value(out, "qualification.whatsHappen", dict(DEFAULT_WHATS_HAPPEN))
    for info in _list(get_value(out, "location.externalInfo")):
        if isinstance(info, dict) and "type" not in info:
            info["type"] = DEFAULT_EXTERNAL_INFO_TYPE
    delete_paths(out, HEALTH_ONLY_PATHS)
    if "initialAlert" in rs_eda:
        set_value(out, "initialAlert.id", f"INAL-{stamp}-{suffix}")
        set_value(out, "initialAlert.callTaker",
                  {"organization": sender_id, "controlRoom": control_room(sender_id)})
        set_value(out, "initialAlert.reception", out.get("creation"))
        priority = get_value(rs_eda, "qualification.details.priority")
        set_value(out, "initialAlert.reporting", reporting_of(priority))
        set_value(out, "initialAlert.qualification", copy.deepcopy(out.get("qualification")))
        set_value(out, "initialAlert.location", copy.deepcopy(out.get("location")))
    return out


def rc_to_rs(rc_eda: JsonObject, sender_id: str, recipient_id: str,
             settings: ConversionSettings) -> JsonObject:
    """RS-EDA `createCaseHealth` object from an RC-EDA `createCase` object (the input is not modified).

    Raises `ConversionError` (HTTP 500 `'initialAlert'`) for notes to add without an `initialAlert`."""
    out = copy.deepcopy(rc_eda)
    set_value(out, "owner", recipient_id)
    if not is_completed(out, "location.freetext"):
        set_value(out, "location.freetext", "")
    detail = get_value(out, "location.city.detail")
    if detail:
        freetext = get_value(out, "location.freetext")
        set_value(out, "location.freetext", f"{freetext}{CITY_DETAIL_PREFIX}{detail}")
    if settings.line is ConverterLine.NOMENCLATURE_RC:
        nomenclatures.remap(out, nomenclatures.CISU_TO_RS)
    reporting = get_value(out, "initialAlert.reporting")
    if reporting:
        set_value(out, "qualification.details.priority", priority_of(reporting))
    _add_notes(out)
    _merge_notes(out)
    victims = get_value(out, "qualification.victims")
    if isinstance(victims, dict):
        note = {"medicalNoteId": f"{sender_id}.medicalNote.{random_id(settings.rng, 7)}",
                "freetext": victims_text(victims), "operator": {"role": "AUTRE"}}
        out.setdefault("medicalNote", []).append(note)
    _rebuild_custom_map(out)
    delete_paths(out, CISU_ONLY_PATHS)
    return out


def victims_text(victims: JsonObject) -> str:
    """PyYAML block dump of the victims object (keys sorted, width 80), keys renamed by plain replacement."""
    text: str = yaml.dump(victims, allow_unicode=True)
    for old, new in VICTIMS_RENAMES:
        text = text.replace(old, new)
    return text


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _add_notes(out: JsonObject) -> None:
    for path, prefix in NOTE_SOURCES:
        if not is_completed(out, path):
            continue
        alert = out.get("initialAlert")
        if not isinstance(alert, dict):
            raise ConversionError(repr("initialAlert"), http_status=500)  # the converter's KeyError
        notes = alert.get("notes")
        if not isinstance(notes, list):
            notes = alert["notes"] = []
        notes.append({"freetext": prefix + concatenate_values(get_value(out, path))})


def _merge_notes(out: JsonObject) -> None:
    alert = out.get("initialAlert")
    notes = alert.get("notes") if isinstance(alert, dict) else None
    if not isinstance(alert, dict) or not isinstance(notes, list):
        return
    texts = [n["freetext"] for n in notes if isinstance(n, dict) and "freetext" in n]
    if texts:
        others = [n for n in notes if not (isinstance(n, dict) and "freetext" in n)]
        alert["notes"] = [{"freetext": NOTES_SEPARATOR.join(str(t) for t in texts)}, *others]


def _rebuild_custom_map(out: JsonObject) -> None:
    info = out.get("additionalInformation")
    if isinstance(info, dict) and _list(info.get("customMap")):
        info["customMap"] = []
    for path, key, label in CUSTOM_MAP_ENTRIES:
        if not is_completed(out, path):
            continue
        info = out.setdefault("additionalInformation", {})
        entries = info.get("customMap")
        if not isinstance(entries, list):
            entries = info["customMap"] = []
        if len(entries) >= CUSTOM_MAP_MAX:
            raise ConversionError(f"The customMap already contains {CUSTOM_MAP_MAX} items.")
        entries.append({"key": key, "value": get_value(out, path), "label": label})

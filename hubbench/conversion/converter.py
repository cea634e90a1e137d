"""`convert`: the official converter's CISU mode as a pure function (`POST /convert`, `cisuConversion=true`).

Source: `ansforge/SAMU-Hub-Modeles`, tag `converter-2.7.5-rc.1`: `converter/converter/converter.py`,
`converter/converter/conversion_strategy/cisu_conversion_strategy.py`,
`converter/converter/conversion_strategy/health_conversion_strategy.py`.
* Direction: `to_CISU` when `senderID` starts with `fr.health` (and the recipient does not), `from_CISU`
  otherwise; both health → `Both sender and recipient are health: <s> -> <r>`.
* The use-case key (first key of `content[0]…message` that is not an RC-DE field) picks the conversion,
  before any version check: `createCase`/`createCaseHealth` → `create_case`; `resourcesInfo` /
  `resourcesInfoCisu` → resources; `resourcesStatus` → RS-SR → RC-RI (refused towards health);
  `reference` (RC-REF) → unchanged both ways; anything else → `Perimeter translation for message type
  '<key>' is not implemented.`
* `to_CISU` first runs the health version step (v3 → v3, identity), which refuses keys that are not
  health use cases (`Version conversion for message type '<key>' is currently not implemented.`, e.g. an
  RC-EDA sent by a health actor); the CISU converters then require their input key
  (`Input JSON must contain <key> key`).
* Only the version pair the hub sends is supported: `sourceVersion = targetVersion = v3` (the hub's
  dispatcher hard-codes it, `ansforge/SAMU-Hub-Sante` `…/hub/service/ConversionHandler.java`,
  `dispatcher-1.4.0`); health v1/v2 version conversions are not reproduced.
The converter answers a list (`converted_messages`, since `converter-2.7.0-rc.1`): `Converted` carries it;
an empty list is `Dropped` with the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from hubbench.conversion import create_case, resources
from hubbench.conversion.edxl import (
    HEALTH_PREFIX,
    message_type,
    recipient_of,
    replace_use_case,
    sender_of,
    use_case_of,
)
from hubbench.conversion.history import RESOURCES_INFO, RESOURCES_INFO_CISU, RESOURCES_STATUS, StoredMessage
from hubbench.conversion.outcome import ConversionError, ConversionOutcome, Converted, Direction, Dropped
from hubbench.conversion.settings import DEFAULT_SETTINGS, ConversionSettings
from hubbench.conversion.tree import JsonObject

CREATE_CASE = "createCase"  # RC-EDA
CREATE_CASE_HEALTH = "createCaseHealth"  # RS-EDA
REFERENCE = "reference"  # RC-REF
HEALTH_VERSION_KEYS = frozenset({
    "createCaseHealth", "createCaseHealthUpdate", "reference", "error", "resourcesStatus", "resourcesInfo",
    "resourcesResponse", "resourcesRequest", "resourcesEngagement", "geoPositionsUpdate",
    "geoResourcesRequest", "geoResourcesDetails",
})
CISU_KEYS = frozenset({CREATE_CASE, CREATE_CASE_HEALTH, RESOURCES_INFO, RESOURCES_INFO_CISU, RESOURCES_STATUS,
                       REFERENCE})

Converter = Callable[[Mapping[str, Any], Sequence[StoredMessage], ConversionSettings], list[JsonObject]]


def direction_of(sender_id: str, recipient_id: str) -> Direction:
    if sender_id.startswith(HEALTH_PREFIX) and recipient_id.startswith(HEALTH_PREFIX):
        raise ConversionError(f"Both sender and recipient are health: {sender_id} -> {recipient_id}")
    return Direction.TO_CISU if sender_id.startswith(HEALTH_PREFIX) else Direction.FROM_CISU


def convert(edxl: Mapping[str, Any], history: Sequence[StoredMessage] = (),
            settings: ConversionSettings = DEFAULT_SETTINGS) -> ConversionOutcome:
    """Convert one EDXL-DE message between a health actor and a CISU actor.

    `history`: the previously routed messages of the case (read by the resource conversions only).
    Raises `ConversionError` where the converter answers HTTP 400/500; never another exception type.
    """
    key = message_type(edxl)
    sender, recipient = sender_of(edxl), recipient_of(edxl)
    if key not in CISU_KEYS:
        raise ConversionError(f"Perimeter translation for message type '{key}' is not implemented.")
    direction = direction_of(sender, recipient)
    if direction is Direction.TO_CISU and key not in HEALTH_VERSION_KEYS:
        raise ConversionError(f"Version conversion for message type '{key}' is currently not implemented.")
    try:
        messages = _converter(key, direction)(edxl, history, settings)
    except ConversionError:
        raise
    except Exception as exc:  # the converter's HTTP 500: `{"error": str(exception)}`
        raise ConversionError(str(exc), http_status=500) from exc
    if not messages:
        return Dropped(direction, key, _DROP_REASONS.get(key, "le convertisseur ne produit aucun message"))
    return Converted(direction, key, tuple(messages))


_NO_CISU_RESOURCE = ("aucune ressource transmissible au CISU (véhicule SIS/SMUR avec un état) : "
                     "rien n'est envoyé")
_DROP_REASONS = {
    RESOURCES_INFO: _NO_CISU_RESOURCE,
    RESOURCES_STATUS: _NO_CISU_RESOURCE,
    RESOURCES_INFO_CISU: "RC-RI sans changement par rapport au précédent de l'affaire : rien n'est envoyé",
}


def _converter(key: str, direction: Direction) -> Converter:
    to_cisu = direction is Direction.TO_CISU
    if key in (CREATE_CASE, CREATE_CASE_HEALTH):
        return _rs_eda_to_rc_eda if to_cisu else _rc_eda_to_rs_eda
    if key == REFERENCE:
        return _reference
    if key == RESOURCES_STATUS:
        if not to_cisu:
            raise ConversionError(
                "Traduction from 'resourcesInfoCisu' to 'resourcesStatus' is not supported.")
        return resources.rs_sr_to_rc_ri
    return _require(RESOURCES_INFO, resources.rs_ri_to_rc_ri) if to_cisu \
        else _require(RESOURCES_INFO_CISU, resources.rc_ri_to_health)


def _require(key: str, converter: Converter) -> Converter:
    def checked(edxl: Mapping[str, Any], history: Sequence[StoredMessage],
                settings: ConversionSettings) -> list[JsonObject]:
        if message_type(edxl) != key:
            raise ConversionError(f"Input JSON must contain {key} key")
        return converter(edxl, history, settings)
    return checked


def _rs_eda_to_rc_eda(edxl: Mapping[str, Any], _history: Sequence[StoredMessage],
                      settings: ConversionSettings) -> list[JsonObject]:
    if message_type(edxl) != CREATE_CASE_HEALTH:
        raise ConversionError(f"Input JSON must contain {CREATE_CASE_HEALTH} key")
    use_case = create_case.rs_to_rc(use_case_of(edxl, CREATE_CASE_HEALTH), sender_of(edxl), settings)
    return [replace_use_case(edxl, CREATE_CASE_HEALTH, CREATE_CASE, use_case)]


def _rc_eda_to_rs_eda(edxl: Mapping[str, Any], _history: Sequence[StoredMessage],
                      settings: ConversionSettings) -> list[JsonObject]:
    if message_type(edxl) != CREATE_CASE:
        raise ConversionError(f"Input JSON must contain {CREATE_CASE} key")
    use_case = create_case.rc_to_rs(use_case_of(edxl, CREATE_CASE), sender_of(edxl), recipient_of(edxl),
                                    settings)
    return [replace_use_case(edxl, CREATE_CASE, CREATE_CASE_HEALTH, use_case)]


def _reference(edxl: Mapping[str, Any], _history: Sequence[StoredMessage],
               _settings: ConversionSettings) -> list[JsonObject]:
    """RC-REF is the same model on both sides (`…/cisu/reference/reference_converter.py`)."""
    return [replace_use_case(edxl, REFERENCE, REFERENCE, use_case_of(edxl, REFERENCE))]

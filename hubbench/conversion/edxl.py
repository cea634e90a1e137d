"""Envelope handling shared by the conversions.

Source: `ansforge/SAMU-Hub-Modeles`, `converter/converter/conversion_mixin.py` and
`converter/converter/utils.py` (`get_message_type`), tag `converter-2.7.5-rc.1`: the output envelope is a
deep copy of the input with the input use-case key removed from `content[0]…message` and the converted
object inserted (appended after the RC-DE fields) under the output key; `distributionID`, `senderID`,
the recipient, dates, kinds, the RC-DE header, other `message` keys and `content[1…]` are kept.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from hubbench.conversion.tree import JsonObject
from hubbench.protocol import RC_DE_FIELDS, message_of

HEALTH_PREFIX = "fr.health"
UNKNOWN_MESSAGE_TYPE = "unknownMessageType"


def message_type(edxl: Mapping[str, Any]) -> str:
    """The first key of `content[0]…message` that is not an RC-DE field (`unknownMessageType` if none)."""
    return next((key for key in message_of(edxl) if key not in RC_DE_FIELDS), UNKNOWN_MESSAGE_TYPE)


def sender_of(edxl: Mapping[str, Any]) -> str:
    value = edxl.get("senderID")
    return value if isinstance(value, str) else ""


def recipient_of(edxl: Mapping[str, Any]) -> str:
    descriptor = edxl.get("descriptor")
    address = descriptor.get("explicitAddress") if isinstance(descriptor, Mapping) else None
    value = address.get("explicitAddressValue") if isinstance(address, Mapping) else None
    return value if isinstance(value, str) else ""


def use_case_of(edxl: Mapping[str, Any], key: str) -> JsonObject:
    """A deep copy of the use-case object under `key`; `{}` when it is not an object."""
    value = message_of(edxl).get(key)
    return copy.deepcopy(value) if isinstance(value, dict) else {}


def replace_use_case(edxl: Mapping[str, Any], old_key: str, new_key: str, use_case: JsonObject) -> JsonObject:
    """A deep copy of `edxl` whose first message carries `use_case` under `new_key` instead of `old_key`."""
    out: JsonObject = copy.deepcopy(dict(edxl))
    message = out["content"][0]["jsonContent"]["embeddedJsonContent"]["message"]
    message.pop(old_key, None)
    message[new_key] = use_case
    return out


def set_ids(edxl: JsonObject, distribution_id: str) -> None:
    """Give a produced message a fresh `distributionID` and the same RC-DE `messageId`."""
    edxl["distributionID"] = distribution_id
    message = message_of(edxl)
    if message:
        message["messageId"] = distribution_id

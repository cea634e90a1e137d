"""EDXL-DE envelopes as profiled by the hub, in their JSON form (DST 1.2 §3.4.3–§3.4.6).

Builders follow the official test LRM (`ansforge/SAMU-Hub-Sante` `web/lrm/client/composables/messageUtils.js`:
`distributionID = <sender>_<uuid4>`, RC-DE `messageId = distributionID`, `sender {name, URI hubex:<id>}`)
and the dispatcher's `EdxlUtils.edxlMessageFromHub` for hub error reports (DST 1.2 §3.4.7).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from hubbench.protocol.codes import ErrorCode
from hubbench.protocol.kinds import KINDS, RC_DE_FIELDS, case_id_of, use_case_key

HUB_ID = "fr.health.hub"
ADDRESS_SCHEME = "hubex"
DEFAULT_LANGUAGE = "fr-FR"
DEFAULT_VALIDITY = timedelta(days=1)  # hub default TTL (DST 1.2 §2.2.4; error reports: now + 1 day)


def new_distribution_id(sender_id: str) -> str:
    """`<senderID>_<uuid4>`: the prefix before the first `_` must equal the sender (hub check 300)."""
    return f"{sender_id}_{uuid.uuid4()}"


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def format_datetime(dt: datetime) -> str:
    """`yyyy-MM-ddTHH:mm:ss±hh:mm`, never `Z` (UTC is written `+00:00`); naive values are local time."""
    aware = dt if dt.tzinfo is not None else dt.astimezone()
    text = aware.isoformat(timespec="seconds")
    return text[:-1] + "+00:00" if text.endswith("Z") else text


def _short_name(client_id: str) -> str:
    """RC-DE `name` as the test LRM writes it: the id without its first two labels (`samuA`)."""
    parts = client_id.split(".")
    return ".".join(parts[2:]) if len(parts) > 2 else client_id


def party(client_id: str) -> dict[str, str]:
    return {"name": _short_name(client_id), "URI": f"{ADDRESS_SCHEME}:{client_id}"}


def distribution_element(distribution_id: str, sender_id: str, recipient_id: str, sent_at: str,
                         kind: str, status: str) -> dict[str, Any]:
    """The RC-DE header (DST 1.2 §3.4.5), consistent with the envelope."""
    return {
        "messageId": distribution_id,
        "sender": party(sender_id),
        "sentAt": sent_at,
        "kind": kind,
        "status": status,
        "recipient": [party(recipient_id)],
    }


def build_message(
    sender_id: str,
    recipient_id: str,
    use_case: Mapping[str, Any],
    *,
    distribution_kind: str = "Report",
    status: str = "Actual",
    distribution_id: str | None = None,
    sent_at: datetime | None = None,
    expires_at: datetime | None = None,
    header: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """A full envelope around `use_case` (a wrapper object such as `{"createCase": {...}}`).

    The RC-DE header is added for kinds that carry one (DST 1.2 §3.4.5); `header` overrides or adds header
    fields (and forces a header on a kind that has none).
    """
    sent = sent_at or now()
    expires = expires_at or sent + DEFAULT_VALIDITY
    dist_id = distribution_id or new_distribution_id(sender_id)
    sent_text = format_datetime(sent)
    message: dict[str, Any] = {}
    key = use_case_key(use_case)
    info = KINDS.get(key or "")
    if (info is not None and info.has_header) or header is not None:
        message.update(distribution_element(dist_id, sender_id, recipient_id, sent_text,
                                            distribution_kind, status))
        message.update(header or {})
    message.update(use_case)
    return {
        "distributionID": dist_id,
        "senderID": sender_id,
        "dateTimeSent": sent_text,
        "dateTimeExpires": format_datetime(expires),
        "distributionStatus": status,
        "distributionKind": distribution_kind,
        "descriptor": {
            "language": DEFAULT_LANGUAGE,
            "explicitAddress": {
                "explicitAddressScheme": ADDRESS_SCHEME,
                "explicitAddressValue": recipient_id,
            },
        },
        "content": [{"jsonContent": {"embeddedJsonContent": {"message": message}}}],
    }


def build_ack(sender_id: str, recipient_id: str, acked_id: str, **kwargs: Any) -> dict[str, Any]:
    """RC-REF final-reception acknowledgement (DST 1.2 §3.3.2, §3.4.6): kind Ack, to the original sender."""
    return build_message(sender_id, recipient_id, reference_use_case(acked_id),
                         distribution_kind="Ack", **kwargs)


def reference_use_case(acked_id: str) -> dict[str, Any]:
    return {"reference": {"distributionID": acked_id}}


def technical_use_case(required_string: str = "valeur", required_array: list[str] | None = None,
                       **fields: Any) -> dict[str, Any]:
    """`technical` test use case (lib ≥ 2.0, with RC-DE): `requiredStringField`, `requiredArray`."""
    return {"technical": {"requiredStringField": required_string,
                          "requiredArray": list(required_array or ["valeur"]), **fields}}


def technical_noreq_use_case(**fields: Any) -> dict[str, Any]:
    """`technicalNoreq` test use case (lib ≥ 2.0, no RC-DE, every field optional)."""
    return {"technicalNoreq": dict(fields)}


def custom_content_use_case(**fields: Any) -> dict[str, Any]:
    """`customContent`: any object, no header (sandbox only, DST 1.2 §3.4.8)."""
    return {"customContent": dict(fields)}


def build_error_report(
    recipient_id: str,
    code: ErrorCode,
    cause: str,
    source_message: Any,
    referenced_id: str,
    *,
    sent_at: datetime | None = None,
) -> dict[str, Any]:
    """RS-ERROR report as the dispatcher sends it on `<recipient>.info` (`EdxlUtils.edxlMessageFromHub`).

    `fr.health.hub_<uuid>`, expires now + 1 day, kind Error, no RC-DE; `sourceMessage` is kept only
    when the rejected message could be read as an object.
    """
    error: dict[str, Any] = {
        "errorCode": ErrorCode(code).as_json(),
        "errorCause": cause,
        "referencedDistributionID": referenced_id,
    }
    if isinstance(source_message, Mapping):
        error["sourceMessage"] = dict(source_message)
    sent = sent_at or now()
    return build_message(HUB_ID, recipient_id, {"error": error}, distribution_kind="Error",
                         sent_at=sent, expires_at=sent + DEFAULT_VALIDITY)


def message_of(env: Mapping[str, Any], index: int = 0) -> dict[str, Any]:
    """`content[index].jsonContent.embeddedJsonContent.message`, or `{}` when absent or malformed."""
    try:
        msg = env["content"][index]["jsonContent"]["embeddedJsonContent"]["message"]
    except (KeyError, IndexError, TypeError):
        return {}
    return msg if isinstance(msg, dict) else {}


class EnvelopeView:
    """Read-only, never-raising accessors over a JSON-form envelope (missing fields read as None)."""

    __slots__ = ("_env",)

    def __init__(self, env: Mapping[str, Any]) -> None:
        self._env = env if isinstance(env, Mapping) else {}

    def _str(self, key: str) -> str | None:
        value = self._env.get(key)
        return value if isinstance(value, str) else None

    @property
    def raw(self) -> Mapping[str, Any]:
        return self._env

    @property
    def distribution_id(self) -> str | None:
        return self._str("distributionID")

    @property
    def sender_id(self) -> str | None:
        return self._str("senderID")

    @property
    def date_time_sent(self) -> str | None:
        return self._str("dateTimeSent")

    @property
    def date_time_expires(self) -> str | None:
        return self._str("dateTimeExpires")

    @property
    def distribution_status(self) -> str | None:
        return self._str("distributionStatus")

    @property
    def distribution_kind(self) -> str | None:
        return self._str("distributionKind")

    @property
    def _address(self) -> Mapping[str, Any]:
        descriptor = self._env.get("descriptor")
        address = descriptor.get("explicitAddress") if isinstance(descriptor, Mapping) else None
        return address if isinstance(address, Mapping) else {}

    @property
    def recipient_id(self) -> str | None:
        value = self._address.get("explicitAddressValue")
        return value if isinstance(value, str) else None

    @property
    def address_scheme(self) -> str | None:
        value = self._address.get("explicitAddressScheme")
        return value if isinstance(value, str) else None

    @property
    def language(self) -> str | None:
        descriptor = self._env.get("descriptor")
        value = descriptor.get("language") if isinstance(descriptor, Mapping) else None
        return value if isinstance(value, str) else None

    @property
    def message(self) -> dict[str, Any]:
        return message_of(self._env)

    @property
    def kind(self) -> str | None:
        """Use-case wrapper key of the first content object (None if zero or several)."""
        return use_case_key(self.message)

    @property
    def use_case(self) -> Any:
        key = self.kind
        return self.message.get(key) if key else None

    @property
    def header(self) -> dict[str, Any] | None:
        """RC-DE fields of the first message (None when no header field is present)."""
        found = {k: v for k, v in self.message.items() if k in RC_DE_FIELDS}
        return found or None

    @property
    def case_id(self) -> str | None:
        return case_id_of(self.kind, self.use_case)

    @property
    def referenced_id(self) -> str | None:
        """`reference.distributionID` of an RC-REF acknowledgement."""
        ref = self.message.get("reference")
        value = ref.get("distributionID") if isinstance(ref, Mapping) else None
        return value if isinstance(value, str) else None

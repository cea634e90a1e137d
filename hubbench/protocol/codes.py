"""Hub error codes (`ansforge/SAMU-Hub-Modeles` `src/main/java/com/hubsante/model/report/ErrorCode.java`;
DST 1.2 §3.4.7).

100–501 are emitted by the dispatcher; 600 and 700–704 exist from library 3.x (700–704 are for clients
reporting to partners, the dispatcher never emits 600/7xx).
"""

from __future__ import annotations

from enum import IntEnum


class ErrorCode(IntEnum):
    DELIVERY_MODE_INCONSISTENCY = 100
    NOT_ALLOWED_CONTENT_TYPE = 101
    UNRECOGNIZED_MESSAGE_FORMAT = 102
    SENDER_INCONSISTENCY = 200
    INVALID_MESSAGE = 300
    SCHEMA_NOT_FOUND = 301
    EXPIRED_MESSAGE_BEFORE_ROUTING = 400
    DEAD_LETTER_QUEUED = 500
    UNROUTABLE_MESSAGE = 501
    MESSAGE_CONVERSION_ERROR = 600
    INTERNAL_CLIENT_ERROR = 700
    CASE_ALREADY_EXISTS = 701
    WRONG_MESSAGE_SEQUENCE = 702
    UNKNOWN_SENDER = 703
    INSUFFICIENT_DATA = 704

    @property
    def status_string(self) -> str:
        return self.name

    @property
    def from_line_3(self) -> bool:
        """True for codes that only exist from model library 3.x."""
        return self.value >= 600

    def as_json(self) -> dict[str, int | str]:
        """The `errorCode` object of an RS-ERROR message."""
        return {"statusCode": int(self.value), "statusString": self.name}

    @classmethod
    def from_json(cls, obj: object) -> ErrorCode:
        """Parse an `errorCode` object; inconsistent code/name pairs are refused, like the Java enum."""
        if not isinstance(obj, dict):
            raise ValueError(f"errorCode attendu sous forme d'objet, reçu {type(obj).__name__}")
        try:
            code = cls(obj["statusCode"])
        except (KeyError, ValueError) as exc:
            raise ValueError(f"statusCode inconnu : {obj.get('statusCode')!r}") from exc
        if obj.get("statusString") != code.name:
            raise ValueError(
                f"statusString {obj.get('statusString')!r} incohérent avec statusCode {code.value} "
                f"(attendu {code.name!r})"
            )
        return code

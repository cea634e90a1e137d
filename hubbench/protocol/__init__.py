"""protocol room: EDXL-DE envelopes (JSON + XML), kinds, ids and dates, error codes, schema packs, validation.

No broker I/O, no database I/O. Public names: ARCHITECTURE.md, "Contracts between rooms".
"""

from hubbench.protocol.codec import DecodeError, Format, decode, encode
from hubbench.protocol.codes import ErrorCode
from hubbench.protocol.envelope import (
    HUB_ID,
    EnvelopeView,
    build_ack,
    build_error_report,
    build_message,
    custom_content_use_case,
    format_datetime,
    message_of,
    new_distribution_id,
    technical_noreq_use_case,
    technical_use_case,
)
from hubbench.protocol.kinds import KINDS, KindInfo, case_id_of, queue_suffix, use_case_key
from hubbench.protocol.packs import VHOST_PACKS, SchemaPack, load_pack
from hubbench.protocol.validator import Issue, PackValidator, ValidationReport, validator_for

__all__ = [
    "HUB_ID",
    "KINDS",
    "VHOST_PACKS",
    "DecodeError",
    "EnvelopeView",
    "ErrorCode",
    "Format",
    "Issue",
    "KindInfo",
    "PackValidator",
    "SchemaPack",
    "ValidationReport",
    "build_ack",
    "build_error_report",
    "build_message",
    "case_id_of",
    "custom_content_use_case",
    "decode",
    "encode",
    "format_datetime",
    "load_pack",
    "message_of",
    "new_distribution_id",
    "queue_suffix",
    "technical_noreq_use_case",
    "technical_use_case",
    "use_case_key",
    "validator_for",
]

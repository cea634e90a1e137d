"""protocol room: EDXL-DE envelopes (JSON + XML), kinds, ids and dates, error codes, schema packs, validation.

No broker I/O, no database I/O. Other rooms use the names below (`from hubbench.protocol import decode`),
never the modules behind them; a name is imported on first use (the face itself loads nothing heavy).
Kept on purpose: `cases.material` reads `hubbench.protocol.packs` as a module (the pack layout and its
downloader, looked up at call time), and `hubbench packs` (cli) drives `pack_cache` directly. The names
are listed in ARCHITECTURE.md, "Contracts between rooms".
"""

from typing import TYPE_CHECKING

from hubbench._lazy import lazy_face

if TYPE_CHECKING:
    from hubbench.protocol.codec import (
        MAX_BODY_BYTES,
        DecodeError,
        Format,
        decode,
        encode,
        is_envelope,
        json_to_xml,
    )
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
    from hubbench.protocol.kinds import KINDS, RC_DE_FIELDS, KindInfo, case_id_of, queue_suffix, use_case_key
    from hubbench.protocol.packs import (
        ASSUMED_3X_VHOSTS,
        ENVELOPE_SCHEMA,
        VHOST_PACKS,
        CacheCheck,
        SchemaPack,
        check_cache,
        is_assumed,
        line_of,
        load_pack,
        pack_source,
        vhost_map,
    )
    from hubbench.protocol.provenance import Provenance, provisional_label
    from hubbench.protocol.validator import Issue, PackValidator, ValidationReport, validator_for

__all__ = [
    "ASSUMED_3X_VHOSTS",
    "ENVELOPE_SCHEMA",
    "HUB_ID",
    "KINDS",
    "MAX_BODY_BYTES",
    "RC_DE_FIELDS",
    "VHOST_PACKS",
    "CacheCheck",
    "DecodeError",
    "EnvelopeView",
    "ErrorCode",
    "Format",
    "Issue",
    "KindInfo",
    "PackValidator",
    "Provenance",
    "SchemaPack",
    "ValidationReport",
    "build_ack",
    "build_error_report",
    "build_message",
    "case_id_of",
    "check_cache",
    "custom_content_use_case",
    "decode",
    "encode",
    "format_datetime",
    "is_assumed",
    "is_envelope",
    "json_to_xml",
    "line_of",
    "load_pack",
    "message_of",
    "new_distribution_id",
    "pack_source",
    "provisional_label",
    "queue_suffix",
    "technical_noreq_use_case",
    "technical_use_case",
    "use_case_key",
    "validator_for",
    "vhost_map",
]

__getattr__, __dir__ = lazy_face(__name__, __file__)

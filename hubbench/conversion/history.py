"""The previous messages of a case that the resource conversions read (the converter's message store).

Source: `ansforge/SAMU-Hub-Modeles`, `converter/converter/repositories/message_repository.py` and
`converter/converter/models/persisted_message.py`, tag `converter-2.7.5-rc.1`. The official converter reads
a MongoDB collection `messages` (`{type, arrivedAt, payload: <EDXL>}`) written by the hub before it calls
the converter; the writer is not in the public dispatcher. Here the caller passes the case's stored
messages (`StoredMessage`: the EDXL envelope and its arrival time) — the bench keeps them in its results
database — and the queries below reproduce the converter's:
* last RC-RI of a case, excluding the message being converted (same `distributionID`);
* last RS-RI of a case;
* last RS-SR per `resourceId` of a case.
"Last" = latest `arrived_at`; on equal times the later element of the sequence wins (MongoDB leaves the
order of ties undefined).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hubbench.conversion.outcome import ConversionError
from hubbench.protocol import message_of

RESOURCES_INFO = "resourcesInfo"  # RS-RI
RESOURCES_STATUS = "resourcesStatus"  # RS-SR
RESOURCES_INFO_CISU = "resourcesInfoCisu"  # RC-RI


@dataclass(frozen=True)
class StoredMessage:
    """One message routed earlier by the hub (the full EDXL envelope) and when it arrived."""

    envelope: Mapping[str, Any]
    arrived_at: datetime

    def use_case(self, key: str) -> Mapping[str, Any] | None:
        value = message_of(self.envelope).get(key)
        return value if isinstance(value, Mapping) else None


def check_case_id(case_id: Any) -> str:
    if not isinstance(case_id, str) or not case_id:
        raise ConversionError(f"Invalid case_id: {case_id!r}")
    return case_id


def _of_case(history: Sequence[StoredMessage], key: str, case_id: str) -> list[tuple[int, StoredMessage]]:
    found = []
    for index, stored in enumerate(history):
        use_case = stored.use_case(key)
        if use_case is not None and use_case.get("caseId") == case_id:
            found.append((index, stored))
    return found


def latest(history: Sequence[StoredMessage], key: str, case_id: Any,
           exclude_distribution_id: str | None = None) -> StoredMessage | None:
    """The latest stored message of kind `key` for `case_id` (other than `exclude_distribution_id`)."""
    candidates = [(i, s) for i, s in _of_case(history, key, check_case_id(case_id))
                  if exclude_distribution_id is None
                  or s.envelope.get("distributionID") != exclude_distribution_id]
    if not candidates:
        return None
    return max(candidates, key=lambda pair: (pair[1].arrived_at, pair[0]))[1]


def latest_status_per_resource(history: Sequence[StoredMessage],
                               case_id: Any) -> dict[str, Mapping[str, Any]]:
    """{resourceId: latest RS-SR `resourcesStatus` object} for `case_id`, in order of first appearance."""
    ordered = sorted(_of_case(history, RESOURCES_STATUS, check_case_id(case_id)),
                     key=lambda pair: (pair[1].arrived_at, pair[0]))
    statuses: dict[str, Mapping[str, Any]] = {}
    for _, stored in ordered:
        status = stored.use_case(RESOURCES_STATUS)
        resource_id = status.get("resourceId") if status is not None else None
        if status is not None and isinstance(resource_id, str):
            statuses[resource_id] = status
    return statuses

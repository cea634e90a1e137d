"""What a conversion yields: converted messages, a typed drop, or a typed failure.

Failures mirror the official converter's HTTP answers (`ansforge/SAMU-Hub-Modeles`,
`converter/converter/converter.py`, tag `converter-2.7.5-rc.1`): a `ValueError` of a converter → 400
`{"error": "<message>"}`, any other exception → 500 `{"error": "<str(exception)>"}`. The dispatcher
(`ansforge/SAMU-Hub-Sante`, `hub/dispatcher/src/main/java/com/hubsante/hub/service/ConversionHandler.java`,
tag `dispatcher-1.4.0`) turns either into an RS-ERROR `300 INVALID_MESSAGE` on the sender's `.info`
whose `errorCause` is `hub_error_cause`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

HUB_CAUSE_PREFIX = "Error during internal call to Hub Santé conversion service: "


class Direction(StrEnum):
    TO_CISU = "to_CISU"  # health sender → CISU recipient (RS → RC)
    FROM_CISU = "from_CISU"  # CISU sender → health recipient (RC → RS)


class ConversionError(Exception):
    """The converter refused the message. `cause` is its exact English text, `http_status` 400 or 500."""

    def __init__(self, cause: str, *, http_status: int = 400) -> None:
        super().__init__(cause)
        self.cause = cause
        self.http_status = http_status

    @property
    def hub_error_cause(self) -> str:
        """The `errorCause` of the hub's RS-ERROR 300 for this failure."""
        return HUB_CAUSE_PREFIX + self.cause


@dataclass(frozen=True)
class Converted:
    """One or more messages to deliver instead of the received one, in order."""

    direction: Direction
    source_key: str
    messages: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class Dropped:
    """The converter answered an empty list: nothing reaches the recipient (no error report).

    `reason` is a French sentence for the trace."""

    direction: Direction
    source_key: str
    reason: str


ConversionOutcome = Converted | Dropped

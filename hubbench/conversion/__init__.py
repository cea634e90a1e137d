"""conversion room: the hub's health ⇄ CISU transcoding, as pure functions (no broker, no database I/O).

It reproduces the official converter service (`ansforge/SAMU-Hub-Modeles`, folder `converter/`, released
line `converter-2.7.5-rc.1`) and the dispatcher's decision to call it (`ansforge/SAMU-Hub-Sante`,
`dispatcher-1.4.0`). Imports `hubbench.protocol` only. Public names are listed in ARCHITECTURE.md
"Contracts / conversion"; the choice between the two converter lines is explained in `settings`.
"""

from hubbench.conversion.converter import convert, direction_of
from hubbench.conversion.decision import Action, ConversionDecision, conversion_decision
from hubbench.conversion.history import StoredMessage
from hubbench.conversion.outcome import (
    HUB_CAUSE_PREFIX,
    ConversionError,
    ConversionOutcome,
    Converted,
    Direction,
    Dropped,
)
from hubbench.conversion.settings import DEFAULT_SETTINGS, ConversionSettings, ConverterLine

__all__ = [
    "DEFAULT_SETTINGS",
    "HUB_CAUSE_PREFIX",
    "Action",
    "ConversionDecision",
    "ConversionError",
    "ConversionOutcome",
    "ConversionSettings",
    "Converted",
    "ConverterLine",
    "Direction",
    "Dropped",
    "StoredMessage",
    "conversion_decision",
    "convert",
    "direction_of",
]

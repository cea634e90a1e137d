"""Which converter line the bench reproduces, and the sources of time and randomness of a conversion.

Two lines of the official converter (`ansforge/SAMU-Hub-Modeles`, folder `converter/`) disagreed when the
bench was written:

* `RELEASED` — branch `main`, tag `converter-2.7.5-rc.1` (same commit as the model tag `3.4.1-rc.3`):
  RS-RI → RC-RI keeps only `SIS*` / `SMUR*` vehicles, typed `SIS` / `SMUR`; RC-RI → RS-RI keeps the CISU
  vehicle type; nomenclature codes pass unchanged.
* `NOMENCLATURE_RC` — tag `converter-2.8.0-rc.5` (branch `feat/converter/nomenclature-mapper`, not
  merged in `main`): every health vehicle becomes `VECTEUR_SANTE`, every CISU vehicle becomes `SIS`, and
  the qualification codes (`whatsHappen`, `locationKind`, `riskThreat[]`, `healthMotive`) are re-mapped
  between the CISU 1.9 and health 2.3 nomenclatures (`converter/converter/nomenclatures/…`).

CHOICE: `RELEASED` by default. Reasons: it is the line on the official repository's main branch and the
one tagged with the model library the bench validates against (3.x pack, schemas `26.07.29`); its
outputs are valid against that pack (the release candidate's `VECTEUR_SANTE` is not in the pack's RC-RI
`vehicleType` enum, and one of its health-motive target codes, `"M31.11 "`, breaks the RC-EDA pattern);
and the hub's public FAQ (`ansforge/SAMU-Hub-Sante`, `web/landing/pages/faq.html`) states that the hub
does not transcode nomenclatures. Which line the production hub runs is not public: the other line
stays selectable (`ConversionSettings(line=ConverterLine.NOMENCLATURE_RC)`).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class ConverterLine(StrEnum):
    RELEASED = "converter-2.7.5-rc.1"
    NOMENCLATURE_RC = "converter-2.8.0-rc.5"


def _local_now() -> datetime:
    return datetime.now()


@dataclass(frozen=True)
class ConversionSettings:
    """`line`: the converter line; `now`: the converter's local clock (naive, as the container's);
    `rng`: random ids (`locID`, `INAL-…`, medical-note ids, RS-SR distribution ids). Tests freeze both."""

    line: ConverterLine = ConverterLine.RELEASED
    now: Callable[[], datetime] = _local_now
    rng: random.Random = field(default_factory=random.Random)


DEFAULT_SETTINGS = ConversionSettings()

"""Case ids of the functional tiers: shared `caseId`, local number (`senderCaseId`), their formats.

Sources: the `caseId` description and patterns of the schemas of each line (`ansforge/SAMU-Hub-Modeles`,
`src/main/resources/json-schema/RS-EDA.schema.json`: caseId =
`{pays}.{domaine}.{organisation}.{senderCaseId}`, built once by the system that took the first call); the
official test LRM (`ansforge/SAMU-Hub-Sante`, `web/lrm/client/`: local case id `<clientId>.DRMFR15690` + YY +
day-of-year(3) + HH + MM + last digit of seconds); DSF 15-15 §3.6 (local number `DRFR15DDXAAJJJ00000`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

Clock = Callable[[], datetime]

RUNNER_PREFIX = "DRMFR15690"

# caseId of the 3.x schemas; the 1.x/2.x lines use `fr(\.[\w-]+){3,4}` (anchored from 2.x).
CASE_ID_3X = re.compile(r"^([a-zA-Z0-9_-]+\.?){4,10}$")
CASE_ID_OLD = re.compile(r"^fr(\.[\w-]+){3,4}$", re.ASCII)
# DSF 15-15 §3.6: D + type letters + FR15 + department (2A/2B/76A…) + AA + JJJ + sequence; soft check.
LOCAL_NUMBER = re.compile(r"^D[A-Z]{0,2}FR15[0-9][0-9AB][0-9A-Z]\d{2}\d{3}\d{4,5}$")


def local_now() -> datetime:
    return datetime.now().astimezone()


def runner_time_code(now: datetime) -> str:
    """YY + day of year (3 digits) + HH + MM + last digit of the seconds, in the clock's own zone."""
    return f"{now:%y}{now.timetuple().tm_yday:03d}{now:%H%M}{now.second % 10}"


def local_case_id(client_id: str, *, clock: Clock = local_now) -> str:
    """Local case id exactly as the official test runner builds it (`generateCaseId`)."""
    return f"{client_id}.{RUNNER_PREFIX}{runner_time_code(clock())}"


def shared_case_id(organisation: str, sender_case_id: str) -> str:
    """`{pays}.{domaine}.{organisation}.{senderCaseId}` for an organisation id like `fr.health.samu770`."""
    return f"{organisation}.{sender_case_id}"


def case_id_matches_pattern(case_id: str, line: str) -> bool:
    """The caseId pattern of the schema line ("1", "2" or "3")."""
    return bool((CASE_ID_3X if line == "3" else CASE_ID_OLD).match(case_id))

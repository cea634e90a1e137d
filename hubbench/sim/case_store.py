"""The reference vendor's cases: one local case per shared `caseId`, like a real LRM's case list.

A message whose `caseId` is known updates that case; an unknown `caseId` opens a new local case
(DSF 15-15 §5.4; cahier de recette 2023 §6.1: two messages with the same caseId never make two cases). Each
local case gets the vendor's own local number (`senderCaseId`, DSF 15-15 §3.6 format). The store also keeps
what later messages about the case need: its `creation`, its owner (CRRA traitant), a pending owner transfer
request (DSF 15-15 §5.3), the MISSION.ID of the EMSI DC received for it, whether an EMSI exchange has started
(MSGTYPE ALERT then UPDATE), and the test case it belongs to.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from hubbench.cases import Clock, local_now, shared_case_id
from hubbench.protocol import format_datetime

_DEPARTMENT_FALLBACK = "690"

# Use cases about a case (`ansforge/SAMU-Hub-Modeles` `csv_parser/out/schemas.yaml`): integrated in the
# case store, acknowledged by RC-REF.
FUNCTIONAL_KINDS = frozenset({
    "createCase", "createCaseHealth", "createCaseHealthUpdate", "emsi", "resourcesInfo", "resourcesRequest",
    "resourcesResponse", "resourcesStatus", "resourcesEngagement", "documentLink", "interventionReport",
    "rpis", "geoPositionsUpdate", "geoResourcesRequest", "geoResourcesDetails", "resourcesInfoCisu",
    "appointment",
})
CREATE_KINDS = frozenset({"createCase", "createCaseHealth"})


@dataclass
class OwnerRequest:
    """A partner asked the vendor to take the case over; an operator decides (prompt)."""

    requester_id: str  # the CRRA that asked (sender of the request); a refusal gives the case back to it
    distribution_id: str


@dataclass
class LocalCase:
    case_id: str  # shared id, as received (or as built by the vendor when it created the case)
    local_number: str  # the vendor's own number for this case (senderCaseId when it writes the case)
    creation: str  # as first written (offset form); corrections repeat it character for character
    owner: str
    created_here: bool  # True: the vendor created (and shared) it; False: received from a partner
    key: str  # use-case key of the first message (createCase / createCaseHealth / …)
    body: dict[str, Any]  # last full known content of the case (for 15-NexSIS corrections)
    partners: list[str] = field(default_factory=list)
    owner_request: OwnerRequest | None = None
    dc_mission_ids: list[str] = field(default_factory=list)
    emsi_started: bool = False
    updates: int = 0  # messages integrated after the first one
    health_updates: int = 0  # createCaseHealthUpdate (RS-EDA-MAJ) messages received on it


class CaseStore:
    """Local cases by shared `caseId`; `alias` sends lookups of an id to another local case."""

    def __init__(self, own_id: str, *, clock: Clock = local_now) -> None:
        self.own_id = own_id
        self.clock = clock
        self._cases: dict[str, LocalCase] = {}
        self._aliases: dict[str, str] = {}  # looked-up caseId → caseId of the local case answering it
        self._order: list[str] = []  # creation order of the local cases
        self._last_sequence = -1
        self._department = _department_of(own_id)

    def __len__(self) -> int:
        return len(self._cases)

    def cases(self) -> list[LocalCase]:
        return [self._cases[case_id] for case_id in self._order]

    def get(self, case_id: str | None) -> LocalCase | None:
        if not case_id:
            return None
        return self._cases.get(self._aliases.get(case_id, case_id))

    def latest_with(self, partner: str) -> LocalCase | None:
        """The most recently opened case shared with `partner`."""
        for case_id in reversed(self._order):
            case = self._cases[case_id]
            if partner in case.partners:
                return case
        return None

    def new_local_number(self) -> str:
        """`DRFR15` + department + YY + day of year + a 5-digit sequence (DSF 15-15 §3.6), unique here."""
        now = self.clock()
        seconds = now.hour * 3600 + now.minute * 60 + now.second
        self._last_sequence = max(self._last_sequence + 1, seconds) % 100000
        return f"DRFR15{self._department}{now:%y}{now.timetuple().tm_yday:03d}{self._last_sequence:05d}"

    def open_own(self, key: str, partner: str | None = None) -> LocalCase:
        """A case the vendor creates: caseId `{own id}.{local number}`, owner = the vendor."""
        number = self.new_local_number()
        case = LocalCase(shared_case_id(self.own_id, number), number, self._now(), self.own_id, True, key, {})
        self._add(case, partner)
        return case

    def open_received(self, case_id: str, key: str, body: dict[str, Any], *, sender: str,
                      creation: str | None, owner: str | None) -> LocalCase:
        case = LocalCase(case_id, self.new_local_number(), creation or self._now(), owner or sender,
                         False, key, copy.deepcopy(body))
        self._add(case, sender)
        return case

    def open_duplicate(self, original: LocalCase, sender: str) -> LocalCase:
        """A second local case for a `caseId` already known (fault `doublon-sur-renvoi`).

        The duplicate gets its own caseId (the vendor took the resend for a new case) and answers
        every later lookup of the original id.
        """
        number = self.new_local_number()
        duplicate = LocalCase(shared_case_id(self.own_id, number), number, self._now(), original.owner, True,
                              original.key, copy.deepcopy(original.body))
        self._add(duplicate, sender)
        self._aliases[original.case_id] = duplicate.case_id
        return duplicate

    def _now(self) -> str:
        return format_datetime(self.clock().replace(microsecond=0))

    def _add(self, case: LocalCase, partner: str | None) -> None:
        self._cases[case.case_id] = case
        self._order.append(case.case_id)
        if partner:
            case.partners.append(partner)

    @staticmethod
    def share(case: LocalCase, partner: str) -> None:
        if partner not in case.partners:
            case.partners.append(partner)


def _department_of(client_id: str) -> str:
    """Three characters standing for the department in the local number (digits of the client id)."""
    digits = "".join(ch for ch in client_id if ch.isdigit())
    return digits[-3:] if len(digits) >= 3 else _DEPARTMENT_FALLBACK

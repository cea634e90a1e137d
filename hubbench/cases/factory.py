"""Valid use-case messages of every kind a pack has, built from the pack's official examples.

A message is an official example with the scenario's identity written in: shared case id, local
number, owner, sending organisation (the example's organisation prefix is replaced in every id), and
its date-times moved so that the latest one is "now" (offset form, never `Z`), keeping their spacing.
Scenario helpers cover tier 5 (corrections: same `caseId`, `creation` unchanged), tier 6 (updates of
operational fields, owner transfer request / accept / refuse, DSF 15-15 §5.3) and tier 7 (EMSI DC, RDC,
OPG, DSF 15-NexSIS §5.3; examples in `ansforge/SAMU-Hub-Modeles`, `src/main/resources/sample/examples/EMSI/`).
"""

from __future__ import annotations

import copy
import re
import threading
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from hubbench.cases import jsonpath
from hubbench.cases.case_ids import RUNNER_PREFIX, Clock, local_now, runner_time_code, shared_case_id
from hubbench.cases.material import PackMaterial, material_for
from hubbench.errors import UsageError
from hubbench.home import BenchHome
from hubbench.protocol import SchemaPack, format_datetime

FULL_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$")
NEXSIS_LINK = "15-NexSIS"

# EMSI variants → example file (case-insensitive name) of `examples/EMSI/`.
EMSI_EXAMPLES = {"DC": "emsi-dc-message.json", "RDC": "emsi-rdc-message.json", "OPG": "emsi-opg-message.json"}
DC_ANSWERS = ("ACCEPTE", "REFUS", "PARTIELLE", "DIVERGENTE")
# What a non-ACCEPTE answer to a DC carries on its answer mission (EMSI schema, MISSION.FREETEXT,
# RESOURCE_ID, START_TIME; DSF 15-NexSIS §5.3, à vérifier): a refusal its reason, a partial answer the
# resources it engages, a divergent answer the arrival time it proposes (`MessageFactory.answer_details`).
ANSWER_FIELDS = {"reason": "FREETEXT", "resources": "RESOURCE_ID", "start_time": "START_TIME"}
DIVERGENT_DELAY = timedelta(minutes=45)

# Operational fields changed by a tier-6 variation, per update kind (values valid on every line).
OPERATIONAL_CHANGES: Mapping[str, Mapping[str, Any]] = {
    "createCaseHealthUpdate": {"$.createCaseHealthUpdate.qualification.details.priority": "P1"},
    "createCase": {"$.createCase.location.freetext": "Mise à jour du banc : accès par la cour arrière"},
    # 15-NexSIS, an LRM whose cases the hub converts: its correction is a new createCaseHealth
    "createCaseHealth": {
        "$.createCaseHealth.location.freetext": "Mise à jour du banc : accès par la cour arrière",
    },
}


@dataclass(frozen=True)
class CaseContext:
    """Identity of one shared case, as seen by the organisation that created it."""

    sender_id: str  # organisation that shares the case (its client id)
    sender_case_id: str  # local number in the sender's system
    case_id: str  # shared id {pays}.{domaine}.{organisation}.{senderCaseId}
    owner: str  # CRRA traitant
    creation: datetime

    @classmethod
    def open(cls, sender_id: str, *, clock: Clock = local_now, owner: str | None = None) -> CaseContext:
        """A new case of `sender_id`. The runner's number only changes every 10 s within a minute, so a
        number already issued in this process is moved to the next free second: never two cases with
        the same `caseId`."""
        now = clock().replace(microsecond=0)
        with _ISSUED_LOCK:
            issued, stamp = _ISSUED.setdefault(sender_id, set()), now
            while (number := f"{RUNNER_PREFIX}{runner_time_code(stamp)}") in issued:
                stamp += timedelta(seconds=1)
            issued.add(number)
        return cls(sender_id, number, shared_case_id(sender_id, number), owner or sender_id, now)


_ISSUED: dict[str, set[str]] = {}  # local numbers already given out in this process, per sender
_ISSUED_LOCK = threading.Lock()


class MessageFactory:
    """Use cases for one pack; `kinds()` lists what it can build (`emsi:DC|RDC|OPG` for EMSI)."""

    def __init__(self, pack: SchemaPack, material: PackMaterial | None = None, *, clock: Clock = local_now,
                 home: BenchHome | None = None) -> None:
        self.pack = pack
        self.material = material or material_for(pack, home=home)
        self.clock = clock
        self._examples = self.material.example_files()

    # -- catalogue -------------------------------------------------------------------------------
    def kinds(self) -> list[str]:
        found: list[str] = []
        for model, files in self._examples.items():
            for name in files:
                key = next(iter(self.material.example(model, name)), None)
                if key == "emsi":
                    found += [f"emsi:{v}" for v, f in EMSI_EXAMPLES.items() if name.lower() == f]
                elif key and key not in found:
                    found.append(key)
        return sorted(set(found))

    def example_for(self, kind: str, file: str | None = None) -> dict[str, Any]:
        """A deep copy of the example `file` (or the first example) of `kind`."""
        key, _, variant = kind.partition(":")
        for model, files in self._examples.items():
            for name in files:
                if file is not None and name != file:
                    continue
                if variant and name.lower() != EMSI_EXAMPLES.get(variant, ""):
                    continue
                example = self.material.example(model, name)
                if isinstance(example, dict) and key in example:
                    return copy.deepcopy(example)
        raise UsageError(f"Aucun exemple officiel de type {kind!r} dans le pack {self.pack.tag}"
                         + (f" (fichier {file})" if file else ""))

    def example_member(self, kind: str, member: str, ctx: CaseContext) -> Any:
        """`member` of the first official example of `kind` that has it, carrying the identity of `ctx`."""
        for model, files in self._examples.items():
            for name in files:
                example = self.material.example(model, name)
                body = example.get(kind) if isinstance(example, dict) else None
                if isinstance(body, dict) and member in body:
                    return self.build(kind, ctx, file=name)[kind][member]
        raise UsageError(f"Aucun exemple officiel de type {kind!r} avec {member!r} dans le pack "
                         f"{self.pack.tag}")

    # -- generic build ---------------------------------------------------------------------------
    def build(self, kind: str, ctx: CaseContext, *, file: str | None = None) -> dict[str, Any]:
        """The example of `kind` carrying the case identity of `ctx`, dates moved to now."""
        use_case = self.example_for(kind, file)
        key = next(iter(use_case))
        body = use_case[key]
        old_org = _example_organisation(key, body)
        if old_org:
            _rewrite_organisation(use_case, old_org, ctx.sender_id)
        _move_dates(use_case, self.clock())
        _write_identity(key, body, ctx)
        return use_case

    # -- tier 4/5: case creation and corrections -------------------------------------------------
    def create_case(self, ctx: CaseContext, *, link: str, file: str | None = None) -> dict[str, Any]:
        return self.build("createCase" if link == NEXSIS_LINK else "createCaseHealth", ctx, file=file)

    def correction(self, ctx: CaseContext, *, link: str, changes: Mapping[str, Any] | None = None,
                   file: str | None = None) -> dict[str, Any]:
        """A later message for the same case: RS-EDA-MAJ on 15-15/15-SMUR, a new createCase on 15-NexSIS."""
        if link == NEXSIS_LINK:
            use_case = self.create_case(ctx, link=link, file=file)
            default = OPERATIONAL_CHANGES["createCase"]
        else:
            use_case = {"createCaseHealthUpdate": {"caseId": ctx.case_id}}
            if self.pack.line == "3":
                use_case["createCaseHealthUpdate"]["senderCaseId"] = ctx.sender_case_id
            default = OPERATIONAL_CHANGES["createCaseHealthUpdate"]
        for text, value in (default if changes is None else changes).items():
            jsonpath.set_value(use_case, jsonpath.parse(text), value)
        return use_case

    # -- tier 6: owner transfer (DSF 15-15 §5.3) --------------------------------------------------
    def owner_request(self, ctx: CaseContext, target_id: str) -> dict[str, Any]:
        """The CRRA that holds the case asks `target_id` to take it over."""
        return {"createCaseHealthUpdate": {"caseId": ctx.case_id, "owner": target_id}}

    @staticmethod
    def owner_answer(ctx: CaseContext, *, answerer_id: str, accept: bool) -> dict[str, Any]:
        """Accept keeps the answerer's own id as owner; refuse puts back the requester's id."""
        return {"createCaseHealthUpdate": {"caseId": ctx.case_id,
                                           "owner": answerer_id if accept else ctx.owner}}

    # -- tier 7: EMSI ----------------------------------------------------------------------------
    def answer_details(self, answer: str) -> dict[str, Any]:
        """What an answer of kind `answer` carries besides its code: REFUS its reason, PARTIELLE the
        resources it engages, DIVERGENTE the arrival time it proposes; ACCEPTE nothing more."""
        if answer == "REFUS":
            return {"reason": "Refus : aucun moyen disponible sur le secteur"}
        if answer == "PARTIELLE":
            return {"resources": ["VSAV1"]}
        if answer == "DIVERGENTE":
            return {"start_time": format_datetime(self.clock().replace(microsecond=0) + DIVERGENT_DELAY)}
        return {}

    def emsi(self, ctx: CaseContext, variant: str, *, sender_id: str | None = None, msgtype: str = "ALERT",
             context_id: str | None = None, answer: str = "ACCEPTE", mission_id: str | None = None,
             local_case_id: str | None = None, details: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """EMSI DC / RDC / OPG about the case of `ctx`, written by `sender_id` (default: ctx sender).

        For RDC, `mission_id` is the DC's MISSION.ID and `answer` one of ACCEPTE, REFUS, PARTIELLE,
        DIVERGENTE; the mission's ORG_ID is the answering organisation; `details` (`answer_details`): the
        answer's reason, resources or proposed time, written on the answer mission.
        """
        if variant not in EMSI_EXAMPLES:
            raise UsageError(f"Variante EMSI inconnue : {variant!r} (attendu DC, RDC ou OPG)")
        author = sender_id or ctx.sender_id
        use_case = self.build(f"emsi:{variant}", replace(ctx, sender_id=author))
        emsi = use_case["emsi"]
        context = emsi["CONTEXT"]
        context.update({"ID": context_id or str(uuid.uuid4()), "MODE": "ACTUAL", "MSGTYPE": msgtype})
        context.setdefault("ORIGIN", {})["ORG_ID"] = author
        emsi["EVENT"]["MAIN_EVENT_ID"] = ctx.case_id
        emsi["EVENT"]["ID"] = local_case_id or ctx.sender_case_id
        missions = emsi.get("MISSION") or []
        if variant == "RDC":
            if answer not in DC_ANSWERS:
                raise UsageError(
                    f"Réponse à demande de concours inconnue : {answer!r} ({', '.join(DC_ANSWERS)})"
                )
            missions[0]["NAME"] = f"#REPONSE_DEMANDE_CONCOURS#{answer}#"
            missions[0]["ORG_ID"] = author
            if mission_id:
                missions[0]["ID"] = mission_id
            for key, field in ANSWER_FIELDS.items():
                if details and details.get(key):
                    value = details[key]
                    missions[0][field] = list(value) if isinstance(value, (list, tuple)) else value
        elif variant == "DC" and mission_id:
            missions[0]["ID"] = mission_id
        if variant == "OPG":
            context["LEVEL"] = "OPR"
        return use_case


def _example_organisation(key: str, body: Any) -> str | None:
    """Organisation of the example: its shared case id minus the local number."""
    if not isinstance(body, dict):
        return None
    if key == "emsi":
        event = body.get("EVENT", {})
        case_id, local = event.get("MAIN_EVENT_ID"), event.get("ID")
    elif key == "rpis":
        context = body.get("context", {})
        return context.get("orgId") if isinstance(context.get("orgId"), str) else None
    else:
        case_id, local = body.get("caseId"), body.get("senderCaseId")
    if not isinstance(case_id, str):
        return None
    if isinstance(local, str) and case_id.endswith(f".{local}") and case_id != local:
        return case_id[: -len(local) - 1]
    labels = case_id.split(".")
    return ".".join(labels[:3]) if len(labels) > 3 else None


def _rewrite_organisation(document: Any, old: str, new: str) -> None:
    for path, value in list(jsonpath.leaves(document)):
        if isinstance(value, str) and (value == old or value.startswith(old + ".")):
            jsonpath.set_value(document, path, new + value[len(old):])


def _move_dates(document: Any, now: datetime) -> None:
    found = [(path, datetime.fromisoformat(value)) for path, value in jsonpath.leaves(document)
             if isinstance(value, str) and FULL_DATE_TIME.match(value)]
    if not found:
        return
    delta = now.replace(microsecond=0) - max(moment for _, moment in found)
    for path, moment in found:
        jsonpath.set_value(document, path, format_datetime((moment + delta).astimezone(now.tzinfo)))


def _write_identity(key: str, body: Any, ctx: CaseContext) -> None:
    if not isinstance(body, dict):
        return
    if key in ("createCase", "createCaseHealth"):
        body.update(caseId=ctx.case_id, senderCaseId=ctx.sender_case_id,
                    creation=format_datetime(ctx.creation))
        if key == "createCaseHealth":
            body["owner"] = ctx.owner
    elif key == "createCaseHealthUpdate":
        body["caseId"] = ctx.case_id
        if "owner" in body:
            body["owner"] = ctx.owner
    elif key == "rpis":
        _write_rpis_identity(body, ctx)
    elif "caseId" in body:
        body["caseId"] = ctx.case_id


def organisation_of(client_id: str) -> str:
    """{pays}.{domaine}.{organisation} of a client id (`fr.health.samu770.smur` → `fr.health.samu770`)."""
    return ".".join(client_id.split(".")[:3])


def _write_rpis_identity(body: dict[str, Any], ctx: CaseContext) -> None:
    """RS-RPIS names the SAMU that engages the SMUR by its organisation only: 2.x `context.orgId` and
    1.x `event.samuId` allow three labels (`^[a-z]{2,3}\\.[a-z]+\\.[a-zA-Z0-9_]*$`), so a tablet's
    client id `fr.health.samuXXX.smur` is cut to its SAMU; 3.x allows 4–10 labels and gets the same."""
    context, event = body.get("context"), body.get("event")
    if isinstance(context, dict):  # caseId only on the 1.x line; senderCaseId from 2.x
        for field, value in (("caseId", ctx.case_id), ("senderCaseId", ctx.sender_case_id),
                             ("orgId", organisation_of(ctx.sender_id))):
            if field in context:
                context[field] = value
    if isinstance(event, dict) and "samuId" in event:
        event["samuId"] = organisation_of(ctx.sender_id)

"""Functional behaviour of the reference vendor (tiers 4–7): its case desk.

Unprompted, it integrates every functional message in its case store (`sim.case_store`): a known
`caseId` updates that case, an unknown one opens a case; a message naming the vendor as `owner` of a
case held by the partner is an owner-transfer request kept for an operator (DSF 15-15 §5.3); an EMSI
DC is noted (its MISSION.ID kept) and answered only on prompt. Prompted, it builds the messages the
operator asks for with `hubbench.cases.factory` for the vhost's pack. Fault profiles change one thing
each, explicitly (`Profile` fields under "functional behaviour"). Nothing here judges a message.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from hubbench.cases import (
    NEXSIS_LINK,
    OPERATIONAL_CHANGES,
    CaseContext,
    Clock,
    MessageFactory,
    jsonpath,
    local_now,
)
from hubbench.errors import UsageError
from hubbench.protocol import EnvelopeView, SchemaPack, case_id_of, format_datetime, use_case_key
from hubbench.sim.behaviour import Outgoing, wrap
from hubbench.sim.case_store import CREATE_KINDS, CaseStore, LocalCase, OwnerRequest
from hubbench.sim.gps import GPS_ACTIONS, gps_use_case
from hubbench.sim.profiles import Profile
from hubbench.vhosts import DEFAULT_LINK, LINK_VHOSTS

PackLoader = Callable[[], SchemaPack]

FUNCTIONAL_ACTIONS = frozenset({"send_create_case", "send_case_update", "answer_owner_transfer", "send_emsi",
                                "send_official_step", "open_case", "send_smur_message",
                                "request_owner_transfer", "share_case", *GPS_ACTIONS})
# Vhost perimeter ("15-smur" of `15-smur_v1.4`) → link.
VHOST_LINKS = {vhost.split("_", 1)[0].lower(): link for link, vhost in LINK_VHOSTS.items()}
# Observation time of `location.geometry`: `obsDatime` on the 1.x line, `datetime` from 2.x (RS-EDA and
# RC-EDA schemas). `mauvaise-version-schema` writes the other line's name: (vhost line) → (own, other).
GEOMETRY_TIME = {"1": ("obsDatime", "datetime"), "2": ("datetime", "obsDatime"),
                 "3": ("datetime", "obsDatime")}
CREATION_SHIFT = timedelta(hours=1)  # `creation-modifiee`: how far the corrections move `creation`
ANSWER_DETAILS = ("reason", "resources", "start_time")  # what an EMSI answer's prompt gives beside its code


def link_of_vhost(vhost: str) -> str:
    """`15-15_v1.5` → 15-15, `15-smur_v1.4` → 15-SMUR, `15-nexsis_v1.8` → 15-NexSIS (default 15-15)."""
    return VHOST_LINKS.get(vhost.split("_", 1)[0].lower(), DEFAULT_LINK)


@dataclass(frozen=True)
class Action:
    sends: tuple[Outgoing, ...]
    note: str  # French, for the vendor's log


class CaseDesk:
    """The vendor's cases on one vhost, and the messages its operator sends about them."""

    def __init__(self, own_id: str, profile: Profile, link: str, pack: PackLoader, *,
                 clock: Clock = local_now) -> None:
        self.own_id = own_id
        self.profile = profile
        self.link = link
        self.store = CaseStore(own_id, clock=clock)
        self.clock = clock
        self._load_pack = pack
        self._pack: SchemaPack | None = None
        self._factory_: MessageFactory | None = None
        self._official: dict[str, str] = {}  # official test case label → caseId of its local case

    # -- pack and factories (loaded on first use: tiers 1–3 never need them) ------------------------
    @property
    def pack(self) -> SchemaPack:
        if self._pack is None:
            self._pack = self._load_pack()
        return self._pack

    def _factory(self) -> MessageFactory:
        if self._factory_ is None:
            self._factory_ = MessageFactory(self.pack, clock=self.clock)
        return self._factory_

    # -- unprompted: integrate what arrives ---------------------------------------------------------
    def receive(self, env: Mapping[str, Any]) -> str:
        """Integrate one functional message in the case store; returns the log line (French)."""
        view = EnvelopeView(env)
        key, body, sender = view.kind, view.use_case, view.sender_id or "?"
        if not isinstance(body, dict) or key is None:
            return f"message fonctionnel illisible de {sender} : {view.distribution_id}"
        case_id = case_id_of(key, body)
        if case_id is None:
            return f"{key} de {sender} sans caseId, noté : {view.distribution_id}"
        case = self.store.get(case_id)
        if case is None:
            owner = _text(body, "owner")  # naming the vendor itself: a request, the case stays the sender's
            case = self.store.open_received(case_id, key, body, sender=sender,
                                            creation=_text(body, "creation"),
                                            owner=sender if owner in (None, self.own_id) else owner)
            note = f"nouveau dossier {case_id} reçu de {sender} ({key}, n° local {case.local_number})"
        elif key in CREATE_KINDS and self.profile.duplicate_on_resend:
            case = self.store.open_duplicate(case, sender)
            note = f"{key} de {sender} pour {case_id} : second dossier local ouvert ({case.case_id})"
        else:
            case.updates += 1
            case.health_updates += key == "createCaseHealthUpdate"
            CaseStore.share(case, sender)
            _integrate(case, key, body)
            note = f"dossier {case.case_id} mis à jour par {sender} ({key})"
        if key == "emsi":
            return note + self._receive_emsi(case, body)
        return note + self._receive_owner(case, body, sender, view.distribution_id or "")

    def _receive_owner(self, case: LocalCase, body: Mapping[str, Any], sender: str, dist_id: str) -> str:
        owner = body.get("owner")
        if not isinstance(owner, str):
            return ""
        if owner == self.own_id and case.owner != self.own_id and sender != self.own_id:
            requester = case.owner if case.owner != self.own_id else sender
            case.owner_request = OwnerRequest(requester_id=requester, distribution_id=dist_id)
            return f" ; demande de transfert de responsabilité de {sender} en attente d'une décision"
        case.owner = owner
        return f" ; owner {owner}"

    @staticmethod
    def _receive_emsi(case: LocalCase, body: Mapping[str, Any]) -> str:
        case.emsi_started = True
        raw_missions = body.get("MISSION")
        missions: list[Any] = raw_missions if isinstance(raw_missions, list) else []
        dc_ids = [str(m["ID"]) for m in missions if isinstance(m, Mapping) and "ID" in m
                  and str(m.get("NAME", "")).startswith("#DEMANDE_CONCOURS#")]
        case.dc_mission_ids.extend(dc_ids)
        if not dc_ids:
            return " ; EMSI"
        return f" ; EMSI demande de concours {', '.join(dc_ids)} en attente de réponse"

    # -- prompted: what the operator asks -----------------------------------------------------------
    def perform(self, action: str, parameters: Mapping[str, Any]) -> Action:
        """Carry out one functional prompt; bad parameters raise ValueError (French)."""
        if action == "open_case":
            case = self.store.get(_text(parameters, "case_id"))
            shown = f"dossier {case.case_id} (n° local {case.local_number})" if case else "dossier inconnu"
            return Action((), f"dossier ouvert à l'écran pour l'opérateur : {shown}")
        recipient = _text(parameters, "recipient")
        if not recipient:
            raise ValueError("paramètre « recipient » absent de la consigne")
        if action in GPS_ACTIONS:  # 15-GPS: no case, positions and resource details
            use_case, note = gps_use_case(self.profile, self.own_id, self.pack.line, action, parameters,
                                          self.clock())
            out = wrap(self.profile, self.own_id, recipient, use_case)
            return Action((out,), f"{note} → {recipient} : {out.distribution_id}")
        handlers = {
            "send_create_case": self._create_case,
            "send_case_update": self._case_update,
            "answer_owner_transfer": self._owner_answer,
            "send_emsi": self._emsi,
            "send_official_step": self._official_step,
            "send_smur_message": self._smur_message,
            "request_owner_transfer": self._owner_request,
            "share_case": self._share_case,
        }
        if action not in handlers:
            raise ValueError(f"action « {action} » inconnue")
        use_case, note = handlers[action](recipient, parameters)
        recipients = [recipient]
        if action == "send_case_update" and self.profile.update_all_partners:  # DSF 15-15 §5.4
            case = self._case_for(parameters, recipient)
            recipients += [p for p in case.partners if p != recipient]
        sends = tuple(wrap(self.profile, self.own_id, to, use_case) for to in recipients)
        said = ", ".join(f"{to} : {out.distribution_id}" for to, out in zip(recipients, sends, strict=True))
        return Action(sends, f"{note} → {said}")

    def _create_case(self, recipient: str, parameters: Mapping[str, Any]) -> tuple[dict[str, Any], str]:
        default = "createCase" if self.link == NEXSIS_LINK else "createCaseHealth"
        asked = _text(parameters, "use_case") or default
        key = self._own_model() or asked
        if key not in CREATE_KINDS:
            raise ValueError(f"cas d'usage de création inconnu : {key!r} (createCase ou createCaseHealth)")
        case = self.store.open_own(key, recipient)
        use_case = self._factory().build(key, self._context(case))
        if key == asked:  # the operator's entry is in the model it was asked for
            _merge(use_case[key], _unwrap(parameters.get("content"), key))
        _write_identity(use_case[key], key, case)
        note = f"dossier {case.case_id} créé et partagé ({key})"
        if self.profile.foreign_model_line:
            own, other = GEOMETRY_TIME[self.pack.line]
            _other_line_geometry(use_case[key], own, other)
            note += f" avec location.geometry.{other} (autre version du modèle que celle du vhost)"
        case.body = copy.deepcopy(use_case[key])
        return use_case, note

    def _case_update(self, recipient: str, parameters: Mapping[str, Any]) -> tuple[dict[str, Any], str]:
        case = self._case_for(parameters, recipient)
        changes = parameters.get("changes")
        if changes is not None and not isinstance(changes, Mapping):
            raise ValueError("paramètre « changes » : un objet {chemin JSONPath: valeur} est attendu")
        case_id = case.case_id
        if case.created_here and not self.profile.keep_case_id:
            case_id = f"{self.own_id}.{self.store.new_local_number()}"
        if self.link == NEXSIS_LINK:  # a new case message of the model it speaks (RC-EDA or RS-EDA)
            key = self._own_model() or _text(parameters, "use_case") or (
                case.key if case.key in CREATE_KINDS else "createCase")
            if key not in CREATE_KINDS:
                raise ValueError(f"cas d'usage de mise à jour inconnu sur 15-NexSIS : {key!r}")
            body = copy.deepcopy(case.body) if case.key == key and case.body else \
                self._factory().build(key, self._context(case))[key]
            use_case = {key: body}
            body.update(caseId=case_id, senderCaseId=case.local_number, creation=self._creation_of(case))
            asked = {t: v for t, v in (changes or {}).items() if str(t).startswith(f"$.{key}.")}
            for text, value in (asked or OPERATIONAL_CHANGES[key]).items():
                jsonpath.set_value(use_case, jsonpath.parse(str(text)), value)
            case.body = copy.deepcopy(body)
        else:  # RS-EDA-MAJ carries no `creation` (additionalProperties false): nothing to move there
            context = self._context(case)
            use_case = self._factory().correction(context, link=self.link,
                                                  changes=None if changes is None else dict(changes))
            use_case["createCaseHealthUpdate"]["caseId"] = case_id
        CaseStore.share(case, recipient)
        return use_case, f"correction du dossier {case.case_id}" + (
            f" envoyée sous le caseId {case_id}" if case_id != case.case_id else "")

    def _creation_of(self, case: LocalCase) -> str:
        if self.profile.keep_creation:
            return case.creation
        return format_datetime(datetime.fromisoformat(case.creation) + CREATION_SHIFT)

    def _owner_answer(self, recipient: str, parameters: Mapping[str, Any]) -> tuple[dict[str, Any], str]:
        case = self._case_for(parameters, recipient)
        decision = _text(parameters, "decision")
        if decision not in ("accept", "refuse"):
            raise ValueError(f"décision inconnue : {decision!r} (accept ou refuse)")
        requester = case.owner_request.requester_id if case.owner_request else recipient
        accept = decision == "accept"
        written_accept = accept != self.profile.invert_owner_answer
        context = CaseContext(self.own_id, case.local_number, case.case_id, requester, _moment(case))
        use_case = MessageFactory.owner_answer(context, answerer_id=self.own_id, accept=written_accept)
        case.owner = self.own_id if accept else requester
        case.owner_request = None
        verdict = "acceptée" if accept else "refusée"
        return use_case, f"demande de transfert du dossier {case.case_id} {verdict}"

    def _owner_request(self, recipient: str, parameters: Mapping[str, Any]) -> tuple[dict[str, Any], str]:
        """The operator asks `target` (default: the recipient) to take its case over (DSF 15-15 §5.3)."""
        case = self._case_for(parameters, recipient)
        target = _text(parameters, "target") or recipient
        owner = target if self.profile.owner_request_to_target else self.own_id
        return ({"createCaseHealthUpdate": {"caseId": case.case_id, "owner": owner}},
                f"demande de prise en charge du dossier {case.case_id} adressée à {target}")

    def _share_case(self, recipient: str, parameters: Mapping[str, Any]) -> tuple[dict[str, Any], str]:
        """The whole case, as last known, shared with one more partner."""
        case = self.store.get(_text(parameters, "case_id"))
        if case is None:
            raise ValueError(f"dossier inconnu de ce système : {_text(parameters, 'case_id')}")
        key = case.key if case.key in CREATE_KINDS else self._own_model() or "createCaseHealth"
        body = copy.deepcopy(case.body) if case.key == key and case.body else \
            self._factory().build(key, self._context(case))[key]
        _write_identity(body, key, case)
        CaseStore.share(case, recipient)
        return {key: body}, f"dossier {case.case_id} partagé avec un partenaire de plus"

    def _emsi(self, recipient: str, parameters: Mapping[str, Any]) -> tuple[dict[str, Any], str]:
        case = self._case_for(parameters, recipient)
        variant = (_text(parameters, "variant") or "").upper()
        mission_id = _text(parameters, "mission_id")
        if variant == "RDC":
            mission_id = mission_id or (case.dc_mission_ids[-1] if case.dc_mission_ids else None)
            if not self.profile.reuse_dc_mission_id:
                mission_id = f"{self.own_id}.mission.{uuid.uuid4().hex[:8]}"
        elif variant == "DC":
            mission_id = mission_id or f"{self.own_id}.mission.{uuid.uuid4().hex[:8]}"
        else:
            mission_id = None
        answer = _text(parameters, "answer") or "ACCEPTE"
        details = {key: parameters[key] for key in ANSWER_DETAILS if parameters.get(key)}
        if not self.profile.answer_as_asked:
            answer, details = "ACCEPTE", {}
        try:
            use_case = self._factory().emsi(
                self._context(case), variant, sender_id=self.own_id,
                msgtype="UPDATE" if case.emsi_started else "ALERT", answer=answer,
                mission_id=mission_id, local_case_id=case.local_number, details=details)
        except UsageError as exc:  # unknown variant or answer
            raise ValueError(exc.message) from exc
        case.emsi_started = True
        CaseStore.share(case, recipient)
        return use_case, f"EMSI {variant} pour le dossier {case.case_id}"

    def _official_step(self, recipient: str, parameters: Mapping[str, Any]) -> tuple[dict[str, Any], str]:
        raw_content = parameters.get("content")
        content: Mapping[str, Any] = raw_content if isinstance(raw_content, Mapping) else {}
        key = use_case_key(content)
        if key is None or not isinstance(content[key], Mapping):
            raise ValueError("paramètre « content » : un cas d'usage {clé: corps} est attendu")
        use_case = {key: copy.deepcopy(dict(content[key]))}
        body = use_case[key]  # re-entered as given: only the ids the product makes itself change
        test_case = _text(parameters, "test_case") or ""
        case = self.store.get(_text(parameters, "case_id") or self._official.get(test_case))
        if case is None and key in CREATE_KINDS:
            case = self.store.open_own(key, recipient)
        if case is None and _text(parameters, "case_id") and "caseId" in body:
            body["caseId"] = parameters["case_id"]  # the exchange's case, as the operator was told
        elif case is not None and "caseId" in body:
            body["caseId"] = case.case_id
            if "senderCaseId" in body:
                body["senderCaseId"] = case.local_number
        if case is not None:
            self._official[test_case] = case.case_id
            CaseStore.share(case, recipient)
        note = f"étape {_text(parameters, 'step_id')} du cas de test « {test_case} » ({key})"
        change = self.profile.official_step_change
        if change and (change.case_label, change.step_id) == (test_case, _text(parameters, "step_id")):
            jsonpath.set_value(use_case, jsonpath.parse(change.path), change.value)
            note += f", {change.path} ressaisi « {change.value} »"
        return use_case, note

    def _smur_message(self, recipient: str, parameters: Mapping[str, Any]) -> tuple[dict[str, Any], str]:
        """A tablet's message to its LRM (RS-SR, RS-URL, RS-BPV, RS-RPIS, GEO-POS) on a case it received:
        the operator's values (`content`), the case's caseId written where the message has one."""
        raw_content = parameters.get("content")
        content: Mapping[str, Any] = raw_content if isinstance(raw_content, Mapping) else {}
        key = _text(parameters, "use_case") or use_case_key(content)
        if key is None:
            raise ValueError("paramètre « use_case » absent de la consigne")
        body = _unwrap(content, key)
        case = self._case_for(parameters, recipient)
        case_id = case.case_id
        note = f"message {key} de la tablette sur le dossier {case_id}"
        if case.health_updates and not self.profile.keep_case_id_after_update:
            case_id = f"{self.own_id}.{self.store.new_local_number()}"
            note += f", envoyé sous un nouveau caseId {case_id}"
        if "caseId" in body:
            body["caseId"] = case_id
        if key == "resourcesStatus" and self.profile.smur_status:
            state = body.get("state")
            (state if isinstance(state, dict) else body)["status"] = self.profile.smur_status
            note += f", statut « {self.profile.smur_status} »"
        CaseStore.share(case, recipient)
        return {key: body}, note

    # -- helpers ------------------------------------------------------------------------------------
    def _own_model(self) -> str | None:
        """The case model a profile speaks on 15-NexSIS whatever it is asked (None: as asked)."""
        return (self.profile.case_model or None) if self.link == NEXSIS_LINK else None

    def _case_for(self, parameters: Mapping[str, Any], recipient: str) -> LocalCase:
        case_id = _text(parameters, "case_id")
        case = self.store.get(case_id) if case_id else self.store.latest_with(recipient)
        if case is None:
            wanted = case_id or f"aucun dossier partagé avec {recipient}"
            raise ValueError(f"dossier inconnu de ce système : {wanted}")
        return case

    def _context(self, case: LocalCase) -> CaseContext:
        return CaseContext(self.own_id, case.local_number, case.case_id, case.owner, _moment(case))


def _text(mapping: Mapping[str, Any], key: str) -> str | None:
    value = mapping.get(key) if isinstance(mapping, Mapping) else None
    return value if isinstance(value, str) and value else None


def _moment(case: LocalCase) -> datetime:
    return datetime.fromisoformat(case.creation)


def _unwrap(content: Any, key: str) -> dict[str, Any]:
    """The operator's entry: the use-case body, or the wrapper `{key: body}`; nothing → {}."""
    if not isinstance(content, Mapping):
        return {}
    inner = content.get(key)
    return dict(inner) if len(content) == 1 and isinstance(inner, Mapping) else dict(content)


def _merge(base: dict[str, Any], entry: Mapping[str, Any]) -> None:
    """The operator's values over the product's own form: objects merged, everything else replaced."""
    for field, value in entry.items():
        if isinstance(value, Mapping) and isinstance(base.get(field), dict):
            _merge(base[field], value)
        else:
            base[field] = copy.deepcopy(value)


def _other_line_geometry(body: dict[str, Any], own: str, other: str) -> None:
    """The observation time of the case's location under the other model line's field name."""
    location = body.setdefault("location", {})
    geometry = location.get("geometry")
    if not isinstance(geometry, dict):
        geometry = location["geometry"] = {}
    moment = geometry.pop(own, None) or body.get("creation")
    geometry[other] = moment


def _integrate(case: LocalCase, key: str, body: Mapping[str, Any]) -> None:
    if key in CREATE_KINDS:
        case.body = copy.deepcopy(dict(body))
    elif key == "createCaseHealthUpdate":
        _merge(case.body, {k: v for k, v in body.items() if k != "owner"})


def _write_identity(body: dict[str, Any], key: str, case: LocalCase) -> None:
    """What the product writes itself on a case it shares: its caseId, local number, creation, owner."""
    body.update(caseId=case.case_id, senderCaseId=case.local_number, creation=case.creation)
    if key == "createCaseHealth":
        body["owner"] = case.owner

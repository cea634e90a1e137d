"""The official test cases (`test_cases.json` of the vhost's pack) played as scenarios, case by case.

features/cas-officiels.feature holds one scenario, `Cas officiel <cas>`; at collection time the engine
plugin gives it one example per case the vhost's pack publishes for the run's link (`example_rows`),
under the pack's own labels, or a single row when the pack publishes none (said once, non applicable,
with the reason). Steps run in order like the official runner (`ansforge/SAMU-Hub-Sante`,
`web/lrm/client/pages/test/`):
* `receive` (the bench sends): the step's example prepared with the ids of the exchange
  (`prepare_receive_step`), sent by the partner; the vendor's RC-REF is awaited (automatic part); the
  expected values become a checklist a person attests (valid / approximate / invalid per value);
* `send` (the vendor sends): the operator is prompted (`send_official_step`) with the example's
  content; the vendor's message is compared path by path (`compare_send_step`, override paths expect
  the partner's id); when everything matches the bench acks it (RC-REF), as the official runner.
The exchange's caseId is the bench's when the case starts with a receive step, else the vendor's own.
"""

from __future__ import annotations

import copy
import re
import unicodedata
from typing import Any

from hubbench.cases import (
    CaseStep,
    OfficialCase,
    checklist,
    compare_send_step,
    expected_values,
    jsonpath,
    material_for,
    prepare_receive_step,
)
from hubbench.engine import functional as fn
from hubbench.engine.attestations import StepControl
from hubbench.engine.context import RunContext
from hubbench.engine.errors import NotApplicable, OperatorSkipped, StepInterrupted
from hubbench.engine.plugin import OFFICIAL_CASE_TAG
from hubbench.engine.scenario import ScenarioEngine
from hubbench.errors import BenchError
from hubbench.events import Verdict

OFFICIAL_TAG = OFFICIAL_CASE_TAG
TIER = 6  # the official cases exercise tiers 4–6 (reception, sending, updates); reported with tier 6
RULE_SEND = "Cas officiel — runner officiel, étape send (comparaison JSONPath avec le JDD)"
RULE_RECEIVE = "Cas officiel — runner officiel, étape receive (RC-REF du système)"
RULE_DISPLAY = "Cas officiel — runner officiel, étape receive (valeurs affichées)"
LINK_CATEGORIES = {"15-15": "15-15", "15-SMUR": "15-SMUR"}  # link → categoryLabel of test_cases.json


# -- the cases of the run --------------------------------------------------------------------------

CASE_PARAM = "cas"  # the `<cas>` placeholder of features/cas-officiels.feature
NO_CASE_ID = "aucun-cas"
_SHARED_KEY = "cas-officiels"


def run_cases(ctx: RunContext, shared: dict[str, Any]) -> list[OfficialCase] | str:
    """The pack's official cases of the run's link, or why there are none (loaded once per run)."""
    if _SHARED_KEY not in shared:
        shared[_SHARED_KEY] = _load(ctx)
    found: list[OfficialCase] | str = shared[_SHARED_KEY]  # str: why the pack has none
    return found


def example_rows(ctx: RunContext, shared: dict[str, Any]) -> list[tuple[str, dict[str, str]]]:
    """(pytest id, `<cas>` example) per case, in the pack's order; one row when the pack has none."""
    found = run_cases(ctx, shared)
    if isinstance(found, str):
        return [(NO_CASE_ID, {CASE_PARAM: f"— aucun cas publié pour {ctx.link.name} (pack {ctx.pack_tag})"})]
    return [(f"{index:02d}-{slug(case.label)}", {CASE_PARAM: case.label})
            for index, case in enumerate(found, start=1)]


def link_cases(bench: ScenarioEngine) -> list[OfficialCase]:
    """The pack's official cases of the run's link (NotApplicable when the pack publishes none)."""
    found = run_cases(bench.ctx, bench.shared)
    if isinstance(found, str):
        raise NotApplicable(found)
    return found


def _load(ctx: RunContext) -> list[OfficialCase] | str:
    link, tag = ctx.link.name, ctx.pack_tag
    if ctx.pack is None:
        return f"Aucun pack de schémas pour le vhost {ctx.vhost} : pas de cas de test officiels"
    try:
        categories = material_for(ctx.pack, home=ctx.home).test_cases()
    except BenchError as exc:
        return (f"Le pack {tag} du vhost {ctx.vhost} ne fournit pas de cas de test officiels lisibles par le "
                f"runner : {exc.message}")
    wanted = LINK_CATEGORIES.get(link, link).lower()
    cases = [case for category in categories if category.label.lower() == wanted for case in category.cases]
    if not cases:
        published = ", ".join(category.label for category in categories) or "aucune catégorie"
        return (f"Le pack {tag} ne publie aucun cas de test officiel pour la liaison {link} "
                f"(test_cases.json : {published})")
    return cases


def find_case(bench: ScenarioEngine, label: str) -> OfficialCase:
    """The case of that label, played only in the vendor's declared role (NotApplicable otherwise)."""
    for case in link_cases(bench):
        if case.label == label:
            reason = outside_declared_role(bench.ctx, case.label)
            if reason is not None:
                raise NotApplicable(reason)
            return case
    raise NotApplicable(f"Le cas « {label} » n'existe pas dans le pack {bench.ctx.pack_tag} du vhost")


# The vendor's role in a 15-SMUR case, read from the case's label in test_cases.json (« L'éditeur est le
# logiciel SMUR » / « L'éditeur est le LRM ou l'ORU … »): each case is published once per role.
CASE_ROLES: tuple[tuple[str, str], ...] = (("editeur est le logiciel smur", "tablette"),
                                           ("editeur est le lrm", "lrm"))
ROLE_NAMES_FR = {"tablette": "tablette (logiciel SMUR)", "lrm": "LRM"}


def case_role(label: str) -> str | None:
    """The role the vendor plays in an official case ("lrm", "tablette"), None when the label says none."""
    ascii_text = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"\s+", " ", ascii_text)
    text = text.replace("l'", "").replace("’", "")
    for phrase, role in CASE_ROLES:
        if phrase in text:
            return role
    return None


def outside_declared_role(ctx: RunContext, label: str) -> str | None:
    """The « non déclaré » reason when the case plays the vendor in a role it does not declare (15-SMUR)."""
    role = case_role(label)
    entry = ctx.declaration.declaration.link(ctx.link.name) if ctx.declaration is not None else None
    if role is None or entry is None or role in {r.value for r in entry.roles}:
        return None
    return (f"non déclaré : rôle {ROLE_NAMES_FR[role]} non déclaré sur {ctx.link.name} (dans ce cas "
            f"officiel l'éditeur joue le rôle {ROLE_NAMES_FR[role]})")


# -- playing a case -----------------------------------------------------------------------------------

def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60]


def play(bench: ScenarioEngine, case: OfficialCase) -> None:
    """Every step in order; send-step mismatches fail softly so the case reports all of them.

    The operator's choices of the answers file (`steps`, see engine.attestations) apply per step:
    "passer" records the step "non exécuté" and the case ends so (never passed); "renvoyer" sends a
    receive step's message again, or asks the vendor's operator again after a send step's mismatches.
    During the run, the open prompt of a send step takes the same choices through the prompt API
    (`POST /prompts/{id}/skip`, `/resend`: the console's « Passer à l'étape suivante », « Renvoyer
    l'étape »): skipped, the step is recorded so; resent, the step is asked again with a new prompt.
    """
    exchange: dict[str, str] = {}
    checklists: list[tuple[str, str, list[dict[str, Any]]]] = []
    skipped: list[str] = []
    material = material_for(bench.ctx.require_pack(), home=bench.ctx.home)
    for step in case.steps:
        choice, by = bench.attestor.step_control(step_key(case, step)) or (None, "")
        if choice is StepControl.SKIP:
            _skip(bench, step, by, skipped)
            continue
        example = material.step_example(step)
        if step.type == "receive":
            _receive(bench, step, example, exchange, resend=choice is StepControl.RESEND)
            key = f"cas-officiel-{slug(case.label)}-{step.id}"
            question = f"« {case.label} », étape {step.id} ({step.label}) : valeurs affichées par le logiciel"
            checklists.append((key, question, checklist(step, example, client_id=bench.ctx.client_id)))
        else:
            try:
                _send(bench, case, step, example, exchange, again=choice is StepControl.RESEND)
            except StepInterrupted as exc:  # "passer" on the step's open prompt
                _skip(bench, step, exc.by, skipped)
    bench.memo["checklists"] = checklists
    if skipped:
        raise OperatorSkipped(f"« {case.label} » : étape(s) {', '.join(skipped)} passée(s) à la demande de "
                              "l'opérateur : cas non validé")


def step_key(case: OfficialCase, step: CaseStep) -> str:
    """The key of a step in the answers file's `steps` table: "<case slug>/<step id>"."""
    return f"{slug(case.label)}/{step.id}"


def _skip(bench: ScenarioEngine, step: CaseStep, by: str, skipped: list[str]) -> None:
    bench.check.record(Verdict.SKIPPED, _rule(step), "étape jouée",
                       f"passée à la demande de l'opérateur ({by})")
    skipped.append(step.id)


def _rule(step: CaseStep) -> str:
    return f"{RULE_SEND if step.type == 'send' else RULE_RECEIVE} — étape {step.id} ({step.model})"


def _case_ids(bench: ScenarioEngine, exchange: dict[str, str]) -> tuple[str, str]:
    if "case_id" not in exchange:
        ctx = fn.new_case(bench)
        exchange.update(case_id=ctx.case_id, local_id=ctx.sender_case_id)
    exchange.setdefault("local_id", fn.new_case(bench).sender_case_id)
    return exchange["case_id"], exchange["local_id"]


def _receive(bench: ScenarioEngine, step: CaseStep, example: Any, exchange: dict[str, str], *,
             resend: bool = False) -> None:
    """The bench sends the step's message and awaits its RC-REF; resent, the RC-REF of the new copy
    (same content and caseId, new distributionID) is the one awaited, as the official console's."""
    case_id, local_id = _case_ids(bench, exchange)
    use_case = prepare_receive_step(step, example, client_id=bench.ctx.client_id, case_id=case_id,
                                    local_id=local_id)
    dist_id = fn.send_use_case(bench, use_case)
    if resend:
        first, dist_id = dist_id, fn.send_use_case(bench, use_case)
        bench.check.record(Verdict.SKIPPED, _rule(step), f"RC-REF de {first}",
                           f"message renvoyé à la demande de l'opérateur : {dist_id}", first)
    fn.wait_rc_ref(bench, dist_id, _rule(step))


def _send(bench: ScenarioEngine, case: OfficialCase, step: CaseStep, example: Any,
          exchange: dict[str, str], *, again: bool = False) -> None:
    partner = bench.ctx.partner_id
    msg = _prompt_send(bench, case, step, example, exchange)
    expected = expected_values(step, example, override_id=partner)
    mismatches = compare_send_step(expected, msg.view.message)
    if mismatches and again:  # the operator is asked once more; the first message is set aside
        bench.check.record(Verdict.SKIPPED, _rule(step), f"{len(expected)} valeur(s) attendue(s)",
                           f"{len(mismatches)} écart(s), message écarté : renvoi demandé par l'opérateur",
                           msg.distribution_id)
        msg = _prompt_send(bench, case, step, example, exchange)
        mismatches = compare_send_step(expected, msg.view.message)
    for mismatch in mismatches:
        bench.check.that(False, _rule(step), repr(mismatch.expected),
                         repr(mismatch.found) if mismatch.present else "absent",
                         msg.distribution_id, soft=True, detail=mismatch.message)
    if not mismatches:
        bench.check.that(True, _rule(step), f"{len(expected)} valeur(s) attendue(s)", "toutes conformes",
                         msg.distribution_id)
        fn.partner_acks(bench, msg)


def _prompt_send(bench: ScenarioEngine, case: OfficialCase, step: CaseStep, example: Any,
                 exchange: dict[str, str]) -> fn.VendorMessage:
    """The vendor's operator is asked to send the step's message; its first new one of the step's kind.

    "Renvoyer l'étape" on the open prompt asks again (a new prompt); "passer" raises `StepInterrupted`."""
    partner = bench.ctx.partner_id
    content = copy.deepcopy(example)
    for path in step.override_paths():  # the CRRA asked to take the case over: the bench's partner
        jsonpath.set_value(content, path, partner)
    params: dict[str, Any] = {"recipient": partner, "test_case": case.label, "step_id": step.id,
                              "content": content}
    if "case_id" in exchange:
        params["case_id"] = exchange["case_id"]
    msg = None
    while msg is None:
        try:
            msg = fn.prompted_message(
                bench, "send_official_step",
                f"Cas « {case.label} », étape {step.id} : {step.label} — envoyez le message {step.model} "
                f"à {partner}",
                params, (step.use_case_key,), f"{RULE_SEND} — étape {step.id}", controllable=True,
            )
        except StepInterrupted as exc:
            if exc.control != StepControl.RESEND:
                raise
            bench.check.record(Verdict.SKIPPED, _rule(step), "message de l'étape",
                               f"étape relancée à la demande de l'opérateur ({exc.by})")
    if "case_id" not in exchange and isinstance(msg.body.get("caseId"), str):
        exchange["case_id"] = msg.body["caseId"]
    return msg


def attest_checklists(bench: ScenarioEngine) -> None:
    requests = bench.memo.get("checklists") or []
    if not requests:
        bench.check.that(True, "Cas officiel — étapes receive", "aucune étape de réception",
                         "rien à attester")
        return
    fn.attest_all(bench, requests)


"""What tiers 4–7 and the official cases share: the pack's message factory, sending a case message to
the vendor and waiting for its RC-REF, prompting the vendor for a message and reading it from the hub's
trace, judging `cases` findings (each cites its rule) and the run-wide registry of shared cases.

Every functional rule is judged by `hubbench.cases` (rules, emsi_rules, test_cases); this module only
turns their findings into checks. Vendor messages are read from the dispatcher's trace (what the vendor
published, even when the hub refused it), so a message invalid for the vhost still reaches its rule.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from hubbench.cases import CaseContext, CaseStep, MessageFactory, expected_values
from hubbench.cases.rules import Finding
from hubbench.engine import empty_messages, prerequisites, technical_messages
from hubbench.engine.errors import AttestationNeeded, CheckFailed, NothingReceived, StepInterrupted
from hubbench.engine.observers import TracedMessage
from hubbench.engine.partner import Received
from hubbench.engine.scenario import ScenarioEngine
from hubbench.events import Verdict
from hubbench.protocol import EnvelopeView, build_ack, validator_for

CASE_KINDS = ("createCase", "createCaseHealth", "createCaseHealthUpdate")
RULE_RC_REF = "DST 1.2 §3.3.2, §3.4.6 (RC-REF après intégration)"
RULE_AMQP_ACK = "DST 1.2 §3.3.1 (acquittement AMQP après traitement)"
_T = TypeVar("_T")


@dataclass(frozen=True)
class VendorMessage:
    """A message the vendor published (hub trace), decoded with the vhost's pack when possible."""

    traced: TracedMessage
    env: dict[str, Any] | None

    @property
    def view(self) -> EnvelopeView:
        return EnvelopeView(self.env or {})

    @property
    def key(self) -> str | None:
        return self.view.kind or self.traced.kind

    @property
    def body(self) -> dict[str, Any]:
        use_case = self.view.use_case
        return use_case if isinstance(use_case, dict) else {}

    @property
    def distribution_id(self) -> str | None:
        return self.view.distribution_id or self.traced.distribution_id


# -- run-wide registry --------------------------------------------------------------------------------

def factory(bench: ScenarioEngine) -> MessageFactory:
    if "factory" not in bench.shared:
        bench.shared["factory"] = MessageFactory(bench.ctx.require_pack(), home=bench.ctx.home)
    made: MessageFactory = bench.shared["factory"]
    return made


def shared_set(bench: ScenarioEngine, name: str) -> set[str]:
    """A run-wide set (case ids shared in the run, EMSI CONTEXT.IDs seen, trace rows already used …)."""
    found: set[str] = bench.shared.setdefault(name, set())
    return found


def new_case(bench: ScenarioEngine, *, owner: str | None = None) -> CaseContext:
    """A fresh case of the partner (the bench), its caseId made like the official runner's."""
    return CaseContext.open(bench.ctx.partner_id, owner=owner)


def link_name(bench: ScenarioEngine) -> str:
    return bench.ctx.link.name


# -- the bench sends ----------------------------------------------------------------------------------

def send_use_case(bench: ScenarioEngine, use_case: dict[str, Any]) -> str:
    """The partner sends `use_case` to the vendor; returns its distributionID; remembers the case id."""
    return send_envelope(bench, bench.partner.build(use_case))


def send_envelope(bench: ScenarioEngine, env: dict[str, Any]) -> str:
    """The partner sends `env` as it is (sent again: same distributionID); counted for the AMQP-ack check."""
    bench.memo.setdefault("amqp_base", technical_messages._baseline(bench, "message"))
    bench.memo["amqp_count"] = bench.memo.get("amqp_count", 0) + 1
    dist_id = bench.partner.send(bench.scenario_id, env)
    case_id = EnvelopeView(env).case_id
    if case_id:
        shared_set(bench, "case_ids").add(case_id)
    return dist_id


def wait_rc_ref(bench: ScenarioEngine, dist_id: str, rule: str) -> Received:
    """The vendor's RC-REF for `dist_id` on the partner's .ack; a hub refusal of the bench's own message
    is a bench error, not a vendor timeout."""
    timeout = bench.wait_after_root(bench.ctx.timeouts.reply, prerequisites.RC_REF)
    found = bench.partner.wait_for(
        bench.scenario_id,
        f"RC-REF de {bench.ctx.client_id} pour {dist_id}",
        lambda r: r.suffix == "ack" and r.view.referenced_id == dist_id,
        timeout,
        rule=rule,
        required=False,
    )
    if found is None:
        refused = bench.partner.wait_for(
            bench.scenario_id, "rapport d'erreur du hub", lambda r: _reports_on(r, dist_id), 0.1,
            required=False,
        )
        if refused is not None:
            cause = (refused.view.use_case or {}).get("errorCause", "") if refused.env else ""
            raise RuntimeError(f"le hub a refusé le message du banc {dist_id} : {str(cause)[:300]}")
        raise NothingReceived(f"RC-REF de {bench.ctx.client_id} pour {dist_id}", timeout, rule,
                              prerequisite=prerequisites.RC_REF)
    bench.check.that(True, rule, f"RC-REF pour {dist_id}", f"reçu ({found.view.distribution_id})", dist_id)
    return found


def _reports_on(received: Received, dist_id: str) -> bool:
    error = received.view.message.get("error") if received.env else None
    return received.suffix == "info" and isinstance(error, dict) and (
        error.get("referencedDistributionID") == dist_id
    )


def check_amqp_acked(bench: ScenarioEngine, rule: str) -> None:
    """Every message the partner sent in this scenario was basic.ack'ed (the vendor's queue is empty)."""
    bench.memo["base"] = bench.memo["amqp_base"]
    bench.memo["count"] = bench.memo["amqp_count"]
    technical_messages.check_acked(bench, rule)


def send_and_expect_ack(bench: ScenarioEngine, use_case: dict[str, Any], rule: str) -> str:
    dist_id = send_use_case(bench, use_case)
    wait_rc_ref(bench, dist_id, f"{rule} — {RULE_RC_REF}")
    return dist_id


def partner_acks(bench: ScenarioEngine, msg: VendorMessage) -> None:
    """The bench's final-reception acknowledgement (RC-REF) of a vendor message (DST 1.2 §3.3.2)."""
    if msg.distribution_id:
        ack = build_ack(bench.ctx.partner_id, bench.ctx.client_id, msg.distribution_id)
        bench.partner.send(bench.scenario_id, ack)


# -- the vendor sends ---------------------------------------------------------------------------------

def prompted_message(
    bench: ScenarioEngine,
    action: str,
    instruction: str,
    parameters: dict[str, Any],
    kinds: Collection[str],
    rule: str,
    *,
    controllable: bool = False,
    since: datetime | None = None,
) -> VendorMessage:
    """Prompt the operator, then take the vendor's first new message of one of `kinds` from the trace.

    `controllable`: the operator may end the wait through the prompt API (resend / skip an official case
    step): `StepInterrupted` is raised when no message came before the choice. `since`: a message the
    vendor published from then on counts (an answer it sends by itself, before the prompt opens)."""
    used = shared_set(bench, "trace_rows")
    since = since or bench.ctx.clock.now()

    def wanted(m: TracedMessage) -> bool:
        return str(m.id) not in used and not empty_messages._is_ack(m) and m.kind in kinds

    with bench.prompt(action, instruction, parameters) as prompt:
        def chosen() -> tuple[str, str] | None:
            return bench.attestor.live_step_control(prompt.prompt_id) if controllable else None

        found = bench.trace.wait_for(since, wanted, prompt.remaining(), bench.ctx.clock,
                                     stop=(lambda: chosen() is not None) if controllable else None)
        if not found and (choice := chosen()) is not None:
            raise StepInterrupted(*choice)
        if not found:
            raise NothingReceived(
                f"{' ou '.join(kinds)} publié par {bench.ctx.client_id}", bench.ctx.timeouts.operator, rule
            )
    used.add(str(found[0].id))
    msg = VendorMessage(found[0], empty_messages.envelope_of(found[0], bench.ctx.pack))
    if msg.view.case_id:
        shared_set(bench, "case_ids").add(msg.view.case_id)
    return msg


def check_schema(bench: ScenarioEngine, msg: VendorMessage, rule: str) -> None:
    """The whole message (envelope + use case) valid for the vhost's pack; RC-DE consistent."""
    if msg.env is None:
        raise CheckFailed(rule, "une enveloppe EDXL-DE lisible", "corps illisible", msg.distribution_id)
    report = validator_for(bench.ctx.require_pack()).validate_message(msg.env)
    issues = "; ".join(issue.message for issue in report.errors[:3])
    bench.check.that(
        report.valid,
        rule,
        f"message conforme au schéma du pack {bench.ctx.pack_tag} (vhost {bench.ctx.vhost})",
        issues or "valide",
        msg.distribution_id,
        soft=True,
    )
    # A 300 on a message whose distributionID lacks the sender prefix: the tier-3 rule's (DST 1.2 §3.4.3).
    prefixed = empty_messages.distribution_id_prefixed(EnvelopeView(msg.env))
    empty_messages.charge_hub_errors(bench, msg.traced, (300,), rule,
                                     prerequisite=None if prefixed else prerequisites.DISTRIBUTION_ID)
    empty_messages.check_rc_de(bench, msg.env, rule)


# -- judging ------------------------------------------------------------------------------------------

def judge(
    bench: ScenarioEngine, findings: Iterable[Finding], rules: Iterable[str], dist_id: str | None = None
) -> None:
    """Record `cases` findings (errors fail softly, warnings stay visible) and a pass for each rule met."""
    findings = list(findings)
    for finding in findings:
        if finding.severity == "warning":
            bench.check.record(
                Verdict.PASSED, finding.rule, finding.expected, finding.found, dist_id,
                detail=f"avertissement : {finding.message}",
            )
        else:
            bench.check.that(
                False, finding.rule, finding.expected, finding.found, dist_id, soft=True,
                detail=finding.message,
            )
    broken = {f.rule for f in findings}
    for rule in rules:
        if rule not in broken:
            bench.check.that(True, rule, "règle respectée", "conforme", dist_id)


def value_checklist(use_case: dict[str, Any], *, ignored: Iterable[str] = ()) -> list[dict[str, Any]]:
    """Leaf values a person checks in the vendor's UI (date-times excluded, as the official runner)."""
    step = CaseStep("jdd", "receive", "", "", "", "", tuple(ignored), ())
    return [
        {"path": item.text, "expected": item.value, "label": f"{item.text} = {item.value!r}"}
        for item in expected_values(step, use_case)
    ]


def attest_open_case(
    bench: ScenarioEngine, key: str, case_id: str, question: str, items: list[dict[str, Any]]
) -> None:
    """Prompt the operator to open the case (`open_case`) and ask a person to judge every value shown."""
    opened = bench.prompter.show(
        bench.scenario_id,
        "open_case",
        f"Ouvrez le dossier {case_id} dans le logiciel et comparez chaque valeur à la liste",
        {"case_id": case_id},
        bench.ctx.timeouts.operator,
    )
    try:
        bench.attest(key, question, items)
    finally:
        bench.prompter.close(opened, "done")


def attest_all(bench: ScenarioEngine, requests: list[tuple[str, str, list[dict[str, Any]]]]) -> None:
    """Several attestations in one step: each is requested; pending or failed ones are reported together."""
    pending: list[str] = []
    failed: list[CheckFailed] = []
    for key, question, items in requests:
        try:
            bench.attest(key, question, items)
        except AttestationNeeded:
            pending.append(key)
        except CheckFailed as exc:
            failed.append(exc)
    if failed:
        raise failed[0]
    if pending:
        raise AttestationNeeded(
            f"À attester par une personne : {len(pending)} liste(s) ({', '.join(pending)})"
        )


def once(bench: ScenarioEngine, key: str, make: Callable[[], _T]) -> _T:
    """A run-wide value made once (the vendor's case, the partner's case …)."""
    if key not in bench.shared:
        bench.shared[key] = make()
    made: _T = bench.shared[key]
    return made

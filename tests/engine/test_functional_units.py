"""Broker-free tests of the tier 4–7 helpers: findings → checks, attestations, checklists, the official
fake-trace runs of the tier 5 and tier 7 judgements."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from support.official import official_pack

from hubbench.cases import rules
from hubbench.cases.rules import Finding
from hubbench.cli.run import official_cases_table
from hubbench.engine import case_sending, emsi_exchange, official_cases
from hubbench.engine import functional as fn
from hubbench.engine.attestations import Attestor, parse_answers
from hubbench.engine.checker import SoftChecksFailed
from hubbench.engine.clock import Clock
from hubbench.engine.context import RunContext, Timeouts
from hubbench.engine.errors import AttestationNeeded, CheckFailed, NotApplicable
from hubbench.engine.links import LINKS
from hubbench.engine.observers import TracedMessage
from hubbench.engine.plugin import ScenarioSummary
from hubbench.engine.prompts import Prompter
from hubbench.engine.runner import RunResult
from hubbench.engine.scenario import ScenarioEngine, Services
from hubbench.events import CheckRecorded, Event, Verdict
from hubbench.home import BenchHome
from hubbench.protocol import build_message, encode

REPO = Path(__file__).resolve().parents[2]
VENDOR, PARTNER = "fr.health.samu440", "fr.fire.nexsis.sdis44"


@dataclass
class FakeTrace:
    """The vendor's published messages, served to `wait_for` like the dispatcher's trace."""

    messages: list[TracedMessage] = field(default_factory=list)

    def add(self, env: dict[str, Any]) -> None:
        body, content_type = encode(env, "json")
        view = fn.EnvelopeView(env)
        self.messages.append(TracedMessage(
            id=len(self.messages) + 1, at=datetime.now(UTC), vhost="15-15_v1.5", routing_key=VENDOR,
            sender_id=VENDOR, recipient_id=view.recipient_id, kind=view.kind,
            distribution_kind=view.distribution_kind, distribution_id=view.distribution_id,
            content_type=content_type, delivery_mode=2, properties={}, body=body, outcome="routed",
            error_code=None, errors=[], routed_to=None, forwarded_content_type=None))

    def wait_for(self, since: Any, predicate: Any, timeout: float, clock: Any,
                 **_: Any) -> list[TracedMessage]:
        return [m for m in self.messages if predicate(m)][:1]

    def published_by_vendor(self, since: Any) -> list[TracedMessage]:
        return list(self.messages)


@dataclass
class FakePartner:
    sent: list[dict[str, Any]] = field(default_factory=list)

    def send(self, scenario_id: str, env: dict[str, Any], **_: Any) -> str:
        self.sent.append(env)
        return fn.EnvelopeView(env).distribution_id or ""


def make_bench(tmp_path: Path, *, link: str = "15-NexSIS", pack: Any = None,
               answers: dict[str, Any] | None = None) -> tuple[ScenarioEngine, list[Event]]:
    events: list[Event] = []
    ctx = RunContext("run-test", "Éditeur", VENDOR, LINKS[link], LINKS[link].default_vhost, (4, 5, 6, 7),
                     PARTNER, Timeouts.fast(), Clock(), BenchHome(tmp_path), pack=pack)
    attestor = Attestor(ctx.run_id, events.append, parse_answers(answers) if answers else None)
    services = Services(partner=FakePartner(), trace=FakeTrace())
    prompter = Prompter(ctx.run_id, VENDOR, events.append, ctx.clock)
    bench = ScenarioEngine(ctx, services, events.append, prompter, attestor,
                           shared={"run_start": ctx.clock.now()})
    bench.start("f::s")
    return bench, events


def checks(events: list[Event]) -> list[CheckRecorded]:
    return [e for e in events if isinstance(e, CheckRecorded)]


def test_judge_errors_fail_softly_warnings_stay_visible(tmp_path: Path) -> None:
    bench, events = make_bench(tmp_path)
    findings = [Finding("R1", "mauvais", "a", "b"), Finding("R2", "douteux", "c", "d", "warning")]
    fn.judge(bench, findings, ["R1", "R2", "R3"], "d1")
    verdicts = {(c.rule, c.verdict) for c in checks(events)}
    assert verdicts == {("R1", Verdict.FAILED), ("R2", Verdict.PASSED), ("R3", Verdict.PASSED)}
    assert any("avertissement" in c.detail for c in checks(events) if c.rule == "R2")
    with pytest.raises(SoftChecksFailed) as raised:
        bench.check.conclude_step()
    assert raised.value.rule == "R1"


def test_attest_all_pending_unless_answered(tmp_path: Path) -> None:
    bench, _ = make_bench(tmp_path)
    items = [{"path": "$.a", "expected": 1, "label": "$.a = 1"}]
    with pytest.raises(AttestationNeeded, match="2 liste"):
        fn.attest_all(bench, [("k1", "q1", items), ("k2", "q2", items)])
    answered, _ = make_bench(tmp_path, answers={"by": "Jeanne", "answers": {"k1": "valid", "k2": "invalid"}})
    with pytest.raises(CheckFailed):
        fn.attest_all(answered, [("k1", "q1", items), ("k2", "q2", items)])
    ok, _ = make_bench(tmp_path, answers={"by": "Jeanne", "answers": {"k1": "valid"}})
    fn.attest_all(ok, [("k1", "q1", items)])


def test_value_checklist_skips_dates_and_ignored_paths() -> None:
    use_case = {"createCase": {"caseId": "x", "creation": "2025-06-03T14:07:33+02:00", "n": [1, {"v": "a"}]}}
    items = fn.value_checklist(use_case, ignored=["$.createCase.caseId"])
    found = [(i["path"], i["expected"]) for i in items]
    assert found == [("$.createCase.n[0]", 1), ("$.createCase.n[1].v", "a")]


def test_slug_is_ascii_and_stable() -> None:
    slug = official_cases.slug("Enfants NGUYEN - Hub Santé 80 / Editeur 76A")
    assert slug == "enfants-nguyen-hub-sante-80-editeur-76a"


def test_official_cases_not_applicable_without_test_cases(tmp_path: Path) -> None:
    bench, _ = make_bench(tmp_path, link="15-15", pack=official_pack("1"))
    with pytest.raises(NotApplicable, match="ne fournit pas de cas de test officiels"):
        official_cases.find_case(bench, "Didier Morel")


def test_tier5_case_id_rule_on_a_prompted_message(tmp_path: Path) -> None:
    pack = official_pack("3")
    bench, events = make_bench(tmp_path, pack=pack)
    bad = fn.factory(bench).create_case(fn.new_case(bench), link="15-NexSIS")  # the partner's caseId
    bench.trace.add(build_message(VENDOR, PARTNER, bad))
    case_sending.check_case_id(bench, "Palier 5 — test")
    failed = [c for c in checks(events) if c.verdict is Verdict.FAILED]
    assert failed and all(c.rule == rules.RULE_CASE_ID for c in failed)
    assert any(e.action == "send_create_case" for e in events if hasattr(e, "action"))


def test_tier7_answer_without_mission_id_fails_its_rule(tmp_path: Path) -> None:
    pack = official_pack("3")
    bench, events = make_bench(tmp_path, pack=pack)
    factory = fn.factory(bench)
    ctx = fn.new_case(bench)
    fn.shared_set(bench, "case_ids").add(ctx.case_id)
    bench.memo["ctx"] = ctx
    dc = factory.emsi(ctx, "DC", sender_id=PARTNER, mission_id="fr.fire.nexsis.sdis44.m1")
    bench.memo["emsi"] = dc["emsi"]
    fn.shared_set(bench, emsi_exchange.EMSI_CASES).add(ctx.case_id)
    answer = factory.emsi(ctx, "RDC", sender_id=VENDOR, msgtype="UPDATE", mission_id="autre")
    bench.trace.add(build_message(VENDOR, PARTNER, answer))
    emsi_exchange.vendor_answers_dc(bench, "ACCEPTE", "Palier 7 — test")
    failed = {c.rule for c in checks(events) if c.verdict is Verdict.FAILED}
    assert failed == {emsi_exchange.emsi_rules.RULE_ANSWER_MISSION}


def test_cli_lists_official_cases_one_row_each() -> None:
    scenarios = [
        ScenarioSummary("a", "Cas officiel A", 6, Verdict.PASSED, "", ("cas-officiel",)),
        ScenarioSummary("b", "Autre", 6, Verdict.PASSED, "", ()),
    ]
    table = official_cases_table(RunResult("r", Verdict.PASSED, {}, scenarios))
    assert table is not None and table.row_count == 1
    assert official_cases_table(RunResult("r", Verdict.PASSED, {}, scenarios[1:])) is None


def test_a_send_step_takes_the_vendors_message_of_its_own_kind(tmp_path: Path) -> None:
    """The runner judges the next message it receives; the bench takes the vendor's next message of the
    step's kind (an RS-RI or an RC-REF the vendor sends meanwhile is not compared with an RS-EDA-MAJ)."""
    pack = official_pack("2.4.0")
    bench, _ = make_bench(tmp_path, link="15-15", pack=pack)
    other = {"resourcesInfo": {"caseId": f"{VENDOR}.1", "resource": []}}
    update = {"createCaseHealthUpdate": {"caseId": f"{VENDOR}.1"}}
    bench.trace.add(build_message(VENDOR, PARTNER, other))
    bench.trace.add(build_message(VENDOR, PARTNER, update))
    msg = fn.prompted_message(bench, "send_official_step", "Envoyez", {}, ("createCaseHealthUpdate",), "r")
    assert msg.key == "createCaseHealthUpdate"

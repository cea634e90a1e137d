"""Engine parts without a broker: verdicts, answers file, prompts' deadlines, partner waits."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from support.clock import FakeClock

from hubbench.engine.attestations import Attestor, StepControl, load_answers
from hubbench.engine.clock import Deadline
from hubbench.engine.errors import (
    AttestationNeeded,
    CheckFailed,
    NotApplicable,
    NothingReceived,
    OperatorSkipped,
    verdict_of,
)
from hubbench.engine.links import LINKS, ROBUSTNESS_TIER, default_partner_id, parse_tiers, tier_label
from hubbench.engine.partner import Partner
from hubbench.engine.plugin import scenario_verdict, selected, tier_of
from hubbench.engine.prompts import Prompter
from hubbench.errors import UsageError
from hubbench.events import Event, MessageExchanged, PromptClosed, PromptShown, Verdict
from hubbench.hub.client_ids import validate_client_id
from hubbench.protocol import build_message, custom_content_use_case
from hubbench.transport.client import Delivery


@pytest.mark.parametrize(
    ("exc", "verdict"),
    [
        (CheckFailed("r", "a", "b"), Verdict.FAILED),
        (NothingReceived("x", 1.0), Verdict.TIMED_OUT),
        (AttestationNeeded("q"), Verdict.PENDING_ATTESTATION),
        (NotApplicable("n"), Verdict.NOT_APPLICABLE),
        (KeyError("boom"), Verdict.ERROR),
    ],
)
def test_exception_to_verdict(exc: Exception, verdict: Verdict) -> None:
    assert verdict_of(exc) is verdict


def test_scenario_verdict_rules() -> None:
    assert (
        scenario_verdict([Verdict.PASSED, Verdict.NOT_APPLICABLE], Verdict.NOT_APPLICABLE, interrupted=False)
        is Verdict.NOT_APPLICABLE
    )
    assert scenario_verdict([Verdict.PASSED, Verdict.SKIPPED], None, interrupted=True) is Verdict.SKIPPED
    assert (
        scenario_verdict([Verdict.FAILED, Verdict.SKIPPED], Verdict.FAILED, interrupted=False)
        is Verdict.FAILED
    )
    assert selected({"palier-2", "tous-liens"}, (1, 2), "15-SMUR")
    assert not selected({"palier-2", "15-NexSIS"}, (1, 2), "15-15")


def test_answers_yaml_json_and_bad_files(tmp_path: Path) -> None:
    good = tmp_path / "reponses.yaml"
    good.write_text(
        "by: Jeanne\nanswers:\n  a: valide\n  b: {items: [valid, approximatif], comment: ok}\n",
        encoding="utf-8",
    )
    answers = load_answers(good)
    assert answers.by == "Jeanne"
    assert answers.get("a").for_items(2) == ("valid", "valid")  # type: ignore[union-attr]
    assert answers.get("b").items == ("valid", "approximate")  # type: ignore[union-attr]
    as_json = tmp_path / "r.json"
    as_json.write_text(json.dumps({"version": 1, "by": "X", "answers": {"a": "invalid"}}), encoding="utf-8")
    assert load_answers(as_json).get("a").single == "invalid"  # type: ignore[union-attr]
    corrupt = tmp_path / "corrompu.yaml"
    corrupt.write_text("by: [non fermé\n  answers: :\n", encoding="utf-8")
    with pytest.raises(UsageError, match="corrompu"):
        load_answers(corrupt)
    for text, needle in [
        ("by: X\nanswers: {a: peut-être}\n", "inconnue"),
        ("answers: {}\n", "by"),
        ("by: X\nextra: 1\n", "inconnue"),
        ("by: X\nanswers: {a: {answer: valid, items: [valid]}}\n", "soit"),
    ]:
        bad = tmp_path / "bad.yaml"
        bad.write_text(text, encoding="utf-8")
        with pytest.raises(UsageError, match=needle):
            load_answers(bad)
    with pytest.raises(UsageError, match="illisible"):
        load_answers(tmp_path / "absent.yaml")


def test_answers_steps_resend_or_skip_and_a_skipped_step_never_passes(tmp_path: Path) -> None:
    path = tmp_path / "reponses.yaml"
    path.write_text("by: Jeanne\nsteps:\n  cas-a/02a: passer\n  cas-b/01: Resend\n", encoding="utf-8")
    attestor = Attestor("run-1", lambda event: None, load_answers(path))
    assert attestor.step_control("cas-a/02a") == (StepControl.SKIP, "Jeanne")
    assert attestor.step_control("cas-b/01") == (StepControl.RESEND, "Jeanne")
    assert attestor.step_control("cas-a/01") is None
    for text in ("by: X\nsteps: {cas-a/01: plus-tard}\n", "by: X\nsteps: {sans-etape: passer}\n",
                 "by: X\nsteps: [passer]\n"):
        path.write_text(text, encoding="utf-8")
        with pytest.raises(UsageError, match="steps"):
            load_answers(path)
    skipped = OperatorSkipped("étape 02a passée")
    assert verdict_of(skipped) is Verdict.SKIPPED
    passed, skip = Verdict.PASSED, Verdict.SKIPPED
    assert scenario_verdict([passed, skip], skip, interrupted=False) is Verdict.SKIPPED
    assert scenario_verdict([Verdict.FAILED, skip], skip, interrupted=False) is Verdict.FAILED


def test_prompt_deadline_and_outcomes() -> None:
    clock, events = FakeClock(), []
    prompter = Prompter("run-1", "fr.health.samu440", events.append, clock)
    with prompter.prompt("s", "send_message", "Envoyez", {"recipient": "p"}, timeout=42) as opened:
        shown = events[0]
        assert isinstance(shown, PromptShown)
        assert (shown.deadline - clock.now()).total_seconds() == 42
        clock.sleep(40)
        assert opened.remaining() == pytest.approx(2)
    assert isinstance(events[-1], PromptClosed) and events[-1].outcome == "done"
    with pytest.raises(NothingReceived), prompter.prompt("s", "send_message", "Envoyez", {}, timeout=5):
        raise NothingReceived("x", 5)
    assert events[-1].outcome == "timed_out"
    assert Deadline.after(clock, 1).remaining() == 1


class FakeInbox:
    """Buffers deliveries like transport.Inbox: what arrived before the wait is found by the wait."""

    def __init__(self) -> None:
        self.buffer: list[Delivery] = []
        self.cond = threading.Condition()

    def put(self, delivery: Delivery) -> None:
        with self.cond:
            self.buffer.append(delivery)
            self.cond.notify_all()

    def wait_for(self, predicate: Any, timeout: float) -> Delivery | None:
        end = time.monotonic() + timeout
        with self.cond:
            while True:
                for i, d in enumerate(self.buffer):
                    if predicate(d):
                        return self.buffer.pop(i)
                left = end - time.monotonic()
                if left <= 0:
                    return None
                self.cond.wait(left)


def _delivery(env: dict[str, Any], queue: str) -> Delivery:
    import pika

    body = json.dumps(env).encode()
    return Delivery(
        queue, body, pika.BasicProperties(content_type="application/json"), queue, "distribution", False, 1, 1
    )


def test_partner_wait_keeps_early_reply_ignores_strangers_and_times_out() -> None:
    events: list[Event] = []
    inbox = FakeInbox()
    partner = Partner(
        "fr.health.samu770", "fr.health.samu440", client=None, inbox=inbox, emit=events.append, run_id="r"
    )
    stranger = build_message("fr.health.samu999", "fr.health.samu770", custom_content_use_case())
    early = build_message("fr.health.samu440", "fr.health.samu770", custom_content_use_case())
    inbox.put(_delivery(stranger, "fr.health.samu770.message"))
    inbox.put(_delivery(early, "fr.health.samu770.message"))  # arrives before anyone waits
    got = partner.wait_for("s", "message", lambda r: True, timeout=0.1)
    assert got is not None and got.view.distribution_id == early["distributionID"]
    assert isinstance(events[-1], MessageExchanged) and events[-1].direction == "received"
    with pytest.raises(NothingReceived):
        partner.wait_for("s", "un autre message", lambda r: True, timeout=0.2)
    assert partner.wait_for("s", "rien", lambda r: True, timeout=0.05, required=False) is None


def test_links_partner_ids_and_tiers() -> None:
    for link in LINKS.values():
        for vendor in ("fr.health.samu440", "fr.health.samu440.smur"):
            partner = default_partner_id(link, vendor)
            validate_client_id(partner)  # a valid client id for the hub
            assert partner != vendor and partner == default_partner_id(link, vendor)
    assert default_partner_id(LINKS["15-NexSIS"], "fr.health.samu440").startswith("fr.fire.")
    assert parse_tiers("1-3") == (1, 2, 3) and parse_tiers("3,1") == (1, 3)
    for bad in ("0-2", "3-1", "x", "8", "1-8", "Q"):
        with pytest.raises(UsageError):
            parse_tiers(bad)


def test_the_optional_robustness_tier_is_chosen_by_letter_only() -> None:
    assert parse_tiers("1-3,R") == (1, 2, 3, ROBUSTNESS_TIER) and parse_tiers("r") == (ROBUSTNESS_TIER,)
    assert ROBUSTNESS_TIER not in parse_tiers("1-7")  # never run unless asked for
    assert tier_label(ROBUSTNESS_TIER) == "Robustesse" and tier_label(2) == "Palier 2"
    assert tier_of({"robustesse", "tous-liens"}) == ROBUSTNESS_TIER and tier_of({"palier-3"}) == 3
    assert selected({"robustesse", "tous-liens"}, (1, 2, 3, ROBUSTNESS_TIER), "15-15")
    assert not selected({"robustesse", "tous-liens"}, (1, 2, 3), "15-15")


_THREADED_PROBE = '''
import json, os, sys, threading
import pytest
from hubbench.engine.runner import _thread_safe_current_test_var

seen = []

class Probe:
    def pytest_runtest_call(self, item):
        seen.append(os.environ.get("PYTEST_CURRENT_TEST"))

def main():
    _thread_safe_current_test_var()
    pytest.main([sys.argv[1], "-q", "-p", "no:cacheprovider"], plugins=[Probe()])

thread = threading.Thread(target=main)
thread.start()
thread.join()
print(json.dumps(seen))
'''


def test_threaded_runs_leave_the_process_environment_alone(tmp_path: Path) -> None:
    """A run in a thread (sessions) never sets PYTEST_CURRENT_TEST: other threads may read the
    environment meanwhile. Checked in a child process: the change is process-wide."""
    import subprocess
    import sys

    (tmp_path / "test_probe.py").write_text("def test_one():\n    pass\n\ndef test_two():\n    pass\n")
    probe = tmp_path / "probe.py"
    probe.write_text(_THREADED_PROBE)
    done = subprocess.run([sys.executable, str(probe), str(tmp_path / "test_probe.py")], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout.strip().splitlines()[-1]) == [None, None], done.stdout[-2000:]

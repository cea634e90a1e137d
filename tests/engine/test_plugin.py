"""The engine plugin on real pytest-bdd (French Gherkin), without any broker: verdicts and events."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hubbench.engine.context import RunOptions
from hubbench.engine.errors import BENCH_EXPECTED
from hubbench.engine.runner import run
from hubbench.engine.scenario import Services
from hubbench.errors import SetupError
from hubbench.events import (
    AttestationAnswered,
    AttestationRequested,
    CheckRecorded,
    Event,
    PromptClosed,
    PromptShown,
    RunFinished,
    RunStarted,
    ScenarioFinished,
    StepFinished,
    Verdict,
)
from hubbench.results.store import ResultsStore

FEATURE = """# language: fr
Fonctionnalité: Démonstration du moteur

@palier-1 @tous-liens
Règle: palier un

  Scénario: tout va bien
    Soit un banc prêt
    Alors la règle "A" est respectée

  Scénario: deux règles souples violées
    Soit un banc prêt
    Alors les règles souples "B" et "C" sont violées
    Et la règle "A" est respectée

  Scénario: règle dure violée
    Soit un banc prêt
    Alors la règle dure "D" est violée
    Et la règle "A" est respectée

  Scénario: rien reçu
    Soit un banc prêt
    Alors rien n'arrive

  Scénario: optionnel absent
    Soit un banc prêt
    Alors l'option est absente

  Scénario: attestation
    Soit un banc prêt
    Alors une personne atteste "cle-attestee"

  Scénario: erreur du banc
    Soit un banc prêt
    Alors le banc plante

  Scénario: invite opérateur
    Soit un banc prêt
    Alors l'opérateur reçoit une invite

@palier-3 @tous-liens
Règle: échecs hors du vérificateur

  Scénario: échec levé directement
    Soit un banc prêt
    Alors la file est vide [Règle F — DST 1.2 §3.3.1]

  Scénario: rien reçu avec sa règle
    Soit un banc prêt
    Alors rien n'arrive [Règle G — DST 1.2 §3.4.6]

  Scénario: délai dépassé
    Soit un banc prêt
    Alors le système revient [Règle H — DST 1.2 §3.1]

  Scénario: erreur du banc citée
    Soit un banc prêt
    Alors le banc plante [Règle I — DST 1.2 §3.3.1]

  Scénario: étape inconnue
    Soit un banc prêt
    Alors une étape que le banc ne connaît pas [Règle J]

@palier-1 @15-NexSIS
Règle: propre à une liaison
  Scénario: propre à NexSIS
    Soit un banc prêt

@palier-4 @tous-liens
Règle: interruption
  Scénario: interruption
    Soit un banc prêt
    Alors l'opérateur interrompt l'exécution
    Et la règle "A" est respectée

@palier-2 @tous-liens
Règle: autre palier
  Scénario: palier deux
    Soit un banc prêt
"""

STEPS = """
from pytest_bdd import given, parsers, then

from hubbench.engine.errors import CheckFailed, NothingReceived, NotApplicable, TimedOut


@given("un banc prêt")
def ready(bench):
    bench.memo["ready"] = True


@then(parsers.parse('la règle "{rule}" est respectée'))
def rule_ok(bench, rule):
    bench.check.that(True, rule, "x", "x")


@then(parsers.parse('les règles souples "{a}" et "{b}" sont violées'))
def soft(bench, a, b):
    bench.check.that(False, a, "x", "y", soft=True)
    bench.check.that(False, b, "x", "z", soft=True)
    bench.check.that(True, "E", "x", "x", soft=True)


@then(parsers.parse('la règle dure "{rule}" est violée'))
def hard(bench, rule):
    bench.check.that(False, rule, "x", "y")


@then("rien n'arrive")
def nothing(bench):
    raise NothingReceived("un message", 0.1)


@then("l'option est absente")
def optional(bench):
    raise NotApplicable("optionnel : non utilisé")


@then(parsers.parse('une personne atteste "{key}"'))
def attest(bench, key):
    bench.attest(key, "Question ?", [{"label": "premier"}, {"label": "second"}])


@then("l'opérateur interrompt l'exécution")
def interrupt(bench):
    raise KeyboardInterrupt


@then("le banc plante")
def crash(bench):
    raise RuntimeError("boom")


@then(parsers.parse("la file est vide [{rule}]"))
def direct_failure(bench, rule):
    raise CheckFailed(rule, "file vide", "3 messages prêts", "fr.health.samu440_42")


@then(parsers.parse("rien n'arrive [{rule}]"))
def nothing_with_rule(bench, rule):
    raise NothingReceived("RC-REF du système", 0.5, rule)


@then(parsers.parse("le système revient [{rule}]"))
def not_back(bench, rule):
    raise TimedOut(rule, "reconnexion en moins de 1 s", "aucune nouvelle connexion après 1 s")


@then(parsers.parse("le banc plante [{rule}]"))
def crash_cited(bench, rule):
    raise RuntimeError("service du banc indisponible : partner")


@then("l'opérateur reçoit une invite")
def invite(bench):
    with bench.prompt("send_message", "Envoyez", {"recipient": bench.ctx.partner_id}, timeout=5):
        pass
"""

TEST_MODULE = """
from pathlib import Path

from pytest_bdd import scenarios

scenarios(str(Path(__file__).parent / "demo.feature"))
"""


@pytest.fixture
def steps_dir(tmp_path: Path) -> Path:
    d = tmp_path / "steps"
    d.mkdir()
    (d / "demo.feature").write_text(FEATURE, encoding="utf-8")
    (d / "demo_steps.py").write_text(STEPS, encoding="utf-8")
    (d / "test_demo.py").write_text(TEST_MODULE, encoding="utf-8")
    (d / "pytest.ini").write_text("[pytest]\naddopts =\n", encoding="utf-8")
    return d


def _run(steps_dir: Path, tmp_path: Path, **kw: object) -> tuple[list[Event], object]:
    events: list[Event] = []
    options = RunOptions(
        vendor="Démo", client_id="fr.health.samu440", link="15-15", home=tmp_path / "home", **kw
    )
    result = run(
        options, services_factory=lambda ctx, emit: Services(), steps_dir=steps_dir, store=events.append
    )
    return events, result


def test_verdicts_per_scenario(steps_dir: Path, tmp_path: Path) -> None:
    """Every scenario is judged and recorded; the step with no definition is the bench's own input
    error, so the run ends with a clear set-up error (exit 2) naming it."""
    events: list[Event] = []
    options = RunOptions(vendor="Démo", client_id="fr.health.samu440", link="15-15", home=tmp_path / "home")
    with pytest.raises(SetupError) as raised:
        run(options, services_factory=lambda ctx, emit: Services(), steps_dir=steps_dir, store=events.append)
    assert raised.value.exit_code == 2
    assert "une étape que le banc ne connaît pas" in raised.value.message
    finished = {e.scenario_id.split("::")[1]: e.verdict for e in events if isinstance(e, ScenarioFinished)}
    assert finished == {
        "tout va bien": Verdict.PASSED,
        "deux règles souples violées": Verdict.FAILED,
        "règle dure violée": Verdict.FAILED,
        "rien reçu": Verdict.TIMED_OUT,
        "optionnel absent": Verdict.NOT_APPLICABLE,
        "attestation": Verdict.PENDING_ATTESTATION,
        "erreur du banc": Verdict.ERROR,
        "invite opérateur": Verdict.PASSED,
        "palier deux": Verdict.PASSED,
        "échec levé directement": Verdict.FAILED,
        "rien reçu avec sa règle": Verdict.TIMED_OUT,
        "délai dépassé": Verdict.TIMED_OUT,
        "erreur du banc citée": Verdict.ERROR,
        "étape inconnue": Verdict.ERROR,
    }
    assert isinstance(events[0], RunStarted) and isinstance(events[-1], RunFinished)
    assert all(getattr(e, "scenario_id", "run") for e in events)  # every scenario event names its scenario
    assert events[-1].verdict is Verdict.ERROR


def test_soft_checks_all_recorded_and_step_fails(steps_dir: Path, tmp_path: Path) -> None:
    events, _ = _run(steps_dir, tmp_path, names=("souples",))
    checks = [e for e in events if isinstance(e, CheckRecorded)]
    assert [(c.rule, c.verdict) for c in checks] == [
        ("B", Verdict.FAILED),
        ("C", Verdict.FAILED),
        ("E", Verdict.PASSED),
    ]
    assert {c.step_index for c in checks} == {1}
    steps = [e for e in events if isinstance(e, StepFinished)]
    assert [s.verdict for s in steps] == [Verdict.PASSED, Verdict.FAILED, Verdict.SKIPPED]
    assert "2 règles" in steps[1].detail


def test_tier_and_link_selection(steps_dir: Path, tmp_path: Path) -> None:
    events, _ = _run(steps_dir, tmp_path, tiers=(2,))
    names = [e.scenario_id for e in events if isinstance(e, ScenarioFinished)]
    assert names == ["demo.feature::palier deux"]
    events, _ = _run(steps_dir, tmp_path, names=("nexsis",))
    assert not [e for e in events if isinstance(e, ScenarioFinished)]
    options_link = {"names": ("nexsis",)}
    events = []
    result = run(
        RunOptions(
            vendor="D", client_id="fr.health.samu440", link="15-NexSIS", home=tmp_path / "h", **options_link
        ),
        services_factory=lambda c, e: Services(),
        steps_dir=steps_dir,
        store=events.append,
    )
    assert [s.verdict for s in result.scenarios] == [Verdict.PASSED]


def test_prompt_events_carry_partner_and_close_done(steps_dir: Path, tmp_path: Path) -> None:
    events, _ = _run(steps_dir, tmp_path, names=("invite",), partner_id="fr.health.samu770")
    shown = next(e for e in events if isinstance(e, PromptShown))
    closed = next(e for e in events if isinstance(e, PromptClosed))
    assert shown.actor == "fr.health.samu440" and shown.parameters == {"recipient": "fr.health.samu770"}
    assert closed.prompt_id == shown.prompt_id and closed.outcome == "done"
    assert events[0].partner_ids == ("fr.health.samu770",)  # RunStarted names the run's partner


def test_answers_file_applies_and_pending_without(steps_dir: Path, tmp_path: Path) -> None:
    events, result = _run(steps_dir, tmp_path, names=("attestation",))
    assert result.scenarios[0].verdict is Verdict.PENDING_ATTESTATION
    assert result.exit_code == 0
    events, result = _run(steps_dir, tmp_path, names=("attestation",), strict=True)
    assert result.exit_code == 1

    answers = tmp_path / "answers.json"
    answers.write_text(
        json.dumps({"by": "Jeanne", "answers": {"cle-attestee": {"items": ["valid", "approximate"]}}})
    )
    events, result = _run(steps_dir, tmp_path, names=("attestation",), answers=answers)
    assert result.scenarios[0].verdict is Verdict.PASSED
    assert any(isinstance(e, AttestationRequested) for e in events)
    answered = next(e for e in events if isinstance(e, AttestationAnswered))
    assert [a["answer"] for a in answered.answers] == ["valid", "approximate"]

    answers.write_text(json.dumps({"by": "Jeanne", "answers": {"cle-attestee": "invalide"}}))
    _, result = _run(steps_dir, tmp_path, names=("attestation",), answers=answers)
    assert result.scenarios[0].verdict is Verdict.FAILED


def test_interrupted_run_keeps_finished_steps(steps_dir: Path, tmp_path: Path) -> None:
    events, result = _run(steps_dir, tmp_path, tiers=(1, 4), names=("tout va bien", "interruption"))
    assert result.interrupted and result.exit_code == 1
    assert isinstance(events[-1], RunFinished) and events[-1].interrupted
    finished = {e.scenario_id.split("::")[1]: e.verdict for e in events if isinstance(e, ScenarioFinished)}
    assert finished == {"tout va bien": Verdict.PASSED, "interruption": Verdict.SKIPPED}
    steps = [e for e in events if isinstance(e, StepFinished) and e.scenario_id.endswith("::interruption")]
    assert [s.verdict for s in steps] == [Verdict.PASSED, Verdict.SKIPPED, Verdict.SKIPPED]


FAILING = {  # scenario → (step verdict, rule, expected, received, distribution_id) of its failed step
    "règle dure violée": (Verdict.FAILED, "D", "x", "y", None),
    "échec levé directement": (
        Verdict.FAILED, "Règle F — DST 1.2 §3.3.1", "file vide", "3 messages prêts", "fr.health.samu440_42"
    ),
    "rien reçu": (
        Verdict.TIMED_OUT, "Étape « Alors rien n'arrive »", "un message en moins de 0.1 s",
        "rien reçu en 0.1 s", None,
    ),
    "rien reçu avec sa règle": (
        Verdict.TIMED_OUT, "Règle G — DST 1.2 §3.4.6", "RC-REF du système en moins de 0.5 s",
        "rien reçu en 0.5 s", None,
    ),
    "délai dépassé": (
        Verdict.TIMED_OUT, "Règle H — DST 1.2 §3.1", "reconnexion en moins de 1 s",
        "aucune nouvelle connexion après 1 s", None,
    ),
    "erreur du banc": (
        Verdict.ERROR, "Étape « Alors le banc plante »", BENCH_EXPECTED,
        "Erreur du banc (RuntimeError) : boom", None,
    ),
    "erreur du banc citée": (
        Verdict.ERROR, "Règle I — DST 1.2 §3.3.1", BENCH_EXPECTED,
        "Erreur du banc (RuntimeError) : service du banc indisponible : partner", None,
    ),
    "étape inconnue": (
        Verdict.ERROR, "Règle J", "une définition de cette étape dans le banc",
        "aucune définition (étape inconnue des modules steps/)", None,
    ),
}


def test_every_failed_step_has_a_check_row(steps_dir: Path, tmp_path: Path) -> None:
    """Whatever a step raised (CheckFailed outside the Checker, NothingReceived, TimedOut, a bench error,
    an undefined step), the `checks` table holds a failing row for that step: rule, expected, received."""
    url = f"sqlite:///{tmp_path / 'results.db'}"
    options = RunOptions(vendor="Démo", client_id="fr.health.samu440", link="15-15", home=tmp_path / "home")
    with pytest.raises(SetupError):  # the undefined step: recorded, then reported as the bench's input error
        run(options, services_factory=lambda ctx, emit: Services(), steps_dir=steps_dir,
            store=ResultsStore(url))
    (stored,) = ResultsStore(url).list_runs()
    detail = ResultsStore(url).run_detail(stored.run_id)
    assert detail is not None
    by_name = {s.name: s for s in detail.scenarios}
    for name, (verdict, rule, expected, received, dist_id) in FAILING.items():
        step = next(s for s in by_name[name].steps if s.verdict is not None and s.verdict.counts_as_failure)
        assert step.verdict is verdict, name
        assert [(c.verdict, c.rule, c.expected, c.received, c.distribution_id) for c in step.checks] == [
            (verdict, rule, expected, received, dist_id)
        ], name
    for scenario in detail.scenarios:  # the invariant, over every scenario of the run
        for step in scenario.steps:
            if step.verdict is not None and step.verdict.counts_as_failure:
                bad = [c for c in step.checks if c.verdict.counts_as_failure]
                assert bad and all(c.rule and c.expected and c.received for c in bad), (scenario.name, step)


def test_checks_already_recorded_are_not_repeated(steps_dir: Path, tmp_path: Path) -> None:
    events, _ = _run(steps_dir, tmp_path, names=("règle dure", "souples"))
    checks = [(e.rule, e.verdict) for e in events if isinstance(e, CheckRecorded)]
    assert checks == [
        ("B", Verdict.FAILED), ("C", Verdict.FAILED), ("E", Verdict.PASSED), ("D", Verdict.FAILED)
    ]
    answers = tmp_path / "answers.json"
    given = {"cle-attestee": {"items": ["valid", "invalid"]}}
    answers.write_text(json.dumps({"by": "Jeanne", "answers": given}))
    events, result = _run(steps_dir, tmp_path, names=("attestation",), answers=answers)
    assert result.scenarios[0].verdict is Verdict.FAILED
    assert [(e.rule, e.verdict) for e in events if isinstance(e, CheckRecorded)] == [
        ("Attestation — premier", Verdict.PASSED),
        ("Attestation — second", Verdict.FAILED),
    ]


def test_a_stop_request_ends_the_run_after_its_current_scenario(steps_dir: Path, tmp_path: Path) -> None:
    """A run in a thread of `hubbench session run` never gets Ctrl-C: the session sets `stop`, the run
    ends after the scenario in progress and is stored as interrupted."""
    import threading

    stop = threading.Event()
    stop.set()
    events, result = _run(steps_dir, tmp_path, names=("tout va bien", "palier deux"), stop=stop)
    finished = [e for e in events if isinstance(e, ScenarioFinished)]
    assert len(finished) == 1 and finished[0].verdict is Verdict.PASSED
    assert isinstance(events[-1], RunFinished) and events[-1].interrupted
    assert getattr(result, "interrupted", None) is True

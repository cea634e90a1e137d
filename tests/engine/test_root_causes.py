"""Root causes, not cascades, and the declaration's selection, on real pytest-bdd without a broker.

A failure whose prerequisite rule already failed in a lower tier is BLOCKED (« bloqué par le palier N »),
linked to the root scenario, in the events, the results store, the reports and the certificate; a
failure for another reason, or in the root's own tier, stays FAILED; a scenario outside the declaration
is « non applicable » with the reason. A blocked run still fails (exit code 1).
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bench_app.widgets import cell_labels, vendor_summary
from hubbench.engine.context import RunOptions
from hubbench.engine.runner import RunResult, run
from hubbench.engine.scenario import Services
from hubbench.events import (
    CheckRecorded,
    Event,
    RunStarted,
    ScenarioFinished,
    StepFinished,
    Verdict,
    aggregate,
)
from hubbench.results import build_certificate, certificate_html
from hubbench.results.reporters.junit import write_junit
from hubbench.results.store import ResultsStore

FEATURE = """# language: fr
Fonctionnalité: Causes premières

  @palier-2 @tous-liens @prealable-acquittement-amqp
  Scénario: racine acquittement
    Alors la règle "ACK" échoue

  @palier-2 @tous-liens
  Scénario: même palier que la racine
    Alors la règle "ACK-2" échoue faute d'acquittement

  @palier-4 @tous-liens
  Scénario: flux sans acquittement
    Alors le flux attend un acquittement
    Et la règle "APRES" est respectée

  @palier-4 @tous-liens
  Scénario: échec pour une autre raison
    Alors la règle "AUTRE" échoue

  @palier-5 @tous-liens
  Scénario: contrôles souples bloqués
    Alors la règle "S1" échoue faute d'acquittement, en souple

  @palier-5 @tous-liens
  Scénario: rien reçu faute de RC-REF
    Alors le RC-REF n'arrive pas

  @palier-4 @15-SMUR @role-tablette
  Scénario: côté tablette
    Alors la règle "TAB" échoue

  @palier-2 @tous-liens @option-confirmations
  Scénario: confirmations
    Alors la règle "CONF" est respectée
"""

STEPS = """
from pytest_bdd import parsers, then

from hubbench.engine.errors import CheckFailed, NothingReceived
from hubbench.engine.prerequisites import AMQP_ACK, RC_REF


@then(parsers.parse('la règle "{rule}" échoue'))
def fails(bench, rule):
    bench.check.that(False, rule, "attendu", "reçu")


@then(parsers.parse('la règle "{rule}" est respectée'))
def passes(bench, rule):
    bench.check.that(True, rule, "x", "x")


@then(parsers.parse('la règle "{rule}" échoue faute d\\'acquittement'))
def fails_for_ack(bench, rule):
    bench.check.that(False, rule, "acquitté", "non acquitté", prerequisite=AMQP_ACK)


@then("le flux attend un acquittement")
def flow(bench):
    raise CheckFailed("FLUX", "1 message acquitté", "non acquittés 1", prerequisite=AMQP_ACK)


@then(parsers.parse('la règle "{rule}" échoue faute d\\'acquittement, en souple'))
def soft_blocked(bench, rule):
    bench.check.that(False, rule, "acquitté", "non acquitté", soft=True, prerequisite=AMQP_ACK)
    bench.check.that(True, "S2", "x", "x", soft=True)


@then("le RC-REF n'arrive pas")
def no_rc_ref(bench):
    raise NothingReceived("RC-REF", 0.1, "RCREF", prerequisite=RC_REF)
"""


@pytest.fixture
def steps_dir(tmp_path: Path) -> Path:
    d = tmp_path / "steps"
    d.mkdir()
    (d / "causes.feature").write_text(FEATURE, encoding="utf-8")
    (d / "causes_steps.py").write_text(STEPS, encoding="utf-8")
    (d / "test_causes.py").write_text(
        "from pathlib import Path\nfrom pytest_bdd import scenarios\n\n"
        "scenarios(str(Path(__file__).parent / 'causes.feature'))\n", encoding="utf-8")
    (d / "pytest.ini").write_text("[pytest]\naddopts =\n", encoding="utf-8")
    return d


def _run(steps_dir: Path, tmp_path: Path, store: ResultsStore | None = None,
         **kw: object) -> tuple[list[Event], RunResult]:
    events: list[Event] = []

    def listen(event: Event) -> None:
        events.append(event)
        if store is not None:
            store(event)

    options = RunOptions(vendor="Démo", client_id="fr.health.samu440", link="15-SMUR", tiers=(2, 4, 5),
                         home=tmp_path / "home", **kw)  # type: ignore[arg-type]
    result = run(options, services_factory=lambda ctx, emit: Services(), steps_dir=steps_dir, store=listen)
    return events, result


def _finished(events: list[Event]) -> dict[str, ScenarioFinished]:
    return {e.scenario_id.split("::")[1]: e for e in events if isinstance(e, ScenarioFinished)}


def test_failures_caused_by_a_failed_lower_tier_root_are_blocked(steps_dir: Path, tmp_path: Path) -> None:
    events, result = _run(steps_dir, tmp_path)
    finished = _finished(events)
    verdicts = {name: e.verdict for name, e in finished.items()}
    assert verdicts == {
        "racine acquittement": Verdict.FAILED,
        "même palier que la racine": Verdict.FAILED,  # the root's own tier: its own red
        "flux sans acquittement": Verdict.BLOCKED,
        "échec pour une autre raison": Verdict.FAILED,  # another rule: not the root's fault
        "contrôles souples bloqués": Verdict.BLOCKED,
        "rien reçu faute de RC-REF": Verdict.TIMED_OUT,  # its root (RC-REF) never failed in this run
        "côté tablette": Verdict.NOT_APPLICABLE,
        "confirmations": Verdict.NOT_APPLICABLE,
    }
    root_id = finished["racine acquittement"].scenario_id
    for name in ("flux sans acquittement", "contrôles souples bloqués"):
        assert (finished[name].blocked_by, finished[name].blocked_by_tier) == (root_id, 2)
    assert finished["échec pour une autre raison"].blocked_by is None
    blocked_checks = [e for e in events if isinstance(e, CheckRecorded) and e.verdict is Verdict.BLOCKED]
    assert [c.rule for c in blocked_checks] == ["FLUX", "S1"]
    assert all(c.blocked_by == root_id for c in blocked_checks)
    assert all(c.detail.startswith("bloqué par le palier 2 (« racine acquittement »") for c in blocked_checks)
    flow_steps = [e for e in events
                  if isinstance(e, StepFinished) and e.scenario_id.endswith("flux sans acquittement")]
    assert [s.verdict for s in flow_steps] == [Verdict.BLOCKED, Verdict.SKIPPED]
    summary = {s.name: s for s in result.scenarios}
    assert summary["flux sans acquittement"].verdict_label == "bloqué par le palier 2"
    assert result.exit_code == 1 and result.verdict is Verdict.FAILED  # blocked is never a pass


def test_a_scenario_outside_the_declaration_says_why(steps_dir: Path, tmp_path: Path) -> None:
    events, result = _run(steps_dir, tmp_path, roles=("lrm",))
    start = next(e for e in events if isinstance(e, RunStarted))
    assert start.declaration is not None and start.declaration["origin"] == "options"
    assert start.declaration["links"]["15-SMUR"]["roles"] == ["lrm"]
    tablet = [e for e in events if isinstance(e, StepFinished) and e.scenario_id.endswith("côté tablette")]
    assert [(s.verdict, s.detail) for s in tablet] == [
        (Verdict.NOT_APPLICABLE, "non déclaré : rôle tablette non déclaré sur 15-SMUR")]
    by_name = {s.name: s for s in result.scenarios}
    assert by_name["côté tablette"].detail == "non déclaré : rôle tablette non déclaré sur 15-SMUR"
    assert by_name["confirmations"].detail == (
        "non déclaré : option « confirmations de publication » non déclarée")
    _, declared = _run(steps_dir, tmp_path, roles=("tablette", "lrm"), confirms=True)
    by_name = {s.name: s for s in declared.scenarios}
    assert by_name["côté tablette"].verdict is Verdict.FAILED
    assert by_name["confirmations"].verdict is Verdict.PASSED


def test_blocked_is_stored_reported_and_certified(steps_dir: Path, tmp_path: Path) -> None:
    store = ResultsStore(f"sqlite:///{tmp_path / 'results.db'}")
    _, result = _run(steps_dir, tmp_path, store)
    detail = store.run_detail(result.run_id)
    assert detail is not None and detail.run.declaration is not None
    assert detail.run.declaration["origin"] == "implicite"
    flow = next(s for s in detail.scenarios if s.name == "flux sans acquittement")
    root = next(s for s in detail.scenarios if s.name == "racine acquittement")
    assert flow.verdict is Verdict.BLOCKED
    assert (flow.blocked_by, flow.blocked_by_tier) == (root.scenario_id, 2)
    assert [c.blocked_by for c in flow.checks if c.verdict is Verdict.BLOCKED] == [root.scenario_id]
    (row,) = store.matrix(run_id=result.run_id)
    assert row.cells[4] is Verdict.FAILED  # tier 4 has an own failure too: the own red shows first
    assert row.cells[5] is Verdict.TIMED_OUT and row.blocked_by == {4: 2, 5: 2}
    assert cell_labels(row, 4, Verdict.BLOCKED) == ("bloqué par le palier 2", "bloqué P2")
    assert "LRM · JSON, XML" in vendor_summary("Démo", [row])
    junit = ET.parse(write_junit(store, result.run_id, tmp_path / "junit.xml")).getroot()
    failures = {case.get("name"): case.find("failure") for case in junit.iter("testcase")}
    blocked = failures["flux sans acquittement"]
    assert blocked is not None and blocked.get("type") == "blocked"
    assert (blocked.get("message") or "").startswith("Bloqué par le palier 2 (cause première : ")
    skipped = next(c for c in junit.iter("testcase") if c.get("name") == "confirmations").find("skipped")
    assert skipped is not None and "non déclaré" in (skipped.get("message") or "")
    certificate = build_certificate(detail, [], issued_at=datetime(2026, 12, 4, tzinfo=UTC))
    assert certificate.declaration.startswith("LRM · JSON, XML")
    assert "Déclaration (rôles, formats, versions, options)" in certificate_html(certificate)
    store.close()


def test_blocked_ranks_after_own_failures_and_counts_as_failure() -> None:
    assert aggregate([Verdict.BLOCKED, Verdict.PASSED]) is Verdict.BLOCKED
    assert aggregate([Verdict.BLOCKED, Verdict.FAILED]) is Verdict.FAILED
    assert aggregate([Verdict.BLOCKED, Verdict.TIMED_OUT]) is Verdict.TIMED_OUT
    assert aggregate([Verdict.BLOCKED, Verdict.PENDING_ATTESTATION]) is Verdict.BLOCKED
    assert Verdict.BLOCKED.counts_as_failure and Verdict.BLOCKED.label_fr == "bloqué par un palier inférieur"
    assert json.dumps(Verdict.BLOCKED) == '"blocked"'

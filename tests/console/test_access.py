"""The console's data layer scopes every read and change to the logged-in account (bench_app/data.py)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from runs_fixture import CONFORME, ENVELOPPE, SANS_ACK, Filled
from sqlalchemy import select
from support.processes import HUBBENCH

from bench_app.data import AccessDenied, ConsoleData, MatrixFilter
from bench_app.launcher import RunRequest, authorize
from bench_app.login import LoginThrottle
from hubbench.cli.run import require_client_of
from hubbench.errors import UsageError
from hubbench.events import Verdict
from hubbench.home import BenchHome
from hubbench.hub.clients import ClientRegistry
from hubbench.results.accounts import Account, Role
from hubbench.results.models import Attestation, Override

VENDOR = Account("sans-ack", Role.VENDOR, SANS_ACK[0])
EVALUATOR = Account("inès", Role.EVALUATOR)
ADMIN = Account("ans", Role.ADMIN)


@pytest.fixture
def base(filled: Filled) -> ConsoleData:
    return ConsoleData(filled.url)


def test_a_vendor_reads_only_its_own_runs(base: ConsoleData, filled: Filled) -> None:
    data = base.for_account(VENDOR)
    assert {r.run_id for r in data.runs()} == {filled.runs["sans_ack"]}
    assert data.runs(vendor=CONFORME[0]) == []
    assert data.vendors() == [SANS_ACK[0]]
    assert {row.vendor for row in data.matrix(MatrixFilter())} == {SANS_ACK[0]}
    assert data.matrix(MatrixFilter(run_id=filled.runs["conforme"])) == []
    assert data.matrix(MatrixFilter(vhost="15-smur_v1.4")) == []
    for name in ("conforme", "ancien", "enveloppe"):
        other = filled.runs[name]
        assert data.run(other) is None and data.run_detail(other) is None and data.trace(other) == []
        for export in (data.certificate, data.junit_xml, data.cucumber_json):
            with pytest.raises(UsageError, match="Exécution inconnue"):
                export(other)
    assert data.pending_attestations() == [] and data.open_prompts() == []
    # everyone sees everything without an account (single-user console) or as ANS
    for full in (base, base.for_account(EVALUATOR), base.for_account(ADMIN)):
        assert {r.vendor for r in full.runs()} == {CONFORME[0], SANS_ACK[0], ENVELOPPE[0]}


def test_a_vendor_sees_only_its_own_client_in_the_hub_trace(base: ConsoleData, filled: Filled) -> None:
    run_id = filled.runs["sans_ack"]
    shown = base.for_account(VENDOR).trace(run_id)
    assert shown and all(SANS_ACK[1] in (t.sender_id, t.recipient_id) for t in shown)
    assert len(base.trace(run_id)) >= len(shown)
    # the certificate's evidence hash covers the whole trace: the same for the vendor and for ANS
    assert (
        base.for_account(VENDOR).certificate(run_id).evidence_sha256
        == base.for_account(ADMIN).certificate(run_id).evidence_sha256
    )
    assert base.for_account(VENDOR).junit_xml(run_id).startswith(b"<?xml")


def test_a_vendor_answers_nothing_and_forces_nothing(base: ConsoleData, filled: Filled) -> None:
    data = base.for_account(Account("conforme", Role.VENDOR, CONFORME[0]))
    assert not data.can_answer_attestations and not data.can_override
    with pytest.raises(AccessDenied, match="ne peut pas répondre aux attestations"):
        data.answer_attestation(filled.attestation_id, ["valid", "valid"], comment="", who="ANS")
    with pytest.raises(AccessDenied, match="ne peut pas forcer un verdict"):
        data.override(filled.runs["conforme"], "x", Verdict.PASSED, comment="ok", who="ANS")
    with pytest.raises(AccessDenied):
        data.sweep_interrupted()
    assert len(base.pending_attestations()) == 1


def _stored(base: ConsoleData, model: type[Attestation] | type[Override]) -> list[str]:
    with base.store.db.reading() as session:
        column = Attestation.answered_by if model is Attestation else Override.who
        return [who for who in session.scalars(select(column)) if who]


def test_evaluator_and_admin_act_under_their_own_names(base: ConsoleData, filled: Filled) -> None:
    evaluator = base.for_account(EVALUATOR)
    with pytest.raises(AccessDenied, match="forcer un verdict"):
        evaluator.override(filled.runs["sans_ack"], "x", Verdict.PASSED, comment="ok")
    evaluator.answer_attestation(filled.attestation_id, ["valid", "valid"], comment="vu", who="Quelqu'un")
    assert _stored(base, Attestation) == ["inès"]
    detail = base.run_detail(filled.runs["sans_ack"])
    assert detail is not None
    admin = base.for_account(ADMIN)
    admin.override(
        filled.runs["sans_ack"], detail.scenarios[-1].scenario_id, Verdict.PASSED, comment="revu", who="x"
    )
    assert _stored(base, Override) == ["ans"]


def test_a_vendor_launches_only_for_itself_with_its_own_client(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    own = RunRequest(SANS_ACK[0], SANS_ACK[1], "15-15")
    assert authorize(own, VENDOR).arguments()[-1] == "--registered-client"
    assert "--registered-client" not in authorize(own, ADMIN).arguments()
    with pytest.raises(AccessDenied, match="que pour l'éditeur Éditeur Sans Ack"):
        authorize(RunRequest(CONFORME[0], CONFORME[1], "15-15"), VENDOR)
    # `hubbench run --registered-client`: the client must be registered for that very vendor
    home = BenchHome(tmp_path / "home").ensure()
    monkeypatch.setenv("HUBBENCH_HOME", str(home.root))
    registry = ClientRegistry(home)
    registry.add(SANS_ACK[1], editor=SANS_ACK[0])
    registry.add(CONFORME[1], editor=CONFORME[0])
    require_client_of(SANS_ACK[0], SANS_ACK[1])
    for client in (CONFORME[1], "fr.health.samu999"):
        with pytest.raises(UsageError, match="n'est pas enregistré pour l'éditeur Éditeur Sans Ack"):
            require_client_of(SANS_ACK[0], client)
    registry.revoke(SANS_ACK[1])
    with pytest.raises(UsageError, match="n'est pas enregistré"):
        require_client_of(SANS_ACK[0], SANS_ACK[1])
    done = subprocess.run(
        [*HUBBENCH, "run", "--vendor", SANS_ACK[0], "--client-id", CONFORME[1], "--link", "15-15",
         "--registered-client"],
        capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 2
    assert done.stderr.startswith(f"Erreur : Le client {CONFORME[1]} n'est pas enregistré pour l'éditeur")


def test_log_in_is_throttled_per_account_name() -> None:
    now = [1000.0]
    throttle = LoginThrottle(max_failures=3, lockout_s=60, clock=lambda: now[0])
    for _ in range(2):
        throttle.failed("ans")
    assert throttle.wait_s("ans") == 0
    throttle.failed("ans")
    assert throttle.wait_s("ans") == 60 and throttle.wait_s("inès") == 0
    now[0] += 59
    assert throttle.wait_s(" ans ") == 1
    now[0] += 1
    assert throttle.wait_s("ans") == 0
    throttle.succeeded("ans")
    throttle.failed("ans")
    assert throttle.wait_s("ans") == 0

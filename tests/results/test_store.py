from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from results_fixtures import CLIENT_ID, PARTNER_ID, RULE_PERSISTENT, full_run
from sqlalchemy import func, select

from hubbench import events as ev
from hubbench.errors import UsageError
from hubbench.events import ROBUSTNESS_TIER, EventBus, Verdict
from hubbench.results.models import CheckResult, ExchangedMessage, StepResult
from hubbench.results.store import ResultsStore


def feed(store: ResultsStore, events: list[ev.Event]) -> None:
    bus = EventBus([store])
    for event in events:
        bus.emit(event)
    assert bus.listener_errors == []


def test_run_detail_keeps_every_event(store: ResultsStore) -> None:
    feed(store, full_run("run-1"))
    detail = store.run_detail("run-1")
    assert detail is not None
    assert detail.run.status == "finished" and detail.run.verdict is Verdict.ERROR
    assert detail.run.counts == {
        "passed": 1,
        "failed": 1,
        "timed_out": 1,
        "error": 1,
        "pending_attestation": 1,
    }
    by_name = {s.name: s for s in detail.scenarios}
    assert [s.tier for s in detail.scenarios] == [1, 3, 3, 2, 4]
    failed = by_name["Message vide persistant"]
    assert failed.verdict is Verdict.FAILED
    assert [(s.index, s.verdict) for s in failed.steps] == [(0, Verdict.PASSED), (1, Verdict.FAILED)]
    (check,) = failed.checks
    assert (check.rule, check.expected, check.received) == (RULE_PERSISTENT, "2", "1")
    assert check.distribution_id == f"{CLIENT_ID}_0001"
    (prompt,) = failed.prompts
    assert prompt.outcome == "done" and prompt.parameters["recipient"] == PARTNER_ID
    assert failed.messages[0].body == b'{"x": 1}'
    assert by_name["Accusé de réception"].verdict is Verdict.TIMED_OUT
    pending = by_name["Affichage du dossier"]
    assert pending.verdict is Verdict.PENDING_ATTESTATION
    assert pending.attestations[0].status == "pending" and len(pending.attestations[0].items) == 3
    assert detail.scenarios[0].started_at.tzinfo is not None


def test_list_runs_filters(store: ResultsStore) -> None:
    old = datetime.now(UTC) - timedelta(days=3)
    feed(store, full_run("r-old", vendor="acme", start=old))
    feed(store, full_run("r-new", vendor="acme"))
    feed(store, full_run("r-other", vendor="other", link="15-SMUR"))
    assert [r.run_id for r in store.list_runs(vendor="acme")] == ["r-new", "r-old"]
    assert [r.run_id for r in store.list_runs(link="15-SMUR")] == ["r-other"]
    assert {r.run_id for r in store.list_runs(since=old + timedelta(days=1))} == {"r-new", "r-other"}
    assert [r.run_id for r in store.list_runs(until=old + timedelta(days=1))] == ["r-old"]
    assert store.list_runs(vhost="nope") == []


def test_matrix_uses_latest_run_per_vendor_and_link(store: ResultsStore) -> None:
    feed(store, full_run("r-old", start=datetime.now(UTC) - timedelta(days=1)))
    feed(store, full_run("r-new", with_error=False))
    feed(store, full_run("r-smur", link="15-SMUR"))
    feed(store, full_run("r-running")[:3])  # still running: not in the default matrix
    rows = {(r.vendor, r.link): r for r in store.matrix()}
    assert set(rows) == {("acme", "15-15"), ("acme", "15-SMUR")}
    latest = rows[("acme", "15-15")]
    assert latest.run_id == "r-new"
    assert latest.cells == {
        1: Verdict.PASSED,
        2: Verdict.NOT_RUN,
        3: Verdict.FAILED,
        4: Verdict.PENDING_ATTESTATION,
        5: Verdict.NOT_RUN,
        6: Verdict.NOT_RUN,
        7: Verdict.NOT_RUN,
        ROBUSTNESS_TIER: Verdict.NOT_RUN,  # the optional Robustesse column
    }
    (chosen,) = store.matrix(run_id="r-old")
    assert chosen.cells[2] is Verdict.ERROR


def test_attestation_answers_decide_the_scenario(store: ResultsStore) -> None:
    for run_id in ("valid", "approx", "invalid"):
        feed(store, full_run(run_id, with_error=False))
    assert {a.run_id for a in store.pending_attestations()} == {"valid", "approx", "invalid"}

    assert store.answer_attestation("valid-a1", ["valid"] * 3, who="Inès") is Verdict.PASSED
    assert (
        store.answer_attestation(
            "approx-a1", ["valide", ("approximatif", "âge arrondi"), "valid"], comment="ok", who="Inès"
        )
        is Verdict.PASSED
    )
    assert store.answer_attestation("invalid-a1", ["valid", "invalid", "valid"], who="Inès") is Verdict.FAILED

    approx = store.run_detail("approx")
    assert approx is not None
    scenario = next(s for s in approx.scenarios if s.tier == 4)
    assert scenario.remark is not None and "$.createCase.creation" in scenario.remark
    assert scenario.attestations[0].answers[1] == {
        "item": 1,
        "answer": "approximate",
        "comment": "âge arrondi",
    }
    assert store.pending_attestations() == []
    # the run verdict follows: pending → failed scenarios remain failed, counts recomputed
    run = store.run("valid")
    assert run is not None and run.counts["passed"] == 2 and "pending_attestation" not in run.counts
    with pytest.raises(UsageError, match="déjà renseignée"):
        store.answer_attestation("valid-a1", ["valid"] * 3, who="Inès")


def test_attestation_that_decides_the_run_verdict(store: ResultsStore) -> None:
    events = [
        e
        for e in full_run("solo", with_error=False)
        if getattr(e, "scenario_id", "").startswith(("tier1", "tier4")) or not hasattr(e, "scenario_id")
    ]
    feed(store, events)
    assert store.run("solo").verdict is Verdict.PENDING_ATTESTATION
    store.answer_attestation("solo-a1", ["valid", "valid", "valid"], who="x")
    assert store.run("solo").verdict is Verdict.PASSED


def test_attestation_answers_are_validated(store: ResultsStore) -> None:
    feed(store, full_run("r"))
    with pytest.raises(UsageError, match="3 réponse"):
        store.answer_attestation("r-a1", ["valid"], who="x")
    with pytest.raises(UsageError, match="élément 2"):
        store.answer_attestation("r-a1", ["valid", "peut-être", "valid"], who="x")
    with pytest.raises(UsageError, match="inconnue"):
        store.answer_attestation("nope", ["valid"], who="x")
    assert len(store.pending_attestations(run_id="r")) == 1


def test_override_needs_a_comment_and_is_kept(store: ResultsStore) -> None:
    feed(store, full_run("r", with_error=False))
    sid = "tier3.feature::Accusé de réception"
    for comment in ("", "   "):
        with pytest.raises(UsageError, match="commentaire est obligatoire"):
            store.override("r", sid, Verdict.PASSED, comment, "Jean")
    with pytest.raises(UsageError, match="Verdict inconnu"):
        store.override("r", sid, "bof", "c", "Jean")
    with pytest.raises(UsageError, match="Scénario inconnu"):
        store.override("r", "nope", Verdict.PASSED, "c", "Jean")
    store.override("r", sid, Verdict.NOT_APPLICABLE, "hors périmètre", "Jean")
    store.override("r", sid, "passed", "RC-REF vu dans les journaux du client", "Marie")
    store.override("r", "tier3.feature::Message vide persistant", Verdict.PASSED, "faux positif", "Marie")
    store.answer_attestation("r-a1", ["valid"] * 3, who="x")
    detail = store.run_detail("r")
    scenario = next(s for s in detail.scenarios if s.scenario_id == sid)
    assert scenario.verdict is Verdict.PASSED and scenario.engine_verdict is Verdict.TIMED_OUT
    assert [(o.verdict, o.who) for o in scenario.overrides] == [
        (Verdict.NOT_APPLICABLE, "Jean"),
        (Verdict.PASSED, "Marie"),
    ]
    assert "Marie" in scenario.remark
    assert detail.run.verdict is Verdict.PASSED and detail.run.engine_verdict is Verdict.FAILED


def test_interrupted_run_keeps_finished_steps(store: ResultsStore) -> None:
    events = full_run("cut")
    cut = next(
        i
        for i, e in enumerate(events)
        if isinstance(e, ev.StepStarted) and e.scenario_id.startswith("tier3") and e.index == 1
    )
    feed(store, events[: cut + 3])  # step 1 started, prompt shown, message received
    assert store.run("cut").status == "running"
    assert store.sweep_interrupted() == []  # our own process is alive
    store.mark_interrupted("cut")
    detail = store.run_detail("cut")
    assert detail.run.status == "interrupted" and detail.run.interrupted
    assert detail.run.verdict is Verdict.ERROR
    passed, cut_short = detail.scenarios[0], detail.scenarios[1]
    assert passed.verdict is Verdict.PASSED
    assert [s.verdict for s in cut_short.steps] == [Verdict.PASSED, Verdict.ERROR]
    assert cut_short.verdict is Verdict.ERROR
    assert cut_short.prompts[0].outcome == "cancelled"


def test_run_finished_interrupted_by_engine(store: ResultsStore) -> None:
    events = full_run("r")[:8]
    feed(store, [*events, ev.RunFinished("r", verdict=Verdict.ERROR, counts={}, interrupted=True)])
    run = store.run("r")
    assert run.status == "interrupted" and run.interrupted


def test_trace_rows_of_a_run(store: ResultsStore, database) -> None:
    from hubbench.results.trace import TraceRecord, TraceWriter

    feed(store, full_run("r", start=datetime.now(UTC) - timedelta(minutes=30)))
    run = store.run("r")
    inside = run.started_at + timedelta(seconds=5)
    writer = TraceWriter(database)
    records = [
        TraceRecord(
            vhost=run.vhost,
            outcome="routed",
            at=inside,
            sender_id=CLIENT_ID,
            recipient_id=PARTNER_ID,
            distribution_id=f"{CLIENT_ID}_0001",
            body=b"{}",
            routed_to=f"{PARTNER_ID}.message",
        ),
        TraceRecord(
            vhost=run.vhost,
            outcome="error_report",
            at=inside,
            sender_id="fr.health.hub",
            recipient_id=CLIENT_ID,
            error_code=100,
            distribution_id="fr.health.hub_1",
            errors=[
                {
                    "path": "$",
                    "rule": "100",
                    "expected": "2",
                    "found": "1",
                    "message": "m",
                    "scope": "envelope",
                }
            ],
        ),
        TraceRecord(
            vhost=run.vhost,
            outcome="routed",
            at=inside,
            sender_id="fr.health.samu999",
            recipient_id="fr.health.samu998",
        ),  # someone else's traffic
        TraceRecord(
            vhost=run.vhost,
            outcome="routed",
            at=run.started_at - timedelta(minutes=1),
            sender_id=CLIENT_ID,
            recipient_id=PARTNER_ID,
        ),  # before the run
        TraceRecord(vhost="other", outcome="routed", at=inside, sender_id=CLIENT_ID, recipient_id=PARTNER_ID),
    ]
    for rec in records:
        writer.record(rec)
    assert writer.close()
    rows = store.trace_for_run("r")
    assert [r.outcome for r in rows] == ["routed", "error_report"]
    assert rows[1].errors[0]["scope"] == "envelope" and rows[1].error_code == 100
    assert [r.outcome for r in store.trace_by_distribution_id(f"{CLIENT_ID}_0001")] == ["routed"]
    assert len(store.trace_for_run("r", partner_ids=["fr.health.samu999"])) == 3


def test_open_prompts_for_an_actor(store: ResultsStore) -> None:
    events = full_run("r")
    closing = next(i for i, e in enumerate(events) if isinstance(e, ev.PromptClosed))
    feed(store, events[:closing])
    (prompt,) = store.open_prompts(actor=CLIENT_ID)
    assert prompt.action == "send_message" and prompt.scenario_id == "tier3.feature::Message vide persistant"
    assert store.open_prompts(actor="fr.health.other") == []
    feed(store, [events[closing]])
    assert store.open_prompts() == []


def test_retention_purges_bodies_then_runs(store: ResultsStore, database) -> None:
    feed(store, full_run("old", start=datetime.now(UTC) - timedelta(days=40)))
    feed(store, full_run("new"))
    from hubbench.results.trace import TraceRecord, TraceWriter

    writer = TraceWriter(database)
    for days in (40, 1):
        writer.record(
            TraceRecord(
                vhost="v",
                outcome="routed",
                at=datetime.now(UTC) - timedelta(days=days),
                body=b"{}",
                forwarded_body=b"<converted/>",
                distribution_id=f"d{days}",
            )
        )
    assert writer.close()
    assert store.purge_bodies(timedelta(days=30)) == {"trace_messages": 1, "exchanged_messages": 2}
    assert [(r.body, r.forwarded_body) for r in store.trace_by_distribution_id("d40")] == [(None, None)]
    assert [(r.body, r.forwarded_body) for r in store.trace_by_distribution_id("d1")] == [
        (b"{}", b"<converted/>")]
    assert store.purge_trace(timedelta(days=30)) == 1
    assert store.trace_by_distribution_id("d40") == []
    old, new = store.run_detail("old"), store.run_detail("new")
    assert all(m.body is None for s in old.scenarios for m in s.messages)
    assert all(m.body is not None for s in new.scenarios for m in s.messages)
    assert store.purge_runs(timedelta(days=30)) == 1
    assert store.run("old") is None and store.run("new") is not None
    with database.reading() as session:
        for model in (StepResult, CheckResult, ExchangedMessage):
            assert session.scalar(select(func.count()).select_from(model).where(model.run_id == "old")) == 0
            assert session.scalar(select(func.count()).select_from(model).where(model.run_id == "new")) > 0


def test_unknown_run_is_reported_to_the_bus(store: ResultsStore) -> None:
    bus = EventBus([store])
    bus.emit(ev.ScenarioStarted("ghost", scenario_id="a::b", feature="a", name="b", tier=1, link="15-15"))
    assert len(bus.listener_errors) == 1


def test_answers_given_up_front_arrive_as_an_event(store: ResultsStore) -> None:
    events = full_run("r", with_error=False)
    answered = ev.AttestationAnswered(
        "r",
        scenario_id="tier4.feature::Affichage du dossier",
        attestation_id="r-a1",
        answered_by="fichier",
        answers=tuple({"item": i, "answer": "valid", "comment": ""} for i in range(3)),
    )
    feed(store, [*events[:-1], answered, events[-1]])
    detail = store.run_detail("r")
    tier4 = next(s for s in detail.scenarios if s.tier == 4)
    assert tier4.verdict is Verdict.PASSED and tier4.attestations[0].answered_by == "fichier"
    assert detail.run.verdict is Verdict.FAILED  # the tier-3 failures remain


def _partner_trace(database, run: object, partner: str) -> None:
    from hubbench.results.trace import TraceRecord, TraceWriter

    writer = TraceWriter(database)
    inside = run.started_at + timedelta(seconds=5)  # type: ignore[attr-defined]
    writer.record(TraceRecord(vhost=run.vhost, outcome="routed", at=inside,  # type: ignore[attr-defined]
                              sender_id=partner, recipient_id="fr.health.samu999"))
    assert writer.close()


def test_run_keeps_its_partner_ids_and_its_trace_follows_them(store: ResultsStore, database) -> None:
    """The partner is known from RunStarted, not guessed from prompts (this run has none)."""
    from hubbench.results.models import Run

    start = datetime.now(UTC) - timedelta(minutes=30)
    feed(store, [
        ev.RunStarted("p", vendor="acme", client_id=CLIENT_ID, link="15-15", vhost="15-15_v1.5", tiers=(1,),
                      pack_tag="v1.5", bench_version="0.1.0", partner_ids=("fr.health.samubanc1",), at=start),
        ev.RunFinished("p", verdict=Verdict.NOT_RUN, counts={}, at=start + timedelta(minutes=1)),
    ])
    with database.reading() as session:
        assert session.get(Run, "p").partner_ids == ["fr.health.samubanc1"]
    _partner_trace(database, store.run("p"), "fr.health.samubanc1")
    assert [r.sender_id for r in store.trace_for_run("p")] == ["fr.health.samubanc1"]


def test_old_runs_without_partner_ids_fall_back_to_inference(store: ResultsStore, database) -> None:
    from sqlalchemy import update

    from hubbench.results.models import Run

    feed(store, full_run("old", start=datetime.now(UTC) - timedelta(minutes=30)))
    with database.writing() as session:  # as recorded by a bench that did not carry partner ids
        session.execute(update(Run).where(Run.id == "old").values(partner_ids=None))
    _partner_trace(database, store.run("old"), PARTNER_ID)  # PARTNER_ID only appears in prompts
    assert [r.sender_id for r in store.trace_for_run("old")] == [PARTNER_ID]


def _steps(store: ResultsStore, run_id: str) -> list[tuple[int, str | None, str]]:
    with store.db.reading() as session:
        rows = session.scalars(select(StepResult).where(StepResult.run_id == run_id)
                               .order_by(StepResult.id)).all()
        return [(row.index, row.verdict, row.detail) for row in rows]


def test_step_ends_are_written_alike_whatever_the_transactions(store: ResultsStore) -> None:
    """A step's end lands on its own row whether its start was written alone (one UPDATE by id), in the
    same batch (set in place) or in a batch that failed (looked up again); nothing is written twice."""
    one_by_one, batched = full_run("r-single"), full_run("r-batch")
    feed(store, one_by_one)
    assert store.write_many(batched) == []
    expected = _steps(store, "r-single")
    assert expected and all(verdict is not None for _, verdict, _ in expected)
    assert _steps(store, "r-batch") == expected
    events = full_run("r-retry")
    starts = [i for i, e in enumerate(events) if isinstance(e, ev.StepStarted)]
    broken = ev.ScenarioStarted("r-absent", scenario_id="x", feature="f", name="n", tier=1, link="15-15")
    first_step = starts[0]
    feed(store, events[:first_step])
    assert store.write_many([events[first_step], broken]) != []  # the batch fails, then each alone
    feed(store, events[first_step + 1:])
    assert _steps(store, "r-retry") == expected

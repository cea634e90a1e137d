"""ResultsStore: the engine listener that persists every event, and the store's query API.

Each event is committed in its own short transaction, so a run killed mid-way leaves everything it
finished. Verdict rules (attestations, overrides, run verdict) are in `results.verdicts`.
"""

from __future__ import annotations

import logging
import os
import threading
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, delete, inspect, select, update
from sqlalchemy.orm import Session

from hubbench import events as ev
from hubbench.errors import UsageError
from hubbench.events import Verdict
from hubbench.results import queries, verdicts
from hubbench.results.db import Database, open_database
from hubbench.results.liveness import host_name, process_alive, process_token
from hubbench.results.models import (
    Attestation,
    CheckResult,
    ExchangedMessage,
    Override,
    Prompt,
    Run,
    ScenarioResult,
    StepResult,
    TraceMessage,
)
from hubbench.results.views import AttestationView, MatrixRow, PromptView, RunDetail, RunSummary, TraceView

log = logging.getLogger(__name__)

ItemAnswer = str | tuple[str, str] | Mapping[str, str]
_ANSWER_ALIASES = {"valide": "valid", "approximatif": "approximate", "invalide": "invalid"}
INTERRUPTED_DETAIL = "exécution interrompue avant la fin de cette étape"


def _now() -> datetime:
    return datetime.now(UTC)


def _cutoff(older_than: datetime | timedelta) -> datetime:
    return _now() - older_than if isinstance(older_than, timedelta) else older_than


def _rowcount(result: object) -> int:
    """Rows an UPDATE or DELETE matched (`Session.execute` returns a `CursorResult`, typed `Result`)."""
    return cast("CursorResult[Any]", result).rowcount


class ResultsStore:
    """`store(event)` persists one engine event; the other methods read or amend stored runs."""

    def __init__(self, db: Database | str) -> None:
        self.db = db if isinstance(db, Database) else open_database(db)
        self._scenario_pks: dict[tuple[str, str], int] = {}
        # steps started and not yet finished, by (run, scenario pk, index): their end is one UPDATE by id
        self._open_steps: dict[tuple[str, int, int], StepResult] = {}
        self._lock = threading.Lock()
        self._handlers: dict[type[ev.Event], Callable[[Session, Any], None]] = {
            ev.RunStarted: self._run_started,
            ev.ScenarioStarted: self._scenario_started,
            ev.StepStarted: self._step_started,
            ev.CheckRecorded: self._check_recorded,
            ev.PromptShown: self._prompt_shown,
            ev.PromptClosed: self._prompt_closed,
            ev.MessageExchanged: self._message_exchanged,
            ev.AttestationRequested: self._attestation_requested,
            ev.StepFinished: self._step_finished,
            ev.ScenarioFinished: self._scenario_finished,
            ev.RunFinished: self._run_finished,
        }

    # ------------------------------------------------------------------ listener
    def __call__(self, event: ev.Event) -> None:
        if isinstance(event, ev.AttestationAnswered):
            self.answer_attestation(
                event.attestation_id, list(event.answers), comment=event.comment, who=event.answered_by
            )
            return
        handler = self._handlers.get(type(event))
        if handler is None:
            log.warning("événement ignoré par le stockage des résultats : %s", type(event).__name__)
            return
        with self.db.writing() as session:
            handler(session, event)

    def write_many(self, events: Sequence[ev.Event]) -> list[Exception]:
        """Several events in ONE transaction (a busy writer's backlog: many runs of one session); if the
        transaction fails, each event again on its own, so only the faulty ones are lost (returned)."""
        batchable = len(events) > 1 and all(type(e) in self._handlers for e in events)
        if batchable:
            try:
                with self.db.writing() as session:
                    for event in events:
                        self._handlers[type(event)](session, event)
                return []
            except Exception:
                pass
        errors: list[Exception] = []
        for event in events:
            try:
                self(event)
            except Exception as exc:
                errors.append(exc)
        return errors

    def _run_started(self, session: Session, e: ev.RunStarted) -> None:
        pid = os.getpid()
        session.add(
            Run(
                id=e.run_id,
                vendor=e.vendor,
                client_id=e.client_id,
                link=e.link,
                vhost=e.vhost,
                tiers=list(e.tiers),
                pack_tag=e.pack_tag,
                bench_version=e.bench_version,
                partner_ids=list(e.partner_ids),
                declaration=dict(e.declaration) if e.declaration else None,
                pack=e.pack,
                session_id=e.session_id,
                started_at=e.at,
                status="running",
                interrupted=False,
                host=host_name(),
                pid=pid,
                pid_token=process_token(pid),
            )
        )

    def _scenario_pk(self, session: Session, run_id: str, scenario_id: str) -> int:
        key = (run_id, scenario_id)
        with self._lock:
            pk = self._scenario_pks.get(key)
        if pk is None:
            pk = session.scalar(
                select(ScenarioResult.id).where(
                    ScenarioResult.run_id == run_id, ScenarioResult.scenario_id == scenario_id
                )
            )
            if pk is None:
                raise LookupError(f"scénario inconnu pour l'exécution {run_id} : {scenario_id}")
            with self._lock:
                self._scenario_pks[key] = pk
        return pk

    def _scenario_started(self, session: Session, e: ev.ScenarioStarted) -> None:
        if session.get(Run, e.run_id) is None:
            raise LookupError(f"exécution inconnue : {e.run_id} (RunStarted manquant)")
        existing = session.scalar(
            select(ScenarioResult).where(
                ScenarioResult.run_id == e.run_id, ScenarioResult.scenario_id == e.scenario_id
            )
        )
        if existing is not None:  # the same scenario started again in this run: the new try replaces it
            session.delete(existing)
            session.flush()
        row = ScenarioResult(
            run_id=e.run_id,
            scenario_id=e.scenario_id,
            feature=e.feature,
            name=e.name,
            tier=e.tier,
            link=e.link,
            tags=list(e.tags),
            started_at=e.at,
        )
        session.add(row)
        session.flush()
        with self._lock:
            self._scenario_pks[(e.run_id, e.scenario_id)] = row.id

    def _step_started(self, session: Session, e: ev.StepStarted) -> None:
        scenario_pk = self._scenario_pk(session, e.run_id, e.scenario_id)
        row = StepResult(run_id=e.run_id, scenario_pk=scenario_pk, index=e.index, keyword=e.keyword,
                         text=e.text, detail="", started_at=e.at)
        session.add(row)
        with self._lock:
            self._open_steps[(e.run_id, scenario_pk, e.index)] = row

    def _check_recorded(self, session: Session, e: ev.CheckRecorded) -> None:
        session.add(
            CheckResult(
                run_id=e.run_id,
                scenario_pk=self._scenario_pk(session, e.run_id, e.scenario_id),
                step_index=e.step_index,
                rule=e.rule,
                verdict=Verdict(e.verdict).value,
                expected=e.expected,
                received=e.received,
                distribution_id=e.distribution_id,
                detail=e.detail,
                at=e.at,
                blocked_by=e.blocked_by,
            )
        )

    def _prompt_shown(self, session: Session, e: ev.PromptShown) -> None:
        session.add(
            Prompt(
                run_id=e.run_id,
                scenario_pk=self._scenario_pk(session, e.run_id, e.scenario_id),
                prompt_id=e.prompt_id,
                actor=e.actor,
                action=e.action,
                instruction=e.instruction,
                parameters=dict(e.parameters),
                deadline=e.deadline,
                shown_at=e.at,
            )
        )

    def _prompt_closed(self, session: Session, e: ev.PromptClosed) -> None:
        session.execute(
            update(Prompt).where(Prompt.prompt_id == e.prompt_id).values(outcome=e.outcome, closed_at=e.at)
        )

    def _message_exchanged(self, session: Session, e: ev.MessageExchanged) -> None:
        session.add(
            ExchangedMessage(
                run_id=e.run_id,
                scenario_pk=self._scenario_pk(session, e.run_id, e.scenario_id),
                direction=e.direction,
                queue=e.queue,
                distribution_id=e.distribution_id,
                kind=e.kind,
                content_type=e.content_type,
                body=bytes(e.body),
                at=e.at,
            )
        )

    def _attestation_requested(self, session: Session, e: ev.AttestationRequested) -> None:
        session.add(
            Attestation(
                run_id=e.run_id,
                scenario_pk=self._scenario_pk(session, e.run_id, e.scenario_id),
                attestation_id=e.attestation_id,
                question=e.question,
                items=[dict(i) for i in e.items],
                status="pending",
                requested_at=e.at,
            )
        )

    def _step_finished(self, session: Session, e: ev.StepFinished) -> None:
        scenario_pk = self._scenario_pk(session, e.run_id, e.scenario_id)
        verdict = Verdict(e.verdict).value
        with self._lock:
            started = self._open_steps.pop((e.run_id, scenario_pk, e.index), None)
        if started is not None and self._finish_started_step(session, started, verdict, e):
            return
        step = session.scalar(
            select(StepResult)
            .where(StepResult.scenario_pk == scenario_pk, StepResult.index == e.index)
            .order_by(StepResult.id.desc())
            .limit(1)
        )
        if step is None:  # StepStarted was not seen: keep the verdict anyway
            step = StepResult(
                run_id=e.run_id, scenario_pk=scenario_pk, index=e.index, keyword="", text="", started_at=e.at
            )
            session.add(step)
        step.verdict, step.detail, step.finished_at = verdict, e.detail, e.at

    @staticmethod
    def _finish_started_step(session: Session, row: StepResult, verdict: str, e: ev.StepFinished) -> bool:
        """End a step this store started: in place when its row is in `session` (one batch), else one UPDATE
        by its id. False when its row was never written (its transaction failed): the caller looks it up."""
        if row in session:
            row.verdict, row.detail, row.finished_at = verdict, e.detail, e.at
            return True
        identity = inspect(row).identity
        if identity is None:
            return False
        done = session.execute(
            update(StepResult).where(StepResult.id == identity[0])
            .values(verdict=verdict, detail=e.detail, finished_at=e.at),
            execution_options={"synchronize_session": False},
        )
        return _rowcount(done) == 1

    def _scenario_finished(self, session: Session, e: ev.ScenarioFinished) -> None:
        row = session.get_one(ScenarioResult, self._scenario_pk(session, e.run_id, e.scenario_id))
        row.engine_verdict, row.finished_at, row.duration_s = Verdict(e.verdict).value, e.at, e.duration_s
        row.blocked_by, row.blocked_by_tier = e.blocked_by, e.blocked_by_tier
        _refresh_scenario(session, row)

    def _run_finished(self, session: Session, e: ev.RunFinished) -> None:
        run = session.get(Run, e.run_id)
        if run is None:
            raise LookupError(f"exécution inconnue : {e.run_id} (RunStarted manquant)")
        run.finished_at, run.engine_verdict = e.at, Verdict(e.verdict).value
        run.interrupted = bool(e.interrupted)
        run.status = "interrupted" if e.interrupted else "finished"
        _refresh_run(session, run)
        with self._lock:
            self._scenario_pks = {k: v for k, v in self._scenario_pks.items() if k[0] != e.run_id}
            self._open_steps = {k: v for k, v in self._open_steps.items() if k[0] != e.run_id}

    # ------------------------------------------------------------------ amendments
    def mark_interrupted(self, run_id: str, *, at: datetime | None = None) -> None:
        """Close a run that will never finish: open steps and scenarios become ERROR (detail: interrupted),
        open prompts are cancelled, the run is `interrupted`."""
        at = at or _now()
        with self.db.writing() as session:
            run = session.get(Run, run_id)
            if run is None:
                raise UsageError(f"Exécution inconnue : {run_id}")
            session.execute(
                update(StepResult)
                .where(StepResult.run_id == run_id, StepResult.verdict.is_(None))
                .values(verdict=Verdict.ERROR.value, detail=INTERRUPTED_DETAIL, finished_at=at)
            )
            session.execute(
                update(Prompt)
                .where(Prompt.run_id == run_id, Prompt.outcome.is_(None))
                .values(outcome="cancelled", closed_at=at)
            )
            open_scenarios = session.scalars(
                select(ScenarioResult).where(
                    ScenarioResult.run_id == run_id, ScenarioResult.engine_verdict.is_(None)
                )
            )
            for scenario in open_scenarios:
                scenario.engine_verdict, scenario.finished_at = Verdict.ERROR.value, at
                scenario.duration_s = (at - scenario.started_at).total_seconds()
                _refresh_scenario(session, scenario)
            run.status, run.interrupted = "interrupted", True
            run.finished_at = run.finished_at or at
            _refresh_run(session, run)

    def sweep_interrupted(self) -> list[str]:
        """Mark as interrupted the runs left `running` by processes of this host that no longer exist."""
        with self.db.reading() as session:
            candidates = session.execute(
                select(Run.id, Run.pid, Run.pid_token).where(
                    Run.status == "running", Run.host == host_name(), Run.pid.is_not(None)
                )
            ).all()
        dead = [rid for rid, pid, token in candidates if pid is not None and not process_alive(pid, token)]
        for run_id in dead:
            self.mark_interrupted(run_id)
        return dead

    def answer_attestation(
        self, attestation_id: str, answers: Sequence[ItemAnswer], *, comment: str = "", who: str
    ) -> Verdict | None:
        """Record a person's judgement of each checklist item; returns the scenario's new verdict."""
        if not who.strip():
            raise UsageError("Indiquez qui atteste (nom ou identifiant).")
        with self.db.writing() as session:
            row = session.scalar(select(Attestation).where(Attestation.attestation_id == attestation_id))
            if row is None:
                raise UsageError(f"Attestation inconnue : {attestation_id}")
            if row.status != "pending":
                raise UsageError(
                    f"Attestation déjà renseignée par {row.answered_by} : {attestation_id} "
                    "(pour corriger un verdict, utilisez un forçage commenté)"
                )
            if len(answers) != len(row.items):
                raise UsageError(
                    f"Attestation {attestation_id} : {len(row.items)} réponse(s) attendue(s), "
                    f"{len(answers)} reçue(s)"
                )
            row.answers = [_normalise_answer(i, a) for i, a in enumerate(answers)]
            row.status, row.comment, row.answered_by, row.answered_at = "answered", comment, who, _now()
            scenario = session.get_one(ScenarioResult, row.scenario_pk)
            _refresh_scenario(session, scenario)
            _refresh_run(session, session.get_one(Run, row.run_id))
            return None if scenario.verdict is None else Verdict(scenario.verdict)

    def override(
        self, run_id: str, scenario_id: str, verdict: Verdict | str, comment: str, who: str
    ) -> Verdict:
        """Force a scenario's verdict; the comment is mandatory and every override is kept."""
        if not comment or not comment.strip():
            raise UsageError("Un commentaire est obligatoire pour forcer un verdict.")
        if not who.strip():
            raise UsageError("Indiquez qui force le verdict (nom ou identifiant).")
        try:
            forced = Verdict(verdict)
        except ValueError:
            raise UsageError(
                f"Verdict inconnu : {verdict!r} (attendu : "
                f"{', '.join(v.value for v in Verdict if v is not Verdict.NOT_RUN)})"
            ) from None
        if forced is Verdict.NOT_RUN:
            raise UsageError("Le verdict « non lancé » ne peut pas être forcé.")
        with self.db.writing() as session:
            scenario = session.scalar(
                select(ScenarioResult).where(
                    ScenarioResult.run_id == run_id, ScenarioResult.scenario_id == scenario_id
                )
            )
            if scenario is None:
                raise UsageError(f"Scénario inconnu pour l'exécution {run_id} : {scenario_id}")
            session.add(
                Override(
                    run_id=run_id,
                    scenario_id=scenario_id,
                    verdict=forced.value,
                    comment=comment.strip(),
                    who=who,
                    at=_now(),
                )
            )
            session.flush()
            _refresh_scenario(session, scenario)
            _refresh_run(session, session.get_one(Run, run_id))
        return forced

    # ------------------------------------------------------------------ retention (bodies are health data)
    def purge_bodies(self, older_than: datetime | timedelta) -> dict[str, int]:
        cutoff = _cutoff(older_than)
        with self.db.writing() as session:
            trace = session.execute(
                update(TraceMessage)
                .where(TraceMessage.at < cutoff,
                       TraceMessage.body.is_not(None) | TraceMessage.forwarded_body.is_not(None))
                .values(body=None, forwarded_body=None)
            )
            exchanged = session.execute(
                update(ExchangedMessage)
                .where(ExchangedMessage.at < cutoff, ExchangedMessage.body.is_not(None))
                .values(body=None)
            )
            return {"trace_messages": _rowcount(trace), "exchanged_messages": _rowcount(exchanged)}

    def purge_runs(self, older_than: datetime | timedelta) -> int:
        """Delete runs (not running) started before the cutoff, with everything they recorded."""
        cutoff = _cutoff(older_than)
        with self.db.writing() as session:
            return _rowcount(session.execute(
                delete(Run).where(Run.started_at < cutoff, Run.status != "running")
            ))

    def purge_trace(self, older_than: datetime | timedelta) -> int:
        cutoff = _cutoff(older_than)
        with self.db.writing() as session:
            return _rowcount(session.execute(delete(TraceMessage).where(TraceMessage.at < cutoff)))

    # ------------------------------------------------------------------ queries
    def list_runs(self, **filters: Any) -> list[RunSummary]:
        with self.db.reading() as session:
            return queries.list_runs(session, **filters)

    def run(self, run_id: str) -> RunSummary | None:
        with self.db.reading() as session:
            row = session.get(Run, run_id)
            return None if row is None else queries.run_summary(row)

    def run_detail(self, run_id: str) -> RunDetail | None:
        with self.db.reading() as session:
            return queries.run_detail(session, run_id)

    def matrix(self, **options: Any) -> list[MatrixRow]:
        with self.db.reading() as session:
            return queries.matrix(session, **options)

    def trace_for_run(self, run_id: str, **options: Any) -> list[TraceView]:
        with self.db.reading() as session:
            return queries.trace_for_run(session, run_id, **options)

    def trace_by_distribution_id(self, distribution_id: str) -> list[TraceView]:
        with self.db.reading() as session:
            return queries.trace_by_distribution_id(session, distribution_id)

    def pending_attestations(self, *, run_id: str | None = None) -> list[AttestationView]:
        with self.db.reading() as session:
            return queries.pending_attestations(session, run_id=run_id)

    def open_prompts(self, *, actor: str | None = None) -> list[PromptView]:
        with self.db.reading() as session:
            return queries.open_prompts(session, actor=actor)

    def close(self) -> None:
        self.db.dispose()


def _normalise_answer(index: int, answer: ItemAnswer) -> dict[str, Any]:
    if isinstance(answer, str):
        value, item_comment = answer, ""
    elif isinstance(answer, tuple):
        value, item_comment = answer
    else:
        value, item_comment = answer.get("answer", ""), answer.get("comment", "")
    value = _ANSWER_ALIASES.get(value.strip().lower(), value.strip().lower())
    if value not in verdicts.ANSWERS:
        raise UsageError(
            f"Réponse inconnue pour l'élément {index + 1} : {answer!r} "
            "(attendu : valid/valide, approximate/approximatif ou invalid/invalide)"
        )
    return {"item": index, "answer": value, "comment": item_comment}


def _refresh_scenario(session: Session, scenario: ScenarioResult) -> None:
    """Recompute the effective verdict and remark of a scenario (see `results.verdicts`)."""
    session.flush()
    step_verdicts = [
        Verdict(v)
        for v in session.scalars(
            select(StepResult.verdict).where(
                StepResult.scenario_pk == scenario.id, StepResult.verdict.is_not(None)
            )
        )
        if v is not None  # excluded by the query already; tells the type checker
    ]
    attestation_rows = list(
        session.scalars(
            select(Attestation).where(Attestation.scenario_pk == scenario.id).order_by(Attestation.id)
        )
    )
    answer_lists = [None if a.answers is None else [x["answer"] for x in a.answers] for a in attestation_rows]
    engine = None if scenario.engine_verdict is None else Verdict(scenario.engine_verdict)
    computed = verdicts.scenario_verdict(
        engine, step_verdicts, [verdicts.attestation_verdict(answers) for answers in answer_lists]
    )
    remarks = []
    for row, answers in zip(attestation_rows, answer_lists, strict=True):
        approx = verdicts.approximate_items(answers)
        if approx and "invalid" not in (answers or []):
            paths = ", ".join(str(row.items[i].get("path", i + 1)) for i in approx)
            remarks.append(verdicts.APPROXIMATE_REMARK + paths)
    latest = session.scalar(
        select(Override)
        .where(Override.run_id == scenario.run_id, Override.scenario_id == scenario.scenario_id)
        .order_by(Override.id.desc())
        .limit(1)
    )
    if latest is not None:
        remarks.append(
            f"verdict forcé à « {Verdict(latest.verdict).label_fr} » par {latest.who} : {latest.comment}"
        )
        computed = Verdict(latest.verdict)
    scenario.verdict = None if computed is None else computed.value
    scenario.remark = " ; ".join(remarks) or None


def _refresh_run(session: Session, run: Run) -> None:
    """Recompute the run's effective verdict and counts once it is no longer running."""
    session.flush()
    if run.status == "running":
        return
    scenario_verdicts = [
        None if v is None else Verdict(v)
        for v in session.scalars(select(ScenarioResult.verdict).where(ScenarioResult.run_id == run.id))
    ]
    engine = None if run.engine_verdict is None else Verdict(run.engine_verdict)
    verdict = verdicts.run_verdict(engine, scenario_verdicts)
    run.verdict = None if verdict is None else verdict.value
    run.counts = dict(Counter(v.value for v in scenario_verdicts if v is not None))

"""Real event sequences for the results tests (built with the engine's event dataclasses)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hubbench import events as ev
from hubbench.events import Verdict

CLIENT_ID = "fr.health.samu440"
PARTNER_ID = "fr.health.samu770"
RULE_PERSISTENT = "Palier 3 — DST 1.2 §3.4.4 (delivery_mode persistant)"
RULE_ACK = "Palier 3 — DST 1.2 §3.3.2 (RC-REF)"


class Clock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def tick(self, seconds: float = 1.0) -> datetime:
        self.now += timedelta(seconds=seconds)
        return self.now


def scenario_events(
    run_id: str,
    clock: Clock,
    scenario_id: str,
    tier: int,
    name: str,
    steps: list[tuple[str, str, Verdict, str]],
    verdict: Verdict,
    *,
    feature: str | None = None,
    extra: list[ev.Event] | None = None,
    link: str = "15-15",
) -> list[ev.Event]:
    start = clock.tick()
    out: list[ev.Event] = [
        ev.ScenarioStarted(
            run_id,
            scenario_id=scenario_id,
            feature=feature or scenario_id.split("::")[0],
            name=name,
            tier=tier,
            link=link,
            tags=(f"palier{tier}",),
            at=start,
        )
    ]
    for index, (keyword, text, step_verdict, detail) in enumerate(steps):
        out.append(
            ev.StepStarted(
                run_id, scenario_id=scenario_id, index=index, keyword=keyword, text=text, at=clock.tick()
            )
        )
        if index == len(steps) - 1 and extra:
            out.extend(extra)
        out.append(
            ev.StepFinished(
                run_id,
                scenario_id=scenario_id,
                index=index,
                verdict=step_verdict,
                detail=detail,
                at=clock.tick(),
            )
        )
    end = clock.tick()
    out.append(
        ev.ScenarioFinished(
            run_id, scenario_id=scenario_id, verdict=verdict, duration_s=(end - start).total_seconds(), at=end
        )
    )
    return out


def full_run(
    run_id: str,
    *,
    vendor: str = "acme",
    link: str = "15-15",
    start: datetime | None = None,
    client_id: str = CLIENT_ID,
    with_error: bool = True,
    pack: dict[str, object] | None = None,
) -> list[ev.Event]:
    """A run with passed, failed, timed-out, (optionally) error and pending-attestation scenarios."""
    clock = Clock(start or datetime.now(UTC) - timedelta(minutes=10))
    t = clock.tick
    events: list[ev.Event] = [
        ev.RunStarted(
            run_id,
            vendor=vendor,
            client_id=client_id,
            link=link,
            vhost="15-15_v1.5",
            tiers=(1, 2, 3, 4),
            pack_tag="v1.5",
            bench_version="0.1.0",
            pack=pack,
            at=clock.now,
        )
    ]
    events += scenario_events(
        run_id,
        clock,
        "tier1.feature::Connexion TLS",
        1,
        "Connexion TLS",
        [
            ("Étant donné ", "le client est connecté", Verdict.PASSED, ""),
            ("Alors ", "il consomme ses trois files", Verdict.PASSED, ""),
        ],
        Verdict.PASSED,
        extra=[
            ev.CheckRecorded(
                run_id,
                scenario_id="tier1.feature::Connexion TLS",
                step_index=1,
                rule="Palier 1 — DST 1.2 §3.4.2 (consommateurs)",
                verdict=Verdict.PASSED,
                expected="3 consommateurs",
                received="3 consommateurs",
                at=t(),
            )
        ],
        link=link,
    )
    sid = "tier3.feature::Message vide persistant"
    events += scenario_events(
        run_id,
        clock,
        sid,
        3,
        "Message vide persistant",
        [
            ("Quand ", "le client envoie un message vide", Verdict.PASSED, ""),
            ("Alors ", "le message est persistant", Verdict.FAILED, "delivery_mode 1"),
        ],
        Verdict.FAILED,
        extra=[
            ev.PromptShown(
                run_id,
                scenario_id=sid,
                prompt_id=f"{run_id}-p1",
                actor=client_id,
                action="send_message",
                instruction=f"Envoyez un message vide à {PARTNER_ID}",
                parameters={"recipient": PARTNER_ID, "use_case": "customContent", "count": 1},
                deadline=clock.now + timedelta(minutes=2),
                at=t(),
            ),
            ev.MessageExchanged(
                run_id,
                scenario_id=sid,
                direction="received",
                queue=f"{PARTNER_ID}.message",
                distribution_id=f"{client_id}_0001",
                kind="customContent",
                content_type="application/json",
                body=b'{"x": 1}',
                at=t(),
            ),
            ev.PromptClosed(run_id, scenario_id=sid, prompt_id=f"{run_id}-p1", outcome="done", at=t()),
            ev.CheckRecorded(
                run_id,
                scenario_id=sid,
                step_index=1,
                rule=RULE_PERSISTENT,
                verdict=Verdict.FAILED,
                expected="2",
                received="1",
                distribution_id=f"{client_id}_0001",
                at=t(),
            ),
        ],
        link=link,
    )
    sid = "tier3.feature::Accusé de réception"
    events += scenario_events(
        run_id,
        clock,
        sid,
        3,
        "Accusé de réception",
        [
            ("Quand ", "le banc envoie un message", Verdict.PASSED, ""),
            ("Alors ", "le client renvoie un RC-REF", Verdict.TIMED_OUT, "aucun RC-REF en 30 s"),
        ],
        Verdict.TIMED_OUT,
        extra=[
            ev.CheckRecorded(
                run_id,
                scenario_id=sid,
                step_index=1,
                rule=RULE_ACK,
                verdict=Verdict.TIMED_OUT,
                expected="un RC-REF sous 30 s",
                received="rien",
                at=t(),
            )
        ],
        link=link,
    )
    if with_error:
        events += scenario_events(
            run_id,
            clock,
            "tier2.feature::Réception technique",
            2,
            "Réception technique",
            [
                ("Étant donné ", "le hub est prêt", Verdict.ERROR, "nœud RabbitMQ arrêté"),
                ("Alors ", "les messages sont acquittés", Verdict.SKIPPED, ""),
            ],
            Verdict.ERROR,
            link=link,
        )
    sid = "tier4.feature::Affichage du dossier"
    events += scenario_events(
        run_id,
        clock,
        sid,
        4,
        "Affichage du dossier",
        [
            ("Quand ", "le banc envoie le dossier du JDD", Verdict.PASSED, ""),
            ("Alors ", "l'opérateur vérifie l'affichage", Verdict.PENDING_ATTESTATION, ""),
        ],
        Verdict.PENDING_ATTESTATION,
        extra=[
            ev.MessageExchanged(
                run_id,
                scenario_id=sid,
                direction="sent",
                queue=f"{client_id}.message",
                distribution_id=f"{PARTNER_ID}_0002",
                kind="createCase",
                content_type="application/json",
                body=b'{"createCase": {}}',
                at=t(),
            ),
            ev.AttestationRequested(
                run_id,
                scenario_id=sid,
                attestation_id=f"{run_id}-a1",
                question="Les valeurs du dossier sont-elles affichées ?",
                items=(
                    {"path": "$.createCase.caseId", "expected": "fr.health.samu770.DRFR15"},
                    {"path": "$.createCase.creation", "expected": "2024-01-01T10:00:00+01:00"},
                    {"path": "$.createCase.patient.age", "expected": "42"},
                ),
                at=t(),
            ),
        ],
        link=link,
    )
    events.append(
        ev.RunFinished(
            run_id, verdict=Verdict.ERROR if with_error else Verdict.FAILED, counts={}, at=clock.tick()
        )
    )
    return events

"""A results database filled the way a real run fills it: engine events fed to `ResultsStore`,
dispatcher trace rows through `TraceWriter`.

Runs (15-15 unless said): a conforming vendor (tiers 1–3 passed, tier 4 waiting for an attestation),
a vendor that never acks (tier 2 failed), a vendor whose envelopes fail the schema on 15-SMUR (tier 3
failed, trace rows with validation errors), and an earlier run of the conforming vendor (all failed:
the matrix must show the latest one).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from hubbench import events as ev
from hubbench.events import Verdict
from hubbench.results.store import ResultsStore
from hubbench.results.trace import TraceRecord, TraceWriter

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
CONFORME = ("Éditeur Conforme", "fr.health.samu440")
SANS_ACK = ("Éditeur Sans Ack", "fr.health.samu690")
ENVELOPPE = ("Éditeur Enveloppe", "fr.health.samu330.smur")
SAMU_PARTNER = "fr.health.samubanc0a1b2c"
SMUR_PARTNER = "fr.health.samubanc9f8e7d"
ENVELOPE_ERROR_PATH = "$.descriptor.explicitAddress.explicitAddressScheme"
ENVELOPE_ERROR_MESSAGE = "valeur « smtp » hors de l'énumération attendue (hubex)"
NO_ACK_RULE = "Palier 2 — DST 1.2 §3.3.1 (acquittement AMQP des messages reçus)"
ATTESTATION_ID = "att-conforme-eda-1"


def _envelope(
    sender: str, recipient: str, message: dict[str, object], sent_at: datetime, kind: str = "Report"
) -> dict[str, object]:
    """An EDXL-DE envelope as the hub profiles it (DST 1.2 §3.4.3–§3.4.4)."""
    stamp = sent_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")
    return {
        "distributionID": f"{sender}_{uuid.uuid4()}",
        "senderID": sender,
        "dateTimeSent": stamp,
        "dateTimeExpires": "2072-09-27T08:23:34+02:00",
        "distributionStatus": "Actual",
        "distributionKind": kind,
        "descriptor": {
            "language": "fr-FR",
            "explicitAddress": {"explicitAddressScheme": "hubex", "explicitAddressValue": recipient},
        },
        "content": [{"jsonContent": {"embeddedJsonContent": {"message": message}}}],
    }


def build_message(sender: str, recipient: str, sent_at: datetime) -> dict[str, object]:
    return _envelope(sender, recipient, {"customContent": {"note": "essai"}}, sent_at)


def build_ack(sender: str, recipient: str, acked_id: str, sent_at: datetime) -> dict[str, object]:
    """RC-REF (DST 1.2 §3.4.6): RC-DE header plus `reference.distributionID`."""
    env = _envelope(sender, recipient, {}, sent_at, kind="Ack")
    stamp = str(env["dateTimeSent"])
    env["content"][0]["jsonContent"]["embeddedJsonContent"]["message"] = {  # type: ignore[index]
        "messageId": env["distributionID"],
        "sender": {"name": sender, "URI": f"hubex:{sender}"},
        "sentAt": stamp,
        "kind": "Ack",
        "status": "Actual",
        "recipient": [{"name": recipient, "URI": f"hubex:{recipient}"}],
        "reference": {"distributionID": acked_id},
    }
    return env


@dataclass
class Filled:
    url: str
    runs: dict[str, str] = field(default_factory=dict)  # name → run id
    attestation_id: str = ATTESTATION_ID


class RunWriter:
    """Emits one run's events in order, one simulated second apart."""

    def __init__(
        self,
        store: ResultsStore,
        trace: TraceWriter,
        run_id: str,
        vendor: tuple[str, str],
        link: str,
        vhost: str,
        tiers: tuple[int, ...],
        start: datetime,
    ) -> None:
        self.store, self.trace, self.run_id = store, trace, run_id
        self.vendor, self.client_id = vendor
        self.link, self.vhost, self.clock = link, vhost, start
        self.emit(
            ev.RunStarted,
            vendor=self.vendor,
            client_id=self.client_id,
            link=link,
            vhost=vhost,
            tiers=tiers,
            pack_tag="1.0",
            bench_version="0.1.0",
        )

    def tick(self, seconds: float = 1.0) -> datetime:
        self.clock += timedelta(seconds=seconds)
        return self.clock

    def emit(self, event_type: type[ev.Event], **fields: object) -> None:
        self.store(event_type(run_id=self.run_id, at=self.tick(), **fields))

    def scenario(
        self,
        feature: str,
        name: str,
        tier: int,
        steps: list[tuple[str, str, Verdict]],
        *,
        checks: list[dict[str, object]] = (),
        tags: tuple[str, ...] = (),
    ) -> str:
        sid = f"{feature}::{name}"
        self.emit(
            ev.ScenarioStarted,
            scenario_id=sid,
            feature=feature,
            name=name,
            tier=tier,
            link=self.link,
            tags=tags,
        )
        for index, (keyword, text, verdict) in enumerate(steps):
            self.emit(ev.StepStarted, scenario_id=sid, index=index, keyword=keyword, text=text)
            for check in checks:
                if check["step_index"] == index:
                    self.emit(ev.CheckRecorded, scenario_id=sid, **check)
            self.emit(ev.StepFinished, scenario_id=sid, index=index, verdict=verdict)
        self.emit(
            ev.ScenarioFinished,
            scenario_id=sid,
            verdict=ev.aggregate([v for *_, v in steps]),
            duration_s=float(len(steps)),
        )
        return sid

    def exchange(self, sid: str, partner: str, *, ack_after_s: float | None) -> str:
        """The bench sends a customContent message; the vendor acks it (RC-REF) after `ack_after_s`."""
        env = build_message(partner, self.client_id, self.clock)
        body = json.dumps(env).encode()
        dist_id = env["distributionID"]
        self.emit(
            ev.MessageExchanged,
            scenario_id=sid,
            direction="sent",
            queue="hubsante",
            distribution_id=dist_id,
            kind="customContent",
            content_type="application/json",
            body=body,
        )
        self.trace.record(
            TraceRecord(
                vhost=self.vhost,
                outcome="routed",
                at=self.clock,
                routing_key=partner,
                sender_id=partner,
                recipient_id=self.client_id,
                kind="customContent",
                distribution_kind="Report",
                distribution_id=dist_id,
                content_type="application/json",
                delivery_mode=2,
                body=body,
                routed_to=f"{self.client_id}.message",
            )
        )
        if ack_after_s is not None:
            ack = build_ack(self.client_id, partner, dist_id, self.clock)
            ack_body = json.dumps(ack).encode()
            self.clock += timedelta(seconds=ack_after_s)
            self.trace.record(
                TraceRecord(
                    vhost=self.vhost,
                    outcome="routed",
                    at=self.clock,
                    routing_key=self.client_id,
                    sender_id=self.client_id,
                    recipient_id=partner,
                    kind="reference",
                    distribution_kind="Ack",
                    distribution_id=ack["distributionID"],
                    content_type="application/json",
                    delivery_mode=2,
                    body=ack_body,
                    routed_to=f"{partner}.ack",
                )
            )
            self.store(
                ev.MessageExchanged(
                    run_id=self.run_id,
                    at=self.clock,
                    scenario_id=sid,
                    direction="received",
                    queue=f"{partner}.ack",
                    distribution_id=ack["distributionID"],
                    kind="reference",
                    content_type="application/json",
                    body=ack_body,
                )
            )
        return dist_id

    def finish(self) -> None:
        self.emit(ev.RunFinished, verdict=Verdict.PASSED, counts={})


def _tier1(run: RunWriter) -> None:
    run.scenario(
        "palier1_raccordement.feature",
        "Connexion TLS avec certificat client",
        1,
        [
            ("Étant donné", "le hub du banc est démarré", Verdict.PASSED),
            ("Alors", "le logiciel est connecté en TLS avec son certificat", Verdict.PASSED),
        ],
        checks=[
            {
                "step_index": 1,
                "rule": "Palier 1 — DST 1.2 §3.4.2 (TLS, SASL EXTERNAL)",
                "verdict": Verdict.PASSED,
                "expected": "connexion TLS 1.2+ authentifiée par certificat",
                "received": "TLS 1.3, EXTERNAL, CN=" + run.client_id,
            }
        ],
        tags=("palier-1", "tous-liens"),
    )


def _tier3_ok(run: RunWriter, partner: str) -> None:
    sid = run.scenario(
        "palier3_messages_vides.feature",
        "Acquittement RC-REF d'un message reçu",
        3,
        [
            ("Quand", "le banc envoie un message vide au logiciel", Verdict.PASSED),
            ("Alors", "le logiciel renvoie un acquittement RC-REF", Verdict.PASSED),
        ],
        checks=[
            {
                "step_index": 1,
                "rule": "Palier 3 — DST 1.2 §3.3.2 (acquittement RC-REF)",
                "verdict": Verdict.PASSED,
                "expected": "un RC-REF référençant le message envoyé",
                "received": "RC-REF reçu",
            }
        ],
        tags=("palier-3", "officiel:RS-EDA-01a"),
    )
    for delay in (0.4, 0.9, 1.6):
        run.exchange(sid, partner, ack_after_s=delay)


CONVERTED_ID = "fr.health.samu330.smur_conv1"


def _converted_row(run: RunWriter) -> None:
    """A case the hub converted (RS-EDA received, RC-EDA delivered): the trace keeps both bodies."""
    def env(key: str, case: dict[str, object]) -> bytes:
        return json.dumps({"distributionID": CONVERTED_ID, "senderID": run.client_id,
                           "content": [{"jsonContent": {"embeddedJsonContent": {"message": {key: case}}}}]},
                          ensure_ascii=False).encode()

    run.trace.record(TraceRecord(
        vhost=run.vhost, outcome="routed", at=run.tick(), routing_key=run.client_id,
        sender_id=run.client_id, recipient_id="fr.fire.nexsis.sdis44", kind="createCaseHealth",
        distribution_kind="Report", distribution_id=CONVERTED_ID, content_type="application/json",
        delivery_mode=2, body=env("createCaseHealth", {"caseId": "C1", "owner": run.client_id}),
        routed_to="fr.fire.nexsis.sdis44.message", forwarded_content_type="application/json",
        forwarded_body=env("createCase", {"caseId": "C1", "referenceVersion": "2.0"})))


def populate(url: str) -> Filled:
    store = ResultsStore(url)
    trace = TraceWriter(store.db)
    filled = Filled(url=url)
    try:
        # an old run of the conforming vendor, all red: the matrix must not show it
        old = RunWriter(
            store, trace, "run-conforme-ancien", CONFORME, "15-15", "15-15_v1.5", (1,), T0 - timedelta(days=3)
        )
        old.scenario(
            "palier1_raccordement.feature",
            "Connexion TLS avec certificat client",
            1,
            [("Alors", "le logiciel est connecté", Verdict.FAILED)],
        )
        old.finish()
        filled.runs["ancien"] = old.run_id

        ok = RunWriter(store, trace, "run-conforme", CONFORME, "15-15", "15-15_v1.5", (1, 2, 3, 4), T0)
        _tier1(ok)
        sid2 = ok.scenario(
            "palier2_reception.feature",
            "Réception et acquittement AMQP de messages techniques",
            2,
            [
                ("Quand", "le banc envoie 3 messages techniques", Verdict.PASSED),
                ("Alors", "tous sont acquittés (basic.ack)", Verdict.PASSED),
            ],
            checks=[
                {
                    "step_index": 1,
                    "rule": NO_ACK_RULE,
                    "verdict": Verdict.PASSED,
                    "expected": "3 messages acquittés",
                    "received": "3 messages acquittés",
                }
            ],
        )
        ok.exchange(sid2, SAMU_PARTNER, ack_after_s=0.3)
        _tier3_ok(ok, SAMU_PARTNER)
        sid4 = "palier4_reception_eda.feature::Affichage d'une affaire reçue (RS-EDA)"
        ok.emit(
            ev.ScenarioStarted,
            scenario_id=sid4,
            feature="palier4_reception_eda.feature",
            name="Affichage d'une affaire reçue (RS-EDA)",
            tier=4,
            link="15-15",
            tags=("officiel:RS-EDA-01b",),
        )
        ok.emit(
            ev.StepStarted,
            scenario_id=sid4,
            index=0,
            keyword="Alors",
            text="l'opérateur atteste l'affichage des valeurs",
        )
        ok.emit(
            ev.AttestationRequested,
            scenario_id=sid4,
            attestation_id=ATTESTATION_ID,
            question="Les valeurs de l'affaire s'affichent-elles correctement dans le logiciel ?",
            items=(
                {"path": "$.createCaseHealth.caseId", "expected": "fr.health.samu440.DRMFR15690"},
                {"path": "$.createCaseHealth.qualification.riskThreat[0].code", "expected": "R01"},
            ),
        )
        ok.emit(ev.StepFinished, scenario_id=sid4, index=0, verdict=Verdict.PENDING_ATTESTATION)
        ok.emit(ev.ScenarioFinished, scenario_id=sid4, verdict=Verdict.PENDING_ATTESTATION, duration_s=1.0)
        ok.finish()
        filled.runs["conforme"] = ok.run_id

        bad = RunWriter(
            store, trace, "run-sans-ack", SANS_ACK, "15-15", "15-15_v1.5", (1, 2), T0 + timedelta(hours=1)
        )
        _tier1(bad)
        sid = bad.scenario(
            "palier2_reception.feature",
            "Réception et acquittement AMQP de messages techniques",
            2,
            [
                ("Quand", "le banc envoie 3 messages techniques", Verdict.PASSED),
                ("Alors", "tous sont acquittés (basic.ack)", Verdict.FAILED),
            ],
            checks=[
                {
                    "step_index": 1,
                    "rule": NO_ACK_RULE,
                    "verdict": Verdict.FAILED,
                    "expected": "3 messages acquittés (basic.ack), 0 en attente",
                    "received": "0 acquitté, 3 messages non acquittés dans fr.health.samu690.message",
                }
            ],
        )
        bad.exchange(sid, SAMU_PARTNER, ack_after_s=None)
        bad.finish()
        filled.runs["sans_ack"] = bad.run_id

        env_run = RunWriter(
            store,
            trace,
            "run-enveloppe",
            ENVELOPPE,
            "15-SMUR",
            "15-smur_v1.4",
            (1, 3),
            T0 + timedelta(hours=2),
        )
        _tier1(env_run)
        bad_env = build_message(ENVELOPPE[1], SMUR_PARTNER, env_run.clock)
        bad_env["descriptor"]["explicitAddress"]["explicitAddressScheme"] = "smtp"
        body = json.dumps(bad_env).encode()
        sid3 = env_run.scenario(
            "palier3_messages_vides.feature",
            "Envoi d'un message vide valide",
            3,
            [
                ("Quand", "l'opérateur envoie un message vide au banc", Verdict.PASSED),
                ("Alors", "l'enveloppe est valide selon le schéma EDXL-DE", Verdict.FAILED),
            ],
            checks=[
                {
                    "step_index": 1,
                    "rule": "Palier 3 — DST 1.2 §3.4.4 (enveloppe EDXL-DE)",
                    "verdict": Verdict.FAILED,
                    "expected": "explicitAddressScheme = hubex",
                    "received": "explicitAddressScheme = smtp",
                    "distribution_id": bad_env["distributionID"],
                }
            ],
        )
        env_run.trace.record(
            TraceRecord(
                vhost="15-smur_v1.4",
                outcome="rejected",
                at=env_run.tick(),
                routing_key=ENVELOPPE[1],
                sender_id=ENVELOPPE[1],
                recipient_id=SMUR_PARTNER,
                kind="customContent",
                distribution_kind="Report",
                distribution_id=bad_env["distributionID"],
                content_type="application/json",
                delivery_mode=2,
                body=body,
                error_code=300,
                errors=[
                    {
                        "path": ENVELOPE_ERROR_PATH,
                        "rule": "enum",
                        "expected": "hubex",
                        "found": "smtp",
                        "message": ENVELOPE_ERROR_MESSAGE,
                        "scope": "envelope",
                    }
                ],
            )
        )
        env_run.store(
            ev.MessageExchanged(
                run_id=env_run.run_id,
                at=env_run.tick(),
                scenario_id=sid3,
                direction="received",
                queue=f"{SMUR_PARTNER}.message",
                distribution_id=bad_env["distributionID"],
                kind="customContent",
                content_type="application/json",
                body=body,
            )
        )
        _converted_row(env_run)
        env_run.finish()
        filled.runs["enveloppe"] = env_run.run_id
        if not trace.flush(10.0):
            raise RuntimeError(f"trace non écrite : {trace.stats()}")
    finally:
        trace.close()
        store.close()
    return filled

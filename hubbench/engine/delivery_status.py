"""Palier 5 — what the vendor shows of its own message's fate: « non délivré » while the partner withholds
its RC-REF (DST 1.2 §3.3.2), and the hub's error report on its `.info` (DST 1.2 §3.4.7).

The vendor's operator shares a case (prompt `send_create_case`) that the bench's partner never acks;
then the bench sends, as the hub would for a message that expired unread, a 500 report about it on the
vendor's `.info`. What the software shows is for a person to see: both are attestations, never passed
by the machine. The case is prompted once per run and shared by the two scenarios.
"""

from __future__ import annotations

from hubbench.cases import CaseContext
from hubbench.engine import functional as fn
from hubbench.engine import lrm
from hubbench.engine.scenario import ScenarioEngine
from hubbench.protocol import ErrorCode, build_error_report

WITHHELD = "palier5-acquittement-retenu"
REPORTED = "palier5-erreur-hub"
UNDELIVERED_KEY, ERROR_KEY = "acquittement-retenu", "erreur-hub-signalee"  # attestation keys


def unacked_case(bench: ScenarioEngine, rule: str) -> fn.VendorMessage:
    """The vendor's shared case the partner never acks (once per run)."""

    def make() -> fn.VendorMessage:
        kind = lrm.create_kind(bench.ctx)
        jdd = fn.factory(bench).build(kind, CaseContext.open(bench.ctx.client_id))
        partner = bench.ctx.partner_id
        kinds = (lrm.CREATE_CASE, lrm.CREATE_CASE_HEALTH) if fn.link_name(bench) == lrm.NEXSIS else (kind,)
        return fn.prompted_message(
            bench,
            "send_create_case",
            f"Créez un dossier avec les valeurs du jeu de données ({kind}) et partagez-le avec {partner} "
            "(le partenaire ne l'acquittera pas)",
            {"recipient": partner, "use_case": kind, "content": jdd[kind]},
            kinds,
            rule,
        )

    return fn.once(bench, WITHHELD, make)


def _named(msg: fn.VendorMessage) -> str:
    return f"le dossier {msg.view.case_id or '(sans caseId)'} (message {msg.distribution_id})"


def attest_undelivered(bench: ScenarioEngine, rule: str) -> None:
    msg = unacked_case(bench, rule)
    question = (f"le logiciel montre {_named(msg)} « non délivré » : le partenaire ne l'a pas acquitté "
                f"(aucun RC-REF) ({rule})")
    bench.attest(UNDELIVERED_KEY, question, [{"label": question}])


def report_hub_error(bench: ScenarioEngine, rule: str) -> None:
    """A 500 report about the unacked case on the vendor's `.info`, as the hub sends for a message that
    expired unread in the partner's queue (once per run)."""
    msg = unacked_case(bench, rule)

    def make() -> str:
        dist_id = msg.distribution_id or ""
        cause = (f"Message {dist_id} has been read from dead-letter-queue; reason was expired "
                 "(rapport injecté par le banc, palier 5)")
        bench.injector.inject("info", build_error_report(
            bench.ctx.client_id, ErrorCode.DEAD_LETTER_QUEUED, cause, None, dist_id))
        return dist_id

    fn.once(bench, REPORTED, make)


def attest_error_surfaced(bench: ScenarioEngine, rule: str) -> None:
    msg = unacked_case(bench, rule)
    question = (f"le logiciel signale à l'opérateur l'erreur 500 (DEAD_LETTER_QUEUED) reçue du hub sur sa "
                f"file .info pour {_named(msg)}, et le message reste « non délivré » ({rule})")
    bench.attest(ERROR_KEY, question, [{"label": question}])

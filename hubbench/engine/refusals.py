"""Palier 3 — a message the vendor must refuse: its RC-REF `refused` and its own error message.

The bench puts on the vendor's `.message` queue (straight, as the hub never would: its dispatcher refuses
such a message, a partner hub's traffic is not re-validated — à vérifier) a partner message whose EDXL-DE
envelope carries a root field the schema forbids. The vendor, which checks what it receives, refuses it:
an RC-REF with `refused: true` and `errorDistributionID` naming its error message, `step` « ERREUR » where
its model has the field (ansforge/SAMU-Hub-Modeles, RC-REF.schema.json); and an error message (kind
Error, routed to the partner's `.info`) whose `referencedDistributionID` is the refused message and whose
`errorCause` says why (RS-ERROR.schema.json). The message is sent once per run, shared by both scenarios.
Both need the vendor's RC-REFs: when tier 3's root « Acquittement de réception finale (RC-REF) » failed
earlier in the run, a missing one is « bloqué par le palier 3 » (`engine.prerequisites`).
"""

from __future__ import annotations

from typing import Any

from hubbench.engine import functional as fn
from hubbench.engine import prerequisites
from hubbench.engine.errors import NothingReceived
from hubbench.engine.partner import Received
from hubbench.engine.scenario import ScenarioEngine
from hubbench.protocol import custom_content_use_case

INVALID = "palier3-message-non-conforme"
FORBIDDEN_FIELD = "champNonPrevu"  # no such root field in EDXL-DE (additionalProperties: false)
REFUSED_STEP = "ERREUR"  # RC-REF `step` nomenclature (model 3.x): RECU, ERREUR, INTEGRE, CONSULTE, SUPPRIME


def send_invalid(bench: ScenarioEngine) -> str:
    """The non-conforming partner message, put on the vendor's `.message` once per run; its id."""

    def make() -> str:
        env = bench.partner.build(custom_content_use_case(
            message="Palier 3 : message non conforme à refuser (champ racine interdit dans l'enveloppe)"))
        env[FORBIDDEN_FIELD] = "ajouté par le banc"
        bench.injector.inject("message", env)
        return str(env["distributionID"])

    return fn.once(bench, INVALID, make)


def _reference(received: Received) -> dict[str, Any]:
    ref = received.view.message.get("reference")
    return ref if isinstance(ref, dict) else {}


def check_refused_rc_ref(bench: ScenarioEngine, rule: str) -> None:
    dist_id = send_invalid(bench)
    timeout = bench.wait_after_root(bench.ctx.timeouts.reply, prerequisites.RC_REF)
    what = f"RC-REF de {bench.ctx.client_id} pour le message non conforme {dist_id}"
    found = bench.partner.wait_for(bench.scenario_id, what,
                                   lambda r: r.suffix == "ack" and r.view.referenced_id == dist_id, timeout,
                                   required=False)
    if found is None:
        raise NothingReceived(what, timeout, rule, prerequisite=prerequisites.RC_REF)
    reference = _reference(found)
    refused, error_id = reference.get("refused"), reference.get("errorDistributionID")
    step = reference.get("step")
    bench.check.that(refused is True, rule, "« refused » : true (message refusé)", f"refused = {refused!r}",
                     dist_id, soft=True)
    bench.check.that(isinstance(error_id, str) and bool(error_id), rule,
                     "« errorDistributionID » : l'identifiant du message d'erreur du système",
                     f"errorDistributionID = {error_id!r}", dist_id, soft=True)
    if step is not None:
        bench.check.that(step == REFUSED_STEP, rule, f"« step » : {REFUSED_STEP} (message refusé)",
                         f"step = {step!r}", dist_id, soft=True)


def _error_of(received: Received) -> dict[str, Any]:
    error = received.view.message.get("error")
    return error if isinstance(error, dict) else {}


def check_error_message(bench: ScenarioEngine, rule: str) -> None:
    dist_id, timeout = send_invalid(bench), bench.ctx.timeouts.reply
    vendor = bench.ctx.client_id
    what = f"message d'erreur (distributionKind Error) de {vendor} sur le message non conforme {dist_id}"
    found = bench.partner.wait_for(
        bench.scenario_id, what,
        lambda r: r.suffix == "info" and r.view.sender_id == vendor and r.view.distribution_kind == "Error",
        timeout, required=False)
    if found is None:
        raise NothingReceived(what, timeout, rule)
    error = _error_of(found)
    referenced, cause = error.get("referencedDistributionID"), error.get("errorCause")
    bench.check.that(referenced == dist_id, rule, f"« referencedDistributionID » : {dist_id}",
                     repr(referenced), found.view.distribution_id, soft=True)
    bench.check.that(isinstance(cause, str) and bool(cause.strip()), rule,
                     "« errorCause » : la cause du refus", repr(cause), found.view.distribution_id, soft=True)

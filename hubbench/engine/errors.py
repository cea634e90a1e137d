"""Engine exceptions and how each becomes a verdict.

Steps raise these; the pytest plugin maps whatever a step raised to the step's verdict with
`verdict_of`. Any other exception is a bench or set-up problem: `Verdict.ERROR`, never a vendor fault.
"""

from __future__ import annotations

from dataclasses import dataclass

from hubbench.engine.prerequisites import RootFailure
from hubbench.events import Verdict


class EngineOutcome(Exception):
    """Base of the exceptions that end a step with a known verdict."""

    verdict: Verdict = Verdict.ERROR
    recorded: bool = False  # True once a CheckRecorded already reports it (Checker, attestations)
    prerequisite: str | None = None  # the prerequisite rule whose failure would explain this one

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class CheckFailed(EngineOutcome):
    """A rule the vendor broke: what was expected, what arrived, which spec rule."""

    verdict = Verdict.FAILED

    def __init__(
        self, rule: str, expected: str, received: str, distribution_id: str | None = None,
        *, prerequisite: str | None = None,
    ) -> None:
        super().__init__(f"{rule} : attendu {expected} ; reçu {received}")
        self.rule = rule
        self.expected = expected
        self.received = received
        self.distribution_id = distribution_id
        self.prerequisite = prerequisite


class NothingReceived(EngineOutcome):
    """The awaited message or state never came within its timeout (distinct from a wrong one)."""

    verdict = Verdict.TIMED_OUT

    def __init__(
        self, what: str, timeout_s: float, rule: str = "", *, prerequisite: str | None = None
    ) -> None:
        super().__init__(f"Rien reçu en {timeout_s:g} s : {what}" + (f" ({rule})" if rule else ""))
        self.what = what
        self.timeout_s = timeout_s
        self.rule = rule
        self.prerequisite = prerequisite


class TimedOut(EngineOutcome):
    """A state the vendor had to reach (reconnection, empty queue) was not reached in time."""

    verdict = Verdict.TIMED_OUT

    def __init__(self, rule: str, expected: str, received: str) -> None:
        super().__init__(f"{rule} : attendu {expected} ; reçu {received}")
        self.rule = rule
        self.expected = expected
        self.received = received


class Blocked(EngineOutcome):
    """A check failed for a prerequisite rule already failed in a lower tier: « bloqué par le palier N »."""

    verdict = Verdict.BLOCKED

    def __init__(
        self, root: RootFailure, rule: str, expected: str, received: str, distribution_id: str | None = None
    ) -> None:
        super().__init__(f"{root.explain(rule)} : attendu {expected} ; reçu {received}")
        self.root = root
        self.rule = rule
        self.expected = expected
        self.received = received
        self.distribution_id = distribution_id


def blocked_from(exc: BaseException, root: RootFailure, fallback_rule: str) -> Blocked:
    """The `Blocked` a failed step's exception becomes when its prerequisite failed in a lower tier."""
    check = failure_check(exc, fallback_rule)
    if check is None:
        return Blocked(root, fallback_rule, BENCH_EXPECTED, describe(exc))
    return Blocked(root, check.rule, check.expected, check.received, check.distribution_id)


class AttestationNeeded(EngineOutcome):
    """Only a person can judge this and no answer was given: "à attester", never passed silently."""

    verdict = Verdict.PENDING_ATTESTATION


class NotApplicable(EngineOutcome):
    """The rule does not apply to this vendor (e.g. optional publisher confirms not used)."""

    verdict = Verdict.NOT_APPLICABLE


class RemoteUnverifiable(EngineOutcome):
    """External-hub mode: the step needs evidence only the hub's operator has (the dispatcher's trace,
    the management API, the broker log, the dispatcher's identity); "non vérifiable à distance", never
    passed nor failed, with the reason."""

    verdict = Verdict.UNVERIFIABLE_REMOTE

    def __init__(self, rule: str, needs: str) -> None:
        super().__init__(f"Non vérifiable à distance : {rule} demande {needs}, propre au hub externe")
        self.rule = rule
        self.needs = needs


class OperatorSkipped(EngineOutcome):
    """The operator chose to skip a step (official cases, "passer à l'étape suivante"): the scenario is
    "non exécuté", never passed, even when every step it did play passed."""

    verdict = Verdict.SKIPPED


def verdict_of(exc: BaseException) -> Verdict:
    """The step verdict for an exception raised by a step (anything unknown is a bench error)."""
    if isinstance(exc, EngineOutcome):
        return exc.verdict
    return Verdict.ERROR


@dataclass(frozen=True)
class FailureCheck:
    """What a failed step's check row says: the rule, what was expected, what arrived."""

    verdict: Verdict
    rule: str
    expected: str
    received: str
    distribution_id: str | None = None
    blocked_by: str | None = None  # BLOCKED: the root scenario's id
    detail: str = ""


BENCH_EXPECTED = "étape exécutée sans erreur du banc (ce n'est pas une faute du système testé)"


def failure_check(exc: BaseException, fallback_rule: str) -> FailureCheck | None:
    """The check row for a step that ended with `exc`, when the exception is a failure (failed, timed
    out, blocked, bench error) or a remote-unverifiable check nobody recorded yet; `fallback_rule` names
    the step when the exception cites none."""
    verdict = verdict_of(exc)
    if isinstance(exc, RemoteUnverifiable) and not exc.recorded:
        return FailureCheck(verdict, exc.rule or fallback_rule, f"preuve tirée de {exc.needs}",
                            "non vérifiable à distance : le banc ne gère pas ce hub")
    if not verdict.counts_as_failure or getattr(exc, "recorded", False):
        return None
    if isinstance(exc, Blocked):
        rule = exc.rule or fallback_rule
        return FailureCheck(verdict, rule, exc.expected, exc.received, exc.distribution_id,
                            blocked_by=exc.root.scenario_id, detail=exc.root.explain(rule))
    if isinstance(exc, CheckFailed):
        rule = exc.rule or fallback_rule
        return FailureCheck(verdict, rule, exc.expected, exc.received, exc.distribution_id)
    if isinstance(exc, NothingReceived):
        return FailureCheck(
            verdict, exc.rule or fallback_rule, f"{exc.what} en moins de {exc.timeout_s:g} s",
            f"rien reçu en {exc.timeout_s:g} s",
        )
    if isinstance(exc, TimedOut):
        return FailureCheck(verdict, exc.rule or fallback_rule, exc.expected, exc.received)
    return FailureCheck(verdict, fallback_rule, BENCH_EXPECTED, describe(exc))


def describe(exc: BaseException) -> str:
    """A one-line French description of a step's exception, for StepFinished.detail."""
    if isinstance(exc, EngineOutcome):
        return exc.message
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return (
        f"Erreur du banc ({type(exc).__name__}) : {text}"
        if text
        else f"Erreur du banc ({type(exc).__name__})"
    )


class StepInterrupted(Exception):
    """The operator ended an official case step's prompt through the prompt API (`POST /prompts/{id}/resend`
    or `/skip`, as the official test console's buttons): `control` is the choice ("renvoyer", "passer"),
    `by` who chose. Caught by the case player (engine.official_cases), never a verdict of its own."""

    def __init__(self, control: str, by: str) -> None:
        super().__init__(f"étape {control} à la demande de {by}")
        self.control = control
        self.by = by

    @property
    def outcome(self) -> str:
        """How the prompt closes: "resent" or "skipped"."""
        return "resent" if self.control == "renvoyer" else "skipped"

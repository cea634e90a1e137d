"""Attestations: checks only a person can make, answered up front (`--answers FILE`) or later.

Answers file (YAML or JSON, UTF-8), validated before the run starts:

    version: 1
    by: "Jeanne Martin (éditeur X)"          # who attests (required)
    answers:
      identifiant-client-convenu: valid      # one answer for every item
      erreurs-visibles:                      # or an answer with a comment
        answer: approximate                  # valid | approximate | invalid (or valide/approximatif/invalide)
        comment: "visible dans les journaux seulement"
      autre-cle:
        items: [valid, invalid]              # or one answer per checklist item

Keys are the attestation keys written in the features. Without an answer the step ends
"à attester" (pending_attestation): never passed silently.

What the official test console offers a tester on a case's step ("Re-envoyer le message", "Passer à
l'étape suivante") is given in an optional `steps` table, keyed "<case slug>/<step id>" (the slug is
the case label in lower-case ASCII words joined by "-", as in the case's attestation keys):

    steps:
      monsieur-x-editeur-09-hub-sante-31/02a: passer     # skip: recorded "non exécuté", never passed
      didier-morel-roles-hub-sante-77-editeur-94/01a: renvoyer   # resend (receive) / ask again (send)
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hubbench.engine.errors import AttestationNeeded, CheckFailed
from hubbench.errors import UsageError
from hubbench.events import AttestationAnswered, AttestationRequested, Event, Verdict
from hubbench.structured_files import read_structured_file

_SYNONYMS = {
    "valid": "valid",
    "valide": "valid",
    "approximate": "approximate",
    "approximatif": "approximate",
    "invalid": "invalid",
    "invalide": "invalid",
}
_TOP_KEYS = {"version", "by", "answers", "steps"}
_ENTRY_KEYS = {"answer", "items", "comment"}


@dataclass(frozen=True)
class Answer:
    items: tuple[str, ...] | None  # one per checklist item, or None = `single` for every item
    single: str | None
    comment: str = ""

    def for_items(self, count: int) -> tuple[str, ...]:
        if self.items is not None:
            return self.items
        return tuple([self.single or "invalid"] * max(count, 1))


class StepControl(enum.StrEnum):
    """An operator's choice on one step of an official case, as the official test console offers."""

    RESEND = "renvoyer"
    SKIP = "passer"


_STEP_SYNONYMS = {"renvoyer": StepControl.RESEND, "resend": StepControl.RESEND,
                  "passer": StepControl.SKIP, "skip": StepControl.SKIP}


@dataclass(frozen=True)
class AnswersFile:
    by: str
    answers: dict[str, Answer] = field(default_factory=dict)
    steps: dict[str, StepControl] = field(default_factory=dict)

    def get(self, key: str) -> Answer | None:
        return self.answers.get(key)


def load_answers(path: Path) -> AnswersFile:
    """Read and validate an answers file; any problem is a one-line `UsageError`."""
    return parse_answers(read_structured_file(path, "de réponses"), source=str(path))


def parse_answers(data: Any, *, source: str = "réponses") -> AnswersFile:
    def bad(what: str) -> UsageError:
        return UsageError(f"Fichier de réponses invalide : {source} — {what}")

    if not isinstance(data, dict):
        raise bad("un objet avec les clés version, by, answers est attendu")
    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise bad(f"clé(s) inconnue(s) : {', '.join(sorted(map(str, unknown)))}")
    if data.get("version", 1) != 1:
        raise bad(f"version {data.get('version')!r} non prise en charge (attendu 1)")
    by = data.get("by")
    if not isinstance(by, str) or not by.strip():
        raise bad("« by » (qui atteste) est obligatoire")
    raw_answers = data.get("answers") or {}
    if not isinstance(raw_answers, dict):
        raise bad("« answers » doit associer une clé d'attestation à une réponse")
    answers = {str(key): _parse_entry(str(key), value, bad) for key, value in raw_answers.items()}
    raw_steps = data.get("steps") or {}
    if not isinstance(raw_steps, dict):
        raise bad("« steps » doit associer « <cas>/<étape> » à renvoyer ou passer")
    steps = {}
    for key, value in raw_steps.items():
        control = _STEP_SYNONYMS.get(value.strip().lower()) if isinstance(value, str) else None
        if control is None or "/" not in str(key):
            raise bad(f"steps, {key} : attendu « <cas>/<étape> » : renvoyer ou passer, reçu {value!r}")
        steps[str(key)] = control
    return AnswersFile(by=by.strip(), answers=answers, steps=steps)


def _parse_entry(key: str, value: Any, bad: Callable[[str], UsageError]) -> Answer:
    def answer_of(raw: Any) -> str:
        norm = _SYNONYMS.get(str(raw).strip().lower()) if isinstance(raw, str) else None
        if norm is None:
            raise bad(f"{key} : réponse {raw!r} inconnue (attendu valid, approximate ou invalid)")
        return norm

    if isinstance(value, str):
        return Answer(items=None, single=answer_of(value))
    if not isinstance(value, dict):
        raise bad(f"{key} : une réponse ou un objet {{answer|items, comment}} est attendu")
    unknown = set(value) - _ENTRY_KEYS
    if unknown:
        raise bad(f"{key} : clé(s) inconnue(s) : {', '.join(sorted(map(str, unknown)))}")
    comment = value.get("comment") or ""
    if not isinstance(comment, str):
        raise bad(f"{key} : « comment » doit être un texte")
    if ("answer" in value) == ("items" in value):
        raise bad(f"{key} : donnez soit « answer », soit « items »")
    if "items" in value:
        items = value["items"]
        if not isinstance(items, list) or not items:
            raise bad(f"{key} : « items » doit être une liste non vide de réponses")
        return Answer(items=tuple(answer_of(item) for item in items), single=None, comment=comment)
    return Answer(items=None, single=answer_of(value["answer"]), comment=comment)


def answers_verdict(answers: tuple[str, ...]) -> Verdict:
    """Any invalid item → failed; otherwise passed (approximate answers stay visible as such)."""
    return Verdict.FAILED if "invalid" in answers else Verdict.PASSED


LiveAnswers = Callable[[str], tuple[str, Answer] | None]  # attestation id → (by, answer), bounded wait
LiveSteps = Callable[[str], tuple[StepControl, str] | None]  # prompt id → (choice, by), no wait


class Attestor:
    def __init__(
        self,
        run_id: str,
        emit: Callable[[Event], None],
        answers: AnswersFile | None,
        live: LiveAnswers | None = None,
        live_steps: LiveSteps | None = None,
    ) -> None:
        self.run_id = run_id
        self._emit = emit
        self._answers = answers
        self._live = live  # answers given during the run through the prompt API
        self._live_steps = live_steps  # resend / skip of an official step's prompt, through the prompt API

    def step_control(self, key: str) -> tuple[StepControl, str] | None:
        """The operator's choice for the official-case step `key` ("<case slug>/<step id>"), and who."""
        if self._answers is None or key not in self._answers.steps:
            return None
        return self._answers.steps[key], self._answers.by

    def live_step_control(self, prompt_id: str) -> tuple[StepControl, str] | None:
        """The operator's choice on the open prompt `prompt_id` given through the prompt API, and who."""
        return None if self._live_steps is None else self._live_steps(prompt_id)

    def attest(
        self,
        scenario_id: str,
        key: str,
        question: str,
        items: list[dict[str, Any]],
        record_check: Callable[[Verdict, str, str, str], object],
    ) -> Verdict:
        """Ask a person; apply the answers file if it has `key`, else an answer given through the prompt
        API in time, else raise `AttestationNeeded`."""
        attestation_id = f"{self.run_id}-{key}"
        self._emit(
            AttestationRequested(
                self.run_id,
                scenario_id=scenario_id,
                attestation_id=attestation_id,
                question=question,
                items=tuple(items),
            )
        )
        answer = self._answers.get(key) if self._answers else None
        by = self._answers.by if self._answers else ""
        if answer is None and self._live is not None:
            by, answer = self._live(attestation_id) or ("", None)
        if answer is None:
            raise AttestationNeeded(f"À attester par une personne : {question} (clé « {key} »)")
        given = answer.for_items(len(items))
        if len(given) != max(len(items), 1):
            raise AttestationNeeded(
                f"Réponses incomplètes pour « {key} » : {len(given)} donnée(s), {len(items)} attendue(s)"
            )
        self._emit(
            AttestationAnswered(
                self.run_id,
                scenario_id=scenario_id,
                attestation_id=attestation_id,
                answers=tuple(
                    {"item": i, "answer": a, "comment": answer.comment} for i, a in enumerate(given)
                ),
                answered_by=by,
                comment=answer.comment,
            )
        )
        labels = [str(item.get("label") or item.get("path") or question) for item in items] or [question]
        for label, given_answer in zip(labels, given, strict=True):
            verdict = answers_verdict((given_answer,))
            record_check(verdict, f"Attestation — {label}", "valid", f"{given_answer} ({by})")
        verdict = answers_verdict(given)
        if verdict is Verdict.FAILED:
            failure = CheckFailed(f"Attestation « {key} »", "valid", f"invalid ({by})")
            failure.recorded = True  # every item was recorded above with its own verdict
            raise failure
        return verdict

"""The run's prompt feed: typed prompts and attestations as they open and close, for a vendor's driver.

A listener of the run's events (`events.PromptShown`, `PromptClosed`, `AttestationRequested` …). It keeps
the open prompts for the HTTP API (`engine.prompt_server`), writes one JSON line per change to a stream
(`hubbench run --prompts-jsonl`), takes the driver's reports ("done" with data) and its answers to
attestations, which `engine.attestations.Attestor` waits for (`--attestation-wait`), and the operator's
resend / skip of an official case step's open prompt, which the case player reads (`step_control`).
"""

from __future__ import annotations

import json
import threading
import time
from typing import IO, Any

from hubbench.engine.attestations import Answer, StepControl, parse_answers
from hubbench.errors import UsageError
from hubbench.events import (
    AttestationAnswered,
    AttestationRequested,
    Event,
    PromptClosed,
    PromptShown,
    RunFinished,
    RunStarted,
    utcnow,
)
from hubbench.promptapi import RunInfo, attestation_document, iso, prompt_document

MAX_WAIT_S = 60.0  # a long-poll never holds a request longer than this
MAX_REPORT_BYTES = 64_000
_CHOICES = {"resend": StepControl.RESEND, "skip": StepControl.SKIP}  # route word → the engine's choice


class FeedError(Exception):
    """A request the feed refuses: HTTP status and a French message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class PromptFeed:
    def __init__(self, stream: IO[str] | None = None) -> None:
        self._stream = stream
        self._cond = threading.Condition()  # state and stream lines: one change at a time, in order
        self._version = 0
        self.run: RunInfo | None = None
        self.finished = False
        self._prompts: dict[str, dict[str, Any]] = {}  # every prompt of the run, by id
        self._attestations: dict[str, dict[str, Any]] = {}
        self._answers: dict[str, tuple[str, Answer]] = {}  # attestation id → (by, answer)
        self._controls: dict[str, tuple[StepControl, str]] = {}  # prompt id → (choice, by)

    def expect(self, run: RunInfo) -> None:
        """Know the run before its RunStarted event: its API is published first; a driver may ask at once."""
        with self._cond:
            if self.run is None:
                self.run = run

    # -- events ----------------------------------------------------------------------------------
    def __call__(self, event: Event) -> None:
        with self._cond:
            if self.finished:  # closed: `run_finished` is the stream's last line
                return
            if isinstance(event, RunStarted):
                self.run = RunInfo(event.run_id, event.link, event.vhost, event.client_id)
                self._changed()
                return
            line = None if self.run is None else self._line(self.run, event)
            if line is not None:
                self._changed()
                self._write(line)

    def _line(self, run: RunInfo, event: Event) -> dict[str, Any] | None:
        """Take `event` in (caller holds `_cond`); the stream line it makes (None: nothing for a driver)."""
        if isinstance(event, PromptShown):
            doc = prompt_document(run, event)
            self._prompts[event.prompt_id] = doc
            return {"event": "prompt_opened", "prompt": dict(doc)}
        if isinstance(event, PromptClosed) and event.prompt_id in self._prompts:
            doc = self._prompts[event.prompt_id]
            doc["status"], doc["closed_at"] = event.outcome, iso(event.at)
            return {"event": "prompt_closed", "prompt": dict(doc)}
        if isinstance(event, AttestationRequested):
            att = attestation_document(run, event)
            self._attestations[event.attestation_id] = att
            return {"event": "attestation_requested", "attestation": dict(att)}
        if isinstance(event, AttestationAnswered) and event.attestation_id in self._attestations:
            att = self._attestations[event.attestation_id]
            att["status"] = "answered"
            return {"event": "attestation_answered", "attestation": dict(att)}
        if isinstance(event, RunFinished):
            self.finished = True
            return {"event": "run_finished", "run_id": event.run_id, "verdict": event.verdict.value,
                    "interrupted": event.interrupted}
        return None

    def _changed(self) -> None:
        self._version += 1
        self._cond.notify_all()

    def _write(self, line: dict[str, Any]) -> None:
        """Write one line (the caller holds `_cond`)."""
        if self._stream is None:
            return
        self._stream.write(json.dumps(line, ensure_ascii=False, default=str) + "\n")
        self._stream.flush()

    # -- reads -----------------------------------------------------------------------------------
    def snapshot(self, run_id: str, *, since: int = -1, wait_s: float = 0.0) -> dict[str, Any]:
        """The run's open prompts and attestations; waits up to `wait_s` while nothing changed after
        version `since` (long-poll)."""
        deadline = time.monotonic() + min(max(wait_s, 0.0), MAX_WAIT_S)
        with self._cond:
            self._require_run(run_id)
            while self._version <= since and not self.finished:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._cond.wait(left)
            return {
                "run_id": run_id,
                "state": "finished" if self.finished else "running",
                "cursor": self._version,
                "prompts": [dict(p) for p in self._prompts.values() if p["status"] == "open"],
                "attestations": [dict(a) for a in self._attestations.values() if a["status"] == "open"],
                "now": iso(utcnow()),
            }

    def prompts(self) -> list[dict[str, Any]]:
        with self._cond:
            return [dict(p) for p in self._prompts.values()]

    def _refuse_when_finished(self, prompt_id: str) -> None:
        """A report or a choice that arrives after the run's end changes nothing any more (caller holds
        `_cond`)."""
        if self.finished:
            raise FeedError(409, f"Invite {prompt_id} : l'exécution est terminée, plus rien n'y est pris "
                                 "en compte")

    def _require_run(self, run_id: str) -> RunInfo:
        if self.run is None or self.run.run_id != run_id:
            raise FeedError(404, f"Exécution inconnue : {run_id}")
        return self.run

    # -- writes ----------------------------------------------------------------------------------
    def report(self, prompt_id: str, data: Any) -> dict[str, Any]:
        """The driver has done what prompt `prompt_id` asked; `data` (an object) is kept with it."""
        if not isinstance(data, dict):
            raise FeedError(400, "Corps invalide : un objet JSON est attendu (ex. {\"case_id\": \"…\"})")
        if len(json.dumps(data, default=str)) > MAX_REPORT_BYTES:
            raise FeedError(413, f"Compte rendu trop volumineux (plus de {MAX_REPORT_BYTES} octets)")
        with self._cond:
            doc = self._prompts.get(prompt_id)
            if doc is None:
                raise FeedError(404, f"Invite inconnue : {prompt_id}")
            self._refuse_when_finished(prompt_id)
            if doc["report"] is not None:
                raise FeedError(409, f"Invite {prompt_id} déjà signalée comme faite")
            doc["report"] = {"at": iso(utcnow()), "data": data}
            self._changed()
            reported = dict(doc)
            self._write({"event": "prompt_reported", "prompt": reported})
        return reported

    def answer(self, attestation_id: str, body: Any) -> dict[str, Any]:
        """Answers to an attestation of this run (before it is requested too: kept until it is)."""
        run = self.run
        if run is None or not attestation_id.startswith(f"{run.run_id}-"):
            raise FeedError(404, f"Attestation inconnue : {attestation_id}")
        if not isinstance(body, dict):
            raise FeedError(400, "Corps invalide : un objet JSON {by, answer|items, comment} est attendu")
        entry = {k: body[k] for k in ("answer", "items", "comment") if k in body}
        unknown = set(body) - {"by", "answer", "items", "comment"}
        if unknown:
            raise FeedError(400, f"Clé(s) inconnue(s) : {', '.join(sorted(map(str, unknown)))}")
        key = attestation_id.removeprefix(f"{run.run_id}-")
        try:
            parsed = parse_answers({"version": 1, "by": body.get("by"), "answers": {key: entry}},
                                   source=f"attestation {attestation_id}")
        except UsageError as exc:
            raise FeedError(400, exc.message) from exc
        with self._cond:
            if attestation_id in self._answers:
                raise FeedError(409, f"Attestation {attestation_id} déjà répondue")
            self._answers[attestation_id] = (parsed.by, parsed.answers[key])
            self._changed()
        return {"attestation_id": attestation_id, "status": "received"}

    def control(self, prompt_id: str, choice: str, body: Any) -> dict[str, Any]:
        """The operator resends ("resend") or skips ("skip") the official case step of open prompt
        `prompt_id`; `body`: {"by": "<who>"}. The engine ends the prompt's wait and acts on it."""
        if not isinstance(body, dict) or set(body) != {"by"} or not isinstance(body["by"], str) \
                or not body["by"].strip():
            raise FeedError(400, "Corps invalide : {\"by\": \"<nom de l'opérateur>\"} est attendu")
        with self._cond:
            doc = self._prompts.get(prompt_id)
            if doc is None:
                raise FeedError(404, f"Invite inconnue : {prompt_id}")
            self._refuse_when_finished(prompt_id)
            if choice not in doc["controls"]:
                raise FeedError(409, f"L'invite {prompt_id} ({doc['action']}) ne se renvoie ni ne se passe : "
                                     "seules les étapes des cas officiels le permettent")
            if doc["status"] != "open" or prompt_id in self._controls:
                raise FeedError(409, f"Invite {prompt_id} déjà close ou déjà renvoyée/passée")
            by = body["by"].strip()
            self._controls[prompt_id] = (_CHOICES[choice], by)
            doc["control"] = {"choice": choice, "by": by, "at": iso(utcnow())}
            self._changed()
            self._write({"event": "prompt_controlled", "prompt": dict(doc)})
        return {"prompt_id": prompt_id, "choice": choice, "status": "received"}

    def step_control(self, prompt_id: str) -> tuple[StepControl, str] | None:
        """(choice, by) given for prompt `prompt_id` through `control`, else None (no wait)."""
        with self._cond:
            return self._controls.get(prompt_id)

    def wait_answer(self, attestation_id: str, wait_s: float) -> tuple[str, Answer] | None:
        """(by, answer) given through the API within `wait_s` seconds, else None."""
        deadline = time.monotonic() + max(wait_s, 0.0)
        with self._cond:
            while attestation_id not in self._answers:
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self._cond.wait(left)
            return self._answers[attestation_id]

"""Operator prompts: an instruction for the vendor's operator, with a deadline.

`PromptShown` carries a machine-readable `action` and JSON `parameters` so reference vendors can act
on it; `PromptClosed` ends it with "done", "timed_out", "cancelled", or "resent" / "skipped" (an official case
step the operator resent or skipped through the prompt API). Use as a context manager:

    with prompter.prompt(scenario_id, "send_message", "Envoyez …", {...}, timeout=60) as p:
        partner.wait_for(..., timeout=p.remaining())
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from hubbench.engine.clock import Clock, Deadline
from hubbench.engine.errors import NothingReceived, StepInterrupted, TimedOut
from hubbench.events import Event, PromptClosed, PromptShown


@dataclass
class OpenPrompt:
    prompt_id: str
    scenario_id: str
    shown: PromptShown
    deadline: Deadline
    outcome: str | None = None

    def remaining(self) -> float:
        return self.deadline.remaining()


class Prompter:
    def __init__(self, run_id: str, actor: str, emit: Callable[[Event], None], clock: Clock) -> None:
        self.run_id = run_id
        self.actor = actor
        self._emit = emit
        self._clock = clock
        self._counter = itertools.count(1)

    def show(
        self, scenario_id: str, action: str, instruction: str, parameters: dict[str, Any], timeout: float
    ) -> OpenPrompt:
        prompt_id = f"{self.run_id}-p{next(self._counter)}"
        shown = PromptShown(
            self.run_id,
            scenario_id=scenario_id,
            prompt_id=prompt_id,
            actor=self.actor,
            action=action,
            instruction=instruction,
            parameters=dict(parameters),
            deadline=self._clock.now() + timedelta(seconds=timeout),
        )
        opened = OpenPrompt(prompt_id, scenario_id, shown, Deadline.after(self._clock, timeout))
        self._emit(shown)
        return opened

    def close(self, prompt: OpenPrompt, outcome: str) -> None:
        if prompt.outcome is not None:
            return
        prompt.outcome = outcome
        self._emit(
            PromptClosed(
                self.run_id, scenario_id=prompt.scenario_id, prompt_id=prompt.prompt_id, outcome=outcome
            )
        )

    @contextmanager
    def prompt(
        self, scenario_id: str, action: str, instruction: str, parameters: dict[str, Any], timeout: float
    ) -> Iterator[OpenPrompt]:
        opened = self.show(scenario_id, action, instruction, parameters, timeout)
        try:
            yield opened
        except (NothingReceived, TimedOut):
            self.close(opened, "timed_out")
            raise
        except StepInterrupted as exc:
            self.close(opened, exc.outcome)
            raise
        except BaseException:
            self.close(opened, "cancelled")
            raise
        self.close(opened, "done")

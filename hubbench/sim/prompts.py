"""Operator prompts addressed to a reference vendor, taken from the run's public prompt API.

The reference vendor is a driver like any vendor's: it finds the running run of its (client id, vhost)
through the discovery file the run writes in the bench home (`hubbench.promptapi`), long-polls the
run's open prompts (`GET /runs/{id}/prompts?wait=…`) in a background thread, hands each prompt out once
before its deadline, and reports each one done (`POST /prompts/{id}/done`). It never reads the results
database. When no run is on, or a run ends, it looks for the next one.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hubbench.promptapi import ApiError, Endpoint, PromptApiClient, endpoint_file, read_endpoint

IDLE_S = 0.3  # no run for this vendor yet (or the previous one is over): look again after this
MAX_SEEN = 10_000


@dataclass(frozen=True)
class Prompt:
    prompt_id: str
    action: str
    parameters: dict[str, Any]
    endpoint: Endpoint
    document: dict[str, Any]


class PromptListener:
    """Prompts of the runs on (client id, vhost), from a background thread; `due()` never blocks."""

    def __init__(self, home_root: Path, actor: str, vhost: str) -> None:
        self.actor = actor
        self.vhost = vhost
        self._path = endpoint_file(home_root, actor, vhost)
        self._queue: queue.Queue[Prompt] = queue.Queue()
        self._seen: set[str] = set()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.last_error: str | None = None
        self.on_arrival: Callable[[], None] | None = None  # called (background thread) when prompts come

    def start(self) -> None:
        """Start following runs (`due()` does it on its first call)."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._main, name=f"prompts-{self.actor}", daemon=True)
            self._thread.start()

    def due(self) -> list[Prompt]:
        """New prompts for this vendor (each returned once)."""
        self.start()
        fresh = []
        while True:
            try:
                fresh.append(self._queue.get_nowait())
            except queue.Empty:
                return fresh

    def report(self, prompt: Prompt, data: dict[str, Any]) -> None:
        """Tell the run the prompt was carried out (errors are kept in `last_error`, never raised)."""
        try:
            PromptApiClient(prompt.endpoint).done(prompt.prompt_id, data)
        except ApiError as exc:
            self.last_error = exc.message

    def close(self) -> None:
        self._stop.set()

    # -- background ------------------------------------------------------------------------------
    def _main(self) -> None:
        while not self._stop.is_set():
            endpoint = read_endpoint(self._path)
            if endpoint is None:
                self._stop.wait(IDLE_S)
                continue
            self._follow(endpoint)

    def _follow(self, endpoint: Endpoint) -> None:
        """Long-poll one run until it ends or goes away."""
        client, cursor = PromptApiClient(endpoint), -1
        while not self._stop.is_set():
            try:
                answer = client.prompts(since=cursor)
            except ApiError as exc:
                self.last_error = exc.message
                self._stop.wait(IDLE_S)  # the run is over (or its file is stale): look for the next one
                return
            cursor = int(answer["cursor"])
            now = datetime.now(UTC)
            for doc in answer["prompts"]:
                if doc["prompt_id"] in self._seen or _deadline(doc) <= now:
                    continue
                self._seen.add(doc["prompt_id"])
                self._queue.put(
                    Prompt(doc["prompt_id"], doc["action"], dict(doc["parameters"]), endpoint, doc)
                )
                if self.on_arrival is not None:
                    self.on_arrival()
            if len(self._seen) > MAX_SEEN:
                self._seen.clear()
            if answer["state"] == "finished":
                self._stop.wait(IDLE_S)
                return


def _deadline(doc: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(str(doc["deadline"]).replace("Z", "+00:00"))

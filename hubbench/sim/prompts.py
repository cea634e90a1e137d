"""Operator prompts addressed to a reference vendor, read from the results database (read-only).

The engine persists each `PromptShown` in the `prompts` table with `outcome` NULL while it is open
(ARCHITECTURE.md, "Contracts between rooms", engine ↔ sim). The vendor polls the open prompts whose actor is
its client id and hands each one out exactly once, the first time it is seen before its deadline. A vendor
connected to one vhost takes only the prompts of runs on that vhost (the same client id may run several links
at once, one connection per vhost).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from sqlalchemy.exc import SQLAlchemyError

from hubbench.results import Database, PromptView, Run, open_database, open_prompts

POLL_S = 0.3  # every prompt waits half of it on average; 30 vendors in one process poll 100 times a second


class PromptPoller:
    def __init__(
        self, db_url: str, actor: str, *, vhost: str | None = None, interval_s: float = POLL_S
    ) -> None:
        self.actor = actor
        self.vhost = vhost
        self._run_vhosts: dict[str, str | None] = {}
        self.interval_s = interval_s
        self._db_url = db_url
        self._db: Database | None = None
        self._seen: set[str] = set()
        self._next_poll = 0.0
        self.last_error: str | None = None

    def _database(self) -> Database:
        if self._db is None:
            self._db = open_database(self._db_url, create=False)
        return self._db

    def due(self) -> list[PromptView]:
        """New open prompts for this actor (each returned once), at most every `interval_s`."""
        now_mono = time.monotonic()
        if now_mono < self._next_poll:
            return []
        self._next_poll = now_mono + self.interval_s
        try:
            with self._database().reading() as session:
                rows = open_prompts(session, actor=self.actor)
                for run_id in {p.run_id for p in rows} - set(self._run_vhosts):
                    run = session.get(Run, run_id)
                    self._run_vhosts[run_id] = run.vhost if run is not None else None
        except SQLAlchemyError as exc:  # database busy or not created yet: try again next poll
            self.last_error = str(exc).splitlines()[0]
            return []
        self.last_error = None
        now = datetime.now(UTC)
        fresh = [p for p in rows if p.prompt_id not in self._seen and p.deadline > now
                 and (self.vhost is None or self._run_vhosts.get(p.run_id) == self.vhost)]
        self._seen.update(p.prompt_id for p in fresh)
        return fresh

    def close(self) -> None:
        if self._db is not None:
            self._db.dispose()
            self._db = None

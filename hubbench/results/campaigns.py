"""The campaign queue of a session (table `campaign_queue`): bench hosts sharing one PostgreSQL database
each run `hubbench worker`, which takes campaigns one at a time.

`claim` locks the oldest queued row with `SELECT … FOR UPDATE SKIP LOCKED` (PostgreSQL docs "SELECT",
"The Locking Clause"): two workers never get the same campaign and never wait on each other's row. On
SQLite (one machine) the clause is dropped and `BEGIN IMMEDIATE` (db.py) serialises claimers instead.
A running campaign's worker beats (`heartbeat`); `requeue_stale` gives a campaign whose worker stopped
beating (its host died) back to the queue.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, update

from hubbench.results.db import Database
from hubbench.results.models import QueuedCampaign

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
STATES = (QUEUED, RUNNING, DONE, FAILED)


@dataclass(frozen=True)
class CampaignSpec:
    """What to run: `hubbench run --vendor … --client-id … --link … --tiers …` plus `options`."""

    vendor: str
    client_id: str
    link: str
    tiers: str = "1-7"
    options: dict[str, Any] | None = None


@dataclass(frozen=True)
class Claimed:
    id: int
    session: str
    spec: CampaignSpec
    attempts: int


def _now() -> datetime:
    return datetime.now(UTC)


def enqueue(db: Database, session: str, specs: Iterable[CampaignSpec]) -> list[int]:
    """Add the campaigns to the queue of `session`; their ids, in order."""
    now = _now()
    rows = [QueuedCampaign(session=session, vendor=s.vendor, client_id=s.client_id, link=s.link,
                           tiers=s.tiers, options=s.options, state=QUEUED, attempts=0, enqueued_at=now)
            for s in specs]
    with db.writing() as session_:
        session_.add_all(rows)
        session_.flush()
        return [row.id for row in rows]


def claim(db: Database, worker: str, session: str | None = None) -> Claimed | None:
    """Take the oldest queued campaign (of `session`, or any) for `worker`; None when none is left."""
    query = select(QueuedCampaign).where(QueuedCampaign.state == QUEUED)
    if session is not None:
        query = query.where(QueuedCampaign.session == session)
    query = query.order_by(QueuedCampaign.id).limit(1)
    if not db.is_sqlite:
        query = query.with_for_update(skip_locked=True)
    now = _now()
    with db.writing() as tx:
        row = tx.scalars(query).first()
        if row is None:
            return None
        row.state, row.worker, row.attempts = RUNNING, worker, row.attempts + 1
        row.claimed_at = row.heartbeat_at = now
        return Claimed(row.id, row.session, CampaignSpec(row.vendor, row.client_id, row.link, row.tiers,
                                                         row.options), row.attempts)


def heartbeat(db: Database, campaign_id: int, worker: str) -> bool:
    """The worker still runs the campaign; False when it is no longer its own (requeued meanwhile)."""
    with db.writing() as tx:
        done = tx.execute(update(QueuedCampaign)
                          .where(QueuedCampaign.id == campaign_id, QueuedCampaign.worker == worker,
                                 QueuedCampaign.state == RUNNING)
                          .values(heartbeat_at=_now()))
        return bool(getattr(done, "rowcount", 0))


def finish(db: Database, campaign_id: int, worker: str, *, exit_code: int, run_id: str | None,
           error: str | None = None) -> bool:
    """Record the campaign's end (`done` when `hubbench run` gave a verdict: exit 0 or 1; else
    `failed`); False when the campaign was no longer this worker's."""
    state = DONE if exit_code in (0, 1) and error is None else FAILED
    with db.writing() as tx:
        done = tx.execute(update(QueuedCampaign)
                          .where(QueuedCampaign.id == campaign_id, QueuedCampaign.worker == worker,
                                 QueuedCampaign.state == RUNNING)
                          .values(state=state, finished_at=_now(), exit_code=exit_code, run_id=run_id,
                                  error=error))
        return bool(getattr(done, "rowcount", 0))


def requeue_stale(db: Database, older_than_s: float) -> list[int]:
    """Campaigns whose worker has not beaten for `older_than_s` go back to the queue; their ids."""
    limit = _now() - timedelta(seconds=older_than_s)
    query = select(QueuedCampaign).where(QueuedCampaign.state == RUNNING,
                                         QueuedCampaign.heartbeat_at < limit)
    if not db.is_sqlite:
        query = query.with_for_update(skip_locked=True)
    with db.writing() as tx:
        rows = list(tx.scalars(query))
        for row in rows:
            row.state, row.worker = QUEUED, None
        return [row.id for row in rows]


def session_rows(db: Database, session: str) -> list[QueuedCampaign]:
    with db.reading() as tx:
        return list(tx.scalars(select(QueuedCampaign).where(QueuedCampaign.session == session)
                               .order_by(QueuedCampaign.id)))


def session_counts(db: Database, session: str) -> dict[str, int]:
    counts = Counter(row.state for row in session_rows(db, session))
    return {state: counts.get(state, 0) for state in STATES}

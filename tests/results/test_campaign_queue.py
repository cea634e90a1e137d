"""The session's campaign queue (results/campaigns.py) on SQLite and PostgreSQL: claimed once, in order,
finished by its own worker only, and given back when its worker stops beating."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from support.postgres import pg_schema_url

from hubbench.results import (
    CampaignSpec,
    Database,
    campaign_heartbeat,
    claim_campaign,
    enqueue_campaigns,
    finish_campaign,
    open_database,
    requeue_stale_campaigns,
    session_counts,
)
from hubbench.results.models import QueuedCampaign


def _specs(count: int) -> list[CampaignSpec]:
    return [CampaignSpec(f"Éditeur {i}", f"fr.health.samu{100 + i}", "15-15", "1-3", {"fast": True})
            for i in range(count)]


def test_claims_in_order_and_only_once(database: Database) -> None:
    ids = enqueue_campaigns(database, "s1", _specs(3))
    first = claim_campaign(database, "w1")
    second = claim_campaign(database, "w2")
    assert first is not None and second is not None
    assert (first.id, second.id) == (ids[0], ids[1])
    assert first.spec == CampaignSpec("Éditeur 0", "fr.health.samu100", "15-15", "1-3", {"fast": True})
    assert first.attempts == 1
    assert session_counts(database, "s1") == {"queued": 1, "running": 2, "done": 0, "failed": 0}


def test_two_claimers_never_get_the_same_campaign(database: Database) -> None:
    total = 40
    enqueue_campaigns(database, "race", _specs(total))
    got: dict[str, list[int]] = {"a": [], "b": []}
    start = threading.Barrier(2)

    def claimer(name: str) -> None:
        start.wait()
        while (claimed := claim_campaign(database, name, "race")) is not None:
            got[name].append(claimed.id)

    threads = [threading.Thread(target=claimer, args=(name,)) for name in got]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    taken = Counter(got["a"] + got["b"])
    assert len(taken) == total, f"campagnes prises : {len(taken)} sur {total}"
    assert max(taken.values()) == 1, f"campagnes prises deux fois : {[i for i, n in taken.items() if n > 1]}"
    assert session_counts(database, "race")["running"] == total


def test_finish_by_its_own_worker_only(database: Database) -> None:
    enqueue_campaigns(database, "s2", _specs(2))
    claimed = claim_campaign(database, "w1", "s2")
    assert claimed is not None
    assert not finish_campaign(database, claimed.id, "intrus", exit_code=0, run_id="r0")
    assert finish_campaign(database, claimed.id, "w1", exit_code=1, run_id="run-1")
    other = claim_campaign(database, "w1", "s2")
    assert other is not None
    assert finish_campaign(database, other.id, "w1", exit_code=2, run_id=None, error="hubbench run : code 2")
    assert session_counts(database, "s2") == {"queued": 0, "running": 0, "done": 1, "failed": 1}


def test_stale_campaign_goes_back_to_the_queue(database: Database) -> None:
    enqueue_campaigns(database, "s3", _specs(1))
    claimed = claim_campaign(database, "mort", "s3")
    assert claimed is not None
    assert requeue_stale_campaigns(database, 60) == []  # it has just beaten
    with database.writing() as tx:
        tx.execute(update(QueuedCampaign).where(QueuedCampaign.id == claimed.id)
                   .values(heartbeat_at=datetime.now(UTC) - timedelta(minutes=5)))
    assert requeue_stale_campaigns(database, 60) == [claimed.id]
    assert not campaign_heartbeat(database, claimed.id, "mort")  # no longer its campaign
    again = claim_campaign(database, "vivant", "s3")
    assert again is not None and again.id == claimed.id and again.attempts == 2
    assert not finish_campaign(database, claimed.id, "mort", exit_code=0, run_id="trop-tard")
    assert campaign_heartbeat(database, claimed.id, "vivant")


def test_a_locked_campaign_is_skipped_not_waited_for() -> None:
    """PostgreSQL (SQLite has no row locks: BEGIN IMMEDIATE serialises its claimers): while another
    transaction holds the oldest campaign's row, a claim takes the next one at once (SKIP LOCKED)."""
    with pg_schema_url() as url:
        database = open_database(url)
        try:
            _skip_locked(database)
        finally:
            database.dispose()


def _skip_locked(database: Database) -> None:
    first, second = enqueue_campaigns(database, "verrou", _specs(2))
    got: list[int | None] = []
    with database.engine.connect() as holder, holder.begin():
        holder.execute(select(QueuedCampaign.id).where(QueuedCampaign.id == first).with_for_update())
        claimer = threading.Thread(target=lambda: got.append(getattr(claim_campaign(database, "w", "verrou"),
                                                                     "id", None)))
        claimer.start()
        claimer.join(timeout=20)
        assert not claimer.is_alive(), "la réclamation attend le verrou au lieu de le sauter"
    assert got == [second]

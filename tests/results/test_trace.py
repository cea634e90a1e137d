from __future__ import annotations

import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text

from hubbench.results.db import open_database
from hubbench.results.models import Base, TraceMessage
from hubbench.results.trace import TraceRecord, TraceWriter
from hubbench.results.trace_process import TraceProcess


@pytest.fixture(params=["thread", "process"])
def writer_cls(request: pytest.FixtureRequest) -> type[TraceWriter] | type[TraceProcess]:
    """Every guarantee holds for the in-process writer thread and for the child-process writer."""
    return TraceWriter if request.param == "thread" else TraceProcess


def _record(i: int, **overrides: object) -> TraceRecord:
    fields: dict[str, object] = {
        "vhost": "15-15_v1.5",
        "outcome": "routed",
        "routing_key": "fr.health.samu440",
        "sender_id": "fr.health.samu440",
        "recipient_id": "fr.health.samu770",
        "kind": "customContent",
        "distribution_kind": "Report",
        "distribution_id": f"fr.health.samu440_{i:06d}",
        "content_type": "application/json",
        "delivery_mode": 2,
        "properties": {"priority": 0},
        "body": b'{"n": %d}' % i,
        "routed_to": "fr.health.samu770.message",
        "forwarded_content_type": "application/json",
    }
    fields.update(overrides)
    return TraceRecord(**fields)  # type: ignore[arg-type]


def _count(url: str) -> int:
    db = open_database(url)
    try:
        with db.reading() as session:
            return session.scalar(select(func.count()).select_from(TraceMessage)) or 0
    finally:
        db.dispose()


def _wait_until(predicate, limit_s: float = 30.0) -> bool:
    for _ in range(int(limit_s / 0.02)):
        if predicate():
            return True
        time.sleep(0.02)
    return False


def test_ten_thousand_records_all_written(writer_cls: type[Any], db_url: str) -> None:
    writer = writer_cls(db_url)
    for i in range(10_000):
        writer.record(_record(i))
    assert writer.flush(timeout=120)
    stats = writer.stats
    assert (stats.recorded, stats.written, stats.failed, stats.pending) == (10_000, 10_000, 0, 0)
    assert writer.close()
    assert _count(db_url) == 10_000
    db = open_database(db_url)
    with db.reading() as session:
        row = session.scalar(
            select(TraceMessage).where(TraceMessage.distribution_id == "fr.health.samu440_004242")
        )
        assert row is not None and row.body == b'{"n": 4242}' and row.properties == {"priority": 0}
        assert row.at.tzinfo is not None
    db.dispose()


def test_record_does_not_wait_for_a_locked_database(
    writer_cls: type[Any], sqlite_url: str, tmp_path: Path
) -> None:
    open_database(sqlite_url).dispose()
    writer = writer_cls(sqlite_url)
    locker = sqlite3.connect(tmp_path / "results.db", isolation_level=None)
    locker.execute("BEGIN EXCLUSIVE")
    try:
        for i in range(1_000):
            writer.record(_record(i))  # would hang here if record() touched the database
        assert not writer.flush(timeout=0.5)
        assert writer.stats.written == 0 and writer.stats.recorded == 1_000
    finally:
        locker.execute("ROLLBACK")
        locker.close()
    assert writer.flush(timeout=60)
    assert writer.stats.written == 1_000 and writer.stats.failed == 0
    assert writer.close()
    assert _count(sqlite_url) == 1_000


def test_writer_survives_a_transient_database_error(writer_cls: type[Any], db_url: str) -> None:
    db = open_database(db_url)
    writer = writer_cls(db_url, max_attempts=1_000, max_backoff_s=0.05)
    writer.record(_record(0))
    assert writer.flush(timeout=30)
    with db.write_connection() as conn:
        conn.execute(text("DROP TABLE trace_messages"))
    for i in range(1, 6):
        writer.record(_record(i))
    assert _wait_until(lambda: writer.stats.retries >= 2)
    Base.metadata.create_all(db.engine)
    assert writer.flush(timeout=60)
    stats = writer.stats
    assert stats.written == 6 and stats.failed == 0 and stats.last_error is not None
    assert writer.close()
    assert _count(db_url) == 5
    db.dispose()


def test_refused_rows_are_counted_and_the_others_written(writer_cls: type[Any], db_url: str) -> None:
    writer = writer_cls(db_url)
    for i in range(10):
        writer.record(_record(i, outcome=None) if i == 3 else _record(i))
    assert writer.flush(timeout=30)
    assert (writer.stats.written, writer.stats.failed) == (9, 1)
    assert "distributionID fr.health.samu440_000003" in (writer.stats.last_error or "")
    writer.close()
    assert _count(db_url) == 9


def test_odd_values_are_stored_not_lost(writer_cls: type[Any], sqlite_url: str) -> None:
    writer = writer_cls(sqlite_url)
    naive = datetime(2024, 5, 1, 12, 0, 0)
    writer.record(
        _record(
            1,
            at=naive,
            properties={"headers": {"raw": b"\x00\xff", "ts": datetime.now(UTC)}},
            errors=[
                {
                    "path": "$.x",
                    "rule": "required",
                    "expected": "x",
                    "found": None,
                    "message": "champ manquant",
                    "scope": "content",
                }
            ],
        )
    )
    writer.record("not a record")  # type: ignore[arg-type]
    assert writer.close()
    assert (writer.stats.written, writer.stats.failed) == (1, 1)
    writer.record(_record(2))  # after close: counted, never raised
    assert writer.stats.failed == 2
    db = open_database(sqlite_url)
    with db.reading() as session:
        row = session.scalars(select(TraceMessage)).one()
        assert row.at == naive.replace(tzinfo=UTC)
        assert row.properties["headers"]["raw"] == {"base64": "AP8="}
        assert row.errors[0]["message"] == "champ manquant"
    db.dispose()


def test_unreachable_database_is_counted_never_raised(writer_cls: type[Any]) -> None:
    writer = writer_cls("postgresql+psycopg://nobody@127.0.0.1:1/none", max_attempts=2, max_backoff_s=0.01)
    for i in range(3):
        writer.record(_record(i))
    assert writer.flush(timeout=60)
    stats = writer.stats
    assert (stats.written, stats.failed, stats.retries) == (0, 3, 1)
    assert "injoignable" in (stats.last_error or "")
    assert writer.close()

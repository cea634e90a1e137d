"""The hub's trace: every message the dispatcher handled and what it did of it (forward or RS-ERROR,
DST 1.2 §3.4.7).

`TraceWriter.record()` never blocks and never raises: records go to an unbounded in-memory queue and
a background thread writes them in batches (up to `batch_size` rows, or whatever arrived within
`interval_s`). Database trouble never reaches the caller: transient errors (locked, connection lost,
missing table) are retried with a bounded backoff; a batch the database refuses for its content is
retried row by row; whatever still cannot be written is counted in `stats.failed` and logged.

`TraceSink` is that interface; `trace_process.TraceProcess` implements it with a `TraceWriter` in a child
process (what the dispatcher uses: its writes then cost the dispatching interpreter nothing).
"""

from __future__ import annotations

import base64
import dataclasses
import json
import logging
import queue
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import insert
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from hubbench.errors import BenchError
from hubbench.results.db import Database, open_database
from hubbench.results.models import TraceMessage

log = logging.getLogger(__name__)

OUTCOMES = ("routed", "rejected", "dead_letter", "unroutable", "error_report")
_PG_UNDEFINED_TABLE = "42P01"
_TRANSIENT = (OperationalError, InterfaceError, DisconnectionError, PoolTimeoutError)


def _is_transient(exc: Exception) -> bool:
    """Worth retrying: locked or lost database, unreachable server, or the table missing for now
    (SQLite reports it as OperationalError, PostgreSQL as SQLSTATE 42P01)."""
    if isinstance(exc, (*_TRANSIENT, BenchError)):
        return True
    return getattr(getattr(exc, "orig", None), "sqlstate", None) == _PG_UNDEFINED_TABLE


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, kw_only=True)
class TraceRecord:
    """One trace row; `errors` items are {path, rule, expected, found, message, scope}."""

    vhost: str
    outcome: str  # one of OUTCOMES
    at: datetime = field(default_factory=_utcnow)
    routing_key: str | None = None
    sender_id: str | None = None
    recipient_id: str | None = None
    kind: str | None = None
    distribution_kind: str | None = None
    distribution_id: str | None = None
    content_type: str | None = None
    delivery_mode: int | None = None
    properties: dict[str, Any] | None = None
    body: bytes | None = None
    error_code: int | None = None
    errors: list[dict[str, Any]] = field(default_factory=list)
    routed_to: str | None = None
    forwarded_content_type: str | None = None
    forwarded_body: bytes | None = None  # only when the dispatcher delivered another body (CISU conversion)


@dataclass(frozen=True)
class TraceStats:
    recorded: int
    written: int
    failed: int
    retries: int
    pending: int
    last_error: str | None


class TraceSink(Protocol):
    """Where trace records go: `record` never blocks nor raises; `close` writes what was recorded."""

    def record(self, rec: TraceRecord) -> None: ...

    def flush(self, timeout: float = 10.0) -> bool: ...

    def close(self, timeout: float = 30.0) -> bool: ...

    @property
    def stats(self) -> TraceStats: ...


@dataclass(frozen=True)
class _Flush:
    done: threading.Event


_STOP = object()


def _json_default(value: Any) -> Any:
    if isinstance(value, bytes):
        return {"base64": base64.b64encode(value).decode("ascii")}
    if isinstance(value, datetime):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    return str(value)


_SCALARS = (str, int, float, bool, type(None))


def _jsonable(value: Any) -> Any:
    """What `json.loads(json.dumps(value, default=_json_default))` gives, without the text in between
    (that round trip was most of a row's cost): bytes → {"base64": …}, datetimes → ISO text, tuples →
    lists, non-text keys as JSON writes them; a key JSON refuses raises TypeError."""
    if isinstance(value, _SCALARS):
        return value
    if isinstance(value, dict):
        return {_key(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return _jsonable(_json_default(value))


def _key(key: Any) -> str:
    if isinstance(key, str):
        return key
    if isinstance(key, _SCALARS):
        return json.dumps(key)
    raise TypeError(f"clé JSON refusée : {type(key).__name__}")


_FIELDS = tuple(f.name for f in dataclasses.fields(TraceRecord))


def _row(rec: TraceRecord) -> dict[str, Any]:
    row = {name: getattr(rec, name) for name in _FIELDS}
    at = row["at"]
    row["at"] = at.replace(tzinfo=UTC) if at.tzinfo is None else at
    row["properties"] = _jsonable(row["properties"])
    row["errors"] = _jsonable(list(row["errors"] or []))
    for name in ("body", "forwarded_body"):
        if row[name] is not None:
            row[name] = bytes(row[name])
    return row


class TraceWriter:
    """Batched, non-blocking writer of `TraceRecord`s into `trace_messages`."""

    def __init__(
        self,
        db_url: str | Database,
        *,
        batch_size: int = 500,
        interval_s: float = 0.1,
        max_attempts: int = 8,
        max_backoff_s: float = 2.0,
    ) -> None:
        self._db_url = db_url
        self._db: Database | None = db_url if isinstance(db_url, Database) else None
        self._batch_size, self._interval_s = batch_size, interval_s
        self._max_attempts, self._max_backoff_s = max_attempts, max_backoff_s
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._recorded = self._written = self._failed = self._retries = 0
        self._last_error: str | None = None
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="hubbench-trace-writer", daemon=True)
        self._thread.start()

    # ---------------------------------------------------------------- caller side (never blocks)
    def record(self, rec: TraceRecord) -> None:
        with self._lock:
            self._recorded += 1
        if self._closed:
            self._count_failure(1, "trace fermée : enregistrement refusé")
            return
        self._queue.put(rec)

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until everything recorded before this call is written (or counted failed)."""
        if not self._thread.is_alive():
            return self._queue.empty()
        done = threading.Event()
        self._queue.put(_Flush(done))
        return done.wait(timeout)

    def close(self, timeout: float = 30.0) -> bool:
        """Write what is queued, stop the thread; True when it stopped within `timeout`."""
        if not self._closed:
            self._closed = True
            self._queue.put(_STOP)
        self._thread.join(timeout)
        stopped = not self._thread.is_alive()
        if stopped and self._db is not None and not isinstance(self._db_url, Database):
            self._db.dispose()
        return stopped

    @property
    def stats(self) -> TraceStats:
        with self._lock:
            return TraceStats(
                self._recorded,
                self._written,
                self._failed,
                self._retries,
                self._queue.qsize(),
                self._last_error,
            )

    # ---------------------------------------------------------------- background thread
    def _run(self) -> None:
        batch: list[TraceRecord] = []
        deadline = 0.0
        while True:
            timeout = max(0.0, deadline - time.monotonic()) if batch else None
            try:
                item = self._queue.get(timeout=timeout)
            except queue.Empty:
                item = None
            if isinstance(item, TraceRecord):
                if not batch:
                    deadline = time.monotonic() + self._interval_s
                batch.append(item)
                if len(batch) < self._batch_size:
                    continue
            elif item is not None and not isinstance(item, _Flush) and item is not _STOP:
                self._count_failure(1, f"objet refusé (TraceRecord attendu) : {type(item).__name__}")
                continue
            try:
                self._write(batch)
            except Exception as exc:  # the writer thread must outlive any bug: count, log, go on
                log.exception("trace : erreur inattendue du rédacteur")
                self._count_failure(len(batch), f"erreur inattendue ({exc!r})")
            batch = []
            if isinstance(item, _Flush):
                item.done.set()
            elif item is _STOP:
                return

    def _write(self, batch: list[TraceRecord]) -> None:
        if not batch:
            return
        rows = []
        for rec in batch:
            try:
                rows.append(_row(rec))
            except (TypeError, ValueError, AttributeError, RecursionError) as exc:
                self._count_failure(1, f"enregistrement de trace invalide ({exc})")
        if rows:
            self._insert(rows)

    def _insert(self, rows: list[dict[str, Any]]) -> None:
        for attempt in range(1, self._max_attempts + 1):
            try:
                database = self._database()
                with database.write_connection() as conn:
                    conn.execute(insert(TraceMessage), rows)
            except Exception as exc:
                if not _is_transient(exc):
                    self._insert_apart(rows, exc)
                    return
                if attempt == self._max_attempts:
                    self._count_failure(len(rows), f"base indisponible après {attempt} essais ({exc})")
                    return
                with self._lock:
                    self._retries += 1
                    self._last_error = str(exc)
                log.warning("trace : écriture impossible (essai %d) : %s", attempt, exc)
                time.sleep(min(self._max_backoff_s, 0.05 * 2**attempt))
            else:
                with self._lock:
                    self._written += len(rows)
                return

    def _insert_apart(self, rows: list[dict[str, Any]], exc: Exception) -> None:
        """The database refused the content of a batch: write row by row to isolate the bad ones."""
        if len(rows) > 1:
            for row in rows:
                self._insert([row])
        else:
            self._count_failure(1, f"ligne refusée (distributionID {rows[0].get('distribution_id')}) : {exc}")

    def _database(self) -> Database:
        if self._db is None:
            assert isinstance(self._db_url, str)
            self._db = open_database(self._db_url)
        return self._db

    def _count_failure(self, count: int, reason: str) -> None:
        with self._lock:
            self._failed += count
            self._last_error = reason
        log.error("trace : %d enregistrement(s) perdu(s) : %s", count, reason)

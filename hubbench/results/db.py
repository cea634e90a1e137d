"""Open the results database: SQLite by default (`BenchHome.db_url`), any SQLAlchemy URL otherwise.

SQLite is tuned for several processes at once (the dispatcher's trace, one engine per run, the
console): WAL journal, a busy timeout, foreign keys, and `BEGIN IMMEDIATE` for write transactions so
two writers queue on the lock instead of failing on a stale read snapshot. PostgreSQL (psycopg 3,
`postgresql+psycopg://…`) uses a normal connection pool. A schema other than the default one can be
chosen in the URL itself: `?options=-csearch_path%3D<schema>`.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.pool import StaticPool

from hubbench.errors import SetupError, UsageError
from hubbench.home import restrict
from hubbench.results import schema

SQLITE_BUSY_TIMEOUT_MS = 30_000
_WRITE_OPTION = "hubbench_write"
_WAL_ATTEMPTS = 200
_PG_DDL_LOCK_KEY = 0x4855_4242  # "HUBB"


@dataclass(frozen=True)
class Database:
    engine: Engine

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """One write transaction (committed on exit, rolled back on error)."""
        with self.engine.connect() as conn:
            conn = conn.execution_options(**{_WRITE_OPTION: True})
            with conn.begin(), Session(bind=conn, expire_on_commit=False) as session:
                yield session
                session.flush()

    @contextmanager
    def write_connection(self) -> Iterator[Connection]:
        """One write transaction at the Core level (bulk inserts)."""
        with self.engine.connect() as conn:
            conn = conn.execution_options(**{_WRITE_OPTION: True})
            with conn.begin():
                yield conn

    @contextmanager
    def reading(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def open_database(url: str, *, create: bool = True) -> Database:
    """Engine for `url`, its schema upgraded (schema.py). Bad URL → UsageError; no driver → SetupError."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise UsageError(f"URL de base de données invalide : {url!r} ({exc})") from exc
    try:
        if parsed.get_backend_name() == "sqlite":
            memory = parsed.database in (None, "", ":memory:")
            if not memory:
                _private_file(Path(str(parsed.database)))
            engine = _sqlite_engine(url, memory=memory)
        else:
            engine = create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)
    except (NoSuchModuleError, ModuleNotFoundError) as exc:
        raise SetupError(
            f"Pilote de base de données absent pour {parsed.drivername!r} ({exc})",
            hint="pour PostgreSQL : pip install 'psycopg[binary]' et une URL postgresql+psycopg://…",
        ) from exc
    database = Database(engine)
    if create:
        try:
            _create_tables(database)
        except OperationalError as exc:
            engine.dispose()
            raise SetupError(
                f"Base de résultats injoignable : {database.url} ({exc.orig or exc})",
                hint="vérifiez HUBBENCH_DB_URL, le serveur et les droits",
            ) from exc
    return database


def _private_file(path: Path) -> None:
    """The SQLite file exists and is 0600 before SQLite opens it (its -wal and -shm files take the same
    mode): it holds message bodies (health data) and the console's password hashes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    restrict(path, 0o600)


def _create_tables(database: Database) -> None:
    """Bring the schema to this bench's revision (schema.upgrade), safe when several processes open a
    database at once: SQLite serialises on BEGIN IMMEDIATE, PostgreSQL on a transaction-level advisory
    lock. A database already at this revision is only read: the runs of one session open the same
    database dozens of times at once, and SQLite has one write lock."""
    with database.engine.connect() as conn:
        if schema.current_revisions(conn) == (schema.head_revision(),):
            return
    with database.write_connection() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_DDL_LOCK_KEY})
        schema.upgrade(conn)


def _enable_wal(cursor: sqlite3.Cursor) -> None:
    """Switch a new database file to WAL (persistent). Two first connections racing on the switch get
    SQLITE_BUSY without the busy handler being called, hence the bounded retry."""
    for attempt in range(_WAL_ATTEMPTS):
        try:
            if cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
                return
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError:
            if attempt == _WAL_ATTEMPTS - 1:
                raise
            time.sleep(0.05)


def _sqlite_engine(url: str, *, memory: bool) -> Engine:
    options: dict[str, Any] = {
        "connect_args": {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}
    }
    if memory:
        options["poolclass"] = StaticPool
    engine = create_engine(url, **options)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: object) -> None:
        dbapi_conn.isolation_level = None  # let SQLAlchemy's "begin" hook emit BEGIN itself
        cursor = dbapi_conn.cursor()
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        if not memory:
            _enable_wal(cursor)
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get(_WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine

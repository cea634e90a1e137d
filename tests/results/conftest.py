from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import SQLAlchemyError

from hubbench.results.db import Database, open_database
from hubbench.results.store import ResultsStore

PG_BASE = "postgresql+psycopg://{user}@127.0.0.1:5432/test"


def _pg_admin_url() -> str | None:
    for user in ("postgres", "root"):
        url = PG_BASE.format(user=user)
        engine = create_engine(url, connect_args={"connect_timeout": 3})
        try:
            with engine.connect() as conn:
                conn.execute(text("select 1"))
            return url
        except SQLAlchemyError:
            continue
        finally:
            engine.dispose()
    return None


@contextlib.contextmanager
def _pg_schema_url() -> Iterator[str]:
    admin = _pg_admin_url()
    if admin is None:
        pytest.skip("aucun serveur PostgreSQL ne répond sur 127.0.0.1:5432 (base test)")
    schema = f"hb_test_{uuid.uuid4().hex[:12]}"
    engine = create_engine(admin)
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{admin}?options=-csearch_path%3D{schema}"
    finally:
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'results.db'}"
    else:
        with _pg_schema_url() as url:
            yield url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'results.db'}"


@pytest.fixture
def database(db_url: str) -> Iterator[Database]:
    db = open_database(db_url)
    yield db
    db.dispose()


@pytest.fixture
def store(database: Database) -> ResultsStore:
    return ResultsStore(database)

"""The machine's PostgreSQL server for tests (127.0.0.1:5432, database `test`, trust auth): one throw-away
schema per test, dropped afterwards. Where no server answers the test skips locally and FAILS under CI
(.ci/run starts the server first)."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator

from sqlalchemy import create_engine, text
from sqlalchemy.exc import SQLAlchemyError

from support.ci import skip_or_fail

PG_BASE = "postgresql+psycopg://{user}@127.0.0.1:5432/test"


def pg_admin_url() -> str | None:
    """The first user the server accepts, or None when no server answers."""
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
def pg_schema_url(prefix: str = "hb_test") -> Iterator[str]:
    """A database URL whose search_path is a fresh schema `<prefix>_<random>`, dropped on exit."""
    admin = pg_admin_url()
    if admin is None:
        skip_or_fail("aucun serveur PostgreSQL n'accepte postgres ou root sans mot de passe "
                     "sur 127.0.0.1:5432 (base test)")
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    engine = create_engine(admin)
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{admin}?options=-csearch_path%3D{schema}"
    finally:
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()

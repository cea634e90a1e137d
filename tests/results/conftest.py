from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from support.postgres import pg_schema_url

from hubbench.results.db import Database, open_database
from hubbench.results.store import ResultsStore


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'results.db'}"
    else:
        with pg_schema_url() as url:
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

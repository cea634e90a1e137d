from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect

from hubbench.errors import SetupError, UsageError
from hubbench.home import BenchHome
from hubbench.results.db import open_database


def test_bench_home_database_is_created_with_its_tables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("HUBBENCH_DB_URL", raising=False)
    home = BenchHome(tmp_path / "home")  # not created yet: the folder is made on open
    db = open_database(home.db_url)
    assert db.is_sqlite and (tmp_path / "home" / "results.db").exists()
    assert {
        "trace_messages",
        "runs",
        "scenario_results",
        "step_results",
        "checks",
        "prompts",
        "exchanged_messages",
        "attestations",
        "overrides",
    } <= set(inspect(db.engine).get_table_names())
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    db.dispose()


def test_bad_urls_are_reported_in_french() -> None:
    with pytest.raises(UsageError, match="URL de base de données invalide"):
        open_database("::pas une url")
    with pytest.raises(SetupError, match="injoignable"):
        open_database("postgresql+psycopg://nobody@127.0.0.1:1/none")

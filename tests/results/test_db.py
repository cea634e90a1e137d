from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect

from hubbench.errors import SetupError, UsageError
from hubbench.home import BenchHome
from hubbench.results.db import open_database
from hubbench.results.schema import current_revisions, head_revision
from hubbench.results.store import ResultsStore


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


def test_a_database_of_an_older_bench_gets_the_added_columns(db_url: str) -> None:
    """A database made before Alembic (no `alembic_version`) without `runs.partner_ids` and `runs.pack`
    gets them on open and is stamped at the head revision; opening twice is harmless; such a run reads as
    not provisional, its pack provenance unknown."""
    from sqlalchemy import text

    db = open_database(db_url)
    with db.engine.begin() as conn:
        conn.execute(text("ALTER TABLE runs DROP COLUMN partner_ids"))
        conn.execute(text("ALTER TABLE runs DROP COLUMN pack"))
        conn.execute(text("DROP TABLE alembic_version"))
        conn.execute(text(
            "INSERT INTO runs (id, vendor, client_id, link, vhost, tiers, pack_tag, bench_version, "
            "started_at, interrupted, status) VALUES ('ancien', 'acme', 'fr.health.samu440', '15-15', "
            "'15-15_v1.5', '[1]', 'v1.5', '0.0.1', '2026-01-01 00:00:00', false, 'finished')"
        ))
    assert "partner_ids" not in {c["name"] for c in inspect(db.engine).get_columns("runs")}
    db.dispose()
    for _ in range(2):
        db = open_database(db_url)
        assert {"partner_ids", "pack"} <= {c["name"] for c in inspect(db.engine).get_columns("runs")}
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT partner_ids FROM runs WHERE id = 'ancien'")).scalar() is None
            assert current_revisions(conn) == (head_revision(),)
        old = ResultsStore(db).run("ancien")
        assert old is not None and old.pack is None and not old.provisional
        db.dispose()

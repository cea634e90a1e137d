"""Alembic revisions of the results database: an empty database reaches head, the schema they build is the
models' schema (a column added to models.py without its revision fails here), an older bench refuses a
database at a revision it does not know. On SQLite and PostgreSQL (`db_url`)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from hubbench.errors import SetupError
from hubbench.results.db import open_database
from hubbench.results.models import Base
from hubbench.results.schema import current_revisions, head_revision

FUTURE = "9999_from_a_newer_bench"


def test_an_empty_database_reaches_head_with_the_models_schema(db_url: str) -> None:
    db = open_database(db_url)
    with db.engine.connect() as conn:
        assert current_revisions(conn) == (head_revision(),)
        drift = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    db.dispose()
    assert drift == [], f"models.py and the revisions differ (add a revision): {drift}"


def test_a_database_of_a_newer_bench_is_refused_untouched(db_url: str) -> None:
    db = open_database(db_url)
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = :rev"), {"rev": FUTURE})
        conn.execute(text("DROP TABLE overrides"))  # would be re-created by an upgrade
    db.dispose()
    refusal = f"Base de résultats plus récente que ce banc : révision '{FUTURE}'"
    with pytest.raises(SetupError, match=refusal) as err:
        open_database(db_url)
    assert err.value.exit_code == 2 and "mettez hubbench à jour" in str(err.value)
    check = open_database(db_url, create=False)
    assert "overrides" not in inspect(check.engine).get_table_names()
    with check.engine.connect() as conn:
        assert current_revisions(conn) == (FUTURE,)
    check.dispose()


def test_the_cli_says_so_in_one_french_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'results.db'}"
    db = open_database(url)
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = :rev"), {"rev": FUTURE})
    db.dispose()
    done = subprocess.run(
        [sys.executable, "-c", "import sys; from hubbench.cli import main; sys.argv[0] = 'hubbench'; main()",
         "results", "purge", "--older-than", "30"],
        env={**os.environ, "HUBBENCH_HOME": str(tmp_path / "home"), "HUBBENCH_DB_URL": url},
        capture_output=True, text=True, timeout=120, check=False, stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr.startswith("Erreur : Base de résultats plus récente que ce banc")
    assert "Traceback" not in done.stderr

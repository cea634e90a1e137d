"""The results database's schema version: Alembic revisions in hubbench/results/migrations/versions/.

`upgrade(conn)` brings a database to this bench's head revision, on the caller's connection (inside its
write transaction and lock, see db.py). An empty database gets every revision; a database made before
Alembic (tables without `alembic_version`) is completed by the baseline revision, then upgraded. A
database at a revision this bench does not know was made by a newer bench: it is refused (SetupError),
never altered.
"""

from __future__ import annotations

import functools

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Connection

import hubbench
from hubbench.errors import SetupError
from hubbench.resources import MIGRATIONS_DIR


def config(conn: Connection | None = None) -> Config:
    """Alembic's configuration: the revisions of the package, run on `conn` (migrations/env.py)."""
    alembic_config = Config()
    alembic_config.set_main_option("script_location", str(MIGRATIONS_DIR))
    alembic_config.attributes["connection"] = conn
    return alembic_config


@functools.cache
def _scripts() -> ScriptDirectory:
    """The package's revisions, read once per process (each open of a database asks for them: a session
    opens dozens)."""
    return ScriptDirectory.from_config(config())


def head_revision() -> str:
    head = _scripts().get_current_head()
    assert head is not None, "no revision in hubbench/results/migrations/versions"
    return head


def current_revisions(conn: Connection) -> tuple[str, ...]:
    """The database's revisions (empty before its first upgrade)."""
    return tuple(MigrationContext.configure(conn).get_current_heads())


def upgrade(conn: Connection) -> None:
    """Upgrade to head; a revision unknown to this bench → SetupError (exit 2), the database untouched."""
    script = _scripts()
    current = current_revisions(conn)
    head = script.get_current_head()
    if current == (head,):
        return
    for revision in current:
        try:
            script.get_revision(revision)
        except CommandError as exc:
            raise SetupError(
                f"Base de résultats plus récente que ce banc : révision {revision!r} inconnue de "
                f"hubbench {hubbench.__version__} (dernière révision connue : {head})",
                hint="mettez hubbench à jour (pipx upgrade hubbench), ou choisissez une autre base "
                "(HUBBENCH_DB_URL)",
            ) from exc
    command.upgrade(config(conn), "head")

"""Console accounts: Argon2id hashes, roles, refusals in French; the bench home and SQLite file private."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from sqlalchemy import select

from hubbench.errors import UsageError
from hubbench.home import BenchHome
from hubbench.results.accounts import Account, AccountStore, Role, parse_role
from hubbench.results.db import open_database
from hubbench.results.models import ConsoleAccount

PASSWORD = "correct horse battery"


@pytest.fixture
def store(db_url: str) -> AccountStore:
    """On SQLite and on PostgreSQL (the `db_url` fixture's two backends)."""
    return AccountStore(db_url)


def test_password_is_stored_as_an_argon2id_hash(store: AccountStore) -> None:
    store.add("inès", Role.EVALUATOR, PASSWORD)
    with store.db.reading() as session:
        stored = session.scalar(select(ConsoleAccount.password_hash))
    assert stored is not None and stored.startswith("$argon2id$") and PASSWORD not in stored
    assert store.authenticate("inès", PASSWORD) == Account("inès", Role.EVALUATOR)
    assert store.authenticate("inès", PASSWORD + "x") is None
    assert store.authenticate("personne", PASSWORD) is None


def test_vendor_accounts_name_their_vendor(store: AccountStore) -> None:
    account = store.add("conforme", Role.VENDOR, PASSWORD, vendor="Éditeur Conforme")
    assert account.vendor == "Éditeur Conforme"
    assert not account.can_answer_attestations and not account.can_override
    with pytest.raises(UsageError, match="doit nommer son éditeur"):
        store.add("sans", Role.VENDOR, PASSWORD)
    with pytest.raises(UsageError, match="ne s'applique qu'aux comptes éditeur"):
        store.add("ans", Role.ADMIN, PASSWORD, vendor="Éditeur Conforme")


@pytest.mark.parametrize(
    ("name", "password", "message"),
    [("", PASSWORD, "Nom de compte attendu"), ("x" * 65, PASSWORD, "Nom de compte attendu"),
     ("court", "abc", "Mot de passe trop court")],
)
def test_bad_accounts_are_refused(store: AccountStore, name: str, password: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        store.add(name, Role.ADMIN, password)
    assert store.count() == 0


def test_list_get_remove_and_duplicates(store: AccountStore) -> None:
    store.add("ans", Role.ADMIN, PASSWORD)
    store.add("eval", Role.EVALUATOR, PASSWORD)
    with pytest.raises(UsageError, match="existe déjà"):
        store.add("ans", Role.EVALUATOR, PASSWORD)
    assert [a.name for a in store.all()] == ["ans", "eval"]
    assert store.get("ans") == Account("ans", Role.ADMIN)
    store.remove("ans")
    assert store.get("ans") is None and store.count() == 1
    with pytest.raises(UsageError, match="Compte inconnu"):
        store.remove("ans")


def test_roles_parse_with_or_without_accent() -> None:
    assert parse_role("éditeur") is Role.VENDOR and parse_role("Evaluateur") is Role.EVALUATOR
    with pytest.raises(UsageError, match="Rôle attendu parmi admin, evaluateur, editeur"):
        parse_role("root")


def test_home_is_0700_and_sqlite_files_0600(tmp_path: Path) -> None:
    home = BenchHome(tmp_path / "home")
    home.root.mkdir(mode=0o755)
    home.ensure()
    assert stat.S_IMODE(home.root.stat().st_mode) == 0o700
    db_file = home.root / "results.db"
    database = open_database(f"sqlite:///{db_file}")
    AccountStore(database).add("ans", Role.ADMIN, PASSWORD)  # a write: the WAL file exists
    try:
        for path in (db_file, db_file.with_name("results.db-wal")):
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    finally:
        database.dispose()
    db_file.chmod(0o644)  # an older bench's file is tightened on the next open
    open_database(f"sqlite:///{db_file}").dispose()
    assert stat.S_IMODE(db_file.stat().st_mode) == 0o600

"""Console accounts: who may log in to a console served on a network (`hubbench console --listen`).

Three roles. `admin` (ANS) may do everything, forced verdicts included; `evaluateur` answers attestations,
recorded under its account name; `editeur` is bound to one vendor and sees only that vendor's runs,
messages, certificates and exports, answers nothing and forces nothing. Passwords are kept as Argon2id
hashes (argon2-cffi's `PasswordHasher`, RFC 9106 parameters); a hash made with older parameters is
replaced at the next successful log-in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from hubbench.errors import UsageError
from hubbench.results.db import Database, open_database
from hubbench.results.models import ConsoleAccount

# Set to "1" by `hubbench console --listen` for the Streamlit process: log-in required.
ACCOUNTS_REQUIRED_ENV = "HUBBENCH_CONSOLE_ACCOUNTS"
MIN_PASSWORD_LENGTH = 10
MAX_NAME_LENGTH = 64
_HASHER = PasswordHasher()
# Verified against when the name is unknown, so that a wrong name costs as long as a wrong password.
_DUMMY_HASH = _HASHER.hash("hubbench: no such account")


class Role(StrEnum):
    ADMIN = "admin"
    EVALUATOR = "evaluateur"
    VENDOR = "editeur"


ROLE_LABELS_FR = {Role.ADMIN: "administrateur", Role.EVALUATOR: "évaluateur", Role.VENDOR: "éditeur"}


@dataclass(frozen=True)
class Account:
    name: str
    role: Role
    vendor: str | None = None  # the one vendor an `editeur` account sees

    @property
    def can_answer_attestations(self) -> bool:
        return self.role in (Role.ADMIN, Role.EVALUATOR)

    @property
    def can_override(self) -> bool:
        return self.role is Role.ADMIN

    @property
    def label_fr(self) -> str:
        suffix = f" de {self.vendor}" if self.vendor else ""
        return f"{self.name} ({ROLE_LABELS_FR[self.role]}{suffix})"


def parse_role(text: str) -> Role:
    try:
        return Role(text.strip().lower().replace("é", "e"))
    except ValueError:
        raise UsageError(
            f"Rôle attendu parmi {', '.join(r.value for r in Role)}, reçu {text!r}"
        ) from None


def _account(row: ConsoleAccount) -> Account:
    return Account(name=row.name, role=Role(row.role), vendor=row.vendor)


class AccountStore:
    """The `console_accounts` table of the results database."""

    def __init__(self, db: Database | str) -> None:
        self.db = db if isinstance(db, Database) else open_database(db)

    def add(self, name: str, role: Role, password: str, *, vendor: str | None = None) -> Account:
        name, vendor = name.strip(), (vendor or "").strip() or None
        if not name or len(name) > MAX_NAME_LENGTH or not name.isprintable():
            raise UsageError(f"Nom de compte attendu (1 à {MAX_NAME_LENGTH} caractères imprimables), "
                             f"reçu {name!r}")
        if role is Role.VENDOR and vendor is None:
            raise UsageError("Un compte éditeur doit nommer son éditeur : --vendor NOM")
        if role is not Role.VENDOR and vendor is not None:
            raise UsageError("--vendor ne s'applique qu'aux comptes éditeur (rôle editeur)")
        if len(password) < MIN_PASSWORD_LENGTH:
            raise UsageError(f"Mot de passe trop court : {MIN_PASSWORD_LENGTH} caractères au moins")
        row = ConsoleAccount(
            name=name, role=role.value, vendor=vendor, password_hash=_HASHER.hash(password),
            created_at=datetime.now(UTC),
        )
        try:
            with self.db.writing() as session:
                session.add(row)
        except IntegrityError:
            raise UsageError(f"Le compte {name!r} existe déjà (supprimez-le d'abord)") from None
        return _account(row)

    def remove(self, name: str) -> None:
        with self.db.writing() as session:
            removed = session.execute(delete(ConsoleAccount).where(ConsoleAccount.name == name.strip()))
            if getattr(removed, "rowcount", 0) == 0:
                raise UsageError(f"Compte inconnu : {name!r}")

    def all(self) -> list[Account]:
        with self.db.reading() as session:
            rows = session.scalars(select(ConsoleAccount).order_by(ConsoleAccount.name))
            return [_account(row) for row in rows]

    def get(self, name: str) -> Account | None:
        with self.db.reading() as session:
            row = session.scalar(select(ConsoleAccount).where(ConsoleAccount.name == name.strip()))
            return None if row is None else _account(row)

    def count(self) -> int:
        with self.db.reading() as session:
            return session.scalar(select(func.count()).select_from(ConsoleAccount)) or 0

    def authenticate(self, name: str, password: str) -> Account | None:
        """The account if the password is right, else None (same cost whether the name exists or not)."""
        with self.db.reading() as session:
            row = session.scalar(select(ConsoleAccount).where(ConsoleAccount.name == name.strip()))
        try:
            _HASHER.verify(row.password_hash if row else _DUMMY_HASH, password)
        except (VerificationError, InvalidHashError):
            return None
        if row is None:
            return None
        if _HASHER.check_needs_rehash(row.password_hash):
            with self.db.writing() as session:
                stored = session.get(ConsoleAccount, row.id)
                if stored is not None:
                    stored.password_hash = _HASHER.hash(password)
        return _account(row)

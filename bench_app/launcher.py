"""Start a run from the console: `hubbench run …` as its own process (the bench API boundary).

The console follows the run through the results database only (runs, scenarios, prompts)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from bench_app.data import AccessDenied
from bench_app.labels import LINKS
from hubbench.declaration import DIRECT_CISU_LINKS, LINK_ROLES, Format
from hubbench.errors import UsageError
from hubbench.home import DB_URL_ENV, HOME_ENV, BenchHome
from hubbench.results import Account, Role

_CLIENT_ID = re.compile(r"^fr(\.[\w-]+){2,4}$", re.ASCII)
_TIERS = re.compile(r"^[1-7](-[1-7])?$")


@dataclass(frozen=True)
class RunRequest:
    vendor: str
    client_id: str
    link: str
    tiers: str = "1-3"
    vhost: str | None = None
    timeout_s: int | None = None
    fast: bool = False  # short waits, for automated systems such as the reference vendors
    roles: tuple[str, ...] = ()  # the declaration for the run's link (`--role`, `--format`, …)
    formats: tuple[str, ...] = ()
    confirms: bool = False
    direct_cisu: bool = False
    registered_client: bool = False  # the client must be registered for this vendor (vendor accounts)

    def validate(self) -> None:
        if not self.vendor.strip():
            raise UsageError("Nom d'éditeur attendu, reçu un champ vide")
        if not _CLIENT_ID.match(self.client_id):
            raise UsageError(
                "Identifiant client attendu de la forme fr.<domaine>.<organisation>[.<…>], "
                f"reçu {self.client_id!r}"
            )
        if self.link not in LINKS:
            raise UsageError(f"Lien attendu parmi {', '.join(LINKS)}, reçu {self.link!r}")
        if not _TIERS.match(self.tiers) or ("-" in self.tiers and int(self.tiers[0]) > int(self.tiers[-1])):
            raise UsageError(f"Paliers attendus sous la forme 1-3 ou 2, reçu {self.tiers!r}")
        if self.timeout_s is not None and not 1 <= self.timeout_s <= 3600:
            raise UsageError(f"Délai attendu entre 1 et 3600 s, reçu {self.timeout_s}")
        allowed = [role.value for role in LINK_ROLES.get(self.link, ())]
        if any(role not in allowed for role in self.roles):
            raise UsageError(
                f"Rôle attendu parmi {', '.join(allowed)} sur {self.link}, reçu {', '.join(self.roles)}"
            )
        if any(fmt not in Format.__members__.values() for fmt in self.formats):
            raise UsageError(f"Format attendu parmi json, xml, reçu {list(self.formats)}")
        if self.direct_cisu and self.link not in DIRECT_CISU_LINKS:
            raise UsageError(f"directCISU ne concerne que 15-NexSIS, pas {self.link}")

    def arguments(self) -> list[str]:
        args = [
            "run",
            "--vendor",
            self.vendor.strip(),
            "--client-id",
            self.client_id,
            "--link",
            self.link,
            "--tiers",
            self.tiers,
        ]
        if self.vhost:
            args += ["--vhost", self.vhost]
        if self.timeout_s is not None:
            args += ["--timeout", str(self.timeout_s)]
        if self.fast:
            args.append("--fast")
        for role in self.roles:
            args += ["--role", role]
        for fmt in self.formats:
            args += ["--format", fmt]
        if self.confirms:
            args.append("--confirms")
        if self.direct_cisu:
            args.append("--direct-cisu")
        if self.registered_client:
            args.append("--registered-client")
        return args


@dataclass(frozen=True)
class LaunchedRun:
    process: subprocess.Popen[bytes]
    command: list[str]
    log_file: Path
    started_at: datetime
    vendor: str = ""

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def exit_code(self) -> int | None:
        """None while the run's process is alive (polling also reaps it once it ends)."""
        return self.process.poll()


def hubbench_command() -> list[str]:
    """The `hubbench` entry point of this very environment."""
    script = Path(sys.executable).with_name("hubbench")
    if script.exists():
        return [str(script)]
    return [
        sys.executable,
        "-c",
        "import sys; from hubbench.cli import main; sys.argv[0] = 'hubbench'; main()",
    ]


def authorize(request: RunRequest, account: Account | None) -> RunRequest:
    """The request as this account may start it. A vendor account starts runs for its own vendor only,
    and `hubbench run --registered-client` then refuses a client not registered for that vendor
    (`hubbench clients add ID --editor VENDOR`): never another vendor's client, queues and messages."""
    if account is None or account.role is not Role.VENDOR:
        return request
    if request.vendor.strip() != account.vendor:
        raise AccessDenied(f"Votre compte ne lance des exécutions que pour l'éditeur {account.vendor}.")
    return replace(request, registered_client=True)


def start_run(
    request: RunRequest, *, db_url: str, home: BenchHome, account: Account | None = None
) -> LaunchedRun:
    request.validate()
    request = authorize(request, account)
    started = datetime.now(UTC)
    logs = home.runs_dir / "console"
    logs.mkdir(parents=True, exist_ok=True)
    safe_vendor = re.sub(r"[^\w-]+", "_", request.vendor.strip(), flags=re.ASCII)
    log_file = logs / f"{started:%Y%m%dT%H%M%S}-{safe_vendor}-{request.link}.log"
    command = [*hubbench_command(), *request.arguments()]
    env = {**os.environ, DB_URL_ENV: db_url, HOME_ENV: str(home.root)}
    with log_file.open("wb") as log:
        process = subprocess.Popen(
            command,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
            start_new_session=True,  # the run outlives a console restart
        )
    return LaunchedRun(
        process=process, command=command, log_file=log_file, started_at=started, vendor=request.vendor.strip()
    )


def log_tail(path: Path, max_bytes: int = 4000) -> str:
    try:
        data = path.read_bytes()
    except OSError:
        return ""
    return data[-max_bytes:].decode("utf-8", "replace")

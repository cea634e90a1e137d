"""What a run is about (options from the user) and what it resolved to (context shared by steps)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, TYPE_CHECKING

from hubbench.declaration import Declaration, RunDeclaration
from hubbench.engine.clock import Clock
from hubbench.engine.links import Link
from hubbench.events import Listener
from hubbench.home import BenchHome

if TYPE_CHECKING:
    from hubbench.engine.remote import RemoteOptions
    from hubbench.hub import HubSettings
    from hubbench.protocol import Provenance, SchemaPack


@dataclass(frozen=True)
class Timeouts:
    """Every wait of a run is bounded by one of these (seconds)."""

    operator: float = 120.0  # an operator acts on a prompt (send a message, restart the client)
    reply: float = 20.0  # a message the vendor must send by itself (RC-REF) or the hub must route
    settle: float = 15.0  # queue statistics / consumers settle (management stats lag ~1 s)
    reconnect: float = 60.0  # the vendor reconnects after a forced close
    quiet: float = 3.0  # the shortest window the bench watches that something does NOT happen

    @classmethod
    def fast(cls) -> Timeouts:
        """Short waits for automated reference vendors (tests, demo)."""
        return cls(operator=20.0, reply=10.0, settle=10.0, reconnect=20.0, quiet=2.0)

    def with_operator(self, seconds: float | None) -> Timeouts:
        return self if seconds is None else replace(self, operator=float(seconds))


@dataclass
class RunOptions:
    """Inputs of `engine.runner.run` (the `hubbench run` options, usable from Python)."""

    vendor: str
    client_id: str
    link: str
    vhost: str | None = None
    tiers: tuple[int, ...] = (1, 2, 3)
    answers: Path | None = None
    partner_id: str | None = None
    timeout: float | None = None  # operator prompts; overrides timeouts.operator
    timeouts: Timeouts = field(default_factory=Timeouts)
    strict: bool = False  # pending attestations count as failures for the exit code
    home: Path | None = None
    db_url: str | None = None
    names: tuple[str, ...] = ()  # keep only scenarios whose name contains one of these (case-insensitive)
    listeners: list[Listener] = field(default_factory=list)
    run_id: str | None = None
    declaration: Declaration | None = None  # the vendor's declaration file (`--declaration`)
    roles: tuple[str, ...] = ()  # `--role`, for the run's link (overrides the file's)
    formats: tuple[str, ...] = ()  # `--format`
    confirms: bool = False  # `--confirms`: publisher confirms declared
    direct_cisu: bool = False  # `--direct-cisu` (15-NexSIS)
    # The prompt API (docs/prompt-api.md): port (0 = a free one; None = no API), address, JSON-lines
    # stream of the prompts, how long an attestation waits for an answer through the API.
    prompt_api_port: int | None = 0
    prompt_api_host: str = "127.0.0.1"
    prompts_jsonl: IO[str] | None = None
    attestation_wait: float = 0.0
    announce: Callable[[str], None] | None = None  # French lines for the user (the API's URL and token)
    remote: RemoteOptions | None = None  # external-hub mode (`engine.remote`): a hub the bench does not run
    session_id: str | None = None  # the acceptance session the run belongs to (`hubbench session run`)
    stop: threading.Event | None = None  # set: the run ends after its current scenario, as interrupted


@dataclass
class RunContext:
    """Resolved run: shared (read-only) by every scenario of the run."""

    run_id: str
    vendor: str
    client_id: str
    link: Link
    vhost: str
    tiers: tuple[int, ...]
    partner_id: str
    timeouts: Timeouts
    clock: Clock
    home: BenchHome
    pack: SchemaPack | None = None  # the vhost's (None: envelope checks are skipped with an error)
    settings: HubSettings | None = None  # ports, host: set by `engine.wiring` from the running node
    declaration: RunDeclaration | None = None  # None: every scenario of the link applies (unit tests)
    provenance: Provenance | None = None  # of the vhost's pack (the hub's, provisional if either is)
    direct_cisu: bool = False  # the vendor's declared directCISU (`engine.lrm.declared_direct_cisu`)
    cisu_conversion: bool = True  # the hub converts health ⇄ CISU cases (`[hub] cisu_conversion`)

    def require_pack(self) -> SchemaPack:
        """The vhost's pack, for a check that cannot run without it (a bench problem, never the vendor's)."""
        if self.pack is None:
            raise RuntimeError("pack de schémas du vhost indisponible")
        return self.pack

    @property
    def provisional(self) -> bool:
        return self.provenance is not None and self.provenance.provisional

    @property
    def pack_tag(self) -> str:
        return str(getattr(self.pack, "tag", "") or "inconnu")

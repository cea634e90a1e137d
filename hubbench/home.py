"""The bench home (`HUBBENCH_HOME`, default `./.hubbench`): everything a run needs lives under it.

Deleting the folder resets the bench. The folder is 0700 and the SQLite database 0600 (health data,
keys, console accounts). Layout:

    <home>/config.toml     user settings (optional, see `BenchConfig`)
    <home>/node/           the private RabbitMQ node (data, logs, config, pid)
    <home>/pki/            local CA, server and client certificates
    <home>/packs/          cached official schema packs, one folder per tag
    <home>/results.db      SQLite results database (unless HUBBENCH_DB_URL is set)
    <home>/runs/           run artefacts (prompts, answers, exports)
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hubbench.errors import UsageError

HOME_ENV = "HUBBENCH_HOME"
DB_URL_ENV = "HUBBENCH_DB_URL"
PACK_SOURCE_ENV = "HUBBENCH_PACK_SOURCE"


def restrict(path: Path, mode: int) -> None:
    """chmod to `mode` what this user owns (a shared folder someone else owns is left as it is)."""
    try:
        if path.stat().st_uid == os.getuid() and path.stat().st_mode & 0o777 != mode:
            path.chmod(mode)
    except OSError:
        pass


@dataclass(frozen=True)
class BenchHome:
    root: Path

    @classmethod
    def from_env(cls, override: str | os.PathLike[str] | None = None) -> BenchHome:
        raw = override or os.environ.get(HOME_ENV) or ".hubbench"
        return cls(Path(raw).expanduser().resolve())

    @property
    def config_file(self) -> Path:
        return self.root / "config.toml"

    @property
    def node_dir(self) -> Path:
        return self.root / "node"

    @property
    def pki_dir(self) -> Path:
        return self.root / "pki"

    @property
    def packs_dir(self) -> Path:
        return self.root / "packs"

    @property
    def runs_dir(self) -> Path:
        return self.root / "runs"

    @property
    def db_url(self) -> str:
        return os.environ.get(DB_URL_ENV) or f"sqlite:///{self.root / 'results.db'}"

    def ensure(self) -> BenchHome:
        """Create the home, readable by its owner only (0700: keys, health data, accounts)."""
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        restrict(self.root, 0o700)
        return self

    def config(self) -> BenchConfig:
        return BenchConfig.load(self.config_file)


@dataclass(frozen=True)
class BenchConfig:
    """Settings read from `<home>/config.toml`; every key is optional.

    [hub]      amqps_port, management_port, dist_port, host, message_ttl_ms, dispatcher_workers, nodes,
               node_port_step (a cluster on this machine: `hub up --nodes N`),
               listen = ["<IP>", …], public_names = ["<name or IP>", …]   (a hub on the network)
    [packs]    source = URL template or directory (default: the official GitHub repository)
    [vhosts]   "<vhost>" = "<pack tag>"   (adds to or overrides the built-in vhost → pack map)
    [assumed_vhosts]  "<link>" = "<vhost>"   (the 3.x line's vhost names, ASSUMED: 15-15, 15-SMUR, 15-GPS)
    [results]  retention_days = N   (default age for `hubbench results purge`)
    """

    hub: dict[str, Any] = field(default_factory=dict)
    packs: dict[str, Any] = field(default_factory=dict)
    vhosts: dict[str, str] = field(default_factory=dict)
    assumed_vhosts: dict[str, str] = field(default_factory=dict)
    results: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> BenchConfig:
        if not path.exists():
            return cls()
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise UsageError(f"Fichier de configuration illisible : {path} ({exc})") from exc
        return cls(
            hub=dict(data.get("hub", {})),
            packs=dict(data.get("packs", {})),
            vhosts={str(k): str(v) for k, v in data.get("vhosts", {}).items()},
            assumed_vhosts={str(k): str(v) for k, v in data.get("assumed_vhosts", {}).items()},
            results=dict(data.get("results", {})),
        )

"""Registry of the hub's clients, persisted in `<home>/clients.json`.

Each entry gives the client's vhosts, its XML preference and its `directCISU` preference (read by the
dispatcher like the real hub's `client.preferences.csv`, columns `client_id;useXML;directCISU;editor`:
`ansforge/SAMU-Hub-Sante` `hub/dispatcher/src/test/resources/config/client.preferences.csv`), its editor
and whether it was revoked. A health client with `directCISU` speaks the fire services' RC-EDA itself;
without it the hub converts its RS-EDA exchanges with CISU actors (`hubbench.conversion`).
Adding or revoking a client while the node runs changes the broker live; the next `hub up` recreates
everything from here.
"""

from __future__ import annotations

import builtins
import datetime as dt
import fcntl
import json
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from hubbench.errors import UsageError
from hubbench.home import BenchHome
from hubbench.hub.client_ids import validate_client_id
from hubbench.hub.pki import ClientCredentials, Pki
from hubbench.hub.settings import HubSettings
from hubbench.hub.topology import ClientGrant

if TYPE_CHECKING:
    from hubbench.hub.management import ManagementClient
    from hubbench.transport import HubClient

REGISTRY_FILE = "clients.json"
DEFAULT_EDITOR = "unknown"


@dataclass(frozen=True)
class ClientEntry:
    client_id: str
    vhosts: tuple[str, ...]
    use_xml: bool = False
    editor: str = DEFAULT_EDITOR
    created_at: str = ""
    revoked: bool = False
    direct_cisu: bool = False

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["vhosts"] = list(self.vhosts)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ClientEntry:
        return cls(
            client_id=str(data["client_id"]),
            vhosts=tuple(data.get("vhosts", ())),
            use_xml=bool(data.get("use_xml", False)),
            editor=str(data.get("editor", DEFAULT_EDITOR)),
            created_at=str(data.get("created_at", "")),
            revoked=bool(data.get("revoked", False)),
            direct_cisu=bool(data.get("direct_cisu", False)),
        )


class ClientRegistry:
    def __init__(self, home: BenchHome, settings: HubSettings | None = None) -> None:
        self.home = home
        self.settings = settings or HubSettings.load(home)
        self.pki = Pki(home.pki_dir)
        self.path: Path = home.root / REGISTRY_FILE

    # -- persistence --------------------------------------------------------------------------------
    @contextmanager
    def _locked(self) -> Iterator[dict[str, ClientEntry]]:
        """Read-modify-write under an exclusive lock (several CLI processes may add at once)."""
        self.home.ensure()
        with open(self.path.with_suffix(".lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            entries = self._read()
            yield entries
            tmp = self.path.with_suffix(".tmp")
            tmp.write_text(
                json.dumps([e.as_dict() for e in entries.values()], indent=2, ensure_ascii=False) + "\n",
                encoding="utf-8",
            )
            os.replace(tmp, self.path)

    def _read(self) -> dict[str, ClientEntry]:
        if not self.path.exists():
            return {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return {d["client_id"]: ClientEntry.from_dict(d) for d in data}
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise UsageError(f"Registre des clients illisible : {self.path} ({exc})") from exc

    # -- queries ------------------------------------------------------------------------------------
    def list(self, *, include_revoked: bool = True) -> list[ClientEntry]:
        entries = sorted(self._read().values(), key=lambda e: e.client_id)
        return [e for e in entries if include_revoked or not e.revoked]

    def active(self) -> builtins.list[ClientEntry]:  # `list` is the method above, in this class
        return self.list(include_revoked=False)

    def get(self, client_id: str) -> ClientEntry | None:
        return self._read().get(client_id)

    def show(self, client_id: str) -> ClientEntry:
        entry = self.get(client_id)
        if entry is None:
            raise UsageError(f"Client inconnu : « {client_id} » (voir `hubbench clients list`)")
        return entry

    def credentials(self, client_id: str) -> ClientCredentials:
        entry = self.show(client_id)
        if entry.revoked:
            raise UsageError(f"Le client « {client_id} » est révoqué : plus de certificat valide")
        return self.pki.credentials(client_id)

    def grants(self) -> builtins.list[ClientGrant]:
        return [ClientGrant(e.client_id, e.vhosts) for e in self.active()]

    def preferences(self) -> dict[str, bool]:
        """{client_id: use_xml} of active clients (the dispatcher's recipient format choice)."""
        return {e.client_id: e.use_xml for e in self.active()}

    def direct_cisu(self) -> dict[str, bool]:
        """{client_id: direct_cisu} of active clients (the dispatcher's CISU conversion choice)."""
        return {e.client_id: e.direct_cisu for e in self.active()}

    def amqps_urls(self, entry: ClientEntry) -> dict[str, str]:
        host = self.settings.public_name
        base = f"amqps://{f'[{host}]' if ':' in host else host}:{self.settings.amqps_port}"
        return {v: f"{base}/{quote(v, safe='')}" for v in entry.vhosts}

    # -- changes ------------------------------------------------------------------------------------
    def add(
        self,
        client_id: str,
        vhosts: Sequence[str] | None = None,
        use_xml: bool = False,
        editor: str = DEFAULT_EDITOR,
        direct_cisu: bool = False,
    ) -> ClientEntry:
        """Register a client (or re-activate a revoked one), issue its certificate, apply it live."""
        validate_client_id(client_id)
        chosen = tuple(dict.fromkeys(vhosts)) if vhosts else tuple(self.settings.vhosts)
        unknown = [v for v in chosen if v not in self.settings.vhosts]
        if unknown:
            raise UsageError(
                f"Vhost inconnu : {', '.join(unknown)} (vhosts du hub : {', '.join(self.settings.vhosts)})"
            )
        with self._locked() as entries:
            previous = entries.get(client_id)
            created = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
            entry = ClientEntry(client_id, chosen, use_xml, editor, created, False, direct_cisu)
            if previous is not None and not previous.revoked:
                entry = replace(entry, created_at=previous.created_at)
            if previous is None or previous.revoked or not self.pki.has(client_id):
                self.pki.issue_client(client_id)
            entries[client_id] = entry
        api = self._live_api()
        if api is not None:
            from hubbench.hub import topology

            if previous is not None and not previous.revoked:
                dropped = [v for v in previous.vhosts if v not in chosen]
                if dropped:
                    topology.remove_client(api, client_id, dropped)
            topology.apply_client(api, ClientGrant(client_id, chosen), quorum=self._clustered())
        return entry

    def revoke(self, client_id: str) -> ClientEntry:
        """Delete the client's user and queues on the node, retire its certificate files."""
        with self._locked() as entries:
            entry = entries.get(client_id)
            if entry is None:
                raise UsageError(f"Client inconnu : « {client_id} » (voir `hubbench clients list`)")
            entry = replace(entry, revoked=True)
            entries[client_id] = entry
            self.pki.revoke(client_id)
        api = self._live_api()
        if api is not None:
            from hubbench.hub import topology

            topology.remove_client(api, client_id, entry.vhosts)
        return entry

    def _clustered(self) -> bool:
        from hubbench.hub.cluster import cluster_state

        return bool(cluster_state(self.home))

    def _live_api(self) -> ManagementClient | None:
        from hubbench.hub.node import HubNode

        node = HubNode(self.home, self.settings)
        return node.management() if node.is_running() else None


def registered_client(
    home: BenchHome,
    settings: HubSettings,
    client_id: str,
    vhost: str | None = None,
    connection_name: str | None = None,
) -> HubClient:
    """A client of the bench's own hub, with the certificate issued by `hubbench clients add`."""
    from hubbench.transport import HubClient  # pika is loaded only by those that connect

    registry = ClientRegistry(home, settings)
    entry = registry.show(client_id)
    return HubClient(client_id, registry.credentials(client_id), settings.host, settings.amqps_port,
                     vhost or entry.vhosts[0], connection_name, server_hostname=settings.server_hostname)

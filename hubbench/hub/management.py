"""Small client for the RabbitMQ management HTTP API of the bench's node (127.0.0.1 only).

Statistics lag by about a second (`collect_statistics_interval` 1000 ms and 1 s samples on our node,
see `hub/node.py`), more under load: use `poll_until`.
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

import requests

from hubbench.errors import SetupError
from hubbench.home import BenchHome
from hubbench.hub.settings import HubSettings

T = TypeVar("T")
ADMIN_SECRET_FILE = "admin.secret"


class ManagementError(SetupError):
    """The management API refused a call or did not answer."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


def admin_password(home: BenchHome) -> str:
    """The admin password, created at first use and stored mode 0600 under `<home>/node/`."""
    path: Path = home.node_dir / ADMIN_SECRET_FILE
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    password = secrets.token_urlsafe(24)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(password)
    return password


class ManagementClient:
    def __init__(self, base_url: str, user: str, password: str, timeout: float = 10.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.session = requests.Session()
        self.session.auth = (user, password)

    @classmethod
    def for_home(cls, home: BenchHome, settings: HubSettings) -> ManagementClient:
        return cls(f"http://{settings.host}:{settings.management_port}/api", "admin", admin_password(home))

    @staticmethod
    def q(segment: str) -> str:
        """Percent-encode one path segment (vhost, queue or user name)."""
        return quote(segment, safe="")

    # -- raw calls ----------------------------------------------------------------------------------
    def request(self, method: str, path: str, body: Any = None, *, missing_ok: bool = False) -> Any:
        url = f"{self.base_url}{path}"
        try:
            response = self.session.request(method, url, json=body, timeout=self.timeout)
        except requests.RequestException as exc:
            raise ManagementError(f"API de gestion injoignable ({method} {url}) : {exc}") from exc
        if response.status_code == 404 and missing_ok:
            return None
        if response.status_code >= 400:
            raise ManagementError(
                f"API de gestion : {method} {path} → HTTP {response.status_code} {response.text[:300]}",
                status=response.status_code,
            )
        if not response.content:
            return None
        return response.json()

    def get(self, path: str, *, missing_ok: bool = False) -> Any:
        return self.request("GET", path, missing_ok=missing_ok)

    def put(self, path: str, body: Any) -> Any:
        return self.request("PUT", path, body)

    def post(self, path: str, body: Any) -> Any:
        return self.request("POST", path, body)

    def delete(self, path: str, *, missing_ok: bool = False) -> Any:
        return self.request("DELETE", path, missing_ok=missing_ok)

    # -- typed helpers ------------------------------------------------------------------------------
    # The management API answers JSON; these say which shape each path returns (not checked at run time).
    def _object(self, path: str) -> dict[str, Any]:
        found: dict[str, Any] = self.get(path)
        return found

    def _maybe_object(self, path: str) -> dict[str, Any] | None:
        found: dict[str, Any] | None = self.get(path, missing_ok=True)
        return found

    def _objects(self, path: str) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = self.get(path)
        return found

    def alive(self) -> bool:
        try:
            self.get("/overview")
        except ManagementError:
            return False
        return True

    def overview(self) -> dict[str, Any]:
        return self._object("/overview")

    def vhosts(self) -> list[str]:
        return [v["name"] for v in self.get("/vhosts")]

    def queues(self, vhost: str | None = None) -> list[dict[str, Any]]:
        return self._objects("/queues" if vhost is None else f"/queues/{self.q(vhost)}")

    def queue(self, vhost: str, name: str) -> dict[str, Any] | None:
        return self._maybe_object(f"/queues/{self.q(vhost)}/{self.q(name)}")

    def connections(self) -> list[dict[str, Any]]:
        return self._objects("/connections")

    def connections_of(self, username: str) -> list[dict[str, Any]]:
        """The open connections of one user (`/connections/username/…`, RabbitMQ ≥ 3.9): with a whole
        session's vendors on the node, listing every connection on each probe costs the node dearly."""
        found = self.request("GET", f"/connections/username/{self.q(username)}", missing_ok=True)
        if found is None:  # an older node without that resource
            return [c for c in self.connections() if c.get("user") == username]
        # That listing holds names only (name, node, user, vhost): each connection's details (TLS, peer
        # certificate, client properties) come from its own resource; one closed meanwhile is left out.
        details = (self.connection(str(c.get("name"))) for c in found)
        return [c for c in details if c is not None]

    def connection(self, name: str) -> dict[str, Any] | None:
        return self._maybe_object(f"/connections/{self.q(name)}")

    def close_connection(self, name: str, reason: str = "Fermeture forcée par le banc") -> None:
        self.session.headers["X-Reason"] = reason.encode("ascii", "replace").decode()
        try:
            self.delete(f"/connections/{self.q(name)}", missing_ok=True)
        finally:
            self.session.headers.pop("X-Reason", None)

    def connections_named(self, connection_name: str) -> list[dict[str, Any]]:
        """Connections whose client property `connection_name` equals `connection_name`."""
        return [c for c in self.connections()
                if (c.get("client_properties") or {}).get("connection_name") == connection_name]

    def channels(self) -> list[dict[str, Any]]:
        return self._objects("/channels")

    def consumers(self, vhost: str | None = None) -> list[dict[str, Any]]:
        return self._objects("/consumers" if vhost is None else f"/consumers/{self.q(vhost)}")

    def users(self) -> list[dict[str, Any]]:
        return self._objects("/users")

    def user(self, name: str) -> dict[str, Any] | None:
        return self._maybe_object(f"/users/{self.q(name)}")

    def permissions(self) -> list[dict[str, Any]]:
        return self._objects("/permissions")

    def topic_permissions(self) -> list[dict[str, Any]]:
        return self._objects("/topic-permissions")

    def definitions(self) -> dict[str, Any]:
        return self._object("/definitions")


def poll_until(
    probe: Callable[[], T | None], *, timeout: float, interval: float = 0.25, what: str = "condition"
) -> T:
    """Call `probe` until it returns a truthy value; raise `TimeoutError` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    last: T | None = None
    while True:
        last = probe()
        if last:
            return last
        if time.monotonic() >= deadline:
            raise TimeoutError(f"Délai de {timeout:.1f} s dépassé en attendant : {what} (dernier : {last!r})")
        time.sleep(interval)

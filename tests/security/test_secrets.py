"""Secrets stay secret: private files are 0600, and no key, password or cookie shows up in logs, the
trace, or what the CLI prints; the console listens on 127.0.0.1 only unless
served for a session with `--listen` (accounts and HTTPS: tests/console/test_browser_accounts.py)."""

from __future__ import annotations

import os
import re
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from security_attacks import listening_addresses, loopback_only
from support.hub import HubFixture, pick_free_ports

from hubbench.hub.dispatcher import files, supervisor
from hubbench.hub.management import ADMIN_SECRET_FILE, admin_password, poll_until
from hubbench.protocol import build_message, custom_content_use_case

HUBBENCH = str(Path(sys.executable).parent / "hubbench")
SECRET_FILES = {ADMIN_SECRET_FILE, ".erlang.cookie", "definitions.json"}
_PEM_BODY = re.compile(rb"-----BEGIN [A-Z ]*PRIVATE KEY-----\s+(.+?)\s+-----END", re.S)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def secrets_of(hub: HubFixture) -> dict[str, bytes]:
    """Every secret of the bench home: admin password, Erlang cookie, each private key's first line."""
    found = {"mot de passe admin": admin_password(hub.home).encode(),
             "cookie Erlang": (hub.home.node_dir / "home" / ".erlang.cookie").read_bytes().strip()}
    for key in hub.pki.dir.rglob("*.key"):
        match = _PEM_BODY.search(key.read_bytes())
        assert match, key
        found[f"clé {key.name}"] = match.group(1).split()[0]
    return found


def _scanned(hub: HubFixture) -> Iterator[Path]:
    """Files a user may read, copy or attach to a report: logs, trace database, run folder, config."""
    for path in hub.home.root.rglob("*"):
        if not path.is_file() or path.name in SECRET_FILES:
            continue
        parts = set(path.relative_to(hub.home.root).parts)
        if parts & {"pki", "mnesia"}:  # the secret store itself / the broker's own database
            continue
        yield path


@pytest.mark.broker
def test_private_files_are_owner_only(hub_node: HubFixture) -> None:
    hub_node.add_client()
    private = [*hub_node.pki.dir.rglob("*.key"), *hub_node.pki.dir.rglob("*.p12"),
               hub_node.home.node_dir / ADMIN_SECRET_FILE, hub_node.home.node_dir / "definitions.json"]
    assert len(private) >= 6
    for path in private:
        assert _mode(path) == 0o600, f"{path} : mode {oct(_mode(path))}, 0600 attendu"
    cookie = hub_node.home.node_dir / "home" / ".erlang.cookie"
    assert _mode(cookie) & 0o077 == 0, f"{cookie} : mode {oct(_mode(cookie))}"


@pytest.mark.broker
def test_revoked_identities_keep_owner_only_keys(hub_node: HubFixture) -> None:
    client_id = hub_node.add_client().client_id
    hub_node.registry.revoke(client_id)
    moved = [p for p in (hub_node.pki.dir / "revoked").rglob("*") if p.suffix in (".key", ".p12")
             and p.parent.name.startswith(client_id)]
    assert moved
    assert all(_mode(p) == 0o600 for p in moved)


@pytest.mark.broker
def test_no_secret_in_logs_trace_or_cli_output(live_hub: HubFixture) -> None:
    hub = live_hub
    a, b = hub.new_clients(2)
    client = hub.client(a)
    rejected_before = supervisor.health(hub.home)["counters"].get("rejected", 0)
    with hub.client(b).inbox() as inbox:
        assert client.publish(build_message(a, b, custom_content_use_case(text="données de santé")))
        assert inbox.wait_for(lambda d: d.kind == "message", 60) is not None
    assert client.publish(b"\x00 pas du json")  # an error path too: the dispatcher logs and traces it
    env = {**os.environ, "HUBBENCH_HOME": str(hub.home.root)}
    outputs = [subprocess.run([HUBBENCH, *args], env=env, capture_output=True,
                              timeout=120, check=False)
               for args in (["hub", "status", "--json"], ["clients", "list"], ["clients", "show", a])]
    poll_until(lambda: supervisor.health(hub.home)["counters"].get("rejected", 0) > rejected_before,
               timeout=60, what="rejet du message illisible par le dispatcher")
    secrets = secrets_of(hub)
    scanned = list(_scanned(hub))
    assert files.log_file(hub.home) in scanned and any(p.name == "results.db" for p in scanned)
    for path in scanned:
        data = path.read_bytes()
        for name, secret in secrets.items():
            assert secret not in data, f"{name} trouvé dans {path}"
    for out in outputs:
        assert out.returncode == 0, out.stderr
        for name, secret in secrets.items():
            assert secret not in out.stdout + out.stderr, f"{name} affiché par la CLI"


def test_console_listens_on_loopback_only(tmp_path: Path) -> None:
    (port,) = pick_free_ports(1)
    env = {**os.environ, "HUBBENCH_HOME": str(tmp_path / "home")}
    env.pop("HUBBENCH_DB_URL", None)
    process = subprocess.Popen([HUBBENCH, "console", "--port", str(port)],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        while not listening_addresses(port) and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.3)
        assert listening_addresses(port), "la console n'écoute pas"
        outcome = loopback_only("console", port)
        assert outcome.refused, outcome.detail
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)

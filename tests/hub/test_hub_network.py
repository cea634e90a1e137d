"""A hub on the network, on a real node over TLS: AMQPS also listens on a second loopback address
(127.0.0.2, standing for a LAN address) under the public name "hub.test.local", which no DNS knows:
clients connect to 127.0.0.2 and check the server certificate against that name (SNI + check_hostname),
as a vendor's machine would. The vendor's bundle is the only thing the client side uses, and the two
connection checks its README gives are run as written (only the address to dial is swapped).
"""

from __future__ import annotations

import os
import re
import socket
import ssl
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pika
import pytest
from support.hub import require_broker, start_node

from hubbench.home import BenchHome
from hubbench.hub.bundle import README_NAME
from hubbench.hub.node import HubNode
from hubbench.hub.settings import HubSettings

pytestmark = pytest.mark.broker
HUBBENCH = str(Path(sys.executable).parent / "hubbench")
LAN_ADDRESS, PUBLIC_NAME = "127.0.0.2", "hub.test.local"
CLIENT = "fr.health.samu440"
VHOST = "15-15_v1.5"
LanHub = tuple[BenchHome, HubSettings, HubNode]


@pytest.fixture(scope="module")
def lan_hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LanHub]:
    require_broker()
    home = BenchHome(tmp_path_factory.mktemp("lanhub")).ensure()
    settings, node = start_node(home, listen=(LAN_ADDRESS,), public_names=(PUBLIC_NAME,))
    try:
        yield home, settings, node
    finally:
        node.stop()


@pytest.fixture(scope="module")
def bundle_dir(lan_hub: LanHub, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`hubbench clients add` then `clients bundle`, unpacked where the vendor would."""
    home, _, _ = lan_hub
    out = tmp_path_factory.mktemp("vendor")
    env = {**os.environ, "HUBBENCH_HOME": str(home.root)}
    for args in (["add", CLIENT, "--vhost", VHOST], ["bundle", CLIENT, "--output", str(out / "b.zip")]):
        done = subprocess.run([HUBBENCH, "clients", *args], env=env, capture_output=True, text=True,
                              timeout=120, check=False)
        assert done.returncode == 0, done.stderr
    with zipfile.ZipFile(out / "b.zip") as archive:
        archive.extractall(out)
    return out / f"hubbench-{CLIENT}"


def _tls(settings: HubSettings, folder: Path, server_name: str) -> dict[str, object]:
    context = ssl.create_default_context(cafile=str(folder / "ca.crt"))  # check_hostname on
    context.load_cert_chain(str(folder / f"{CLIENT}.crt"), str(folder / f"{CLIENT}.key"))
    with socket.create_connection((LAN_ADDRESS, settings.amqps_port), timeout=10) as raw, \
            context.wrap_socket(raw, server_hostname=server_name) as tls:
        return tls.getpeercert() or {}


def test_a_client_checking_the_public_name_connects(lan_hub: LanHub, bundle_dir: Path) -> None:
    _, settings, _ = lan_hub
    peer = _tls(settings, bundle_dir, PUBLIC_NAME)
    assert ("DNS", PUBLIC_NAME) in peer["subjectAltName"]  # type: ignore[operator]
    context = ssl.create_default_context(cafile=str(bundle_dir / "ca.crt"))
    context.load_cert_chain(str(bundle_dir / f"{CLIENT}.crt"), str(bundle_dir / f"{CLIENT}.key"))
    connection = pika.BlockingConnection(pika.ConnectionParameters(
        host=LAN_ADDRESS, port=settings.amqps_port, virtual_host=VHOST,
        ssl_options=pika.SSLOptions(context, server_hostname=PUBLIC_NAME),
        credentials=pika.credentials.ExternalCredentials(), connection_attempts=1, socket_timeout=10,
    ))
    try:
        channel = connection.channel()
        declared = channel.queue_declare(f"{CLIENT}.message", passive=True)  # its own queue, by EXTERNAL
        assert declared.method.queue == f"{CLIENT}.message"
    finally:
        connection.close()


def test_a_wrong_server_name_is_refused(lan_hub: LanHub, bundle_dir: Path) -> None:
    _, settings, _ = lan_hub
    with pytest.raises(ssl.SSLCertVerificationError, match=r"match|mismatch"):
        _tls(settings, bundle_dir, "autre.test.local")


def test_the_readme_checks_pass_as_written(lan_hub: LanHub, bundle_dir: Path) -> None:
    _, settings, _ = lan_hub
    readme = (bundle_dir / README_NAME).read_text(encoding="utf-8")
    assert f"amqps://{PUBLIC_NAME}:{settings.amqps_port}/{VHOST}" in readme
    dial = f"{PUBLIC_NAME}:{settings.amqps_port}"
    shell = re.search(r"```sh\n(.*?)```", readme, re.S)
    python = re.search(r"```python\n(.*?)```", readme, re.S)
    assert shell and python
    command = shell.group(1).replace(f"-connect {dial}", f"-connect {LAN_ADDRESS}:{settings.amqps_port}")
    checked = subprocess.run(["sh", "-c", command], cwd=bundle_dir, capture_output=True, text=True,
                             timeout=60, check=False)
    assert checked.returncode == 0, checked.stdout[-2000:] + checked.stderr[-2000:]
    assert "Verify return code: 0 (ok)" in checked.stdout
    wrong = subprocess.run(["sh", "-c", command.replace(f"-verify_hostname {PUBLIC_NAME}",
                                                        "-verify_hostname autre.test.local")],
                           cwd=bundle_dir, capture_output=True, text=True, timeout=60, check=False)
    assert wrong.returncode != 0
    snippet = python.group(1).replace(f'host="{PUBLIC_NAME}"', f'host="{LAN_ADDRESS}"')
    ran = subprocess.run([sys.executable, "-c", snippet], cwd=bundle_dir, capture_output=True, text=True,
                         timeout=60, check=False)
    assert ran.returncode == 0, ran.stderr[-2000:]
    assert "Connecté au banc : True" in ran.stdout


def test_management_and_distribution_stay_on_loopback(lan_hub: LanHub) -> None:
    _, settings, node = lan_hub
    status = node.status()
    assert status["listeners"] == ["127.0.0.1", LAN_ADDRESS]
    assert set(status["certificate_names"]) == {PUBLIC_NAME, "localhost", "127.0.0.1", LAN_ADDRESS}
    for port in (settings.management_port, settings.dist_port):
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            pass
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection((LAN_ADDRESS, port), timeout=5).close()


def test_changed_names_on_a_running_hub_ask_for_a_restart(lan_hub: LanHub) -> None:
    home, settings, node = lan_hub
    served = node.pki.server_names()
    said: list[str] = []
    renamed = HubNode(home, settings.with_overrides(public_names=("banc.ans.local",)))
    assert renamed.start(progress=said.append)["already_running"] is True
    assert any("hubbench hub down" in line and "noms publics" in line for line in said), said
    assert node.pki.server_names() == served  # nothing re-issued under the running node
    quiet: list[str] = []
    node.start(progress=quiet.append)
    assert not any("noms publics" in line for line in quiet)

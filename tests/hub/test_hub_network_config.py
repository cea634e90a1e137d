"""A hub on the network, without a node: `[hub] listen / public_names`, the server certificate's SAN
(re-issued by the same CA when the names change), client URLs and the vendor's bundle."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509

from hubbench.errors import UsageError
from hubbench.home import BenchConfig, BenchHome
from hubbench.hub.bundle import README_NAME, write_bundle
from hubbench.hub.clients import ClientRegistry
from hubbench.hub.pki import Pki, san_names
from hubbench.hub.settings import HubSettings

HUBBENCH = str(Path(sys.executable).parent / "hubbench")
CLIENT = "fr.health.samu440"


def _network(**changes: Any) -> HubSettings:
    return HubSettings(amqps_port=17101, management_port=17102, **changes)


def test_defaults_stay_on_loopback_under_localhost() -> None:
    settings = HubSettings()
    assert settings.amqps_listeners == ("127.0.0.1",)
    assert settings.public_name == "localhost"
    assert settings.certificate_names == ("localhost", "127.0.0.1")


def test_config_toml_adds_listeners_and_public_names(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[hub]\nlisten = ["192.168.1.10"]\npublic_names = ["banc.ans.local", "192.168.1.10"]\n',
                    encoding="utf-8")
    settings = HubSettings.from_config(BenchConfig.load(path))
    assert settings.amqps_listeners == ("127.0.0.1", "192.168.1.10")
    assert settings.public_name == "banc.ans.local"
    assert settings.certificate_names == ("banc.ans.local", "192.168.1.10", "localhost", "127.0.0.1")
    assert _network(listen=("0.0.0.0",)).amqps_listeners == ("0.0.0.0",)
    assert "0.0.0.0" not in _network(listen=("0.0.0.0",)).certificate_names


@pytest.mark.parametrize(
    ("hub", "message"),
    [
        ({"listen": ["banc.local"]}, "[hub] listen : adresses IP attendues"),
        ({"listen": "0.0.0.0"}, "[hub] listen : liste attendue"),
        ({"public_names": ["pas un nom"]}, "[hub] public_names : noms d'hôte ou adresses IP attendus"),
        ({"public_names": ["-banc.local"]}, "[hub] public_names"),
    ],
)
def test_bad_network_settings_are_refused_in_french(hub: dict[str, object], message: str) -> None:
    with pytest.raises(UsageError, match=message.replace("[", r"\[").replace("]", r"\]")):
        HubSettings.from_config(BenchConfig(hub=hub))


def test_server_certificate_follows_the_names_and_keeps_the_ca(tmp_path: Path) -> None:
    pki = Pki(tmp_path / "pki")
    cert_path, _ = pki.server_files(("localhost", "127.0.0.1"))
    ca_before, first = pki.ca_cert_path.read_bytes(), cert_path.read_bytes()
    assert pki.server_files(("127.0.0.1", "localhost"))[0].read_bytes() == first  # same names: kept
    pki.server_files(("hub.test.local", "localhost", "127.0.0.1", "127.0.0.2"))
    reissued = x509.load_pem_x509_certificate(cert_path.read_bytes())
    assert san_names(cert_path) == {"hub.test.local", "localhost", "127.0.0.1", "127.0.0.2"}
    assert pki.ca_cert_path.read_bytes() == ca_before
    reissued.verify_directly_issued_by(x509.load_pem_x509_certificate(ca_before))


def test_client_urls_and_bundle_use_the_public_name(tmp_path: Path) -> None:
    home = BenchHome(tmp_path / "home").ensure()
    settings = _network(listen=("127.0.0.2",), public_names=("hub.test.local",))
    registry = ClientRegistry(home, settings)
    entry = registry.add(CLIENT, vhosts=["15-15_v1.5", "15-smur_v1.4"])
    assert registry.amqps_urls(entry) == {
        "15-15_v1.5": "amqps://hub.test.local:17101/15-15_v1.5",
        "15-smur_v1.4": "amqps://hub.test.local:17101/15-smur_v1.4",
    }
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "bundle.zip").write_bytes(b"")
    os.chmod(tmp_path / "out" / "bundle.zip", 0o644)  # an older file readable by all: made private first
    target = write_bundle(registry, CLIENT, tmp_path / "out" / "bundle.zip")
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    folder = f"hubbench-{CLIENT}"
    with zipfile.ZipFile(target) as archive:
        names = set(archive.namelist())
        assert names == {f"{folder}/{n}" for n in
                         (README_NAME, "ca.crt", f"{CLIENT}.crt", f"{CLIENT}.key", f"{CLIENT}.p12")}
        for private in (f"{CLIENT}.key", f"{CLIENT}.p12"):
            assert stat.S_IMODE(archive.getinfo(f"{folder}/{private}").external_attr >> 16) == 0o600
        assert archive.read(f"{folder}/{CLIENT}.key") == registry.pki.credentials(CLIENT).key.read_bytes()
        readme = archive.read(f"{folder}/{README_NAME}").decode("utf-8")
    assert "amqps://hub.test.local:17101/15-15_v1.5" in readme
    assert "amqps://hub.test.local:17101/15-smur_v1.4" in readme
    assert "openssl s_client -connect hub.test.local:17101 -servername hub.test.local" in readme
    assert 'server_hostname="hub.test.local"' in readme


def test_cli_bundle_refuses_unknown_and_revoked_clients(tmp_path: Path) -> None:
    env = {**os.environ, "HUBBENCH_HOME": str(tmp_path / "home")}

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([HUBBENCH, "clients", *args], env=env, capture_output=True, text=True,
                              timeout=120, check=False, cwd=tmp_path)

    unknown = cli("bundle", "fr.health.samu999")
    assert unknown.returncode == 2 and unknown.stderr.startswith("Erreur : Client inconnu")
    assert cli("add", CLIENT).returncode == 0
    done = cli("bundle", CLIENT)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / f"hubbench-{CLIENT}.zip").is_file() and "mode 0600" in done.stdout
    assert cli("revoke", CLIENT).returncode == 0
    revoked = cli("bundle", CLIENT, "--output", str(tmp_path / "r.zip"))
    assert revoked.returncode == 2 and "révoqué" in revoked.stderr
    assert not (tmp_path / "r.zip").exists()

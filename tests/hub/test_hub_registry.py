"""Client registry and PKI without a running node: files, modes, PKCS#12, revocation, CLI output."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from hubbench.errors import UsageError
from hubbench.home import BenchHome
from hubbench.hub.clients import ClientRegistry
from hubbench.hub.settings import DEFAULT_VHOSTS, HubSettings

HUBBENCH = [str(Path(sys.executable).parent / "hubbench")]


@pytest.fixture()
def registry(tmp_path: Path) -> ClientRegistry:
    return ClientRegistry(BenchHome(tmp_path).ensure(), HubSettings(amqps_port=17001, management_port=17002))


def _cn(cert: x509.Certificate) -> str:
    return str(cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value)


def test_add_issues_cert_key_and_p12(registry: ClientRegistry) -> None:
    entry = registry.add("fr.health.samu440")
    assert entry.vhosts == DEFAULT_VHOSTS and entry.use_xml is False and not entry.revoked
    creds = registry.credentials("fr.health.samu440")
    for private in (creds.key, creds.p12, registry.pki.ca_key_path):
        assert stat.S_IMODE(os.stat(private).st_mode) == 0o600, private
    cert = x509.load_pem_x509_certificate(creds.cert.read_bytes())
    ca = x509.load_pem_x509_certificate(creds.ca.read_bytes())
    assert _cn(cert) == "fr.health.samu440"
    cert.verify_directly_issued_by(ca)
    key, p12_cert, extra = pkcs12.load_key_and_certificates(creds.p12.read_bytes(), None)
    assert key is not None and p12_cert is not None and _cn(p12_cert) == "fr.health.samu440"
    assert [c.subject for c in extra] == [ca.subject]


def test_vhosts_xml_preferences_and_persistence(registry: ClientRegistry) -> None:
    registry.add("fr.health.samuB", vhosts=["15-15_v2.0"], use_xml=True)
    registry.add("fr.fire.nexsis.sdisZ", vhosts=["15-nexsis_v1.8"])
    reread = ClientRegistry(registry.home, registry.settings)
    assert reread.show("fr.health.samuB").vhosts == ("15-15_v2.0",)
    assert reread.preferences() == {"fr.health.samuB": True, "fr.fire.nexsis.sdisZ": False}
    assert [e.client_id for e in reread.list()] == ["fr.fire.nexsis.sdisZ", "fr.health.samuB"]
    with pytest.raises(UsageError, match="Vhost inconnu"):
        registry.add("fr.health.samuC", vhosts=["15-15_v9.9"])


def test_direct_cisu_preference_defaults_false_and_persists(registry: ClientRegistry) -> None:
    registry.add("fr.health.samuA")
    registry.add("fr.health.samuB", direct_cisu=True)
    reread = ClientRegistry(registry.home, registry.settings)
    assert reread.direct_cisu() == {"fr.health.samuA": False, "fr.health.samuB": True}
    assert reread.show("fr.health.samuB").direct_cisu is True
    registry.revoke("fr.health.samuB")
    assert "fr.health.samuB" not in registry.direct_cisu()


def test_revoke_retires_certificate_and_reactivation_reissues(registry: ClientRegistry) -> None:
    first = registry.add("fr.health.samuA")
    old_cert = registry.pki.credentials("fr.health.samuA").cert.read_bytes()
    revoked = registry.revoke("fr.health.samuA")
    assert revoked.revoked and revoked.created_at == first.created_at
    assert not registry.pki.has("fr.health.samuA")
    assert list((registry.pki.dir / "revoked").iterdir())
    assert "fr.health.samuA" not in registry.preferences()
    with pytest.raises(UsageError, match="révoqué"):
        registry.credentials("fr.health.samuA")
    registry.add("fr.health.samuA")
    assert registry.pki.credentials("fr.health.samuA").cert.read_bytes() != old_cert
    with pytest.raises(UsageError, match="Client inconnu"):
        registry.revoke("fr.health.nobody1")


def _cli(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HUBBENCH_HOME": str(home)}
    return subprocess.run(
        [*HUBBENCH, *args], env=env, capture_output=True, text=True, timeout=60, check=False
    )


def test_cli_add_show_list_revoke(tmp_path: Path) -> None:
    added = _cli(tmp_path, "clients", "add", "fr.health.samu770", "--vhost", "15-15_v1.5", "--xml", "--json")
    assert added.returncode == 0, added.stderr
    data = json.loads(added.stdout)
    assert data["client_id"] == "fr.health.samu770" and data["use_xml"] is True
    assert data["amqps_urls"] == {"15-15_v1.5": "amqps://localhost:5671/15-15_v1.5"}
    for key in ("cert", "key", "p12", "ca"):
        assert Path(data[key]).is_file()
    shown = json.loads(_cli(tmp_path, "clients", "show", "fr.health.samu770", "--json").stdout)
    assert shown == data
    listed = json.loads(_cli(tmp_path, "clients", "list", "--json").stdout)
    assert [e["client_id"] for e in listed] == ["fr.health.samu770"]
    revoked = _cli(tmp_path, "clients", "revoke", "fr.health.samu770")
    assert revoked.returncode == 0 and "révoqué" in revoked.stdout
    assert json.loads(_cli(tmp_path, "clients", "list", "--json").stdout)[0]["revoked"] is True


def test_cli_direct_cisu_is_shown_by_show_and_list(tmp_path: Path) -> None:
    added = _cli(tmp_path, "clients", "add", "fr.health.samu440", "--direct-cisu", "--json")
    assert added.returncode == 0, added.stderr
    assert json.loads(added.stdout)["direct_cisu"] is True
    shown = _cli(tmp_path, "clients", "show", "fr.health.samu440")
    assert "CISU direct : oui" in shown.stdout
    assert "CISU direct" in _cli(tmp_path, "clients", "list").stdout
    assert json.loads(_cli(tmp_path, "clients", "list", "--json").stdout)[0]["direct_cisu"] is True


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("clients", "add", "fr.Health.samu1"), "domaine"),
        (("clients", "show", "fr.health.samu999"), "Client inconnu"),
        (("clients", "revoke", "fr.health.samu999"), "Client inconnu"),
    ],
)
def test_cli_bad_input_is_one_french_line_and_exit_2(
    tmp_path: Path, args: tuple[str, ...], expected: str
) -> None:
    done = _cli(tmp_path, *args)
    assert done.returncode == 2
    assert expected in done.stderr and "Traceback" not in done.stderr
    assert done.stderr.startswith("Erreur : ")

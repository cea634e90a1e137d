"""External-hub mode's options: the hub URL, the partner's identity (PEM or PKCS#12, its CN), and the
usage errors of `hubbench run --hub` (one French line, exit code 2, before any run)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from hubbench.engine.context import RunOptions
from hubbench.engine.remote import RemoteOptions, external_options, parse_hub_url, resolve_remote
from hubbench.errors import UsageError
from hubbench.hub.pki import Pki

BASE = ["--vendor", "v", "--client-id", "fr.health.samu770", "--link", "15-15"]


@pytest.fixture(scope="module")
def partner(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    pki = Pki(tmp_path_factory.mktemp("pki-distant"))
    pki.issue_client("fr.health.samuR770")
    return pki


def test_hub_url_gives_host_port_and_vhost() -> None:
    assert parse_hub_url("amqps://hub.example:5671/15-15_v1.5") == ("hub.example", 5671, "15-15_v1.5")
    assert parse_hub_url("amqps://127.0.0.1/15-smur_v1.4") == ("127.0.0.1", 5671, "15-smur_v1.4")


@pytest.mark.parametrize(("url", "fragment"), [
    ("amqp://hub.example/15-15_v1.5", "TLS obligatoire"),
    ("amqps://hub.example:5671/", "hôte et vhost attendus"),
    ("amqps://hub.example:99999/15-15_v1.5", "port invalide"),
    ("amqps://moi:secret@hub.example/15-15_v1.5", "pas d'identifiant dans l'URL"),
])
def test_bad_hub_urls_are_usage_errors(url: str, fragment: str) -> None:
    with pytest.raises(UsageError, match=fragment):
        parse_hub_url(url)


def test_partner_id_is_the_certificate_cn_and_vhost_the_urls(partner: Pki) -> None:
    creds = partner.credentials("fr.health.samuR770")
    remote = RemoteOptions("amqps://127.0.0.1:5671/15-15_v1.5", cert=creds.cert, key=creds.key, ca=creds.ca)
    run = RunOptions(vendor="v", client_id="fr.health.samu770", link="15-15")
    options, hub = external_options(run, remote)
    assert (options.partner_id, options.vhost, hub.server_hostname) == ("fr.health.samuR770", "15-15_v1.5",
                                                                        "127.0.0.1")
    with pytest.raises(UsageError, match="différent du CN"):
        external_options(RunOptions(vendor="v", client_id="fr.health.samu770", link="15-15",
                                    partner_id="fr.health.samuX"), remote)
    with pytest.raises(UsageError, match="différent du vhost de --hub"):
        external_options(RunOptions(vendor="v", client_id="fr.health.samu770", link="15-15",
                                    vhost="15-15_v2.0"), remote)


def test_a_pkcs12_bundle_is_unpacked_into_private_pem_files(partner: Pki, tmp_path: Path) -> None:
    creds = partner.credentials("fr.health.samuR770")
    hub = resolve_remote(RemoteOptions("amqps://127.0.0.1/15-15_v1.5", ca=creds.ca, p12=creds.p12), None,
                         tmp_path / "pem")
    assert hub.identity.cert.read_bytes().startswith(b"-----BEGIN CERTIFICATE-----")
    assert stat.S_IMODE(hub.identity.key.stat().st_mode) == 0o600
    with pytest.raises(UsageError, match="pas les deux"):
        resolve_remote(RemoteOptions("amqps://127.0.0.1/15-15_v1.5", cert=creds.cert, ca=creds.ca,
                                     p12=creds.p12), None, tmp_path / "pem")


@pytest.mark.parametrize(("options", "fragment"), [
    (["--ca", "ca.pem"], "vont avec --hub"),
    (["--hub", "amqps://127.0.0.1/15-15_v1.5"], "--ca obligatoire avec --hub"),
    (["--hub", "amqps://127.0.0.1/15-15_v1.5", "--ca", "/nonexistent/ca.pem"], "--ca : fichier introuvable"),
])
def test_bad_external_hub_options_are_usage_errors(tmp_path: Path, options: list[str], fragment: str) -> None:
    process = subprocess.run(
        [sys.executable, "-c", "from hubbench.cli import main; main()", "run", *BASE, *options],
        env={**os.environ, "HUBBENCH_HOME": str(tmp_path)}, capture_output=True, text=True, timeout=120,
    )
    assert process.returncode == 2, process.stderr
    assert fragment in process.stderr and "Traceback" not in process.stderr, process.stderr

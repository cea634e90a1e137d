"""Each vhost's pack provenance in `hub up` / `hub status`; a hub whose official packs cannot be had says
so loudly, marks every verdict provisional and refuses a certificate (issue 12, items 1 and 4). Each test
has its own home and node; offline, the pack source is the default one pointed (HUBBENCH_PACK_MIRROR) at
a closed port on 127.0.0.1, as on a machine that cannot reach GitHub."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from support.hub import require_broker, write_hub_config
from support.official import MODELS, official
from support.runs import collect, start_run

from bench_app.widgets import matrix_html
from hubbench.home import DB_URL_ENV, HOME_ENV, PACK_SOURCE_ENV, BenchHome
from hubbench.hub.settings import HubSettings
from hubbench.protocol.packs import OFFICIAL_MIRROR_ENV, VHOST_PACKS, pack_from_directory
from hubbench.protocol.provenance import pack_checksum
from hubbench.results.reporters.certificate import ProvisionalEvidence, build_certificate
from hubbench.results.reporters.junit import write_junit
from hubbench.results.store import ResultsStore
from hubbench.sim.launch import VendorThread, build_vendor
from hubbench.sim.profiles import PROFILES

pytestmark = pytest.mark.broker
HUBBENCH = str(Path(sys.executable).parent / "hubbench")
VHOST, LINK, ASSUMED = "15-15_v1.5", "15-15", "15-15_v2.1"


def _lone_hub(tmp_path: Path, free_ports: Callable[[int], list[int]], monkeypatch: pytest.MonkeyPatch,
              vhosts: tuple[str, ...]) -> tuple[BenchHome, dict[str, str]]:
    require_broker()
    amqps, management, dist, closed = free_ports(4)
    home = BenchHome(tmp_path / "home").ensure()
    write_hub_config(home, HubSettings(amqps_port=amqps, management_port=management, dist_port=dist,
                                       message_ttl_ms=5000, vhosts=vhosts))
    monkeypatch.delenv(PACK_SOURCE_ENV, raising=False)
    monkeypatch.delenv(DB_URL_ENV, raising=False)
    monkeypatch.setenv(OFFICIAL_MIRROR_ENV, f"http://127.0.0.1:{closed}/{{tag}}/")
    monkeypatch.setenv(HOME_ENV, str(home.root))
    return home, dict(os.environ)


@pytest.fixture()
def offline_hub(tmp_path: Path, free_ports: Callable[[int], list[int]],
                monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[BenchHome, dict[str, str]]]:
    home, env = _lone_hub(tmp_path, free_ports, monkeypatch, (VHOST,))
    yield home, env
    subprocess.run([HUBBENCH, "hub", "down"], env=env, capture_output=True, timeout=120, check=False)


@pytest.fixture()
def shared_hub(tmp_path: Path, free_ports: Callable[[int], list[int]],
               monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[BenchHome, dict[str, str]]]:
    official("official-1.0")
    home, env = _lone_hub(tmp_path, free_ports, monkeypatch, (VHOST, ASSUMED))
    env[PACK_SOURCE_ENV] = str(MODELS)
    yield home, env
    subprocess.run([HUBBENCH, "hub", "down"], env=env, capture_output=True, timeout=120, check=False)


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([HUBBENCH, *args], env=env, capture_output=True, text=True, timeout=240,
                          check=False)


def test_a_hub_without_packs_is_loud_marks_verdicts_provisional_and_refuses_a_certificate(
        offline_hub: tuple[BenchHome, dict[str, str]], tmp_path: Path) -> None:
    home, env = offline_hub
    up = _cli(env, "hub", "up")
    assert up.returncode == 0, up.stderr
    assert "ATTENTION : 1 vhost(s) sans pack officiel" in up.stdout
    assert f"ATTENTION vhost {VHOST} : validation PROVISOIRE" in up.stdout

    status = json.loads(_cli(env, "hub", "status", "--json").stdout)
    pack = status["packs"][VHOST]
    assert pack["provisional"] and pack["tag"] == VHOST_PACKS[VHOST] and pack["checksum"] is None
    assert pack["source"].startswith("pypi:hubsante-model==") and "injoignable" in pack["reason"]
    assert not pack["assumed"] and len(status["warnings"]) == 1
    text = _cli(env, "hub", "status").stdout
    assert f"{VHOST:<16} pack {VHOST_PACKS[VHOST]} (PROVISOIRE) · source pypi:hubsante-model==" in text
    assert "ATTENTION vhost" in text

    client_id = f"fr.health.samu{uuid.uuid4().hex[:5]}"
    assert _cli(env, "clients", "add", client_id, "--vhost", VHOST).returncode == 0
    settings = HubSettings.load(home)
    sim = VendorThread(build_vendor(home, client_id, PROFILES["conforme"], vhost=VHOST,
                                    settings=settings)).start()
    try:
        process = start_run(env, "Offline", client_id, LINK, "1", vhost=VHOST, names=["Connexion TLS"])
        result = collect(process)
    finally:
        sim.stop()
    assert [s["verdict"] for s in result["scenarios"]] == ["passed"], result.get("error")

    store = ResultsStore(home.db_url)
    try:
        detail = store.run_detail(result["run_id"])
        assert detail is not None and detail.run.provisional
        assert detail.run.pack is not None and detail.run.pack["source"].startswith("pypi:hubsante-model")
        rows = store.matrix(run_id=result["run_id"])
        assert rows[0].provisional and "réussi (provisoire)" in matrix_html(rows)
        with pytest.raises(ProvisionalEvidence, match="verdicts sont provisoires"):
            build_certificate(detail, store.trace_for_run(result["run_id"]))
        junit = ET.parse(write_junit(store, result["run_id"], tmp_path / "junit.xml")).getroot()
    finally:
        store.close()
    props = {p.get("name"): p.get("value") for p in junit.iter("property")}
    assert props["provisional"] == "true" and props["verdict"] == "réussi (provisoire)"


def test_hub_up_and_status_show_each_vhost_pack_tag_source_and_checksum(
        shared_hub: tuple[BenchHome, dict[str, str]]) -> None:
    _home, env = shared_hub
    up = _cli(env, "hub", "up")
    assert up.returncode == 0, up.stderr
    assert "ATTENTION" not in up.stdout and "PROVISOIRE" not in up.stdout
    status = json.loads(_cli(env, "hub", "status", "--json").stdout)
    assert status["warnings"] == []
    official = status["packs"][VHOST]
    expected = (VHOST_PACKS[VHOST], False, False)
    assert (official["tag"], official["provisional"], official["assumed"]) == expected
    folder = Path(official["source"])
    assert folder.name == "json-schema" and folder.is_dir()
    assert official["checksum"] == pack_checksum(pack_from_directory(folder, tag=VHOST_PACKS[VHOST]))
    assert status["packs"][ASSUMED]["assumed"] and status["packs"][ASSUMED]["tag"] == "3.4.1"
    text = _cli(env, "hub", "status").stdout
    assert f"{VHOST:<16} pack {VHOST_PACKS[VHOST]} · source {folder} · sha256 {official['checksum']}" in text
    assert any(line.lstrip().startswith(ASSUMED) and line.endswith("nom de vhost supposé")
               for line in text.splitlines())

"""The built wheel is a complete bench: installed into a fresh virtual environment outside the checkout,
it starts the hub, runs tier 1 against a reference vendor and serves the console — from that install only.

The install resolves the wheel's declared dependencies from the package index, as a user's would: with uv
(a dev dependency; pip takes ~60 s for the same install, uv ~4 s with a cold cache). Under CI it runs like
every broker test (RabbitMQ missing → failure, not a skip).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from support.hub import pick_free_ports, require_broker, write_hub_config
from support.processes import stop_group

from hubbench.home import PACK_SOURCE_ENV, BenchHome
from hubbench.hub.settings import HubSettings
from hubbench.resources import checkout_root, shared_packs

pytestmark = [pytest.mark.slow, pytest.mark.broker]
CLIENT_ID = "fr.health.samu440"


@dataclass(frozen=True)
class Installed:
    bin_dir: Path
    workdir: Path  # a temporary directory, never the checkout: commands run from here

    def env(self, home: Path) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
        packs = shared_packs()
        extra = {PACK_SOURCE_ENV: str(packs.resolve())} if packs is not None and packs.is_dir() else {}
        path = f"{self.bin_dir}{os.pathsep}{env['PATH']}"
        return {**env, **extra, "HUBBENCH_HOME": str(home), "PATH": path}

    def run(self, home: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(self.bin_dir / "hubbench"), *args], cwd=self.workdir, env=self.env(home),
                              capture_output=True, text=True, timeout=timeout, check=False,
                              stdin=subprocess.DEVNULL)

    def start(self, home: Path, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen([str(self.bin_dir / "hubbench"), *args], cwd=self.workdir, env=self.env(home),
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                stdin=subprocess.DEVNULL, start_new_session=True)


def _pip(python: Path | str, *args: str, cwd: Path) -> None:
    done = subprocess.run([str(python), "-m", "pip", "--disable-pip-version-check", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=1500, check=False)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]


@pytest.fixture(scope="session")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    root = checkout_root()
    assert root is not None, "the wheel is built from a checkout"
    work = tmp_path_factory.mktemp("wheel")
    _pip(sys.executable, "wheel", "--no-deps", "-q", "-w", str(work / "dist"),
         str(root), cwd=work)
    (wheel,) = (work / "dist").glob("hubbench-*.whl")
    subprocess.run([sys.executable, "-m", "venv", str(work / "venv")], check=True, timeout=300)
    uv = Path(sys.executable).with_name("uv")
    assert uv.exists(), f"uv absent de {uv.parent} (dépendance de développement)"
    done = subprocess.run([str(uv), "pip", "install", "-q", "--python", str(work / "venv" / "bin" / "python"),
                           str(wheel)], cwd=work, capture_output=True, text=True, timeout=900, check=False)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    return Installed(bin_dir=work / "venv" / "bin", workdir=work)


def _stop(process: subprocess.Popen[str]) -> str:
    """Ctrl-C for the whole process group, then a bounded wait; returns what it printed."""
    if process.poll() is None:
        stop_group(process, signal.SIGINT, 60)
    return process.stdout.read() if process.stdout else ""


def _wait_for_health(url: str, process: subprocess.Popen[str], limit_s: float = 120) -> int:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:
                return int(answer.status)
        except OSError:
            time.sleep(0.5)  # polling for evidence (the page), bounded by `limit_s`
    return 0


@pytest.fixture()
def home(tmp_path: Path, installed: Installed) -> Iterator[Path]:
    amqps, management, dist = pick_free_ports(3)
    write_hub_config(BenchHome(tmp_path),
                     HubSettings(amqps_port=amqps, management_port=management, dist_port=dist))
    yield tmp_path
    installed.run(tmp_path, "hub", "down")  # safety net when an assertion failed mid-way


def test_the_installed_wheel_is_a_whole_bench(installed: Installed, home: Path) -> None:
    require_broker()
    located = subprocess.run([str(installed.bin_dir / "python"), "-c",
                              "import hubbench.resources as r; print(r.ASSETS_ROOT, r.checkout_root())"],
                             cwd=installed.workdir, capture_output=True, text=True, check=True)
    assets_root, checkout = located.stdout.split()
    assert Path(assets_root).parts[-3:] == ("site-packages", "hubbench", "_assets") and checkout == "None"
    assert Path(assets_root).is_relative_to(installed.bin_dir.parent)

    version = installed.run(home, "--version")
    assert version.returncode == 0 and version.stdout.startswith("hubbench "), version.stderr

    up = installed.run(home, "hub", "up")
    assert up.returncode == 0, up.stderr
    added = installed.run(home, "clients", "add", CLIENT_ID, "--json")
    assert added.returncode == 0, added.stderr
    assert json.loads(added.stdout)

    vendor = installed.start(home, "sim", CLIENT_ID, "--profile", "conforme")
    try:
        run = installed.run(home, "run", "--vendor", "LRM de la roue", "--client-id", CLIENT_ID,
                            "--link", "15-15", "--tiers", "1", "--timeout", "60", timeout=600)
    finally:
        vendor_log = _stop(vendor)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:] + vendor_log[-2000:]

    port = pick_free_ports(1, 20000, 29999)[0]
    console = installed.start(home, "console", "--port", str(port))
    try:
        status = _wait_for_health(f"http://127.0.0.1:{port}/_stcore/health", console)
    finally:
        console_log = _stop(console)
    assert status == 200, console_log[-3000:]

    down = installed.run(home, "hub", "down")
    assert down.returncode == 0 and "Hub arrêté" in down.stdout, down.stderr

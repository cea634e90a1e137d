"""End to end: `hubbench console` served on 127.0.0.1, read in headless Debian Chromium."""

from __future__ import annotations

import os
import shutil
import signal
import ssl
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hub_support import pick_free_ports
from runs_fixture import NO_ACK_RULE, Filled

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-dev-shm-usage",
    "--disable-component-update",
    "--disable-sync",
]
HUBBENCH = [
    sys.executable,
    "-c",
    "import sys; from hubbench.cli import main; sys.argv[0] = 'hubbench'; main()",
]

pytestmark = pytest.mark.browser


def need_browser() -> None:
    missing = []
    if not (Path(CHROMIUM).exists() or shutil.which("chromium")):
        missing.append("chromium (apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("playwright (pip install playwright)")
    if missing:
        message = "navigateur absent : " + ", ".join(missing)
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


@contextmanager
def serving_console(
    args: list[str], url: str, log_path: Path, ssl_context: ssl.SSLContext | None = None
) -> Iterator[str]:
    """`hubbench console ARGS` in its own session until /_stcore/health answers at `url`; stopped after."""
    log = log_path.open("wb")
    proc = subprocess.Popen(
        [*HUBBENCH, "console", *args],
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        for _ in range(240):  # up to 60 s
            if proc.poll() is not None:
                pytest.fail(f"la console s'est arrêtée : {log_path.read_text()}")
            try:
                health = f"{url}/_stcore/health"
                with urllib.request.urlopen(health, timeout=2, context=ssl_context) as answer:
                    if answer.read() == b"ok":
                        break
            except OSError:
                time.sleep(0.25)
        else:
            pytest.fail("la console ne répond pas sur /_stcore/health après 60 s")
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=15)
        log.close()


@pytest.fixture
def console_url(filled: Filled, tmp_path: Path) -> Iterator[str]:
    need_browser()
    (port,) = pick_free_ports(1)  # outside the ephemeral range: no outgoing connection takes it meanwhile
    args = ["--port", str(port), "--db", filled.url, "--home", str(tmp_path / "home")]
    with serving_console(args, f"http://127.0.0.1:{port}", tmp_path / "console.log") as url:
        yield url


def test_matrix_and_drill_down_in_chromium(console_url: str, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        try:
            tab = browser.new_page(viewport={"width": 1500, "height": 1100})
            tab.goto(console_url, timeout=60_000)
            tab.get_by_role("heading", name="Matrice de conformité").wait_for(timeout=60_000)
            cell = tab.locator('td.hb-cell[data-vendor="Éditeur Sans Ack"][data-link="15-15"][data-tier="2"]')
            cell.wait_for(timeout=60_000)
            assert "hb-failed" in (cell.get_attribute("class") or "")
            assert cell.inner_text().split() == ["✘", "échoué"]
            assert cell.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(198, 40, 40)"
            passed = tab.locator('td.hb-cell[data-vendor="Éditeur Conforme"][data-tier="1"]').first
            assert "hb-passed" in (passed.get_attribute("class") or "")
            legend = tab.locator(".hb-legend").inner_text()
            assert "erreur du banc" in legend and "à attester" in legend
            tab.screenshot(path=str(tmp_path / "matrice.png"))

            cell.locator("a").click()
            tab.get_by_text(NO_ACK_RULE).first.wait_for(timeout=60_000)
            assert "Attendu :" in tab.locator("body").inner_text()
            tab.screenshot(path=str(tmp_path / "detail.png"))
        finally:
            browser.close()
    for name in ("matrice.png", "detail.png"):
        shot = tmp_path / name
        assert shot.read_bytes().startswith(b"\x89PNG") and shot.stat().st_size > 10_000

"""The console served by `hubbench console` in a process of its own, and headless Chromium to read it.
Without Chromium or Playwright, browser tests skip locally and FAIL under CI."""

from __future__ import annotations

import shutil
import ssl
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from support.ci import skip_or_fail
from support.processes import HUBBENCH, stop_group

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

def need_browser() -> None:
    """Skip (fail under CI) when Chromium or Playwright is missing."""
    missing = []
    if not (Path(CHROMIUM).exists() or shutil.which("chromium")):
        missing.append("chromium (apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("playwright (pip install playwright)")
    if missing:
        skip_or_fail("navigateur absent : " + ", ".join(missing))


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
        stop_group(proc)
        log.close()

"""In headless Chromium: the live page's « Passer à l'étape suivante » reaches the run's prompt API."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.browser import CHROMIUM, FLAGS
from support.prompt_api import FakeRun

from hubbench.engine.attestations import StepControl
from hubbench.engine.clock import Clock, poll_until

pytestmark = pytest.mark.browser


def test_skip_button_in_chromium(console_url: str, live: tuple[FakeRun, str],
                                 tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    fake, prompt_id = live
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        try:
            tab = browser.new_page(viewport={"width": 1400, "height": 1000})
            tab.goto(f"{console_url}/execution", timeout=60_000)
            tab.get_by_text("Cas « Cas A », étape 01").wait_for(timeout=60_000)
            name = tab.get_by_role("textbox", name="Votre nom (opérateur)")
            name.fill("Jeanne Martin")
            name.press("Enter")
            tab.get_by_role("button", name="Passer à l'étape suivante").click()
            tab.get_by_text("Étape passée").wait_for(timeout=60_000)
            tab.screenshot(path=str(tmp_path / "etape-passee.png"))
        finally:
            browser.close()
    chosen = poll_until(lambda: fake.feed.step_control(prompt_id), clock=Clock(), timeout=10, interval=0.1)
    assert chosen == (StepControl.SKIP, "Jeanne Martin")

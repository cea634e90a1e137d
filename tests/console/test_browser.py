"""End to end: `hubbench console` served on 127.0.0.1, read in headless Debian Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest
from runs_fixture import NO_ACK_RULE
from support.browser import CHROMIUM, FLAGS

pytestmark = pytest.mark.browser


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

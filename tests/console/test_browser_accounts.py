"""A console served for a session (`hubbench console --listen`, HTTPS, accounts), read in headless
Chromium: a vendor sees only itself and can neither attest nor force; an evaluator attests and an
administrator forces, each recorded under the logged-in name."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from runs_fixture import CONFORME, ENVELOPPE, NO_ACK_RULE, SANS_ACK, populate
from sqlalchemy import select
from support.browser import CHROMIUM, FLAGS, need_browser, serving_console
from support.hub import pick_free_ports

from hubbench.hub.pki import Pki
from hubbench.results.accounts import AccountStore, Role
from hubbench.results.models import Attestation, Override

pytestmark = pytest.mark.browser
PASSWORD = "mot de passe de session"
OTHERS = (CONFORME[0], CONFORME[1], ENVELOPPE[0], ENVELOPPE[1], "run-conforme", "run-enveloppe")


@pytest.fixture(scope="module")
def session_console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, AccountStore]]:
    need_browser()
    folder = tmp_path_factory.mktemp("session")
    home = folder / "home"
    url = f"sqlite:///{folder / 'results.db'}"
    populate(url)
    accounts = AccountStore(url)
    accounts.add("sans-ack", Role.VENDOR, PASSWORD, vendor=SANS_ACK[0])
    accounts.add("inès", Role.EVALUATOR, PASSWORD)
    accounts.add("ans", Role.ADMIN, PASSWORD)
    (port,) = pick_free_ports(1)  # outside the ephemeral range
    args = ["--listen", "127.0.0.1", "--port", str(port), "--db", url, "--home", str(home)]
    # the served certificate is the bench CA's, valid for the listen address (checked by name here)
    pki = Pki(home / "pki")
    pki.ensure_ca()
    trusted = ssl.create_default_context(cafile=str(pki.ca_cert_path))
    with serving_console(args, f"https://127.0.0.1:{port}", folder / "console.log", trusted) as served:
        yield served, accounts


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    need_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        launched = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield launched
        launched.close()


def logged_in(browser: Any, url: str, name: str, *, wrong_first: bool = False) -> Any:
    """A fresh browser context (Chromium does not know the bench's CA: the chain is checked above)."""
    context = browser.new_context(ignore_https_errors=True, viewport={"width": 1500, "height": 1100})
    tab = context.new_page()
    tab.goto(url, timeout=60_000)
    tab.get_by_role("heading", name="Connexion à la console hubbench").wait_for(timeout=60_000)
    tab.get_by_label("Nom du compte").fill(name)
    if wrong_first:
        tab.get_by_label("Mot de passe").fill(PASSWORD + "?")
        tab.get_by_role("button", name="Se connecter").click()
        tab.get_by_text("Nom de compte ou mot de passe incorrect.").wait_for(timeout=60_000)
    assert tab.get_by_role("heading", name="Matrice de conformité").count() == 0
    tab.get_by_label("Mot de passe").fill(PASSWORD)
    tab.get_by_role("button", name="Se connecter").click()
    tab.get_by_role("heading", name="Matrice de conformité").wait_for(timeout=60_000)
    return tab


def open_page(tab: Any, title: str, marker: str) -> str:
    """Follow the sidebar link (a reload would open a new, logged-out session), wait for `marker`."""
    tab.get_by_role("link", name=title).click()
    tab.get_by_text(marker).first.wait_for(timeout=60_000)
    return str(tab.locator("body").inner_text())


def test_a_page_address_without_log_in_shows_the_log_in_form(
    session_console: tuple[str, AccountStore], browser: Any
) -> None:
    url, _ = session_console
    tab = browser.new_context(ignore_https_errors=True).new_page()
    tab.goto(f"{url}/detail?run=run-conforme", timeout=60_000)
    tab.get_by_role("heading", name="Connexion à la console hubbench").wait_for(timeout=60_000)
    text = tab.locator("body").inner_text()
    assert "Détail d'une exécution" not in text and CONFORME[0] not in text


def test_a_vendor_sees_only_itself(session_console: tuple[str, AccountStore], browser: Any) -> None:
    url, _ = session_console
    tab = logged_in(browser, url, "sans-ack")
    tab.locator(f'td.hb-cell[data-vendor="{SANS_ACK[0]}"]').first.wait_for(timeout=60_000)
    assert tab.locator(f'td.hb-cell:not([data-vendor="{SANS_ACK[0]}"])').count() == 0
    pages = [str(tab.locator("body").inner_text())]
    pages.append(open_page(tab, "Détail d'une exécution", NO_ACK_RULE))
    text = open_page(tab, "Attestations et forçages", "Le forçage d'un verdict est réservé")
    assert "renseignées par un évaluateur ou un administrateur" in text
    assert tab.get_by_role("button", name="Enregistrer l'attestation").count() == 0
    assert tab.get_by_role("button", name="Forcer le verdict").count() == 0
    pages.append(text)
    pages.append(open_page(tab, "Exécutions en direct", "Lancer une exécution"))
    launcher_vendor = tab.get_by_role("textbox", name="Éditeur", exact=True)
    assert launcher_vendor.is_disabled() and launcher_vendor.input_value() == SANS_ACK[0]
    pages.append(open_page(tab, "Certificats et exports", "Télécharger le certificat (PDF)"))
    with tab.expect_download(timeout=60_000) as download:
        tab.get_by_role("button", name="JUnit XML").click()
    assert download.value.suggested_filename == "run-sans-ack-junit.xml"
    exported = Path(download.value.path()).read_text(encoding="utf-8")
    pages.append(exported)
    for page in pages:
        assert SANS_ACK[0] in page or "run-sans-ack" in page
        leaked = [other for other in OTHERS if other in page]
        assert not leaked, leaked
    assert "Connecté : sans-ack (éditeur de Éditeur Sans Ack)" in pages[0]


def _names(accounts: AccountStore, column: Any) -> list[str]:
    with accounts.db.reading() as session:
        return [name for name in session.scalars(select(column)) if name]


def test_an_evaluator_attests_under_its_own_name(
    session_console: tuple[str, AccountStore], browser: Any
) -> None:
    url, accounts = session_console
    tab = logged_in(browser, url, "inès")
    open_page(tab, "Attestations et forçages", "Les valeurs de l'affaire s'affichent")
    assert tab.get_by_label("Attesté par (nom)").count() == 0  # no free-typed name
    assert tab.get_by_role("button", name="Forcer le verdict").count() == 0
    for index in range(2):
        tab.get_by_text("valide", exact=True).nth(index).click()
    tab.get_by_role("button", name="Enregistrer l'attestation").click()
    tab.get_by_text("Attestation enregistrée").wait_for(timeout=60_000)
    assert _names(accounts, Attestation.answered_by) == ["inès"]


def test_an_administrator_forces_under_its_own_name(
    session_console: tuple[str, AccountStore], browser: Any
) -> None:
    url, accounts = session_console
    tab = logged_in(browser, url, "ans", wrong_first=True)
    open_page(tab, "Attestations et forçages", "Forcer un verdict (administrateur)")
    assert tab.get_by_label("Administrateur (nom)").count() == 0
    tab.get_by_label("Commentaire (obligatoire)").fill("revu en séance ANS")
    tab.get_by_role("button", name="Forcer le verdict").click()
    tab.get_by_text("Verdict forcé à").first.wait_for(timeout=60_000)
    assert _names(accounts, Override.who) == ["ans"]

"""The live page offers « Renvoyer l'étape » / « Passer à l'étape suivante » on an official case step's
open prompt and sends the choice to the run's prompt API (found through the bench home's discovery file)."""

from __future__ import annotations

from console_pages import page
from runs_fixture import Filled
from streamlit.testing.v1 import AppTest
from support.prompt_api import FakeRun

from hubbench.engine.attestations import StepControl


def _button(at: AppTest, label: str) -> object:
    return next(b for b in at.button if b.label == label)


def test_skip_on_the_live_page_reaches_the_run(live: tuple[FakeRun, str]) -> None:
    fake, prompt_id = live
    at = page("execution")
    assert {"Envoyez un message vide", "Cas « Cas A », étape 01 : envoyez RS-EDA"} <= {
        w.value.split(" : ", 1)[1] for w in at.warning if w.value.startswith("**Consigne")}
    labels = [b.label for b in at.button]  # the official step's prompt only offers them
    assert labels.count("Renvoyer l'étape") == labels.count("Passer à l'étape suivante") == 1, labels
    _button(at, "Passer à l'étape suivante").click().run()  # type: ignore[attr-defined]
    assert any("Indiquez votre nom" in e.value for e in at.error)  # who chose is recorded: asked first
    assert fake.feed.step_control(prompt_id) is None
    at.text_input(key="x_by").input("Jeanne Martin").run()
    _button(at, "Passer à l'étape suivante").click().run()  # type: ignore[attr-defined]
    assert any("Étape passée" in s.value for s in at.success), [e.value for e in at.error]
    assert fake.feed.step_control(prompt_id) == (StepControl.SKIP, "Jeanne Martin")
    _button(at, "Renvoyer l'étape").click().run()  # type: ignore[attr-defined]
    assert any("refusé par l'exécution" in e.value for e in at.error)  # one choice per prompt


def test_a_logged_in_account_chooses_under_its_own_name(filled: Filled) -> None:
    from bench_app.data import ConsoleData
    from hubbench.results.accounts import Account, Role

    vendor = ConsoleData(filled.url).for_account(Account("testeur-x", Role.VENDOR, "Éditeur Cas"))
    assert vendor.step_chooser("Quelqu'un d'autre") == "testeur-x"  # never a typed name
    assert ConsoleData(filled.url).step_chooser("Jeanne") == "Jeanne"  # single-user console

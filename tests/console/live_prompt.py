"""A running official-case run with an open step prompt, in the results database and in its prompt API
(fixture `live`, registered by conftest): what the live page's step controls act on."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from runs_fixture import Filled
from support.prompt_api import FakeRun

from hubbench import events as ev
from hubbench.results.store import ResultsStore

RUN_ID, CLIENT, VHOST = "run-cas-officiel", "fr.health.samu771", "15-15_v1.5"
SID = "cas-officiels.feature::Cas officiel Cas A"


@pytest.fixture
def live(filled: Filled, tmp_path: Path) -> Iterator[tuple[FakeRun, str]]:
    """A running run with an open official step prompt (in the database and in its prompt API) and an
    open prompt of another kind."""
    fake = FakeRun(tmp_path / "home", CLIENT, VHOST, RUN_ID)  # the console's home (conftest)
    prompt_id = fake.show("send_official_step", deadline_in_s=3600, test_case="Cas A", step_id="01")
    store = ResultsStore(filled.url)
    now = ev.utcnow()
    store(ev.RunStarted(run_id=RUN_ID, vendor="Éditeur Cas", client_id=CLIENT, link="15-15", vhost=VHOST,
                        tiers=(6,), pack_tag="1.3.0", bench_version="0.1.0"))
    store(ev.ScenarioStarted(run_id=RUN_ID, scenario_id=SID, feature="cas-officiels.feature",
                             name="Cas officiel Cas A", tier=6, link="15-15"))
    store(ev.PromptShown(run_id=RUN_ID, scenario_id=SID, prompt_id=prompt_id, actor=CLIENT,
                         action="send_official_step", instruction="Cas « Cas A », étape 01 : envoyez RS-EDA",
                         parameters={"test_case": "Cas A", "step_id": "01"},
                         deadline=now + timedelta(seconds=3600), at=now))
    store(ev.PromptShown(run_id=RUN_ID, scenario_id=SID, prompt_id=f"{RUN_ID}-autre", actor=CLIENT,
                         action="send_message", instruction="Envoyez un message vide",
                         parameters={}, deadline=now + timedelta(seconds=3600), at=now))
    store.close()
    try:
        yield fake, prompt_id
    finally:
        fake.close()

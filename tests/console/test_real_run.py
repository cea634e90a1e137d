"""The console on a database filled by real runs: the hub (TLS node + dispatcher), two reference
vendors (`conforme`, `sans-ack`) and `hubbench run` started through the console's own launcher."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from console_pages import matrix_cells, page
from support.hub import HubFixture
from support.runs import start_vendor

from bench_app.data import ConsoleData
from bench_app.launcher import LaunchedRun, RunRequest, log_tail, start_run
from hubbench.home import DB_URL_ENV

pytestmark = pytest.mark.broker
LINK, VHOST, RUN_LIMIT_S = "15-15", "15-15_v1.5", 300
VENDORS = {"conforme": "Console Réf Conforme", "sans-ack": "Console Réf Sans Ack"}


def _wait(launched: LaunchedRun) -> int:
    deadline = time.monotonic() + RUN_LIMIT_S
    while launched.exit_code is None and time.monotonic() < deadline:
        time.sleep(0.5)
    if launched.exit_code is None:
        launched.process.kill()
        launched.process.wait(timeout=15)
        pytest.fail(f"exécution non terminée en {RUN_LIMIT_S} s :\n{log_tail(launched.log_file)}")
    return int(launched.exit_code)


@pytest.fixture(scope="module")
def real_runs(live_hub: HubFixture) -> Iterator[dict[str, Any]]:
    home = live_hub.home
    ids = {profile: f"fr.health.samuc{uuid.uuid4().hex[:4]}" for profile in VENDORS}  # DST 1.2 §3.4.2
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv(DB_URL_ENV, raising=False)  # runs, vendors and dispatcher share the home's database
        sims = [start_vendor(live_hub, client_id, profile, VHOST) for profile, client_id in ids.items()]
        try:
            launched = {
                profile: start_run(
                    RunRequest(VENDORS[profile], ids[profile], LINK, tiers="1-3", fast=True, timeout_s=90),
                    db_url=home.db_url,
                    home=home,
                )
                for profile in VENDORS
            }
            codes = {profile: _wait(item) for profile, item in launched.items()}
            patch.setenv(DB_URL_ENV, home.db_url)  # the console pages read the same database
            yield {"codes": codes, "ids": ids, "url": home.db_url, "logs": launched}
        finally:
            for sim in sims:
                sim.stop()


def test_runs_started_from_the_console_finish(real_runs: dict[str, Any]) -> None:
    codes, logs = real_runs["codes"], real_runs["logs"]
    assert codes["conforme"] == 0, log_tail(logs["conforme"].log_file)
    assert codes["sans-ack"] == 1, log_tail(logs["sans-ack"].log_file)


def test_matrix_of_real_runs(real_runs: dict[str, Any]) -> None:
    cells = matrix_cells(page("matrice"))
    good = {t: cells[(VENDORS["conforme"], LINK, t)] for t in (1, 2, 3)}
    assert set(good.values()) <= {"passed", "pending_attestation"} and "passed" in good.values(), good
    bad = {t: cells[(VENDORS["sans-ack"], LINK, t)] for t in (1, 2, 3)}
    assert bad[2] == "failed", bad
    assert cells[(VENDORS["conforme"], LINK, 7)] == "not_run"


def test_drill_down_of_a_real_failure(real_runs: dict[str, Any]) -> None:
    data = ConsoleData(real_runs["url"])
    run = data.runs(vendor=VENDORS["sans-ack"], limit=1)[0]
    at = page("detail", run=run.run_id, tier="2")
    failures = [e.value for e in at.error if "**Règle :**" in e.value]
    assert failures and all("**Attendu :**" in f and "**Reçu :**" in f for f in failures), failures
    assert any("Palier 2" in f for f in failures)
    detail = data.run_detail(run.run_id)
    assert detail is not None
    for scenario in detail.scenarios:  # every failure has its check row: rule, expected, received
        for step in scenario.steps:
            if step.verdict is not None and step.verdict.counts_as_failure:
                bad = [c for c in step.checks if c.verdict.counts_as_failure]
                assert bad and all(c.rule and c.expected and c.received for c in bad), (scenario.name, step)
    events = set(at.dataframe[0].value["Événement"])
    assert "envoyé par le banc" in events and "acheminé par le hub" in events, events

"""The conforming reference vendor passes tiers 1–7 on the vhosts of every model line, with no
"erreur du banc" (issue 12).

The default (1.x-line) vhosts are run by test_functional_matrix.py (tiers 1–7 for `conforme`); this module
runs the other lines' vhosts of `DEFAULT_VHOSTS` (2.x: 15-15_v2.0, 15-smur_v1.6, 15-nexsis_v1.9; assumed
3.x: 15-15_v2.1, 15-smur_v1.7), all at once (one `run_one.py` process per vhost, each with its own client
and partner ids, `Timeouts.fast()`), against the session's node and its dispatcher, as the demo does.
Every scenario must be réussi, à attester (a person's part) or non applicable with its reason.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from matrix_support import collect, partner_for, summary, table

from hubbench.campaigns.demo import pack_source_env
from hubbench.engine.links import LINKS
from hubbench.events import Verdict
from hubbench.home import HOME_ENV, PACK_SOURCE_ENV
from hubbench.hub.clients import ClientRegistry
from hubbench.hub.settings import DEFAULT_VHOSTS
from hubbench.hub.supervision import dispatcher_health, start_dispatcher, stop_dispatcher
from hubbench.sim.functional import link_of_vhost
from hubbench.sim.launch import VendorThread, build_vendor
from hubbench.sim.profiles import PROFILES

RUN_ONE = Path(__file__).with_name("run_one.py")
TIERS = "1-7"
ACCEPTED = {Verdict.PASSED, Verdict.PENDING_ATTESTATION, Verdict.NOT_APPLICABLE}
DEFAULT_LINE = {link.default_vhost for link in LINKS.values()}  # run by test_functional_matrix.py
OTHER_LINES = tuple(vhost for vhost in DEFAULT_VHOSTS if vhost not in DEFAULT_LINE)
CLIENT_IDS = {vhost: f"fr.health.samu86{i}" for i, vhost in enumerate(OTHER_LINES)}

pytestmark = pytest.mark.broker


@pytest.fixture(scope="module")
def runs(hub_node: Any) -> Iterator[dict[str, dict[str, Any]]]:
    home, settings = hub_node.home, hub_node.settings
    env = {**pack_source_env(), HOME_ENV: str(home.root)}
    already_running = dispatcher_health(home).get("running", False)
    registry = ClientRegistry(home, settings)
    sims: list[VendorThread] = []
    with pytest.MonkeyPatch.context() as patch:
        if env.get(PACK_SOURCE_ENV):
            patch.setenv(PACK_SOURCE_ENV, env[PACK_SOURCE_ENV])  # the simulators load the vhost's pack
        start_dispatcher(home, settings)
        try:
            for vhost, client_id in CLIENT_IDS.items():
                registry.add(client_id, vhosts=[vhost], editor="hubbench-tests")
                sims.append(VendorThread(build_vendor(home, client_id, PROFILES["conforme"], vhost=vhost,
                                                      settings=settings)).start())
            started = time.monotonic()
            processes = {
                vhost: subprocess.Popen(
                    [sys.executable, str(RUN_ONE), f"ref-vhost-{vhost}", client_id, link, TIERS,
                     partner_for(client_id, link), "--vhost", vhost],
                    env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                for vhost, client_id in CLIENT_IDS.items()
                for link in (link_of_vhost(vhost),)
            }
            results = {vhost: collect(process) for vhost, process in processes.items()}
            for vhost, sim in zip(CLIENT_IDS, sims, strict=True):
                results[vhost]["sim_log"] = [entry.text for entry in sim.vendor.log][-25:]
                results[vhost]["sim_error"] = repr(sim.error) if sim.error else None
            print(f"\nconforme sur chaque vhost : {len(CLIENT_IDS)} campagnes (paliers {TIERS}) en "
                  f"{time.monotonic() - started:.0f} s")
            for vhost, result in results.items():
                print(f"  {vhost:<16} {summary(result)}")
                for s in result["scenarios"]:
                    if Verdict(s["verdict"]) is Verdict.NOT_APPLICABLE:
                        print(f"    non applicable : P{s['tier']} {s['name']} — {s['detail'][:160]}")
            yield results
        finally:
            for sim in sims:
                sim.stop()
            if not already_running:
                stop_dispatcher(home)


def test_every_line_of_every_link_is_run() -> None:
    assert {link_of_vhost(vhost) for vhost in OTHER_LINES} == set(LINKS)
    assert set(OTHER_LINES) | DEFAULT_LINE == set(DEFAULT_VHOSTS)


@pytest.mark.parametrize("vhost", OTHER_LINES)
def test_conforme_passes_tiers_1_to_7_with_no_bench_error(runs: dict[str, dict[str, Any]],
                                                          vhost: str) -> None:
    result = runs[vhost]
    scenarios = result["scenarios"]
    assert scenarios, table(result)
    assert {s["tier"] for s in scenarios} == set(range(1, 8)), table(result)
    assert not [s for s in scenarios if Verdict(s["verdict"]) is Verdict.ERROR], table(result)
    assert all(Verdict(s["verdict"]) in ACCEPTED for s in scenarios), table(result)
    assert all(s["detail"].strip() for s in scenarios
               if Verdict(s["verdict"]) is Verdict.NOT_APPLICABLE), table(result)  # each says why
    assert sum(Verdict(s["verdict"]) is Verdict.PASSED for s in scenarios) >= 15, table(result)

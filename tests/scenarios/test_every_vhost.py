"""The conforming reference vendor passes tiers 1–7 on the vhosts of every model line, with no
"erreur du banc" (issue 12).

The default (1.x-line) vhosts are run by test_functional_matrix.py (tiers 1–7 for `conforme`); this module
runs the other lines' vhosts of `DEFAULT_VHOSTS` (2.x: 15-15_v2.0, 15-smur_v1.6, 15-nexsis_v1.9; assumed
3.x: 15-15_v2.1, 15-smur_v1.7), all at once (one engine process per vhost, tests/support/runs.py, each
with its own client and partner ids, `Timeouts.fast()`), against the session's node and its dispatcher,
as the demo does.
Every scenario must be réussi, à attester (a person's part) or non applicable with its reason.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from support.dispatcher import process_env
from support.hub import HubFixture
from support.runs import collect, partner_for, start_run, start_vendor, summary, table, with_vendor_log

from hubbench.engine.links import LINKS
from hubbench.events import Verdict
from hubbench.hub.settings import DEFAULT_VHOSTS
from hubbench.sim.functional import link_of_vhost
from hubbench.sim.launch import VendorThread

RUN_LIMIT_S = 420
TIERS = "1-7"
ACCEPTED = {Verdict.PASSED, Verdict.PENDING_ATTESTATION, Verdict.NOT_APPLICABLE}
DEFAULT_LINE = {link.default_vhost for link in LINKS.values()}  # run by test_functional_matrix.py
OTHER_LINES = tuple(vhost for vhost in DEFAULT_VHOSTS if vhost not in DEFAULT_LINE)
CLIENT_IDS = {vhost: f"fr.health.samu86{i}" for i, vhost in enumerate(OTHER_LINES)}

pytestmark = pytest.mark.broker


@pytest.fixture(scope="module")
def runs(live_hub: HubFixture) -> Iterator[dict[str, dict[str, Any]]]:
    sims: dict[str, VendorThread] = {}
    try:
        for vhost, client_id in CLIENT_IDS.items():
            sims[vhost] = start_vendor(live_hub, client_id, "conforme", vhost)
        started = time.monotonic()
        processes = {vhost: start_run(process_env(live_hub), f"ref-vhost-{vhost}", client_id, link, TIERS,
                                      vhost=vhost, partner=partner_for(client_id, link))
                     for vhost, client_id in CLIENT_IDS.items() for link in (link_of_vhost(vhost),)}
        results = {vhost: with_vendor_log(collect(process, RUN_LIMIT_S), sims[vhost])
                   for vhost, process in processes.items()}
        print(f"\nconforme sur chaque vhost : {len(CLIENT_IDS)} campagnes (paliers {TIERS}) en "
              f"{time.monotonic() - started:.0f} s")
        for vhost, result in results.items():
            print(f"  {vhost:<16} {summary(result)}")
            for s in result["scenarios"]:
                if Verdict(s["verdict"]) is Verdict.NOT_APPLICABLE:
                    print(f"    non applicable : P{s['tier']} {s['name']} — {s['detail'][:160]}")
        yield results
    finally:
        for sim in sims.values():
            sim.stop()


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

"""Verdict matrix of the 15-GPS link on the real hub (TLS): the reference vendors against the engine.

`conforme` (a GPS vendor in both roles: position sender and requester) runs tiers 1–7 on 15-gps_v1.0
(1.x line): tiers 1–5 pass, tiers 6–7 are « non applicable » with the link's reason (the 3.x line's
15-gps_v1.3 is run by test_every_vhost.py). Each GPS fault profile runs tiers 1–5 on 15-gps_v1.0 and
fails scenarios of its own tier only. All runs go at once (one engine process each, own vendor and
partner ids, `Timeouts.fast()`) against the session's node and its dispatcher.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support.dispatcher import process_env
from support.hub import HubFixture
from support.prompt_api import opened_prompts
from support.runs import collect_all, failed_exactly, failures, start_run, start_vendor, table

from hubbench.events import Verdict
from hubbench.sim.launch import VendorThread
from hubbench.sim.profiles import PROFILES

RUN_LIMIT_S = 300
GPS = "15-GPS"
# (run name, profile, vhost, tiers)
CONFORME = "conforme 15-gps_v1.0"
RUNS: tuple[tuple[str, str, str, str], ...] = (
    (CONFORME, "conforme", "15-gps_v1.0", "1-7"),
    *((name, name, "15-gps_v1.0", "1-5") for name, p in PROFILES.items() if p.link == GPS),
)
CLIENT_IDS = {name: f"fr.health.samu{620 + i}" for i, (name, *_) in enumerate(RUNS)}
PARTNER_IDS = {name: f"fr.health.samuG{620 + i}" for i, (name, *_) in enumerate(RUNS)}

# The scenarios (fragments of their French names) each GPS fault must fail, and only those.
EXPECTED_FAILURES: dict[str, tuple[str, ...]] = {
    "geo-sans-rc-ref": ("Réception des positions GEO-POS", "Réception d'une demande GEO-REQ",
                        "Réception des détails GEO-RES"),
    "position-sans-horodatage": ("Positions GEO-POS envoyées",),
    "coordonnees-micro-degres": ("Positions GEO-POS envoyées",),
    "geo-req-repondu-par-positions": ("Réponse GEO-RES à une demande GEO-REQ",),
    "geo-res-incomplet": ("Réponse GEO-RES à une demande GEO-REQ",),
}

pytestmark = pytest.mark.broker


@pytest.fixture(scope="module")
def runs(live_hub: HubFixture,
         tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, dict[str, Any]]]:
    sims: dict[str, VendorThread] = {}
    stream = tmp_path_factory.mktemp("invites-gps") / "conforme.jsonl"
    try:
        for name, profile, vhost, _ in RUNS:
            sims[name] = start_vendor(live_hub, CLIENT_IDS[name], profile, vhost)
        started = time.monotonic()
        processes = {name: start_run(process_env(live_hub), f"ref-gps-{name}", CLIENT_IDS[name], GPS, tiers,
                                     vhost=vhost, partner=PARTNER_IDS[name],
                                     prompts_jsonl=stream if name == CONFORME else None)
                     for name, _, vhost, tiers in RUNS}
        results = collect_all(processes, sims, "matrice 15-GPS", started, limit_s=RUN_LIMIT_S)
        results[CONFORME]["prompt_stream"] = stream
        yield results
    finally:
        for sim in sims.values():
            sim.stop()


@pytest.mark.parametrize("name", [name for name, profile, *_ in RUNS if profile == "conforme"])
def test_conforme_passes_tiers_1_to_5_and_6_7_are_not_applicable(runs: dict[str, dict[str, Any]],
                                                                   name: str) -> None:
    result = runs[name]
    scenarios = result["scenarios"]
    assert {s["tier"] for s in scenarios} == set(range(1, 8)), table(result)
    assert not failures(result), table(result)
    for tier in (4, 5):  # the GPS scenarios of both roles ran and passed
        gps = [s for s in scenarios if s["tier"] == tier and "GEO" in s["name"]]
        assert len(gps) == 3 and all(Verdict(s["verdict"]) is Verdict.PASSED for s in gps), table(result)
    for tier in (6, 7):
        (only,) = [s for s in scenarios if s["tier"] == tier]
        assert Verdict(only["verdict"]) is Verdict.NOT_APPLICABLE, table(result)
        assert "15-GPS" in only["detail"] and "sans objet" in only["detail"], table(result)
    lrm = [s for s in scenarios if s["tier"] in (4, 5) and "GEO" not in s["name"]]
    assert not lrm, table(result)  # no LRM scenario (shared case) on 15-GPS


@pytest.mark.parametrize("profile", sorted(EXPECTED_FAILURES))
def test_gps_fault_fails_exactly_its_scenarios_on_its_tier(runs: dict[str, dict[str, Any]],
                                                           profile: str) -> None:
    result = runs[profile]  # a missing RC-REF is « délai dépassé », a wrong message « échoué »
    failed_exactly(result, profile, EXPECTED_FAILURES[profile])
    assert {1, 2, 3} <= {s["tier"] for s in result["scenarios"]}, table(result)  # tiers 1–3 ran, passed


def test_every_gps_fault_is_in_the_matrix() -> None:
    assert {n for n, p in PROFILES.items() if p.is_fault and p.link == GPS} == set(EXPECTED_FAILURES)


def test_the_gps_prompts_are_valid_against_the_prompt_schema(runs: dict[str, dict[str, Any]]) -> None:
    """The three GPS actions, streamed by the conforming run (`--prompts-jsonl`), match
    schemas/prompt.schema.json (link 15-GPS, `expected.resource_ids`)."""
    stream: Path = runs[CONFORME]["prompt_stream"]
    lines = stream.read_text(encoding="utf-8").splitlines() if stream.exists() else []
    opened = opened_prompts([json.loads(line) for line in lines], CONFORME)
    gps = {p["action"]: p for p in opened if p["action"].startswith(("send_geo", "answer_geo"))}
    assert set(gps) == {"send_geo_positions", "send_geo_request", "answer_geo_request"}
    assert {p["link"] for p in gps.values()} == {"15-GPS"}
    assert gps["answer_geo_request"]["expected"]["resource_ids"]
    assert gps["send_geo_request"]["message_kind"] == "geoResourcesRequest"

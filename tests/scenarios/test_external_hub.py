"""External-hub mode (`hubbench run --hub …`) against a second hub treated as external.

The external hub is the test session's node and dispatcher (`live_hub`), in its own home: the vendor and
the bench's partner are registered there, as an operator of ANS's acceptance hub would register them.
The run has a separate bench home and results database, no node of its own, and only the partner's
certificate, key and the hub's CA: no access to that hub's trace, database or management API. The
reference vendor `conforme` (a client of the external hub) takes its prompts from the run's prompt API.
Tiers 1–7 on 15-15: what a partner observes is judged as on the local hub; what only the hub's operator
sees is « non vérifiable à distance », listed in the JSON and JUnit reports and on the console output.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any

import pytest
from support.dispatcher import process_env, run_environment
from support.hub import HubFixture

from hubbench.events import Verdict
from hubbench.home import DB_URL_ENV, HOME_ENV, BenchHome
from hubbench.sim.launch import VendorThread, build_vendor
from hubbench.sim.profiles import PROFILES

LINK, VHOST = "15-15", "15-15_v1.5"
VENDOR, PARTNER = "fr.health.samu870", "fr.health.samuR870"
RUN_LIMIT_S = 600
# Scenarios (fragments of their names) a partner cannot judge: their evidence is the hub's own.
HUB_SIDE = ("Connexion TLS", "Consommation des trois files", "Reconnexion automatique",
            "Aucune tentative de configuration", "Les messages reçus sont acquittés", "Message persistant",
            "Type de contenu et corps JSON", "Émetteur égal à la clé de routage",
            "Refus d'un faux hub au certificat d'un autre nom")  # signed by the hub's CA: not the bench's
# Scenarios a partner judges by itself, as on the local hub.
PARTNER_SIDE = ("Acquittement de réception finale (RC-REF)", "Pas d'acquittement d'un acquittement",
                "Identifiant de distribution préfixé par l'émetteur", "Destinataire et dates",
                "Identifiants de distribution jamais réutilisés", "Enveloppe EDXL-DE conforme au schéma",
                "Refus d'un faux hub au certificat d'une autre autorité")

pytestmark = pytest.mark.broker


@pytest.fixture(scope="module")
def external_run(live_hub: HubFixture, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    hub_home, settings = live_hub.home, live_hub.settings
    bench = BenchHome(tmp_path_factory.mktemp("banc-distant")).ensure()
    work = tmp_path_factory.mktemp("rapports-distant")
    for client_id in (VENDOR, PARTNER):
        live_hub.registry.add(client_id, vhosts=[VHOST], editor="hubbench-tests")
    partner = live_hub.pki.credentials(PARTNER)
    env = {key: value for key, value in process_env(live_hub).items() if key != DB_URL_ENV}
    env[HOME_ENV] = str(bench.root)  # the run's own home and database, not the external hub's
    with run_environment(live_hub):  # the simulator loads the vhost's pack
        vendor = build_vendor(hub_home, VENDOR, PROFILES["conforme"], vhost=VHOST, settings=settings,
                              prompts_home=bench)
        sim = VendorThread(vendor).start()
        try:
            process = subprocess.run(
                [sys.executable, "-c", "from hubbench.cli import main; main()", "run",
                 "--vendor", "conforme via un hub externe", "--client-id", VENDOR, "--link", LINK,
                 "--tiers", "1-7", "--fast", "--timeout", "90",
                 "--hub", f"amqps://{settings.host}:{settings.amqps_port}/{VHOST}",
                 "--partner-cert", str(partner.cert), "--partner-key", str(partner.key),
                 "--ca", str(partner.ca),
                 "--hub-server-name", settings.server_hostname,
                 "--json", str(work / "rapport.json"), "--junit", str(work / "rapport.xml")],
                env=env, capture_output=True, text=True, timeout=RUN_LIMIT_S, check=False)
            report_path = work / "rapport.json"
            report = json.loads(report_path.read_text(encoding="utf-8")) if report_path.exists() else {}
            yield {"code": process.returncode, "stderr": process.stderr, "report": report,
                   "junit": work / "rapport.xml", "bench": bench,
                   "sim_log": [entry.text for entry in sim.vendor.log][-25:]}
        finally:
            sim.stop()


def _table(result: dict[str, Any]) -> str:
    rows = [f"  P{s['tier']} {s['verdict']:<20} {s['name']}" for s in result["report"].get("scenarios", [])]
    log = "\n".join(f"  | {line}" for line in result["sim_log"])
    return "\n".join(rows) + f"\n  run (fin) : {result['stderr'][-2500:]}\n  vendeur :\n{log}"


def _verdict(result: dict[str, Any], fragment: str) -> Verdict:
    (verdict,) = [Verdict(s["verdict"]) for s in result["report"]["scenarios"] if fragment in s["name"]]
    return verdict


def test_tiers_1_to_7_run_through_the_external_hub(external_run: dict[str, Any]) -> None:
    scenarios = external_run["report"].get("scenarios", [])
    assert {s["tier"] for s in scenarios} == set(range(1, 8)), _table(external_run)
    assert external_run["code"] == 0, _table(external_run)  # nothing failed, errored or timed out
    for fragment in PARTNER_SIDE:
        assert _verdict(external_run, fragment) is Verdict.PASSED, _table(external_run)
    functional = [Verdict(s["verdict"]) for s in scenarios if s["tier"] in (4, 5, 6)]
    assert sum(v is Verdict.PASSED for v in functional) >= 8, _table(external_run)


def test_hub_side_checks_are_unverifiable_remotely_never_passed(external_run: dict[str, Any]) -> None:
    report = external_run["report"]
    for fragment in HUB_SIDE:
        assert _verdict(external_run, fragment) is Verdict.UNVERIFIABLE_REMOTE, _table(external_run)
    listed = report["remote_unverifiable"]
    unverifiable = {s["scenario_id"] for s in report["scenarios"] if s["verdict"] == "unverifiable_remote"}
    assert unverifiable and {c["scenario_id"] for c in listed} == unverifiable, _table(external_run)
    assert all(c["needs"].startswith("preuve tirée de") and "à distance" in c["reason"]
               for c in listed), listed
    junit = ET.parse(external_run["junit"]).getroot()
    skipped = [e for e in junit.iter("skipped") if e.get("message") == "non vérifiable à distance"]
    assert len(skipped) == len(unverifiable)
    assert all("Non vérifiable à distance" in (e.text or "") for e in skipped)
    assert "non vérifiable à distance" in external_run["stderr"]  # the console output lists them


def test_the_run_has_no_access_to_the_external_hubs_side(external_run: dict[str, Any]) -> None:
    bench: BenchHome = external_run["bench"]
    assert not list(bench.root.glob("node*")) and not (bench.root / "pki").exists()
    assert (bench.root / "results.db").is_file()  # the run's own results database
    with sqlite3.connect(bench.root / "results.db") as db:
        (runs,) = db.execute("select count(*) from runs").fetchone()
        (traced,) = db.execute("select count(*) from trace_messages").fetchone()
    assert (runs, traced) == (1, 0)  # the bench's database never saw the external hub's trace
    assert "Hub externe" in external_run["stderr"]

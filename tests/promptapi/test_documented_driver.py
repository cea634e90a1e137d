"""The example driver of docs/prompt-api.md, run as written, against the real hub: it passes tiers 1–7 on
15-15, 15-SMUR and 15-NexSIS through the prompt API alone (the five runs at once, one driver each), and its
faulty variants are caught (one never acks: tier 2; one changes the caseId of a correction: tier 5).
Every prompt the engine streams (`--prompts-jsonl`) is valid against schemas/prompt.schema.json."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support.dispatcher import process_env, run_environment
from support.hub import HubFixture
from support.prompt_api import validate

from hubbench.engine.links import default_partner_id, get_link
from hubbench.events import Verdict
from hubbench.protocol import load_pack

DOC = Path(__file__).resolve().parents[2] / "docs" / "prompt-api.md"
# run name → (driver variant, link, tiers, client id)
RUNS: dict[str, tuple[str, str, str, str]] = {
    "conforme 15-15": ("conforme", "15-15", "1-7", "fr.health.samu960"),
    "conforme 15-SMUR": ("conforme", "15-SMUR", "1-7", "fr.health.samu962"),
    "conforme 15-NexSIS": ("conforme", "15-NexSIS", "1-7", "fr.health.samu963"),
    "sans-ack": ("sans-ack", "15-15", "1-3", "fr.health.samu961"),
    "nouveau-caseid": ("nouveau-caseid", "15-15", "5", "fr.health.samu964"),
    "tablette 15-SMUR": ("tablette", "15-SMUR", "4-6", "fr.health.samu605"),  # `--role tablette`
}
TABLET_RUN = "tablette 15-SMUR"
ACTIONS_EVERYWHERE = ("send_message", "send_messages_burst", "restart_client", "send_create_case",
                      "send_case_update", "open_case")
ACTIONS_ON = {"15-15": ("answer_owner_transfer", "send_official_step"), "15-NexSIS": ("send_emsi",)}
FAULTS = {"ACQUITTER = True": "sans-ack", "GARDER_CASEID = True": "nouveau-caseid"}
RUN_LIMIT_S = 540
ACK_SCENARIO = "Les messages reçus sont acquittés"
CASE_ID_SCENARIO = "Correction : même caseId"

pytestmark = pytest.mark.broker


def documented_driver() -> str:
    """The Python block of the section « Exemple complet de pilote »."""
    section = DOC.read_text(encoding="utf-8").split("## Exemple complet de pilote", 1)[1]
    (code,) = re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL)
    return code


def _driver_source(variant: str) -> str:
    code = documented_driver()
    for switch, fault in FAULTS.items():
        assert switch in code
        if variant == fault:
            code = code.replace(switch, switch.replace("True", "False"), 1)
    return code


def _examples(vhost: str, home: Any) -> Path:
    """The official examples folder of the vhost's pack (the driver's EMSI come from there)."""
    pack = load_pack(vhost=vhost, home=home)
    assert pack.directory is not None, "pack officiel local attendu (HUBBENCH_PACK_SOURCE)"
    return pack.directory.parent / "examples"


def _partner(client_id: str, link: str) -> str:
    if link == "15-NexSIS":
        return default_partner_id(get_link(link), client_id)
    samu = client_id.replace("samu9", "samuP")
    return f"{samu}.smur" if link == "15-SMUR" else samu


@pytest.fixture(scope="module")
def runs(live_hub: HubFixture,
         tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, dict[str, Any]]]:
    home, settings = live_hub.home, live_hub.settings
    work = tmp_path_factory.mktemp("pilotes")
    env = process_env(live_hub)
    drivers: dict[str, subprocess.Popen[str]] = {}
    try:
        for name, (variant, link, _, client_id) in RUNS.items():
            vhost = get_link(link).default_vhost
            live_hub.registry.add(client_id, vhosts=[vhost], editor="hubbench-tests")
            creds = live_hub.pki.credentials(client_id)
            with run_environment(live_hub):
                examples = _examples(vhost, home)
            script = work / f"pilote-{client_id}.py"  # one file per driver: they start at once
            script.write_text(_driver_source(variant), encoding="utf-8")
            drivers[name] = subprocess.Popen(
                [sys.executable, str(script), "--client-id", client_id, "--vhost", vhost,
                 "--hote", settings.host, "--port", str(settings.amqps_port),
                 "--nom-serveur", settings.server_hostname, "--cert", str(creds.cert),
                 "--cle", str(creds.key), "--ca", str(creds.ca), "--banc", str(home.root),
                 "--exemples", str(examples)],
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        processes = {
            name: subprocess.Popen(
                [sys.executable, "-c", "from hubbench.cli import main; main()", "run",
                 "--vendor", f"pilote documenté ({name})", "--client-id", client_id, "--link", link,
                 "--tiers", tiers, "--fast", "--timeout", "90",
                 *(["--role", "tablette"] if name == TABLET_RUN  # partner: the engine's, by role
                   else ["--partner-id", _partner(client_id, link)]),
                 "--prompts-jsonl", str(work / f"{client_id}.jsonl"),
                 "--json", str(work / f"{client_id}.json")],
                env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for name, (_, link, tiers, client_id) in RUNS.items()
        }
        results: dict[str, dict[str, Any]] = {}
        for variant, process in processes.items():
            client_id = RUNS[variant][3]
            try:
                _, err = process.communicate(timeout=RUN_LIMIT_S)
            except subprocess.TimeoutExpired:
                process.kill()
                _, err = process.communicate()
            report_path = work / f"{client_id}.json"
            report = json.loads(report_path.read_text(encoding="utf-8")) if report_path.exists() else {}
            lines = (work / f"{client_id}.jsonl").read_text(encoding="utf-8").splitlines() \
                if (work / f"{client_id}.jsonl").exists() else []
            results[variant] = {"code": process.returncode, "stderr": err[-3000:],
                                "scenarios": report.get("scenarios", []),
                                "lines": [json.loads(line) for line in lines]}
        for variant, driver in drivers.items():  # each driver ends with the run it followed
            try:
                out, _ = driver.communicate(timeout=60)
            except subprocess.TimeoutExpired:
                driver.kill()
                out, _ = driver.communicate()
            results[variant]["driver"] = {"code": driver.returncode, "output": out[-2000:]}
        yield results
    finally:
        for driver in drivers.values():
            if driver.poll() is None:
                driver.kill()
                driver.wait(10)


def _why(scenario: dict[str, Any]) -> str:
    """The first check that did not pass (rule, expected, received), for a failing scenario's row."""
    for step in scenario.get("steps", []):
        for check in step.get("checks", []):
            if Verdict(check["verdict"]).counts_as_failure:
                return (f" — {check['rule'][:80]} : attendu {check['expected'][:120]} ; "
                        f"reçu {check['received'][:300]}")
    return ""


def _table(result: dict[str, Any]) -> str:
    rows = [f"  P{s['tier']} {s['verdict']!s:<20} {s['name']}{_why(s)}" for s in result["scenarios"]]
    return "\n".join(rows) + f"\n  run: {result['stderr'][-1500:]}\n  pilote: {result.get('driver')}"


def _verdicts(result: dict[str, Any]) -> dict[str, Verdict]:
    return {s["name"]: Verdict(s["verdict"]) for s in result["scenarios"]}


@pytest.mark.parametrize("name", [name for name, (variant, *_) in RUNS.items() if variant == "conforme"])
def test_documented_driver_passes_tiers_1_to_7(runs: dict[str, dict[str, Any]], name: str) -> None:
    result = runs[name]
    verdicts = _verdicts(result)
    assert {s["tier"] for s in result["scenarios"]} == set(range(1, 8)), _table(result)
    allowed = {Verdict.PASSED, Verdict.PENDING_ATTESTATION, Verdict.NOT_APPLICABLE}
    assert all(v in allowed for v in verdicts.values()), _table(result)
    functional = [v for s in result["scenarios"] if s["tier"] >= 4 for v in [Verdict(s["verdict"])]]
    assert sum(v is Verdict.PASSED for v in functional) >= 8, _table(result)
    assert result["code"] == 0, _table(result)
    assert result["driver"]["code"] == 0, _table(result)  # it saw the run finish through the API


def test_documented_driver_as_a_tablet_passes_tiers_4_to_6(runs: dict[str, dict[str, Any]]) -> None:
    """Declared `tablette` on 15-SMUR (its partner: the bench's LRM), the same driver answers the tablet's
    prompts (`send_smur_message`); the LRM's scenarios are « non applicable »."""
    result = runs[TABLET_RUN]
    tablet = [s for s in result["scenarios"] if "role-tablette" in s["tags"]]
    assert {s["tier"] for s in tablet} == {4, 5, 6}, _table(result)
    allowed = {Verdict.PASSED, Verdict.PENDING_ATTESTATION, Verdict.NOT_APPLICABLE}
    assert all(Verdict(s["verdict"]) in allowed for s in result["scenarios"]), _table(result)
    assert sum(Verdict(s["verdict"]) is Verdict.PASSED for s in tablet) >= 6, _table(result)
    assert result["code"] == 0 and result["driver"]["code"] == 0, _table(result)


def test_driver_that_never_acks_is_caught(runs: dict[str, dict[str, Any]]) -> None:
    result = runs["sans-ack"]
    verdicts = _verdicts(result)
    (ack,) = [v for name, v in verdicts.items() if ACK_SCENARIO in name]
    assert ack.counts_as_failure and ack is not Verdict.ERROR, _table(result)
    assert result["code"] == 1, _table(result)


def test_driver_that_changes_the_case_id_of_a_correction_is_caught(runs: dict[str, dict[str, Any]]) -> None:
    result = runs["nouveau-caseid"]
    failing = {name for name, v in _verdicts(result).items() if v.counts_as_failure}
    assert failing == {CASE_ID_SCENARIO}, _table(result)
    assert _verdicts(result)[CASE_ID_SCENARIO] is Verdict.FAILED, _table(result)


def test_every_streamed_prompt_is_valid_against_the_schema(runs: dict[str, dict[str, Any]]) -> None:
    for variant, result in runs.items():
        lines = result["lines"]
        assert lines and lines[-1]["event"] == "run_finished", variant
        for line in lines:
            validate(line, "line")
        opened = [line["prompt"] for line in lines if line["event"] == "prompt_opened"]
        closed = {line["prompt"]["prompt_id"]: line["prompt"]["status"]
                  for line in lines if line["event"] == "prompt_closed"}
        if variant.startswith("conforme"):  # every action of the schema, on the link(s) that use it
            expected = set(ACTIONS_EVERYWHERE) | set(ACTIONS_ON.get(RUNS[variant][1], ()))
            assert {p["action"] for p in opened} >= expected, variant
        if variant == TABLET_RUN:
            assert {p["action"] for p in opened} >= {"send_smur_message", "open_case"}, variant
        assert set(closed) == {p["prompt_id"] for p in opened}, variant  # every prompt is closed
        reported = [line for line in lines if line["event"] == "prompt_reported"]
        assert reported, variant  # the driver reported through the API

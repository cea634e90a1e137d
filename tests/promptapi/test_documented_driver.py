"""The example driver of docs/prompt-api.md, run as written, against the real hub: it passes tiers 1–3 on
15-15 through the prompt API alone, and its faulty variant (never acks) is caught. Every prompt the engine
streams (`--prompts-jsonl`) is valid against schemas/prompt.schema.json."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support.dispatcher import process_env
from support.hub import HubFixture
from support.prompt_api import validate

from hubbench.events import Verdict

DOC = Path(__file__).resolve().parents[2] / "docs" / "prompt-api.md"
LINK, VHOST, TIERS = "15-15", "15-15_v1.5", "1-3"
VARIANTS = {"conforme": "fr.health.samu960", "sans-ack": "fr.health.samu961"}
RUN_LIMIT_S = 420
ACK_SCENARIO = "Les messages reçus sont acquittés"

pytestmark = pytest.mark.broker


def documented_driver() -> str:
    """The Python block of the section « Exemple complet de pilote »."""
    section = DOC.read_text(encoding="utf-8").split("## Exemple complet de pilote", 1)[1]
    (code,) = re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL)
    return code


def _driver_source(variant: str) -> str:
    code = documented_driver()
    if variant == "sans-ack":
        assert "ACQUITTER = True" in code
        code = code.replace("ACQUITTER = True", "ACQUITTER = False", 1)
    return code


@pytest.fixture(scope="module")
def runs(live_hub: HubFixture,
         tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, dict[str, Any]]]:
    home, settings = live_hub.home, live_hub.settings
    work = tmp_path_factory.mktemp("pilotes")
    env = process_env(live_hub)
    drivers: dict[str, subprocess.Popen[str]] = {}
    try:
        for variant, client_id in VARIANTS.items():
            live_hub.registry.add(client_id, vhosts=[VHOST], editor="hubbench-tests")
            creds = live_hub.pki.credentials(client_id)
            script = work / f"pilote-{variant}.py"
            script.write_text(_driver_source(variant), encoding="utf-8")
            drivers[variant] = subprocess.Popen(
                [sys.executable, str(script), "--client-id", client_id, "--vhost", VHOST,
                 "--hote", settings.host, "--port", str(settings.amqps_port),
                 "--nom-serveur", settings.server_hostname, "--cert", str(creds.cert),
                 "--cle", str(creds.key), "--ca", str(creds.ca), "--banc", str(home.root)],
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        processes = {
            variant: subprocess.Popen(
                [sys.executable, "-c", "from hubbench.cli import main; main()", "run",
                 "--vendor", f"pilote documenté ({variant})", "--client-id", client_id, "--link", LINK,
                 "--vhost", VHOST, "--tiers", TIERS, "--fast", "--timeout", "90",
                 "--partner-id", client_id.replace("samu9", "samuP"),
                 "--prompts-jsonl", str(work / f"{variant}.jsonl"), "--json", str(work / f"{variant}.json")],
                env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for variant, client_id in VARIANTS.items()
        }
        results: dict[str, dict[str, Any]] = {}
        for variant, process in processes.items():
            try:
                _, err = process.communicate(timeout=RUN_LIMIT_S)
            except subprocess.TimeoutExpired:
                process.kill()
                _, err = process.communicate()
            report_path = work / f"{variant}.json"
            report = json.loads(report_path.read_text(encoding="utf-8")) if report_path.exists() else {}
            lines = (work / f"{variant}.jsonl").read_text(encoding="utf-8").splitlines() \
                if (work / f"{variant}.jsonl").exists() else []
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


def _table(result: dict[str, Any]) -> str:
    rows = [f"  P{s['tier']} {s['verdict']!s:<20} {s['name']}" for s in result["scenarios"]]
    return "\n".join(rows) + f"\n  run: {result['stderr'][-1500:]}\n  pilote: {result.get('driver')}"


def _verdicts(result: dict[str, Any]) -> dict[str, Verdict]:
    return {s["name"]: Verdict(s["verdict"]) for s in result["scenarios"]}


def test_documented_driver_passes_tiers_1_to_3(runs: dict[str, dict[str, Any]]) -> None:
    result = runs["conforme"]
    verdicts = _verdicts(result)
    assert {s["tier"] for s in result["scenarios"]} == {1, 2, 3}, _table(result)
    allowed = {Verdict.PASSED, Verdict.PENDING_ATTESTATION, Verdict.NOT_APPLICABLE}
    assert all(v in allowed for v in verdicts.values()), _table(result)
    assert result["code"] == 0, _table(result)
    assert result["driver"]["code"] == 0, _table(result)  # it saw the run finish through the API


def test_driver_that_never_acks_is_caught(runs: dict[str, dict[str, Any]]) -> None:
    result = runs["sans-ack"]
    verdicts = _verdicts(result)
    (ack,) = [v for name, v in verdicts.items() if ACK_SCENARIO in name]
    assert ack.counts_as_failure and ack is not Verdict.ERROR, _table(result)
    assert result["code"] == 1, _table(result)


def test_every_streamed_prompt_is_valid_against_the_schema(runs: dict[str, dict[str, Any]]) -> None:
    for variant, result in runs.items():
        lines = result["lines"]
        assert lines and lines[-1]["event"] == "run_finished", variant
        for line in lines:
            validate(line, "line")
        opened = [line["prompt"] for line in lines if line["event"] == "prompt_opened"]
        closed = {line["prompt"]["prompt_id"]: line["prompt"]["status"]
                  for line in lines if line["event"] == "prompt_closed"}
        assert {p["action"] for p in opened} >= {"send_message", "send_messages_burst", "restart_client"}
        assert set(closed) == {p["prompt_id"] for p in opened}, variant  # every prompt is closed
        reported = [line for line in lines if line["event"] == "prompt_reported"]
        assert reported, variant  # the driver reported through the API

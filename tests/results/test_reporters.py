from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
from results_fixtures import RULE_PERSISTENT, full_run

from hubbench.errors import UsageError
from hubbench.events import EventBus
from hubbench.results.reporters.cucumber import write_cucumber_json
from hubbench.results.reporters.json_report import REPORT_FORMAT, write_json
from hubbench.results.reporters.junit import write_junit
from hubbench.results.store import ResultsStore
from hubbench.results.views import as_dict

# The Cucumber JSON shape read by report tools (cucumber-json-formatter / cucumber-html-reporter).
CUCUMBER_SCHEMA = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["uri", "id", "keyword", "name", "line", "elements"],
        "properties": {
            "elements": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["id", "keyword", "type", "name", "line", "steps"],
                    "properties": {
                        "type": {"enum": ["scenario", "background"]},
                        "tags": {"type": "array", "items": {"type": "object", "required": ["name"]}},
                        "steps": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["keyword", "name", "line", "result"],
                                "properties": {
                                    "result": {
                                        "type": "object",
                                        "required": ["status"],
                                        "properties": {
                                            "status": {
                                                "enum": [
                                                    "passed",
                                                    "failed",
                                                    "skipped",
                                                    "pending",
                                                    "undefined",
                                                ]
                                            },
                                            "duration": {"type": "integer", "minimum": 0},
                                            "error_message": {"type": "string"},
                                        },
                                    }
                                },
                            },
                        },
                    },
                },
            },
        },
    },
}


@pytest.fixture
def stored(sqlite_url: str) -> ResultsStore:
    store = ResultsStore(sqlite_url)
    bus = EventBus([store])
    for event in full_run("r"):
        bus.emit(event)
    return store


def test_junit_xml(stored: ResultsStore, tmp_path: Path) -> None:
    root = ET.parse(write_junit(stored, "r", tmp_path / "out" / "junit.xml")).getroot()
    assert root.tag == "testsuites"
    assert {k: root.get(k) for k in ("tests", "failures", "errors", "skipped")} == {
        "tests": "5",
        "failures": "2",
        "errors": "1",
        "skipped": "1",
    }
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    assert list(suites) == [
        "Palier 1 — tier1.feature",
        "Palier 2 — tier2.feature",
        "Palier 3 — tier3.feature",
        "Palier 4 — tier4.feature",
    ]
    props = {p.get("name"): p.get("value") for p in suites["Palier 1 — tier1.feature"].iter("property")}
    assert props["vendor"] == "acme" and props["link"] == "15-15"
    cases = {c.get("name"): c for c in root.iter("testcase")}
    failure = cases["Message vide persistant"].find("failure")
    assert failure is not None and failure.get("type") == "failed"
    assert failure.get("message", "").startswith(f"Attendu : 2 — Reçu : 1 — Règle : {RULE_PERSISTENT}")
    assert cases["Accusé de réception"].find("failure").get("type") == "timed_out"
    assert "nœud RabbitMQ arrêté" in cases["Réception technique"].find("error").get("message")
    assert cases["Affichage du dossier"].find("skipped").get("message") == "à attester"
    assert list(cases["Connexion TLS"]) == []


def test_junit_follows_attestation_and_override(stored: ResultsStore, tmp_path: Path) -> None:
    stored.answer_attestation("r-a1", ["valid", "approximate", "valid"], who="Inès")
    stored.override("r", "tier3.feature::Accusé de réception", "passed", "RC-REF vu côté client", "Marie")
    root = ET.parse(write_junit(stored, "r", tmp_path / "junit.xml")).getroot()
    assert (root.get("failures"), root.get("skipped")) == ("1", "0")
    cases = {c.get("name"): c for c in root.iter("testcase")}
    assert "approximatif" in cases["Affichage du dossier"].find("system-out").text
    assert "Marie" in cases["Accusé de réception"].find("system-out").text


def test_cucumber_json(stored: ResultsStore, tmp_path: Path) -> None:
    features = json.loads(write_cucumber_json(stored, "r", tmp_path / "cucumber.json").read_text("utf-8"))
    jsonschema.validate(features, CUCUMBER_SCHEMA)
    assert [f["uri"] for f in features] == [
        "tier1.feature",
        "tier2.feature",
        "tier3.feature",
        "tier4.feature",
    ]
    elements = {e["name"]: e for f in features for e in f["elements"]}
    statuses = {name: [s["result"]["status"] for s in e["steps"]] for name, e in elements.items()}
    assert statuses == {
        "Connexion TLS": ["passed", "passed"],
        "Réception technique": ["failed", "skipped"],
        "Message vide persistant": ["passed", "failed"],
        "Accusé de réception": ["passed", "failed"],
        "Affichage du dossier": ["passed", "pending"],
    }
    failed_step = elements["Message vide persistant"]["steps"][1]
    assert RULE_PERSISTENT in failed_step["result"]["error_message"]
    assert failed_step["result"]["duration"] > 0
    assert elements["Connexion TLS"]["tags"] == [{"name": "@palier1", "line": 2}]
    assert elements["Affichage du dossier"]["after"][0]["result"]["status"] == "pending"


def test_json_report_round_trip(stored: ResultsStore, tmp_path: Path) -> None:
    stored.answer_attestation("r-a1", ["valid", "invalid", "valid"], who="Inès")
    report = json.loads(write_json(stored, "r", tmp_path / "run.json").read_text("utf-8"))
    assert report["format"] == REPORT_FORMAT
    detail = as_dict(stored.run_detail("r"))
    assert report["run"] == detail["run"]
    for scenario in detail["scenarios"]:
        for message in scenario["messages"]:
            message["body"] = None  # bodies are health data: left out by default
    assert report["scenarios"] == detail["scenarios"]
    tier4 = next(s for s in report["scenarios"] if s["tier"] == 4)
    assert tier4["verdict"] == "failed" and tier4["attestations"][0]["answered_by"] == "Inès"
    with_bodies = json.loads(
        write_json(stored, "r", tmp_path / "b.json", include_bodies=True).read_text("utf-8")
    )
    assert any(m["body"] for s in with_bodies["scenarios"] for m in s["messages"])


def test_unknown_run_is_a_usage_error(stored: ResultsStore, tmp_path: Path) -> None:
    for writer in (write_junit, write_cucumber_json, write_json):
        with pytest.raises(UsageError, match="inconnue"):
            writer(stored, "nope", tmp_path / "x")

"""The run's pack provenance (tag, source, checksum) in every report and the certificate; a provisional
run marked « provisoire » everywhere and never certified (issue 12, items 1 and 4)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from results_fixtures import full_run

from bench_app.widgets import matrix_html, pack_markdown, provisional_warning
from hubbench.events import EventBus
from hubbench.results.reporters.certificate import ProvisionalEvidence, build_certificate, certificate_html
from hubbench.results.reporters.cucumber import write_cucumber_json
from hubbench.results.reporters.json_report import write_json
from hubbench.results.reporters.junit import write_junit
from hubbench.results.store import ResultsStore

OFFICIAL = {"tag": "1.0", "source": "/packs/official-1.0/json-schema", "checksum": "ab" * 32,
            "provisional": False, "reason": None, "vhost": "15-15_v1.5", "available": True}
PROVISIONAL = {**OFFICIAL, "source": "pypi:hubsante-model==0.1.1", "checksum": None, "provisional": True,
               "reason": "Source de pack injoignable : http://127.0.0.1:9/1.0/ (ConnectionError)."}


def _store(url: str, pack: dict[str, object]) -> ResultsStore:
    store = ResultsStore(url)
    bus = EventBus([store])
    for event in full_run("r", pack=pack, with_error=False):
        bus.emit(event)
    store.answer_attestation("r-a1", ["valid", "valid", "valid"], who="Inès")
    return store


def _junit(store: ResultsStore, tmp_path: Path) -> ET.Element:
    return ET.parse(write_junit(store, "r", tmp_path / "junit.xml")).getroot()


def test_official_provenance_in_every_report_and_the_certificate(sqlite_url: str, tmp_path: Path) -> None:
    store = _store(sqlite_url, OFFICIAL)
    suite = next(_junit(store, tmp_path).iter("testsuite"))
    props = {p.get("name"): p.get("value") for p in suite.find("properties")}
    assert (props["pack_tag"], props["pack_source"], props["pack_checksum"], props["provisional"]) == (
        "v1.5", OFFICIAL["source"], OFFICIAL["checksum"], "false")
    features = json.loads(write_cucumber_json(store, "r", tmp_path / "c.json").read_text("utf-8"))
    assert f"pack_checksum = {OFFICIAL['checksum']}" in features[0]["description"]
    assert all("@provisoire" not in [t["name"] for t in e["tags"]] for f in features for e in f["elements"])
    report = json.loads(write_json(store, "r", tmp_path / "r.json").read_text("utf-8"))
    assert report["pack"] == OFFICIAL and report["provisional"] is False
    detail = store.run_detail("r")
    assert detail is not None
    certificate = build_certificate(detail, store.trace_for_run("r"))
    assert (certificate.pack_source, certificate.pack_checksum) == (OFFICIAL["source"], OFFICIAL["checksum"])
    assert OFFICIAL["checksum"] in certificate_html(certificate)
    assert f"`sha256 {OFFICIAL['checksum']}`" in pack_markdown(detail.run)
    assert provisional_warning(detail.run) is None
    assert "provisoire" not in matrix_html(store.matrix(run_id="r"))


def test_a_provisional_run_is_marked_everywhere_and_never_certified(sqlite_url: str, tmp_path: Path) -> None:
    store = _store(sqlite_url, PROVISIONAL)
    root = _junit(store, tmp_path)
    assert root.get("name", "").endswith("VERDICTS PROVISOIRES")
    suite_props = {p.get("name"): p.get("value") for p in next(root.iter("testsuite")).find("properties")}
    assert suite_props["provisional"] == "true" and "injoignable" in suite_props["provisional_reason"]
    cases = {c.get("name"): c for c in root.iter("testcase")}
    verdict = cases["Connexion TLS"].find("properties/property")
    assert verdict is not None and verdict.get("value") == "réussi (provisoire)"
    assert "PROVISOIRE" in (cases["Connexion TLS"].find("system-out").text or "")

    features = json.loads(write_cucumber_json(store, "r", tmp_path / "c.json").read_text("utf-8"))
    assert all(f["tags"] == [{"name": "@provisoire", "line": 0}] for f in features)
    assert all("@provisoire" in [t["name"] for t in e["tags"]] for f in features for e in f["elements"])
    report = json.loads(write_json(store, "r", tmp_path / "r.json").read_text("utf-8"))
    assert report["provisional"] is True and report["run"]["pack"]["provisional"] is True

    rows = store.matrix(run_id="r")
    assert rows[0].provisional
    html = matrix_html(rows)
    assert "réussi (provisoire)" in html and "hb-provisoire" in html
    detail = store.run_detail("r")
    assert detail is not None
    assert "(PROVISOIRE)" in pack_markdown(detail.run)
    assert "injoignable" in (provisional_warning(detail.run) or "")
    with pytest.raises(ProvisionalEvidence, match="verdicts sont provisoires"):
        build_certificate(detail, store.trace_for_run("r"))

"""The prompt API over real HTTP on loopback: long-poll, reports, attestations, token, French errors."""

from __future__ import annotations

import io
import json
import os
import stat
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support.prompt_api import CLIENT, RUN_ID, VHOST, closed, run_started, shown, validate

from hubbench import events as ev
from hubbench.engine.attestations import Attestor, StepControl
from hubbench.engine.errors import AttestationNeeded
from hubbench.engine.prompt_feed import PromptFeed
from hubbench.engine.prompt_server import RunApi
from hubbench.promptapi import ApiError, PromptApiClient, endpoint_file, read_endpoint

Api = tuple[PromptFeed, RunApi, io.StringIO]


@pytest.fixture()
def api(tmp_path: Path) -> Iterator[Api]:
    stream = io.StringIO()
    feed = PromptFeed(stream)
    feed(run_started())
    opened = RunApi.open(feed, run_id=RUN_ID, home_root=tmp_path, link="15-15", client_id=CLIENT, vhost=VHOST)
    yield feed, opened, stream
    opened.close()


def _client(tmp_path: Path) -> PromptApiClient:
    endpoint = read_endpoint(endpoint_file(tmp_path, CLIENT, VHOST))
    assert endpoint is not None
    return PromptApiClient(endpoint)


def test_discovery_file_is_private_and_withdrawn_at_close(tmp_path: Path) -> None:
    feed = PromptFeed()
    feed(run_started())
    opened = RunApi.open(feed, run_id=RUN_ID, home_root=tmp_path, link="15-15", client_id=CLIENT, vhost=VHOST)
    path = endpoint_file(tmp_path, CLIENT, VHOST)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    endpoint = read_endpoint(path)
    assert endpoint is not None and endpoint.run_id == RUN_ID and endpoint.url.startswith("http://127.0.0.1:")
    opened.close()
    assert not path.exists()


def test_the_run_is_known_as_soon_as_its_api_is_published(tmp_path: Path) -> None:
    """The discovery file is written before the engine emits RunStarted: a driver asking at once gets the
    run's (empty) snapshot, never « Exécution inconnue »."""
    opened = RunApi.open(PromptFeed(), run_id=RUN_ID, home_root=tmp_path, link="15-15", client_id=CLIENT,
                         vhost=VHOST)
    try:
        snapshot = _client(tmp_path).prompts(wait_s=0)
        assert snapshot["run_id"] == RUN_ID and snapshot["prompts"] == [] and snapshot["state"] == "running"
    finally:
        opened.close()


def test_long_poll_returns_typed_prompts_as_they_open_and_close(api: Api, tmp_path: Path) -> None:
    feed, _, _ = api
    client = _client(tmp_path)
    first = client.prompts(wait_s=0)
    validate(first, "snapshot")
    assert (first["prompts"], first["state"]) == ([], "running")
    answers: list[dict[str, Any]] = []
    waiter = threading.Thread(target=lambda: answers.append(client.prompts(since=first["cursor"], wait_s=30)))
    waiter.start()
    feed(shown("p1"))
    waiter.join(60)
    (prompt,) = answers[0]["prompts"]
    validate(prompt)
    assert (prompt["action"], prompt["client_id"], prompt["vhost"], prompt["link"]) == (
        "send_message", CLIENT, VHOST, "15-15")
    assert (prompt["recipient"], prompt["message_kind"], prompt["count"]) == ("fr.health.samuP770",
                                                                              "customContent", 1)
    feed(closed("p1"))
    assert client.prompts(since=answers[0]["cursor"], wait_s=30)["prompts"] == []


def test_done_report_is_kept_and_streamed(api: Api, tmp_path: Path) -> None:
    feed, _, stream = api
    feed(shown("p1"))
    client = _client(tmp_path)
    reported = client.done("p1", {"distribution_ids": ["fr.health.samu770_1"]})
    assert reported["report"]["data"] == {"distribution_ids": ["fr.health.samu770_1"]}
    with pytest.raises(ApiError) as again:
        client.done("p1", {})
    assert again.value.status == 409 and "déjà" in again.value.message
    with pytest.raises(ApiError) as unknown:
        client.done("p-absent", {})
    assert unknown.value.status == 404 and "inconnue" in unknown.value.message
    feed(closed("p1"))
    feed(ev.RunFinished(RUN_ID, verdict=ev.Verdict.PASSED, counts={}))
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [line["event"] for line in lines] == ["prompt_opened", "prompt_reported", "prompt_closed",
                                                 "run_finished"]
    for line in lines:
        validate(line, "line")
    assert lines[2]["prompt"]["status"] == "done"


def test_nothing_follows_run_finished_in_the_stream(api: Api, tmp_path: Path) -> None:
    """A driver's report (or a late event) after the run's end is refused or dropped: a driver reading the
    stream stops at `run_finished`."""
    feed, _, stream = api
    feed(shown("p1"))
    feed(shown("p2"))
    feed(ev.RunFinished(RUN_ID, verdict=ev.Verdict.PASSED, counts={}))
    with pytest.raises(ApiError) as late:
        _client(tmp_path).done("p1", {})
    assert late.value.status == 409 and "terminée" in late.value.message
    feed(closed("p2"))
    events = [json.loads(line)["event"] for line in stream.getvalue().splitlines()]
    assert events == ["prompt_opened", "prompt_opened", "run_finished"]


def test_lines_written_from_several_threads_stay_whole_and_end_with_run_finished(api: Api,
                                                                                  tmp_path: Path) -> None:
    """Reports (HTTP server threads) and events (the run's threads) write at the same time."""
    feed, _, stream = api
    ids = [f"p{n}" for n in range(40)]
    for prompt_id in ids:
        feed(shown(prompt_id))
    client = _client(tmp_path)
    failures: list[BaseException] = []

    def report(share: list[str]) -> None:
        for prompt_id in share:
            try:
                client.done(prompt_id, {"n": prompt_id})
            except BaseException as exc:  # shown by the assertion below
                failures.append(exc)

    reporters = [threading.Thread(target=report, args=(ids[k::4],)) for k in range(4)]
    for reporter in reporters:
        reporter.start()
    for prompt_id in ids:
        feed(closed(prompt_id))
    for reporter in reporters:
        reporter.join(60)
    feed(ev.RunFinished(RUN_ID, verdict=ev.Verdict.PASSED, counts={}))
    assert failures == []
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert len(lines) == 3 * len(ids) + 1 and lines[-1]["event"] == "run_finished"


@pytest.mark.parametrize(("header", "status"), [(None, 401), ("Bearer faux", 403), ("Basic abc", 401)])
def test_token_is_required(api: Api, header: str | None, status: int) -> None:
    _, opened, _ = api
    request = urllib.request.Request(f"{opened.server.url}/runs/{RUN_ID}/prompts")
    if header:
        request.add_header("Authorization", header)
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    body = json.loads(refused.value.read().decode("utf-8"))
    assert (refused.value.code, body["statut"]) == (status, status)
    assert "Jeton" in body["erreur"]


def test_bad_requests_get_french_json_errors(api: Api, tmp_path: Path) -> None:
    client = _client(tmp_path)
    cases = [
        (lambda: client._call("GET", "/runs/autre-run/prompts", None), 404, "Exécution inconnue"),
        (lambda: client._call("GET", f"/runs/{RUN_ID}/prompts?wait=abc", None), 400, "entier attendu"),
        (lambda: client._call("POST", f"/runs/{RUN_ID}/prompts", {}), 405, "non permise"),
        (lambda: client._call("GET", "/rien", None), 404, "Ressource inconnue"),
        (lambda: client.attest(f"{RUN_ID}-cle", {"answer": "valid"}), 400, "by"),
        (lambda: client.attest(f"{RUN_ID}-cle", {"by": "X", "answer": "peut-être"}), 400, "inconnue"),
        (lambda: client.attest("autre-run-cle", {"by": "X", "answer": "valid"}), 404, "inconnue"),
    ]
    for call, status, fragment in cases:
        with pytest.raises(ApiError) as refused:
            call()
        assert refused.value.status == status and fragment in refused.value.message, refused.value


def test_attestation_answered_through_the_api_decides_the_step(api: Api, tmp_path: Path) -> None:
    feed, _, _ = api
    bus = ev.EventBus([feed])
    checks: list[tuple[ev.Verdict, str]] = []
    attestor = Attestor(RUN_ID, bus.emit, None, live=lambda aid: feed.wait_answer(aid, 30))
    client = _client(tmp_path)

    def answer_when_asked() -> None:
        snapshot = client.prompts(wait_s=0)
        while not snapshot["attestations"]:
            snapshot = client.prompts(since=snapshot["cursor"], wait_s=30)
        (att,) = snapshot["attestations"]
        validate(att, "attestation")
        client.attest(att["attestation_id"], {"by": "Pilote CI", "answer": "valid"})

    answering = threading.Thread(target=answer_when_asked)
    answering.start()
    verdict = attestor.attest("f::s", "cle", "Le dossier est-il affiché ?", [{"label": "dossier"}],
                              lambda v, rule, exp, got: checks.append((v, got)))
    answering.join(60)
    assert verdict is ev.Verdict.PASSED
    assert checks == [(ev.Verdict.PASSED, "valid (Pilote CI)")]
    with pytest.raises(ApiError) as twice:
        client.attest(f"{RUN_ID}-cle", {"by": "X", "answer": "valid"})
    assert twice.value.status == 409


def test_attestation_without_answer_in_time_stays_pending(api: Api) -> None:
    feed, _, _ = api
    attestor = Attestor(RUN_ID, ev.EventBus([feed]).emit, None, live=lambda aid: feed.wait_answer(aid, 0))
    with pytest.raises(AttestationNeeded):
        attestor.attest("f::s", "cle", "Question ?", [], lambda *args: None)


def test_only_an_open_official_step_prompt_can_be_resent_or_skipped(api: Api, tmp_path: Path) -> None:
    """`POST /prompts/{id}/resend|skip`: offered on `send_official_step` prompts (their `controls`), once,
    while open; the engine reads the choice (`step_control`) and the stream shows it."""
    feed, _, stream = api
    client = _client(tmp_path)
    feed(shown("p-msg"))
    feed(shown("p-step", action="send_official_step", parameters={"test_case": "Cas A", "step_id": "01"}))
    step = next(p for p in client.prompts(wait_s=0)["prompts"] if p["prompt_id"] == "p-step")
    assert step["controls"] == ["resend", "skip"] and step["control"] is None
    refusals = [
        (lambda: client.control("p-msg", "skip", "X"), 409, "étapes des cas officiels"),
        (lambda: client.control("p-absent", "skip", "X"), 404, "inconnue"),
        (lambda: client._call("POST", "/prompts/p-step/skip", {"by": "X", "autre": 1}), 400, "by"),
        (lambda: client._call("GET", "/prompts/p-step/resend", None), 405, "non permise"),
    ]
    for call, status, fragment in refusals:
        with pytest.raises(ApiError) as refused:
            call()
        assert refused.value.status == status and fragment in refused.value.message, refused.value
    assert feed.step_control("p-step") is None and feed.step_control("p-msg") is None
    assert client.control("p-step", "skip", " Jeanne ") == {"prompt_id": "p-step", "choice": "skip",
                                                            "status": "received"}
    assert feed.step_control("p-step") == (StepControl.SKIP, "Jeanne")
    with pytest.raises(ApiError) as twice:
        client.control("p-step", "resend", "Jeanne")
    assert twice.value.status == 409
    feed(closed("p-step", "skipped"))
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    for line in lines:
        validate(line, "line")
    controlled = next(line["prompt"] for line in lines if line["event"] == "prompt_controlled")
    assert controlled["control"]["choice"] == "skip" and controlled["control"]["by"] == "Jeanne"
    assert lines[-1]["prompt"]["status"] == "skipped"

"""Resend / skip of an official case step during a real run, through the run's prompt API (issue 12).

The official test console offers a tester « Renvoyer l'étape » and « Passer à l'étape suivante »; the
bench offers them on the open prompt of an official case's send step (`POST /prompts/{id}/resend|skip`,
docs/prompt-api.md). A run of tier 6 on 15-15_v1.5 (pack 1.3.0) plays one case of two send steps; no
vendor answers: this test is the operator. Step 01 is resent (a new prompt asks it again), then skipped;
step 02 is skipped: the case ends "non exécuté" (never passed), each choice recorded with who made it.
"""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from support.dispatcher import process_env
from support.hub import HubFixture
from support.prompt_api import validate
from support.runs import collect, start_run

from hubbench.engine.clock import Clock, poll_until
from hubbench.events import Verdict
from hubbench.promptapi import ApiError, Endpoint, PromptApiClient, endpoint_file, read_endpoint

pytestmark = pytest.mark.broker
LINK, VHOST = "15-15", "15-15_v1.5"
CASE = "Ouardia Boudadi - Editeur 95 / Hub Santé 78"  # steps 01 and 02, both sent by the vendor
BY = "Testeuse (console)"
WAIT_S = 120.0


def next_step_prompt(client: PromptApiClient, seen: set[str]) -> dict[str, Any]:
    """The next official step prompt not in `seen` (long-poll on the API's cursor, bounded)."""
    cursor = -1

    def probe() -> dict[str, Any] | None:
        nonlocal cursor
        snapshot = client.prompts(since=cursor, wait_s=10)
        cursor = snapshot["cursor"]
        fresh = [p for p in snapshot["prompts"]
                 if p["action"] == "send_official_step" and p["prompt_id"] not in seen]
        return fresh[0] if fresh else None

    found = poll_until(probe, clock=Clock(), timeout=WAIT_S, interval=0.1)
    assert found is not None, f"aucune nouvelle invite d'étape en {WAIT_S:g} s"
    seen.add(found["prompt_id"])
    validate(found)
    return found


@pytest.fixture
def run(live_hub: HubFixture) -> Iterator[tuple[PromptApiClient, subprocess.Popen[str]]]:
    client_id = f"fr.health.samu{uuid.uuid4().hex[:5]}"
    live_hub.registry.add(client_id, vhosts=[VHOST], editor="hubbench-tests")
    process = start_run(process_env(live_hub), "operateur-console", client_id, LINK, "6", vhost=VHOST,
                        names=[CASE])
    try:
        path = endpoint_file(live_hub.home.root, client_id, VHOST)
        endpoint: Endpoint | None = poll_until(lambda: read_endpoint(path), clock=Clock(), timeout=WAIT_S,
                                               interval=0.1)
        assert endpoint is not None, f"pas d'API des invites publiée dans {path}"
        yield PromptApiClient(endpoint), process
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate()


def test_an_operator_resends_then_skips_official_steps_of_a_live_run(
        run: tuple[PromptApiClient, subprocess.Popen[str]]) -> None:
    client, process = run
    seen: set[str] = set()
    first = next_step_prompt(client, seen)
    assert (first["expected"]["test_case"], first["expected"]["step_id"]) == (CASE, "01")
    assert first["controls"] == ["resend", "skip"] and first["control"] is None
    with pytest.raises(ApiError) as refused:
        client.control(first["prompt_id"], "skip", " ")
    assert refused.value.status == 400 and "by" in refused.value.message
    assert client.control(first["prompt_id"], "resend", BY)["status"] == "received"
    with pytest.raises(ApiError) as again:
        client.control(first["prompt_id"], "skip", BY)
    assert again.value.status == 409

    asked_again = next_step_prompt(client, seen)  # the same step, asked by a new prompt
    assert asked_again["expected"]["step_id"] == "01" and asked_again["prompt_id"] != first["prompt_id"]
    client.control(asked_again["prompt_id"], "skip", BY)
    second = next_step_prompt(client, seen)
    assert second["expected"]["step_id"] == "02"
    client.control(second["prompt_id"], "skip", BY)

    result = collect(process)
    assert result["scenarios"], result.get("error")
    (case,) = [s for s in result["scenarios"] if "cas-officiel" in s["tags"]]
    assert case["name"].endswith(CASE) and Verdict(case["verdict"]) is Verdict.SKIPPED, case
    assert "01, 02" in case["detail"], case
    asides = [c["received"] for c in result["skipped_checks"]]
    assert sum(f"étape relancée à la demande de l'opérateur ({BY})" in a for a in asides) == 1, asides
    assert sum(f"passée à la demande de l'opérateur ({BY})" in a for a in asides) == 2, asides

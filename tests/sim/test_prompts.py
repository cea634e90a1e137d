"""The vendor's prompt poller reads open prompts of its own client id, once each, before their deadline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from hubbench import events as ev
from hubbench.results.store import ResultsStore
from hubbench.sim.profiles import get_profile
from hubbench.sim.prompts import PromptPoller
from hubbench.sim.vendor import ReferenceVendor, _Restart

VENDOR = "fr.health.samu770"


def _store_with_run(url: str) -> ResultsStore:
    store = ResultsStore(url)
    store(ev.RunStarted("r1", vendor="v", client_id=VENDOR, link="15-15", vhost="15-15_v1.5",
                        tiers=(3,), pack_tag="1.0", bench_version="test"))
    store(ev.ScenarioStarted("r1", scenario_id="f::s", feature="f", name="s", tier=3, link="15-15"))
    return store


def _prompt(prompt_id: str, actor: str = VENDOR, *, deadline_in_s: float = 60) -> ev.PromptShown:
    return ev.PromptShown(
        "r1", scenario_id="f::s", prompt_id=prompt_id, actor=actor, action="send_message",
        instruction="Envoyez un message vide", parameters={"recipient": "fr.health.samubanc1"},
        deadline=datetime.now(UTC) + timedelta(seconds=deadline_in_s),
    )


def test_each_open_prompt_of_the_actor_is_handed_out_once(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'results.db'}"
    store = _store_with_run(url)
    poller = PromptPoller(url, VENDOR, interval_s=0)
    assert poller.due() == []
    store(_prompt("p1"))
    store(_prompt("p2", actor="fr.health.samu440"))
    store(_prompt("p3", deadline_in_s=-1))
    store(_prompt("p4"))
    store(ev.PromptClosed("r1", scenario_id="f::s", prompt_id="p4", outcome="cancelled"))
    (due,) = poller.due()
    assert (due.prompt_id, due.action, due.parameters) == ("p1", "send_message",
                                                           {"recipient": "fr.health.samubanc1"})
    assert poller.due() == []
    store(_prompt("p5"))
    assert [p.prompt_id for p in poller.due()] == ["p5"]
    poller.close()
    store.close()


def test_only_prompts_of_runs_on_the_vendors_vhost(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'results.db'}"
    store = _store_with_run(url)  # run r1 on 15-15_v1.5
    store(_prompt("p1"))
    on_nexsis = PromptPoller(url, VENDOR, vhost="15-nexsis_v1.8", interval_s=0)
    on_1515 = PromptPoller(url, VENDOR, vhost="15-15_v1.5", interval_s=0)
    assert on_nexsis.due() == []
    assert [p.prompt_id for p in on_1515.due()] == ["p1"]
    for poller in (on_nexsis, on_1515):
        poller.close()
    store.close()


def test_missing_database_is_retried_not_fatal(tmp_path: Path) -> None:
    poller = PromptPoller(f"sqlite:///{tmp_path / 'absent.db'}", VENDOR, interval_s=0)
    assert poller.due() == []
    assert poller.last_error
    poller.close()


class _RecordingChannel:
    def __init__(self) -> None:
        self.published: list[str] = []

    def basic_publish(self, exchange: str, routing_key: str, body: bytes, properties: object) -> None:
        self.published.append(routing_key)


def test_prompts_polled_with_a_restart_are_performed_after_it(tmp_path: Path) -> None:
    """A restart prompt polled together with others must not swallow them (they wait for the next session)."""
    url = f"sqlite:///{tmp_path / 'results.db'}"
    store = _store_with_run(url)
    restart = _prompt("p-restart")
    store(ev.PromptShown(**{**restart.__dict__, "action": "restart_client", "parameters": {"down_s": 0.1}}))
    store(_prompt("p-send"))
    vendor = ReferenceVendor(VENDOR, get_profile("conforme"), connect=lambda: None,
                             prompts=PromptPoller(url, VENDOR, interval_s=0))
    channel = _RecordingChannel()
    vendor._publish_channel = channel
    with pytest.raises(_Restart):
        vendor._serve_prompts()
    assert (vendor.stats.prompts_done, channel.published) == (1, [])
    vendor._serve_prompts()  # the next session
    assert (vendor.stats.prompts_done, channel.published) == (2, [VENDOR])

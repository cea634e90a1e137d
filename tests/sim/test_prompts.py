"""The reference vendor takes its prompts from the run's public API: found through the discovery file,
each open prompt handed out once before its deadline, reported done, the next run followed after one ends."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest
from support.prompt_api import CLIENT, VHOST, closed, run_started, shown

from hubbench import events as ev
from hubbench.engine.prompt_feed import PromptFeed
from hubbench.engine.prompt_server import RunApi
from hubbench.sim.profiles import get_profile
from hubbench.sim.prompts import Prompt, PromptListener
from hubbench.sim.vendor import ReferenceVendor, _Restart

_T = TypeVar("_T")
WAIT_S = 60.0  # bounded: the machine is loaded


def _eventually(get: Callable[[], _T], done: Callable[[_T], bool]) -> _T:
    """Poll `get` until `done` holds (bounded): evidence, never a fixed sleep."""
    deadline = time.monotonic() + WAIT_S
    value = get()
    while not done(value) and time.monotonic() < deadline:
        time.sleep(0.05)
        value = get()
    return value


def _open_run(home: Path, run_id: str) -> tuple[PromptFeed, RunApi]:
    feed = PromptFeed()
    feed(run_started(run_id))
    return feed, RunApi.open(feed, run_id=run_id, home_root=home, link="15-15", client_id=CLIENT, vhost=VHOST)


def test_each_open_prompt_is_handed_out_once_and_reported(tmp_path: Path) -> None:
    listener = PromptListener(tmp_path, CLIENT, VHOST)
    assert listener.due() == []  # no run yet: nothing, and no error
    feed, api = _open_run(tmp_path, "r1")
    feed(shown("p1", run_id="r1"))
    feed(shown("p2", run_id="r1", deadline_in_s=-1))  # already expired
    got: list[Prompt] = _eventually(listener.due, bool)
    assert [p.prompt_id for p in got] == ["p1"]
    assert got[0].parameters["recipient"] == "fr.health.samuP770"
    listener.report(got[0], {"distribution_ids": ["d1"]})
    assert feed.prompts()[0]["report"]["data"] == {"distribution_ids": ["d1"]}
    feed(shown("p3", run_id="r1"))
    more = _eventually(listener.due, bool)
    assert [p.prompt_id for p in more] == ["p3"]
    feed(closed("p1", run_id="r1"))
    feed(ev.RunFinished("r1", verdict=ev.Verdict.PASSED, counts={}))
    api.close()

    feed2, api2 = _open_run(tmp_path, "r2")  # the next run on the same vhost is followed
    feed2(shown("q1", run_id="r2"))
    following = _eventually(listener.due, bool)
    assert [p.prompt_id for p in following] == ["q1"]
    api2.close()
    listener.close()


def test_a_run_on_another_vhost_is_not_followed(tmp_path: Path) -> None:
    feed, api = _open_run(tmp_path, "r1")  # on VHOST
    feed(shown("p1", run_id="r1"))
    other = PromptListener(tmp_path, CLIENT, "15-nexsis_v1.8")
    same = PromptListener(tmp_path, CLIENT, VHOST)
    assert [p.prompt_id for p in _eventually(same.due, bool)] == ["p1"]
    assert other.due() == []
    for listener in (other, same):
        listener.close()
    api.close()


def _no_connection(name: str, via: Any = None) -> Any:
    raise AssertionError("no connection in this test")


class _RecordingChannel:
    def __init__(self) -> None:
        self.published: list[str] = []

    def basic_publish(self, exchange: str, routing_key: str, body: bytes, properties: object) -> None:
        self.published.append(routing_key)


def test_prompts_received_with_a_restart_are_performed_after_it(tmp_path: Path) -> None:
    """A restart prompt received together with others must not swallow them (they wait for the next
    session); each is reported done."""
    feed, api = _open_run(tmp_path, "r1")
    feed(shown("p-restart", run_id="r1", action="restart_client", parameters={"down_s": 0.1}))
    feed(shown("p-send", run_id="r1"))
    listener = PromptListener(tmp_path, CLIENT, VHOST)
    listener.start()
    vendor = ReferenceVendor(CLIENT, get_profile("conforme"), connect=_no_connection, prompts=listener)
    channel = _RecordingChannel()
    vendor._publish_channel = channel  # type: ignore[assignment]
    pending = _eventually(lambda: list(listener._queue.queue), lambda q: len(q) == 2)
    assert len(pending) == 2
    with pytest.raises(_Restart):
        vendor._serve_prompts()
    assert (vendor.stats.prompts_done, channel.published) == (1, [])
    vendor._serve_prompts()  # the next session
    assert (vendor.stats.prompts_done, channel.published) == (2, [CLIENT])
    reports = {p["prompt_id"]: p["report"] for p in feed.prompts()}
    assert reports["p-restart"]["data"] == {"restarted": True}
    assert len(reports["p-send"]["data"]["distribution_ids"]) == 1
    listener.close()
    api.close()

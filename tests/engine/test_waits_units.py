"""Broker-free tests of how the engine waits: absence windows sized on the vendor's own RC-REF delay,
AMQP probes (`LiveQueues`) used where the management API lags, cheap failure reports, results
written off the run's thread."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from support.clock import FakeClock

from hubbench.engine import connection, empty_messages, technical_messages
from hubbench.engine.attestations import Attestor
from hubbench.engine.clock import Clock
from hubbench.engine.context import RunContext, Timeouts
from hubbench.engine.errors import CheckFailed, TimedOut
from hubbench.engine.links import LINKS
from hubbench.engine.observers import TracedMessage
from hubbench.engine.plugin import EnginePlugin
from hubbench.engine.prerequisites import AMQP_ACK, RC_REF
from hubbench.engine.prompts import Prompter
from hubbench.engine.results_thread import StoreListener
from hubbench.engine.scenario import ScenarioEngine, Services
from hubbench.events import CheckRecorded, Event, RunFinished, Verdict
from hubbench.home import BenchHome
from hubbench.protocol import build_ack, encode

VENDOR, PARTNER = "fr.health.samu440", "fr.health.samu441"
SUFFIXES = ("message", "ack", "info")


@dataclass
class FakeLive:
    """`LiveQueues` answering from a script: one {suffix: (ready, consumers)} per poll, the last repeated."""

    script: list[dict[str, tuple[int, int]] | None]  # None: the broker refused the declaration
    polls: int = 0

    def all_counts(self) -> dict[str, tuple[int, int]] | None:
        state = self.script[min(self.polls, len(self.script) - 1)]
        self.polls += 1
        return None if state is None else dict(state)


@dataclass
class FakeManagement:
    """A management API that never lists the vendor's new connection (as during its lag)."""

    listed: list[dict[str, Any]] = field(default_factory=list)
    calls: int = 0

    def connections(self) -> list[dict[str, Any]]:
        self.calls += 1
        return list(self.listed)

    def consumers(self) -> dict[str, list[dict[str, Any]]]:
        self.calls += 1
        return {f"{VENDOR}.{s}": [] for s in SUFFIXES}


@dataclass
class FakeTrace:
    messages: list[TracedMessage] = field(default_factory=list)
    waited: list[float] = field(default_factory=list)

    def wait_for(self, since: Any, predicate: Any, timeout: float, clock: Any,
                 **_: Any) -> list[TracedMessage]:
        self.waited.append(timeout)
        found = [m for m in self.messages if predicate(m)][:1]
        if not found:
            clock.sleep(timeout)
        return found


def counts(consumers: int, ready: int = 0) -> dict[str, tuple[int, int]]:
    return {s: (ready if s == "message" else 0, consumers) for s in SUFFIXES}


def make_bench(services: Services, clock: Clock | None = None) -> tuple[ScenarioEngine, list[Event]]:
    events: list[Event] = []
    clock = clock or FakeClock()
    ctx = RunContext("run-test", "Éditeur", VENDOR, LINKS["15-15"], "15-15_v1.5", (1, 2, 3), PARTNER,
                     Timeouts.fast(), clock, BenchHome(Path("/nonexistent")))
    bench = ScenarioEngine(ctx, services, events.append, Prompter(ctx.run_id, VENDOR, events.append, clock),
                           Attestor(ctx.run_id, events.append, None), shared={})
    bench.start("f::s")
    return bench, events


def passed_rules(events: list[Event]) -> list[str]:
    return [e.expected for e in events if isinstance(e, CheckRecorded) and e.verdict is Verdict.PASSED]


# -- absence window (tier 3, an ack of an ack) ----------------------------------------------------------

def test_absence_window_follows_the_vendors_rc_ref_delay_within_bounds() -> None:
    bench, _ = make_bench(Services())
    t = bench.ctx.timeouts
    ceiling = t.quiet + t.reply / 2
    assert empty_messages.absence_window(bench) == ceiling  # nothing measured in the run: the generous window
    bench.shared[empty_messages.RC_REF_DELAY] = 0.1
    assert empty_messages.absence_window(bench) == t.quiet  # a quick vendor: never below the floor
    bench.shared[empty_messages.RC_REF_DELAY] = 1.0
    assert empty_messages.absence_window(bench) == pytest.approx(empty_messages.ABSENCE_FACTOR * 1.0)
    bench.shared[empty_messages.RC_REF_DELAY] = 30.0
    assert empty_messages.absence_window(bench) == ceiling  # a slow one: never above the former window


def partner_acked(bench: ScenarioEngine) -> None:
    clock = bench.ctx.clock
    bench.memo.update(ack_id=f"{PARTNER}_a1", since=clock.now(), acked_at=clock.monotonic())


def test_ack_of_an_ack_is_watched_for_the_rest_of_the_window_and_still_caught() -> None:
    trace = FakeTrace()
    bench, events = make_bench(Services(trace=trace))
    bench.shared[empty_messages.RC_REF_DELAY] = 1.0
    partner_acked(bench)
    bench.ctx.clock.sleep(0.5)  # spent between the partner's ack and this step
    empty_messages.check_ack_not_acked(bench, "R")
    assert trace.waited == [pytest.approx(2.5)]
    assert any(e.received == "aucun en 3.0 s" for e in events if isinstance(e, CheckRecorded))

    env = build_ack(VENDOR, PARTNER, f"{PARTNER}_a1")
    body, content_type = encode(env, "json")
    trace.messages.append(TracedMessage(
        id=1, at=datetime.now(UTC), vhost="15-15_v1.5", routing_key=VENDOR, sender_id=VENDOR,
        recipient_id=PARTNER, kind="reference", distribution_kind="Ack",
        distribution_id=env["distributionID"], content_type=content_type, delivery_mode=2, properties={},
        body=body, outcome="routed", error_code=None, errors=[], routed_to=None, forwarded_content_type=None))
    bench.start("f::s2")
    partner_acked(bench)
    with pytest.raises(CheckFailed, match=r"RC-REF .* reçu"):
        empty_messages.check_ack_not_acked(bench, "R")


# -- AMQP probes where the management API lags ----------------------------------------------------------

def test_reconnection_seen_through_amqp_while_management_still_lags() -> None:
    live = FakeLive([counts(1), counts(0), counts(0), counts(1)])
    management = FakeManagement()
    bench, events = make_bench(Services(management=management, live=live))
    bench.memo["closed"] = {"ancienne connexion"}
    connection.check_reconnection(bench, "R")
    assert live.polls == 4
    assert management.calls < live.polls  # the slow API is asked less often
    assert any("reconnexion" in rule for rule in passed_rules(events))


def test_reconnection_needs_every_consumer_gone_first() -> None:
    """Consumers never seen gone (old ones still counted): not taken for a reconnection; times out."""
    bench, _ = make_bench(Services(management=FakeManagement(), live=FakeLive([counts(1)])))
    bench.memo["closed"] = {"ancienne connexion"}
    with pytest.raises(TimedOut):
        connection.check_reconnection(bench, "R")


def test_connected_uses_consumers_then_falls_back_to_the_management_api() -> None:
    management = FakeManagement()
    bench, _ = make_bench(Services(management=management, live=FakeLive([counts(1)])))
    connection.connected(bench)
    assert management.calls == 0
    management.listed.append({"name": "c1", "user": VENDOR})
    for unknown in (counts(0), None):  # no consumer yet, or no AMQP answer: the management API decides
        bench, _ = make_bench(Services(management=management, live=FakeLive([unknown])))
        connection.connected(bench)
        assert bench.memo["connections"] == [{"name": "c1", "user": VENDOR}]


def test_restart_judged_on_messages_seen_waiting_then_delivered() -> None:
    live = FakeLive([counts(0, ready=1), counts(0, ready=2), counts(0, ready=2), counts(1, ready=0)])
    bench, events = make_bench(Services(live=live))
    assert technical_messages._queued_while_down(bench, 2)
    bench.memo.update(count=2, queued_while_down=True)
    technical_messages.check_back_and_consumed(bench, "R")
    assert "2 message(s) consommé(s) après redémarrage" in passed_rules(events)


def test_restart_not_judged_live_when_the_system_came_back_first_or_amqp_failed() -> None:
    for script in ([counts(0, ready=1), counts(1, ready=0)], [None]):
        bench, _ = make_bench(Services(live=FakeLive(script)))
        assert not technical_messages._queued_while_down(bench, 2)


def test_restart_still_queued_fails_with_what_was_seen() -> None:
    bench, _ = make_bench(Services(live=FakeLive([counts(1, ready=2)])))
    bench.memo.update(count=2, queued_while_down=True)
    with pytest.raises(CheckFailed, match="2 toujours en file"):
        technical_messages.check_back_and_consumed(bench, "R")
    bench, _ = make_bench(Services(live=FakeLive([counts(0, ready=0)])))
    bench.memo.update(count=2, queued_while_down=True)
    with pytest.raises(CheckFailed, match="aucun consommateur"):
        technical_messages.check_back_and_consumed(bench, "R")


# -- failure reports ------------------------------------------------------------------------------------

def test_plugin_asks_pytest_for_plain_tracebacks() -> None:
    class Config:
        class option:  # mimics pytest's namespace
            pass

    bench, events = make_bench(Services())
    plugin = EnginePlugin(bench.ctx, Services(), events.append, bench.attestor)
    config: Any = Config()
    plugin.pytest_configure(config)
    assert config.option.tbstyle == "native"


# -- results written off the run's thread ---------------------------------------------------------------

def test_store_listener_writes_in_order_off_thread_and_flushes_on_close() -> None:
    written: list[tuple[str, str]] = []
    gate = threading.Event()

    class SlowStore:
        closed = False

        def __call__(self, event: Event) -> None:
            gate.wait(5)
            if event.run_id == "refusé":
                raise LookupError("exécution inconnue")
            written.append((event.run_id, threading.current_thread().name))

        def close(self) -> None:
            self.closed = True

    store = SlowStore()
    listener = StoreListener(store)
    for run_id in ("a", "refusé", "b", "c"):
        listener(RunFinished(run_id, verdict=Verdict.PASSED, counts={}))
    assert written == []  # the caller did not wait for the database
    gate.set()
    listener.close()
    assert [run_id for run_id, _ in written] == ["a", "b", "c"]
    assert all(name != threading.current_thread().name for _, name in written)
    assert [type(exc) for exc in listener.errors] == [LookupError] and store.closed


def test_prompt_is_written_before_its_delay_runs() -> None:
    written: list[str] = []
    listener = StoreListener(lambda event: written.append(type(event).__name__))
    clock = FakeClock()
    prompter = Prompter("run-1", VENDOR, listener, clock)
    listener(RunFinished("run-0", verdict=Verdict.PASSED, counts={}))
    prompter.show("f::s", "send_message", "Envoyez", {}, timeout=20)
    assert written == ["RunFinished", "PromptShown"]  # the operator sees it now, with its 20 s ahead
    listener.close()


# -- waits that need a failed root (root causes, not cascades) -------------------------------------------

def test_a_wait_needing_a_failed_root_lasts_the_quiet_window_only() -> None:
    bench, _ = make_bench(Services())
    t = bench.ctx.timeouts
    assert bench.wait_after_root(t.reply, RC_REF) == t.reply  # no root failed: the full wait
    bench.ledger.scenario_closed("p3::racine", "Acquittement de réception finale (RC-REF)", 3,
                                 ("palier-3", "prealable-rc-ref"), Verdict.FAILED)
    bench.ledger.current_tier = 3
    assert bench.wait_after_root(t.reply, RC_REF) == t.reply  # its own tier: its own red, waited in full
    bench.ledger.current_tier = 4
    assert bench.wait_after_root(t.reply, RC_REF) == t.quiet < t.reply  # « bloqué » without the full wait
    assert bench.wait_after_root(t.settle, AMQP_ACK) == t.settle  # another rule: not that root's

"""A session's campaigns spread over a few child processes (`processes:` of the session file).

One interpreter runs its Python under one lock: on a machine with two cores, one process holding a
hundred campaigns (engine, steps, reference simulators, results writer) uses one core while the node
waits for the other. Each child here is that same runner (`session.play`) on a share of the campaigns,
with its own threads and results writer, writing to the one results database (SQLite in WAL mode with a
busy timeout, or PostgreSQL). The parent registered every partner before (one after the other), relays
each child's events to the caller's listener (the live lines stay in the parent) and rebuilds the
outcomes in plan order. A campaign whose child died without an outcome gets an error row, never a gap.

Children are started with `spawn` (the parent has threads: forking it could copy a held lock). They
ignore Ctrl-C (the terminal sends it to the whole group): the parent sets the shared stop event instead,
every run ends after its current scenario, as interrupted, and the parent waits for the children. A
child whose parent disappeared stops the same way.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import signal
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hubbench import events as ev
from hubbench.campaigns.session_file import Campaign, SessionPlan

if TYPE_CHECKING:
    from multiprocessing.process import BaseProcess
    from multiprocessing.synchronize import Event as ProcessEvent

    from hubbench.campaigns.session import CampaignOutcome, SessionListener
    from hubbench.home import BenchHome

RELAY_POLL_S = 0.5  # the parent checks its children this often when no message comes
CHILD_END_S = 30.0  # a child that said its last word has this long to exit before it is killed


def shares(plan: SessionPlan, processes: int) -> list[list[int]]:
    """Campaign indices per child: a vendor's campaigns stay together (its reference simulators are the
    child's), vendors dealt to the child with the fewest campaigns so far, largest vendors first."""
    by_vendor: dict[str, list[int]] = {}
    for index, campaign in enumerate(plan.campaigns):
        by_vendor.setdefault(campaign.vendor.client_id, []).append(index)
    result: list[list[int]] = [[] for _ in range(processes)]
    for indices in sorted(by_vendor.values(), key=len, reverse=True):
        min(result, key=len).extend(indices)
    return [sorted(share) for share in result if share]


@dataclass(frozen=True)
class _Said:
    line: str


@dataclass(frozen=True)
class _Event:
    index: int
    event: ev.Event


@dataclass(frozen=True)
class _Done:
    index: int
    outcome: CampaignOutcome


@dataclass(frozen=True)
class _Ended:
    share: int
    error: str = ""  # a failure of the child's own set-up (its simulators…), in French


def play_in_processes(plan: SessionPlan, processes: int, listener: SessionListener, home: BenchHome,
                      session_id: str, stop: threading.Event, say: Callable[[str], None]
                      ) -> list[CampaignOutcome]:
    """The campaigns of `plan` in `processes` children; outcomes in plan order."""
    context = multiprocessing.get_context("spawn")
    messages: Any = context.Queue()
    shared_stop = context.Event()
    children: list[tuple[BaseProcess, list[int]]] = []
    outcomes: dict[int, CampaignOutcome] = {}
    errors: dict[int, str] = {}
    parallel = -(-plan.parallel // processes) if plan.parallel else 0  # the file's cap, shared out
    try:
        for number, share in enumerate(shares(plan, processes)):
            mine = replace(plan, campaigns=tuple(plan.campaigns[i] for i in share), processes=1,
                           parallel=parallel)
            child = context.Process(target=_child_main, name=f"hubbench-session-{number}", args=(
                mine, share, number, str(home.root), session_id, messages, shared_stop))
            child.start()
            children.append((child, share))
        _relay(plan, messages, children, listener, outcomes, errors, say)
    except BaseException:
        stop.set()
        shared_stop.set()
        _relay(plan, messages, children, listener, outcomes, errors, say)  # runs end after their scenario
        raise
    finally:
        _reap(children)
    return [outcomes.get(index) or _lost(campaign, children, errors, index)
            for index, campaign in enumerate(plan.campaigns)]


def _relay(plan: SessionPlan, messages: Any, children: Sequence[tuple[BaseProcess, list[int]]],
           listener: SessionListener, outcomes: dict[int, CampaignOutcome], errors: dict[int, str],
           say: Callable[[str], None]) -> None:
    """Pass the children's messages on until each has ended: said so, or died. A child flushes its
    messages before it exits, so once every child is gone the queue is read to the end."""
    ended: set[int] = set()
    gone = False  # every child seen dead: what they wrote before is in the queue, read until empty
    while True:
        try:
            message = messages.get(timeout=RELAY_POLL_S)
        except queue.Empty:
            if gone:
                return
            gone = all(not child.is_alive() for child, _share in children)
            continue
        if isinstance(message, _Event):
            listener.campaign_event(plan.campaigns[message.index], message.event)
        elif isinstance(message, _Done):
            outcomes[message.index] = message.outcome
            listener.campaign_done(message.outcome)
        elif isinstance(message, _Said):
            say(message.line)
        elif isinstance(message, _Ended):
            ended.add(message.share)
            if message.error:
                errors[message.share] = message.error
                say(message.error)
            if len(ended) == len(children):  # each child's last word: nothing of theirs left to read
                return


def _reap(children: Sequence[tuple[BaseProcess, list[int]]]) -> None:
    for child, _share in children:
        child.join(CHILD_END_S)
        if child.is_alive():
            child.kill()
            child.join()


def _lost(campaign: Campaign, children: Sequence[tuple[BaseProcess, list[int]]], errors: dict[int, str],
          index: int) -> CampaignOutcome:
    """The error row of a campaign whose child ended without its outcome (said why, or died)."""
    from hubbench.campaigns.session import CampaignOutcome

    number, child = next((n, child) for n, (child, share) in enumerate(children) if index in share)
    why = errors.get(number) or (f"processus de session {number} arrêté avant la fin de la campagne "
                                 f"(code de sortie {child.exitcode})")
    return CampaignOutcome(campaign, error=why)


def _child_main(mine: SessionPlan, share: list[int], number: int, home_root: str, session_id: str,
                messages: Any, shared_stop: ProcessEvent) -> None:
    """One child: its share of the campaigns (`mine`, plan indices `share`) as threads (`session.play`),
    every word sent to the parent."""
    from hubbench.campaigns.session import play
    from hubbench.home import BenchHome

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides: it sets `shared_stop`
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda _signum, _frame: stop.set())
    threading.Thread(target=_watch, args=(shared_stop, stop, os.getppid()), daemon=True,
                     name="session-stop").start()
    error = ""
    try:
        play(mine, _Relayed(mine.campaigns, share, messages), BenchHome(Path(home_root)), session_id, stop,
             lambda line: messages.put(_Said(line)))
    except BaseException as exc:  # reported by the parent on the rows of this child's campaigns
        error = f"processus de session {number} : {type(exc).__name__} : {exc}"
    messages.put(_Ended(number, error))
    messages.close()
    messages.join_thread()


def _watch(shared_stop: ProcessEvent, stop: threading.Event, parent: int) -> None:
    """Set `stop` when the parent asks, or when it is gone (this child then belongs to init)."""
    while not stop.is_set():
        if shared_stop.wait(RELAY_POLL_S) or os.getppid() != parent:
            stop.set()


class _Relayed:
    """The child's listener: each word goes to the parent, tagged with the campaign's plan index."""

    def __init__(self, campaigns: Sequence[Campaign], share: list[int], messages: Any) -> None:
        self._index_of = {id(campaign): index for campaign, index in zip(campaigns, share, strict=True)}
        self.messages = messages

    def campaign_event(self, campaign: Campaign, event: ev.Event) -> None:
        self.messages.put(_Event(self._index(campaign), event))

    def campaign_done(self, outcome: CampaignOutcome) -> None:
        self.messages.put(_Done(self._index(outcome.campaign), outcome))

    def _index(self, campaign: Campaign) -> int:
        return self._index_of[id(campaign)]

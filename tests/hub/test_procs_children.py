"""Children of foreground commands: a campaign's runs are all stopped at once on interruption (SIGTERM
first), and no new one starts afterwards."""

from __future__ import annotations

import signal
import sys
import threading
import time

from hubbench.hub.procs import ChildGroup

SLEEPER = [sys.executable, "-c", "import time; time.sleep(600)"]


def test_stop_all_terminates_running_children_and_refuses_new_ones() -> None:
    group = ChildGroup()
    codes: list[int | None] = []
    threads = [threading.Thread(target=lambda: codes.append(group.run(SLEEPER, timeout=600)))
               for _ in range(2)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 60
    while len(group.pids()) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(group.pids()) == 2
    group.stop_all(grace_s=10)
    for thread in threads:
        thread.join(timeout=30)
        assert not thread.is_alive()
    assert codes == [-signal.SIGTERM, -signal.SIGTERM]
    assert group.pids() == []
    assert group.run(SLEEPER, timeout=600) is None  # stopping: nothing new starts


def test_a_child_past_its_time_limit_is_killed() -> None:
    assert ChildGroup().run(SLEEPER, timeout=0.5) is None

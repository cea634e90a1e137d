"""Child process for the concurrency tests: feeds runs into a ResultsStore.

usage: writer_process.py DB_URL PREFIX RUNS GO_FILE [STOP_AFTER]
Waits (bounded) for GO_FILE, then writes RUNS full runs "<PREFIX>-<i>". With STOP_AFTER, writes only
that many events of one run, prints "ready" and sleeps until killed.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from results_fixtures import full_run

from hubbench.results.store import ResultsStore


def main() -> None:
    db_url, prefix, runs, go_file = sys.argv[1], sys.argv[2], int(sys.argv[3]), Path(sys.argv[4])
    stop_after = int(sys.argv[5]) if len(sys.argv) > 5 else None
    store = ResultsStore(db_url)
    for _ in range(600):
        if go_file.exists():
            break
        time.sleep(0.05)
    if stop_after is not None:
        for event in full_run(prefix)[:stop_after]:
            store(event)
        print("ready", flush=True)
        time.sleep(120)
        return
    for i in range(runs):
        for event in full_run(f"{prefix}-{i}", vendor=prefix):
            store(event)
    print("done", flush=True)


if __name__ == "__main__":
    main()

"""Hub start-up wall times through the CLI: cold `hub up` (fresh home) to ready, then warm restart.

Plain script (not part of the test suite). Usage: .venv/bin/python bench/hub_start.py [ROUNDS]
Uses a temporary bench home and free ports in 5700–5799. `hub up` includes the dispatcher when
its module is present. Prints a table, then one JSON line {"hub_up_s": …, "hub_restart_s": …, …}.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from hubbench.hub.procs import port_free

HUBBENCH = str(Path(sys.executable).parent / "hubbench")


def free_ports(count: int) -> list[int]:
    ports = [p for p in range(5700, 5800) if port_free("127.0.0.1", p)]
    if len(ports) < count:
        raise SystemExit("not enough free ports in 5700-5799")
    return ports[:count]


def timed(home: Path, *args: str) -> float:
    start = time.perf_counter()
    done = subprocess.run([HUBBENCH, *args], env={**os.environ, "HUBBENCH_HOME": str(home)},
                          capture_output=True, text=True, timeout=300, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"hubbench {' '.join(args)} failed: {done.stderr}")
    return elapsed


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    cold, restart, down = [], [], []
    for _ in range(rounds):
        with tempfile.TemporaryDirectory(prefix="hubbench-start-") as tmp:
            home = Path(tmp)
            amqps, management, dist = free_ports(3)
            (home / "config.toml").write_text(
                f"[hub]\namqps_port = {amqps}\nmanagement_port = {management}\ndist_port = {dist}\n"
            )
            try:
                cold.append(timed(home, "hub", "up"))
                down_s = timed(home, "hub", "down")
                down.append(down_s)
                restart.append(down_s + timed(home, "hub", "up"))
            finally:
                timed(home, "hub", "down")
    rows = [("cold hub up (fresh home, PKI, boot, ready)", cold),
            ("hub down", down),
            ("warm restart (down + up)", restart)]
    print(f"{'measure':<46} {'median s':>9} {'min s':>7} {'max s':>7}  (n={rounds})")
    for label, values in rows:
        print(f"{label:<46} {statistics.median(values):>9.2f} {min(values):>7.2f} {max(values):>7.2f}")
    print(json.dumps({"hub_up_s": round(statistics.median(cold), 2),
                      "hub_restart_s": round(statistics.median(restart), 2),
                      "hub_down_s": round(statistics.median(down), 2), "rounds": rounds}))


if __name__ == "__main__":
    main()

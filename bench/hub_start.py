"""Hub start-up wall times through the CLI: cold `hub up` (fresh home) to ready, then warm restart.

    .venv/bin/python bench/hub_start.py [--rounds 1]

Temporary bench home, free ports in 5700–5799. `hub up` = PKI, node boot (TLS, management, definitions)
and the dispatcher, up to ready. Warm restart = `hub down` then `hub up` on the same home. Prints a
table (median, min, max over rounds), then one JSON line {"hub_up_s": …, "hub_restart_s": …}.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from _common import emit, print_table, temp_home, write_config

HUBBENCH = str(Path(sys.executable).parent / "hubbench")


def timed(home: Path, *args: str) -> float:
    start = time.perf_counter()
    done = subprocess.run(
        [HUBBENCH, *args],
        env={**os.environ, "HUBBENCH_HOME": str(home)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"hubbench {' '.join(args)} a échoué : {done.stderr.strip()}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    cold: list[float] = []
    restart: list[float] = []
    down: list[float] = []
    for _ in range(args.rounds):
        with temp_home("hubbench-start-") as home:
            write_config(home, (5700, 5799))
            try:
                cold.append(timed(home, "hub", "up"))
                down_s = timed(home, "hub", "down")
                down.append(down_s)
                restart.append(down_s + timed(home, "hub", "up"))
            finally:
                timed(home, "hub", "down")
    print_table(
        f"Démarrage du hub (n={args.rounds})",
        ["mesure", "médiane s", "min s", "max s"],
        [
            [label, f"{statistics.median(v):.2f}", f"{min(v):.2f}", f"{max(v):.2f}"]
            for label, v in (
                ("hub up à froid (home neuf : PKI, nœud, dispatcher)", cold),
                ("hub down", down),
                ("redémarrage à chaud (down + up)", restart),
            )
        ],
    )
    emit(
        {
            "hub_up_s": round(statistics.median(cold), 2),
            "hub_restart_s": round(statistics.median(restart), 2),
            "hub_down_s": round(statistics.median(down), 2),
            "hub_rounds": args.rounds,
        }
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

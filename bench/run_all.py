"""Every benchmark in one go, bounded in time: tables of each script, then one summary table and JSON line.

    .venv/bin/python bench/run_all.py [--budget 570] [--quick]

Runs, one after the other (never two at once: they would measure each other), validate_speed.py,
hub_start.py, dispatch_throughput.py and suite_walltime.py with defaults sized to finish within the
budget on a 2-core machine (`--quick`: fewer messages, rounds and vendors). Each script gets what is left
of the budget as its time limit; one that fails or overruns is reported and the others still run.
The last line is JSON: dispatch_msgs_s, forwarder_msgs_s, dispatch_ratio, p99_added_ms,
validate_msgs_s, suite_s_1, suite_s_30, suite_s_100, suite_scale_ratio (30 ÷ 1), suite_scale_ratio_100
(100 ÷ 1), hub_up_s and the rest of every script's figures.
"""

from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
import time
from pathlib import Path

from _common import emit, last_json_line, print_table

HERE = Path(__file__).resolve().parent
GOALS = [  # (figure, goal, holds(value))
    ("dispatch_ratio", "≥ 0,8 × transitaire", lambda v: v >= 0.8),
    ("p99_added_ms", "< 5 ms à 200 msgs/s", lambda v: v < 5),
    ("suite_tiers_s", "paliers 1–7 × 3 liaisons < 60 s", lambda v: v < 60),
    ("suite_scale_ratio", "30 vendeurs < 3 × un seul", lambda v: v < 3),
    ("suite_scale_ratio_100", "100 vendeurs < 8 × un seul", lambda v: v < 8),
    ("hub_up_s", "hub up à froid < 15 s", lambda v: v < 15),
]


def plan(quick: bool) -> list[tuple[str, list[str], float]]:
    """(script, arguments, share of the budget it may use)."""
    if quick:
        return [
            ("validate_speed.py", ["--seconds", "0.2", "--rounds", "1"], 0.10),
            ("hub_start.py", ["--rounds", "1"], 0.20),
            ("dispatch_throughput.py", ["--messages", "1000", "--paced", "200", "--rounds", "1"], 0.30),
            ("suite_walltime.py", ["--scale", "1,10,30,100"], 0.40),
        ]
    return [
        ("validate_speed.py", ["--seconds", "0.3", "--rounds", "3"], 0.10),
        ("hub_start.py", ["--rounds", "1"], 0.15),
        ("dispatch_throughput.py", ["--messages", "2000", "--paced", "400", "--rounds", "2"], 0.35),
        ("suite_walltime.py", ["--scale", "1,10,30,100"], 0.40),
    ]


BENCH_MODULES = ("aio_pika", "fastjsonschema")  # the `bench` dependency group (pyproject.toml)


def missing_modules() -> list[str]:
    return [name for name in BENCH_MODULES if importlib.util.find_spec(name) is None]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=float, default=570.0, help="seconds for everything (< 10 min)")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    missing = missing_modules()
    if missing:  # said before anything runs, not as a failed script ten minutes in
        print(f"Modules des benchmarks absents : {', '.join(missing)}. Installez le groupe « bench » : "
              f"{Path(sys.executable).parent / 'pip'} install --group bench -e .", file=sys.stderr)
        return 2
    started = time.monotonic()
    summary: dict[str, object] = {}
    timings: list[list[object]] = []
    for script, script_args, _share in plan(args.quick):
        left = args.budget - (time.monotonic() - started)
        if left < 30:
            timings.append([script, "-", "sauté : budget épuisé"])
            continue
        print(f"\n=== {script} {' '.join(script_args)} (limite {left:.0f} s)", flush=True)
        t0 = time.monotonic()
        try:
            done = subprocess.run(
                [sys.executable, str(HERE / script), *script_args],
                capture_output=True,
                text=True,
                timeout=left,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            out = exc.stdout.decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
            print(out)
            timings.append([script, f"{time.monotonic() - t0:.0f}", "limite de temps dépassée"])
            continue
        print(done.stdout, end="", flush=True)
        try:
            summary.update(last_json_line(done.stdout))
            state = "ok" if done.returncode == 0 else f"code {done.returncode}"
        except ValueError:
            state = f"échec (code {done.returncode}) : {done.stderr.strip().splitlines()[-1:] or ''}"
        timings.append([script, f"{time.monotonic() - t0:.0f}", state])
    total = time.monotonic() - started
    print_table(
        f"Scripts (total {total:.0f} s, budget {args.budget:.0f} s)", ["script", "s", "état"], timings
    )
    print_table(
        "Objectifs",
        ["mesure", "valeur", "objectif", "atteint"],
        [
            [
                name,
                summary.get(name, "-"),
                goal,
                ("oui" if check(summary[name]) else "non")
                if isinstance(summary.get(name), int | float)
                else "-",
            ]
            for name, goal, check in GOALS
        ],
    )
    summary["run_all_s"] = round(total, 1)
    emit(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())

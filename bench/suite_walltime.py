"""Wall time of a full tiers 1–3 run on link 15-15: one conforming reference vendor alone, then ten at once.

Everything runs on the bench's own node in a temporary home (ports picked free in 5960–5999) with its
dispatcher; the reference vendors are threads of this script, each run is one `hubbench run`
subprocess with its own partner id. Prints a table, then one JSON line
{"suite_s_1": …, "suite_s_10": …}.

Usage: .venv/bin/python bench/suite_walltime.py [--vendors 10]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from hubbench.home import HOME_ENV, BenchHome
from hubbench.hub.node import HubNode
from hubbench.hub.procs import port_free
from hubbench.hub.settings import HubSettings
from hubbench.hub.supervision import start_dispatcher, stop_dispatcher
from hubbench.sim.demo import DemoVendor, pack_source_env, register_vendors, run_campaign, start_simulators
from hubbench.sim.demo import stop_simulators as stop_sims

LINK, VHOST = "15-15", "15-15_v1.5"


def free_ports(count: int, low: int = 5960, high: int = 5999) -> list[int]:
    ports = [p for p in range(low, high + 1) if port_free("127.0.0.1", p)][:count]
    if len(ports) < count:
        sys.exit(f"pas assez de ports libres entre {low} et {high}")
    return ports


def campaign(home: BenchHome, settings: HubSettings, vendors: list[DemoVendor], log_dir: Path
             ) -> tuple[float, int]:
    """Wall time of `len(vendors)` simultaneous runs, and how many of them did not pass."""
    sims = start_simulators(home, settings, vendors, [LINK], lambda _line: None)
    env = {**pack_source_env(), HOME_ENV: str(home.root)}
    try:
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=len(vendors)) as pool:
            outcomes = list(pool.map(lambda v: run_campaign(v, LINK, "1-3", env, log_dir), vendors))
        elapsed = time.monotonic() - started
    finally:
        stop_sims(sims)
    return elapsed, sum(1 for o in outcomes if o.exit_code != 0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vendors", type=int, default=10)
    args = parser.parse_args()
    os.environ.update(pack_source_env())
    root = Path(tempfile.mkdtemp(prefix="hubbench-suite-"))
    amqps, management, dist = free_ports(3)
    (root / "config.toml").write_text(
        f'[hub]\namqps_port = {amqps}\nmanagement_port = {management}\ndist_port = {dist}\n'
        f'vhosts = ["{VHOST}"]\nmessage_ttl_ms = 60000\n', encoding="utf-8")
    os.environ[HOME_ENV] = str(root)
    home = BenchHome.from_env()
    settings = HubSettings.load(home)
    node = HubNode(home, settings)
    log_dir = root / "runs"
    log_dir.mkdir()
    rows: list[tuple[str, float, int]] = []
    try:
        node.start()
        start_dispatcher(home, settings)
        vendors = [DemoVendor(f"Banc {i:02d}", f"fr.health.samu8{i:02d}", "conforme")
                   for i in range(1, args.vendors + 1)]
        register_vendors(home, settings, vendors, [VHOST], lambda _line: None)
        for group in (vendors[:1], vendors):
            elapsed, not_passed = campaign(home, settings, group, log_dir)
            rows.append((f"{len(group)} vendeur(s) en parallèle", elapsed, not_passed))
    finally:
        stop_dispatcher(home)
        node.stop()
        shutil.rmtree(root, ignore_errors=True)
    print(f"{'campagne paliers 1-3 (15-15)':<32} {'durée (s)':>10} {'runs non réussis':>17}")
    for label, elapsed, not_passed in rows:
        print(f"{label:<32} {elapsed:>10.1f} {not_passed:>17}")
    print(json.dumps({"suite_s_1": round(rows[0][1], 2), f"suite_s_{args.vendors}": round(rows[1][1], 2),
                      "not_passed": [r[2] for r in rows]}))


if __name__ == "__main__":
    main()

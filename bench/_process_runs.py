"""The baseline `suite_walltime.py --mode process` measures: every (vendor, link) campaign a `hubbench run`
subprocess, the reference simulators as threads of the bench process (what the demo did before it ran
its campaigns through the session runner, `hubbench.campaigns.session`)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from hubbench.campaigns.demo import SHARED_PACKS, DemoVendor, partner_id_for
from hubbench.home import PACK_SOURCE_ENV, BenchHome
from hubbench.hub import ChildGroup, HubSettings
from hubbench.sim import VendorThread, build_vendor, get_profile

RUN_LIMIT_S = 900.0  # one run never takes longer than this (prompts use short timeouts)


@dataclass(frozen=True)
class RunOutcome:
    vendor: DemoVendor
    link: str
    exit_code: int
    duration_s: float
    log: Path


def pack_source_env() -> dict[str, str]:
    """The environment of the runs: the local official packs when they exist."""
    env = dict(os.environ)
    if not env.get(PACK_SOURCE_ENV) and SHARED_PACKS.is_dir():
        env[PACK_SOURCE_ENV] = str(SHARED_PACKS)
    return env


def start_simulators(home: BenchHome, settings: HubSettings, vendors: Sequence[DemoVendor],
                     links: Sequence[str], say: Callable[[str], None]) -> list[VendorThread]:
    threads: list[VendorThread] = []
    try:
        for vendor in vendors:
            for link in vendor.links_among(links):
                sim = build_vendor(home, vendor.client_id, get_profile(vendor.profile),
                                   vhost=vendor.vhost_for(link), settings=settings)
                threads.append(VendorThread(sim).start())
            say(f"Simulateur démarré : {vendor.client_id}")
    except BaseException:
        for thread in threads:
            thread.stop()
        raise
    return threads


def run_campaign(vendor: DemoVendor, link: str, tiers: str, env: dict[str, str], log_dir: Path,
                 children: ChildGroup | None = None) -> RunOutcome:
    log = log_dir / f"{vendor.client_id}-{link}.log"
    command = [
        sys.executable, "-c", "from hubbench.cli import main; main()", "run",
        "--vendor", vendor.name, "--client-id", vendor.client_id, "--link", link, "--tiers", tiers,
        "--vhost", vendor.vhost_for(link), "--fast",
    ]
    partner = partner_id_for(vendor, link)
    if partner:
        command += ["--partner-id", partner]
    for role in vendor.roles:
        command += ["--role", role]
    started = time.monotonic()
    with open(log, "wb") as out:
        code = (children or ChildGroup()).run(command, env=env, stdout=out, stderr=subprocess.STDOUT,
                                              stdin=subprocess.DEVNULL, timeout=RUN_LIMIT_S)
    return RunOutcome(vendor, link, -1 if code is None else code, time.monotonic() - started, log)

"""Suite wall time: tiers 1–7 on the three links for one conforming reference vendor, then N vendors at once.

    .venv/bin/python bench/suite_walltime.py [--tiers 1-7] [--links 15-15,15-SMUR,15-NexSIS]
        [--scale 1,10,30] [--scale-tiers 1-3] [--scale-link 15-15]

Everything runs on the bench's own node in a temporary home (free ports in 5960–5999) with its
dispatcher. Each (vendor, link) campaign is one `hubbench run` subprocess with its own partner id (as
`hubbench demo` does); the reference vendors (profile `conforme`) are threads of this script and answer
the runs' prompts. Only the tiers that have a feature file at run time are run (the table says which).

1. `suite`: one vendor, the requested tiers, the three links at once; wall time of the slowest link
   (and each link's own time).
2. `scale`: 1, 10, 30 vendors at once on one hub, each running `--scale-tiers` on `--scale-link`;
   wall time of the whole group, and its ratio to one vendor alone.
Prints tables, then one JSON line {"suite_s_1": …, "suite_s_30": …, "suite_tiers_s": …, …}.
"""

from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from _common import REPO, Hub, emit, print_table, private_hub, require_models

from hubbench.engine.links import LINKS, get_link, parse_tiers
from hubbench.home import HOME_ENV
from hubbench.hub.supervision import start_dispatcher, stop_dispatcher
from hubbench.sim.demo import (
    DemoVendor,
    RunOutcome,
    pack_source_env,
    register_vendors,
    run_campaign,
    start_simulators,
)
from hubbench.sim.demo import stop_simulators as stop_sims


def existing_tiers(wanted: str) -> list[int]:
    """The requested tiers that have a feature file (`features/palier-N-*.feature`) in this tree."""
    present = {int(p.name.split("-")[1]) for p in (REPO / "features").glob("palier-*-*.feature")}
    return [t for t in parse_tiers(wanted) if t in present]


def tiers_arg(tiers: list[int]) -> str:
    return ",".join(str(t) for t in tiers)


def campaign(hub: Hub, jobs: list[tuple[DemoVendor, str]], tiers: str, log_dir: Path) -> list[RunOutcome]:
    """Every (vendor, link) run at once, with one simulator per (vendor, link); outcomes in job order."""
    vendors = list(dict.fromkeys(v for v, _ in jobs))
    links = sorted({link for _, link in jobs})
    sims = start_simulators(hub.home, hub.settings, vendors, links, lambda _line: None)
    env = {**pack_source_env(), HOME_ENV: str(hub.home.root)}
    try:
        with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
            return list(pool.map(lambda job: run_campaign(job[0], job[1], tiers, env, log_dir), jobs))
    finally:
        stop_sims(sims)


def timed(
    hub: Hub, jobs: list[tuple[DemoVendor, str]], tiers: str, log_dir: Path
) -> tuple[float, list[RunOutcome]]:
    started = time.monotonic()
    outcomes = campaign(hub, jobs, tiers, log_dir)
    return time.monotonic() - started, outcomes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiers", default="1-7")
    parser.add_argument("--links", default=",".join(LINKS))
    parser.add_argument("--scale", default="1,10,30", help="vendor counts run at once")
    parser.add_argument("--scale-tiers", default="1-3")
    parser.add_argument("--scale-link", default="15-15")
    parser.add_argument("--skip-suite", action="store_true", help="only the scaling part")
    args = parser.parse_args()
    require_models()
    links = [get_link(name).name for name in args.links.split(",") if name.strip()]
    tiers = existing_tiers(args.tiers)
    scale_tiers = existing_tiers(args.scale_tiers)
    counts = [int(c) for c in args.scale.split(",") if c.strip()]
    vhosts = sorted({get_link(link).default_vhost for link in [*links, args.scale_link]})
    vendors = [
        DemoVendor(f"Banc {i:02d}", f"fr.health.samu8{i:02d}", "conforme")
        for i in range(1, max([1, *counts]) + 1)
    ]
    summary: dict[str, object] = {
        "suite_tiers": tiers_arg(tiers),
        "scale_tiers": tiers_arg(scale_tiers),
        "scale_link": args.scale_link,
    }
    with private_hub("hubbench-suite-", (5960, 5999), vhosts, ttl_ms=60_000) as hub:
        start_dispatcher(hub.home, hub.settings)
        try:
            register_vendors(hub.home, hub.settings, vendors, vhosts, lambda _line: None)
            log_dir = hub.home.runs_dir / "bench"
            log_dir.mkdir(parents=True, exist_ok=True)
            if not args.skip_suite:
                elapsed, outcomes = timed(
                    hub, [(vendors[0], link) for link in links], tiers_arg(tiers), log_dir
                )
                print_table(
                    f"Paliers {tiers_arg(tiers)} (présents dans features/), un vendeur conforme, "
                    f"{len(links)} liaisons en parallèle — total {elapsed:.1f} s",
                    ["liaison", "durée s", "code"],
                    [[o.link, f"{o.duration_s:.1f}", o.exit_code] for o in outcomes],
                )
                summary.update(
                    suite_tiers_s=round(elapsed, 2),
                    suite_tiers_per_link_s={o.link: round(o.duration_s, 1) for o in outcomes},
                    suite_tiers_not_passed=sum(o.exit_code != 0 for o in outcomes),
                )
            rows = []
            base = None
            for count in counts:
                elapsed, outcomes = timed(
                    hub, [(v, args.scale_link) for v in vendors[:count]], tiers_arg(scale_tiers), log_dir
                )
                base = base or elapsed
                slowest = max(o.duration_s for o in outcomes)
                rows.append(
                    [
                        count,
                        f"{elapsed:.1f}",
                        f"{elapsed / base:.2f}",
                        f"{slowest:.1f}",
                        sum(o.exit_code != 0 for o in outcomes),
                    ]
                )
                summary[f"suite_s_{count}"] = round(elapsed, 2)
                summary[f"suite_not_passed_{count}"] = sum(o.exit_code != 0 for o in outcomes)
            print_table(
                f"Montée en charge : paliers {tiers_arg(scale_tiers)} sur {args.scale_link}, N vendeurs "
                "conformes en même temps sur un hub",
                ["vendeurs", "durée s", "× un seul", "run le plus long s", "runs non réussis"],
                rows,
            )
        finally:
            stop_dispatcher(hub.home)
    if len(counts) > 1 and f"suite_s_{counts[0]}" in summary:
        summary["suite_scale_ratio"] = round(
            float(summary[f"suite_s_{counts[-1]}"])  # type: ignore[arg-type]
            / float(summary[f"suite_s_{counts[0]}"]),
            2,
        )  # type: ignore[arg-type]
    emit(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Suite wall time: tiers 1–7 on the three links for one conforming reference vendor, then N vendors at once.

    .venv/bin/python bench/suite_walltime.py [--tiers 1-7] [--links 15-15,15-SMUR,15-NexSIS]
        [--scale 1,10,30,100] [--scale-tiers 1-3] [--scale-link 15-15] [--mode session|process]
        [--breakdown 12] [--profile FILE]

Everything runs on the bench's own node in a temporary home (free ports in 5960–5999) with its
dispatcher. Each (vendor, link) campaign is one `hubbench run` subprocess with its own partner id (as
`hubbench demo` does); the reference vendors (profile `conforme`) are threads of this script and answer
the runs' prompts. Only the tiers that have a feature file at run time are run (the table says which).

1. `suite`: one vendor, the requested tiers, the three links at once; wall time of the slowest link
   (and each link's own time).
2. `scale`: 1, 10, 30, 100 vendors at once on one hub, each running `--scale-tiers` on `--scale-link`;
   wall time of the whole group, and its ratio to one vendor alone (`suite_scale_ratio`: 30 ÷ 1,
   `suite_scale_ratio_100`: 100 ÷ 1). `--mode session` (default): every campaign a thread of THIS
   process, as `hubbench session run` runs them (`campaigns/session.py`: shared imports, partners
   registered first, one results writer); `--mode process`: one `hubbench run` subprocess each.
   `--profile FILE`: cProfile of the last round (main thread only: use py-spy for the runs' threads).
`--breakdown N` also prints, for the suite's runs, the N longest scenarios and steps of each link (from
the results database of the temporary home: where the wall time goes).
Prints tables, then one JSON line {"suite_s_1": …, "suite_s_30": …, "suite_tiers_s": …, …}.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path

from _common import REPO, Hub, emit, print_table, private_hub, require_models
from _process_runs import RunOutcome, pack_source_env, run_campaign, start_simulators

from hubbench.campaigns.demo import DemoVendor, register_vendors
from hubbench.campaigns.demo import stop_simulators as stop_sims
from hubbench.campaigns.session import CampaignOutcome, auto_processes, register_partners, run_session
from hubbench.campaigns.session_file import Campaign, SessionPlan, SessionVendor
from hubbench.engine.links import LINKS, get_link, parse_tiers
from hubbench.home import HOME_ENV, BenchHome
from hubbench.hub.supervision import start_dispatcher, stop_dispatcher
from hubbench.results.db import open_database
from hubbench.results.models import Run, ScenarioResult, StepResult
from hubbench.vhosts import GPS_LINK


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


CPU_SPLITS: list[tuple[int, dict[str, float]]] = []
SET_UP_S: list[tuple[int, float]] = []  # simulators started and clients registered, before the runs


def _proc_cpu_s(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def _hub_pids(root: Path) -> dict[str, list[int]]:
    """The node (beam) and dispatcher processes of the temporary home, by kind."""
    found: dict[str, list[int]] = {"rabbitmq": [], "dispatcher": []}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if str(root) not in cmdline:
            continue
        if "beam.smp" in cmdline:
            found["rabbitmq"].append(int(entry.name))
        elif "hubbench.hub.dispatcher" in cmdline:
            found["dispatcher"].append(int(entry.name))
    return found


class CpuClock:
    """CPU seconds used during a round by this process (runs, simulators, results writer), the node
    and the dispatcher: where the two cores go."""

    def __init__(self, root: Path) -> None:
        self.pids = _hub_pids(root)
        self.start = self._now()

    def _now(self) -> dict[str, float]:
        usage = os.times()
        now = {"banc (ce processus et ses enfants)": usage.user + usage.system + usage.children_user
               + usage.children_system}
        for kind, pids in self.pids.items():
            now[kind] = sum(_proc_cpu_s(pid) for pid in pids)
        return now

    def split(self) -> dict[str, float]:
        end = self._now()
        return {kind: round(end[kind] - self.start[kind], 1) for kind in end}


class _Quiet:
    """A session listener that says nothing (the bench prints its tables at the end)."""

    def campaign_event(self, campaign: Campaign, event: object) -> None:
        pass

    def campaign_done(self, outcome: CampaignOutcome) -> None:
        pass


OPERATOR_WINDOW_S = 60.0


def session_campaign(hub: Hub, jobs: list[tuple[DemoVendor, str]], tiers: str, processes: int
                     ) -> list[RunOutcome]:
    """Every (vendor, link) run in this process (`hubbench session run`'s runner); outcomes in job order."""
    campaigns = tuple(
        Campaign(SessionVendor(name=v.name, client_id=v.client_id, profile=v.profile), link,
                 parse_tiers(tiers), None, None)
        for v, link in jobs
    )
    # `--fast` waits, but the operator window of a recette (prompts of 100 vendors at once wait seconds
    # for a core: 17 s seen, past the 20 s `--fast` window); a wait still ends with its evidence
    plan = SessionPlan("bench", True, 0, OPERATOR_WINDOW_S, campaigns, REPO, processes)
    register_partners(hub.home, hub.settings, campaigns)  # as `hubbench clients add` before a session
    cpu = CpuClock(hub.home.root)
    started = time.monotonic()
    result = run_session(plan, _Quiet(), home=hub.home)
    CPU_SPLITS.append((len(jobs), cpu.split()))
    SET_UP_S.append((len(jobs), round(time.monotonic() - started - result.duration_s, 1)))
    by_key = {(v.client_id, link): v for v, link in jobs}
    outcomes = []
    for o in result.outcomes:
        log = hub.home.runs_dir / f"{o.campaign.vendor.client_id}-{o.campaign.link}.session.log"
        log.write_text(_session_log(o), encoding="utf-8")
        outcomes.append(RunOutcome(by_key[(o.campaign.vendor.client_id, o.campaign.link)], o.campaign.link,
                                   o.exit_code, o.duration_s, log))
    return outcomes


def _session_log(outcome: CampaignOutcome) -> str:
    if outcome.error:
        return f"Erreur : {outcome.error}\n"
    scenarios = outcome.result.scenarios if outcome.result else []
    return "".join(f"{s.verdict.label_fr} : palier {s.tier} — {s.name} {s.detail}\n" for s in scenarios)


def timed(
    hub: Hub, jobs: list[tuple[DemoVendor, str]], tiers: str, log_dir: Path, mode: str = "process",
    processes: int = 0,
) -> tuple[float, list[RunOutcome]]:
    started = time.monotonic()
    if mode == "session":
        outcomes = session_campaign(hub, jobs, tiers, processes)
    else:
        outcomes = campaign(hub, jobs, tiers, log_dir)
    elapsed = time.monotonic() - started
    for outcome in outcomes:
        if outcome.exit_code != 0:  # a figure only counts when every run passed: say why one did not
            lines = outcome.log.read_text(encoding="utf-8", errors="replace").splitlines()
            failed = [line for line in lines if any(k in line for k in ("✗", "échou", "délai", "Erreur"))]
            print(f"\n{outcome.vendor.client_id} × {outcome.link} : code {outcome.exit_code}")
            print("\n".join(f"  {line}" for line in (failed or lines)[-12:]))
    return elapsed, outcomes


def phases(run: Run, scenarios: list[ScenarioResult], launched: datetime, outcome: RunOutcome) -> list[str]:
    """Where one run's wall time goes: start-up, scenarios, gaps between them, close, process exit."""
    ordered = sorted(scenarios, key=lambda sc: sc.started_at)
    first, last = ordered[0].started_at, max(sc.finished_at or sc.started_at for sc in ordered)
    in_scenarios = sum(sc.duration_s or 0.0 for sc in ordered)
    ended = launched + timedelta(seconds=outcome.duration_s)
    return [
        run.link,
        f"{(run.started_at - launched).total_seconds():.1f}",
        f"{(first - run.started_at).total_seconds():.1f}",
        f"{in_scenarios:.1f}",
        f"{(last - first).total_seconds() - in_scenarios:.1f}",
        f"{((run.finished_at or last) - last).total_seconds():.1f}",
        f"{(ended - (run.finished_at or last)).total_seconds():.1f}",
        f"{outcome.duration_s:.1f}",
    ]


def breakdown(home: BenchHome, top: int, launched: datetime, outcomes: list[RunOutcome]) -> None:
    """Each run's phases, then its `top` longest scenarios and steps (from the home's results database)."""
    by_link = {o.link: o for o in outcomes}
    db = open_database(home.db_url)
    try:
        with db.reading() as session:
            runs = [r for r in session.query(Run).order_by(Run.link).all() if r.link in by_link]
            table = []
            for run in runs:
                scenarios = session.query(ScenarioResult).filter_by(run_id=run.id).all()
                if scenarios:
                    table.append(phases(run, scenarios, launched, by_link[run.link]))
            print_table(
                "Répartition du temps de chaque run (s)",
                [
                    "liaison",
                    "démarrage",
                    "→ 1er scénario",
                    "scénarios",
                    "entre scénarios",
                    "fin",
                    "sortie",
                    "total",
                ],
                table,
            )
            for run in runs:
                scenarios = session.query(ScenarioResult).filter_by(run_id=run.id).all()
                by_pk = {sc.id: sc for sc in scenarios}
                print_table(
                    f"{run.link} : {len(scenarios)} scénarios — les plus longs",
                    ["scénario", "palier", "s", "verdict"],
                    [
                        [sc.name[:70], sc.tier, f"{sc.duration_s or 0:.2f}", sc.verdict]
                        for sc in sorted(scenarios, key=lambda sc: -(sc.duration_s or 0))[:top]
                    ],
                )
                ordered = sorted(scenarios, key=lambda sc: sc.started_at)
                gaps = [
                    ((nxt.started_at - (prev.finished_at or prev.started_at)).total_seconds(), nxt)
                    for prev, nxt in pairwise(ordered)
                ]
                print_table(
                    f"{run.link} : plus longues attentes avant un scénario (hors scénarios)",
                    ["scénario suivant", "palier", "s"],
                    [
                        [sc.name[:70], sc.tier, f"{d:.2f}"]
                        for d, sc in sorted(gaps, key=lambda g: -g[0])[:top]
                    ],
                )
                steps = [
                    ((st.finished_at - st.started_at).total_seconds(), by_pk[st.scenario_pk], st)
                    for st in session.query(StepResult).filter_by(run_id=run.id).all()
                    if st.finished_at and st.scenario_pk in by_pk
                ]
                print_table(
                    f"{run.link} : étapes les plus longues",
                    ["étape", "palier", "s"],
                    [
                        [f"{st.keyword} {st.text}"[:90], sc.tier, f"{d:.2f}"]
                        for d, sc, st in sorted(steps, key=lambda x: -x[0])[:top]
                    ],
                )
    finally:
        db.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiers", default="1-7")
    parser.add_argument("--links", default=",".join(LINKS))
    parser.add_argument("--scale", default="1,10,30,100", help="vendor counts run at once")
    parser.add_argument("--scale-tiers", default="1-3")
    parser.add_argument("--scale-link", default="15-15")
    parser.add_argument("--skip-suite", action="store_true", help="only the scaling part")
    parser.add_argument(
        "--mode",
        choices=("session", "process"),
        default="session",
        help="scaling: one process for all vendors (session runner) or one `hubbench run` each",
    )
    parser.add_argument("--processes", type=int, default=0,
                        help="session mode: processes sharing the campaigns (0: automatic, as `session run`)")
    parser.add_argument("--profile", default="", metavar="FILE", help="cProfile the last scale round to FILE")
    parser.add_argument(
        "--breakdown",
        type=int,
        default=0,
        metavar="N",
        help="print the N longest scenarios and steps of each link of the suite",
    )
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
    # 15-GPS is played by a GPS actor (positions), as in the demo: an LRM is not a 15-GPS actor
    gps_actor = DemoVendor("Banc GPS", "fr.health.samu790", "conforme",
                           ((GPS_LINK, get_link(GPS_LINK).default_vhost),))
    summary: dict[str, object] = {
        "suite_tiers": tiers_arg(tiers),
        "scale_tiers": tiers_arg(scale_tiers),
        "scale_link": args.scale_link,
    }
    with private_hub("hubbench-suite-", (5960, 5999), vhosts, ttl_ms=60_000) as hub:
        start_dispatcher(hub.home, hub.settings)
        os.environ.update({**pack_source_env(), HOME_ENV: str(hub.home.root)})  # the session's runs
        try:
            register_vendors(hub.home, hub.settings, [*vendors, gps_actor], vhosts, lambda _line: None)
            log_dir = hub.home.runs_dir / "bench"
            log_dir.mkdir(parents=True, exist_ok=True)
            if not args.skip_suite:
                launched = datetime.now(UTC)
                suite_jobs = [(gps_actor if link == GPS_LINK else vendors[0], link) for link in links]
                elapsed, outcomes = timed(hub, suite_jobs, tiers_arg(tiers), log_dir)
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
                if args.breakdown:
                    breakdown(hub.home, args.breakdown, launched, outcomes)
            rows = []
            base = None
            for index, count in enumerate(counts):
                jobs = [(v, args.scale_link) for v in vendors[:count]]
                profiler = cProfile.Profile() if args.profile and index == len(counts) - 1 else None
                if profiler:
                    profiler.enable()
                elapsed, outcomes = timed(hub, jobs, tiers_arg(scale_tiers), log_dir, args.mode,
                                         args.processes)
                if profiler:
                    profiler.disable()
                    profiler.dump_stats(args.profile)
                base = base or elapsed
                slowest = max(o.duration_s for o in outcomes)
                processes = (args.processes or auto_processes(count)) if args.mode == "session" else count
                rows.append(
                    [
                        count,
                        processes,
                        f"{elapsed:.1f}",
                        f"{elapsed / base:.2f}",
                        f"{slowest:.1f}",
                        sum(o.exit_code != 0 for o in outcomes),
                    ]
                )
                summary[f"suite_s_{count}"] = round(elapsed, 2)
                summary[f"suite_processes_{count}"] = processes
                summary[f"suite_not_passed_{count}"] = sum(o.exit_code != 0 for o in outcomes)
            if CPU_SPLITS:
                kinds = list(CPU_SPLITS[0][1])
                print_table(
                    "Temps CPU par round (s ; 2 cœurs) : qui consomme",
                    ["vendeurs", *kinds, "total"],
                    [[n, *(split[k] for k in kinds), round(sum(split.values()), 1)]
                     for n, split in CPU_SPLITS],
                )
                summary["suite_cpu_s"] = {str(n): split for n, split in CPU_SPLITS}
                summary["suite_setup_s"] = {str(n): s for n, s in SET_UP_S}
            print_table(
                f"Montée en charge : paliers {tiers_arg(scale_tiers)} sur {args.scale_link}, N vendeurs "
                "conformes en même temps sur un hub",
                ["vendeurs", "processus", "durée s", "× un seul", "run le plus long s", "runs non réussis"],
                rows,
            )
        finally:
            stop_dispatcher(hub.home)
    base_s = summary.get("suite_s_1")
    for count, key in ((30, "suite_scale_ratio"), (100, "suite_scale_ratio_100")):
        if isinstance(base_s, float) and isinstance(summary.get(f"suite_s_{count}"), float):
            summary[key] = round(float(summary[f"suite_s_{count}"]) / base_s, 2)  # type: ignore[arg-type]
    summary["scale_mode"] = args.mode
    emit(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())

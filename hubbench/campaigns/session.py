"""`hubbench session run FILE.yaml`: many vendors' campaigns in ONE process, side by side.

Each (vendor, link) campaign is `engine.run` in a thread of a small pool: the imports (pytest,
SQLAlchemy, the steps and features), the hub's settings and one results writer (`SharedResults`)
are shared, where one `hubbench run` process per campaign pays them each time. Every run is stored
with the session's id (`runs.session_id`; `hubbench results --session ID`). Vendors with a reference
`profile` are played by the bench itself (registered on the hub, simulators as threads), as the
demo does. Progress goes to the caller's `SessionListener`; the result holds a vendor × link × tier
matrix and the session's exit code (as `hubbench run`: 0 nothing failed, 1 otherwise, 2 set-up error).
"""

from __future__ import annotations

import os
import secrets
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from hubbench import events as ev
from hubbench.campaigns.demo import DemoVendor, partner_id_for
from hubbench.campaigns.session_file import Campaign, SessionPlan
from hubbench.engine import RunOptions, RunResult, SharedResults, Timeouts, run
from hubbench.errors import BenchError
from hubbench.events import Verdict, aggregate
from hubbench.home import BenchHome

if TYPE_CHECKING:
    from hubbench.hub import HubSettings
    from hubbench.sim import VendorThread

SIM_STARTS = 16  # reference simulators connecting at once
MAX_PROCESSES = 4
CAMPAIGNS_PER_PROCESS = 12


class SessionListener(Protocol):
    """What the session says while it runs (the CLI's live lines per vendor)."""

    def campaign_event(self, campaign: Campaign, event: ev.Event) -> None: ...

    def campaign_done(self, outcome: CampaignOutcome) -> None: ...


@dataclass
class CampaignOutcome:
    campaign: Campaign
    run_id: str | None = None
    exit_code: int = 2
    duration_s: float = 0.0
    result: RunResult | None = None
    error: str = ""  # the French line of a set-up error (the campaign did not run)

    def tier_cells(self, tiers: Sequence[int]) -> dict[int, str]:
        """Tier → French label of its aggregated verdict (« non exécuté » when the tier did not run)."""
        cells = {}
        scenarios = self.result.scenarios if self.result else []
        for tier in tiers:
            mine = [s for s in scenarios if s.tier == tier]
            verdict = aggregate([s.verdict for s in mine])
            if verdict is Verdict.BLOCKED:
                cells[tier] = ev.blocked_label(min((s.blocked_by_tier for s in mine if s.blocked_by_tier),
                                                   default=None))
            else:
                cells[tier] = verdict.label_fr
        return cells


@dataclass
class SessionResult:
    session_id: str
    outcomes: list[CampaignOutcome] = field(default_factory=list)
    duration_s: float = 0.0

    @property
    def exit_code(self) -> int:
        return max((o.exit_code for o in self.outcomes), default=1)

    @property
    def tiers(self) -> list[int]:
        return sorted({t for o in self.outcomes for t in o.campaign.tiers})


def new_session_id() -> str:
    return f"session-{time.strftime('%Y%m%dT%H%M%S')}-{secrets.token_hex(3)}"


def reference_vendors(plan: SessionPlan) -> list[DemoVendor]:
    """The vendors the bench plays itself (a `profile`), on the links the session runs for them."""
    vhosts: dict[str, list[tuple[str, str]]] = {}
    for c in plan.campaigns:
        if c.vendor.profile:
            vhosts.setdefault(c.vendor.client_id, []).append((c.link, _vhost(c)))
    return [DemoVendor(v.name, v.client_id, v.profile or "", tuple(vhosts[v.client_id]))
            for v in plan.vendors if v.profile]


def _vhost(c: Campaign) -> str:
    from hubbench.declaration import declared_vhost
    from hubbench.engine import get_link

    return c.vhost or declared_vhost(c.declaration, c.link) or get_link(c.link).default_vhost


def run_session(plan: SessionPlan, listener: SessionListener, *, home: BenchHome | None = None,
                session_id: str | None = None, say: Callable[[str], None] = lambda _line: None
                ) -> SessionResult:
    """Every campaign of `plan` against the bench's running hub; simulators for reference vendors.
    The partners (and reference vendors) are registered here, one after the other; the campaigns then
    run as threads of this process, or of `plan.processes` child processes (0: `auto_processes`)."""
    from hubbench.campaigns.demo import register_vendors
    from hubbench.hub import HubNode, HubSettings

    home = (home or BenchHome.from_env()).ensure()
    result = SessionResult(session_id or new_session_id())
    settings = HubSettings.load(home)
    if not HubNode(home, settings).is_running():
        from hubbench.errors import SetupError

        raise SetupError(f"Le hub du banc n'est pas démarré ({home.root})", hint="lancez `hubbench hub up`")
    references = reference_vendors(plan)
    register_vendors(home, settings, _not_registered(home, settings, references), [], say)
    register_partners(home, settings, plan.campaigns)
    processes = plan.processes or auto_processes(len(plan.campaigns))
    stop = threading.Event()  # Ctrl-C, SIGTERM: set by either runner; every run ends after its scenario
    started = time.monotonic()
    if processes > 1:
        from hubbench.campaigns.session_pool import play_in_processes

        say(f"{len(plan.campaigns)} campagne(s) réparties sur {processes} processus")
        result.outcomes = play_in_processes(plan, processes, listener, home, result.session_id, stop, say)
    else:
        result.outcomes = play(plan, listener, home, result.session_id, stop, say)
    result.duration_s = time.monotonic() - started
    return result


def auto_processes(campaigns: int) -> int:
    """Processes for a session when the file does not say: one per core the bench may use, at most
    `MAX_PROCESSES`, and one per `CAMPAIGNS_PER_PROCESS` campaigns (a second interpreter costs its
    imports, ≈ 2 s of CPU: worth it from a few dozen campaigns on)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(cores, MAX_PROCESSES, campaigns // CAMPAIGNS_PER_PROCESS))


def play(plan: SessionPlan, listener: SessionListener, home: BenchHome, session_id: str,
         stop: threading.Event, say: Callable[[str], None]) -> list[CampaignOutcome]:
    """The campaigns of `plan` as threads of this process (their partners already registered): the
    reference simulators, one results writer, then every run; outcomes in plan order."""
    from hubbench.campaigns.demo import stop_simulators
    from hubbench.hub import HubSettings

    settings = HubSettings.load(home)
    sims = start_references(home, settings, reference_vendors(plan), say)
    shared = SharedResults(home.db_url)
    pool = ThreadPoolExecutor(max_workers=plan.parallel or len(plan.campaigns), thread_name_prefix="session")
    try:
        futures = [pool.submit(_campaign, c, plan, session_id, home, shared, listener, stop)
                   for c in plan.campaigns]
        return [future.result() for future in futures]
    except BaseException:  # Ctrl-C, SIGTERM: every run ends after its current scenario, as interrupted
        stop.set()
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        stop_simulators(sims)
        shared.close()


def start_references(home: BenchHome, settings: HubSettings, vendors: Sequence[DemoVendor],
                     say: Callable[[str], None]) -> list[VendorThread]:
    """One simulator per (reference vendor, link), a few connecting at once (one after the other, a
    hundred take as long as their runs)."""
    from hubbench.sim import VendorThread, build_vendor, get_profile

    def start(vendor: DemoVendor, vhost: str) -> VendorThread:
        profile = get_profile(vendor.profile)
        sim = build_vendor(home, vendor.client_id, profile, vhost=vhost, settings=settings)
        return VendorThread(sim).start()

    jobs = [(vendor, vhost) for vendor in vendors for _link, vhost in vendor.vhosts]
    threads: list[VendorThread] = []
    with ThreadPoolExecutor(max_workers=SIM_STARTS, thread_name_prefix="sim-start") as pool:
        futures = [pool.submit(start, *job) for job in jobs]
        errors = []
        for future in futures:
            try:
                threads.append(future.result())
            except BaseException as exc:
                errors.append(exc)
    if errors:
        for thread in threads:
            thread.stop()
        raise errors[0]
    if jobs:
        say(f"{len(threads)} simulateur(s) de référence démarré(s)")
    return threads


def partner_of(campaign: Campaign) -> str | None:
    vendor = campaign.vendor
    return vendor.partner_id or partner_id_for(DemoVendor(vendor.name, vendor.client_id, "",
                                                          roles=campaign.roles), campaign.link)


def _not_registered(home: BenchHome, settings: HubSettings, vendors: Sequence[DemoVendor]
                    ) -> list[DemoVendor]:
    """The reference vendors whose registration would change something (a new client, other vhosts, editor
    or directCISU, a missing certificate): a session run again does not re-register a hundred clients."""
    from hubbench.hub import ClientRegistry, Pki
    from hubbench.sim import get_profile

    registry, pki = ClientRegistry(home, settings), Pki(home.pki_dir)
    changed = []
    for vendor in vendors:
        entry = registry.get(vendor.client_id)
        wanted = sorted(vhost for _link, vhost in vendor.vhosts)
        direct_cisu = get_profile(vendor.profile).direct_cisu
        same = (entry is not None and not entry.revoked and sorted(entry.vhosts) == wanted
                and entry.editor == vendor.name and entry.direct_cisu == direct_cisu
                and pki.has(vendor.client_id))
        if not same:
            changed.append(vendor)
    return changed


def register_partners(home: BenchHome, settings: HubSettings, campaigns: Sequence[Campaign]) -> None:
    """The bench's partner client of every campaign, registered one after the other before the runs
    start (as each run would at its start: dozens at once would flood the node's management API)."""
    from hubbench.engine import get_link
    from hubbench.hub import ClientRegistry

    registry = ClientRegistry(home, settings)
    for campaign in campaigns:
        partner = partner_of(campaign)
        if partner is None:  # the engine's default (15-NexSIS): registered by the run itself
            continue
        entry = registry.get(partner)
        vhost = _vhost(campaign)
        if vhost not in settings.vhosts:  # the run says so on its row (« Vhost inconnu du hub »)
            continue
        if entry is not None and not entry.revoked and vhost in entry.vhosts:
            continue
        kept = entry.vhosts if entry is not None and not entry.revoked else ()
        registry.add(partner, vhosts=sorted({vhost, *kept}),
                     use_xml=not get_link(campaign.link).health_partner, editor="hubbench")


def _campaign(campaign: Campaign, plan: SessionPlan, session_id: str, home: BenchHome,
              shared: SharedResults, listener: SessionListener, stop: threading.Event) -> CampaignOutcome:
    outcome = CampaignOutcome(campaign)
    vendor = campaign.vendor
    started = time.monotonic()
    options = RunOptions(
        vendor=vendor.name,
        client_id=vendor.client_id,
        link=campaign.link,
        vhost=_vhost(campaign),
        tiers=campaign.tiers,
        answers=campaign.answers,
        partner_id=partner_of(campaign),
        timeout=plan.timeout,
        timeouts=Timeouts.fast() if plan.fast else Timeouts(),
        home=home.root,
        listeners=[_Forward(campaign, listener)],
        declaration=campaign.declaration,
        roles=campaign.roles,
        session_id=session_id,
        stop=stop,
    )
    try:
        outcome.result = run(options, store=shared.for_run())
        outcome.run_id = outcome.result.run_id
        outcome.exit_code = outcome.result.exit_code
    except BenchError as exc:
        outcome.error = exc.message
        outcome.exit_code = exc.exit_code
    except Exception as exc:  # one campaign's bench fault never stops the others: reported on its row
        outcome.error = f"{type(exc).__name__} : {exc}"
        outcome.exit_code = 2
    outcome.duration_s = time.monotonic() - started
    listener.campaign_done(outcome)
    return outcome


class _Forward:
    """A run's listener that tags its events with the campaign (events of all runs share the threads)."""

    def __init__(self, campaign: Campaign, listener: SessionListener) -> None:
        self.campaign = campaign
        self.listener = listener
        self._lock = threading.Lock()

    def __call__(self, event: ev.Event) -> None:
        with self._lock:
            self.listener.campaign_event(self.campaign, event)

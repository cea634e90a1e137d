"""The demo: the local hub, reference vendors (conforming and faulty), every tier on every link.

Tier 6 plays the official test cases of each vhost's pack (15-15_v1.5: tag 1.3.0, ten 15-15 cases;
15-smur_v1.4 publishes none for 15-SMUR, said once). The conforming vendor also runs as a separate
product on the 3.x-line vhosts of 15-15 and 15-SMUR, where the pack (3.4.1) has the 10 + 4 cases.
The LRM vendors run on the LRM links; « Démo G » is a GPS actor (positions) on 15-GPS only.

Each run is a `hubbench run` subprocess (the engine runs pytest in-process, one run per process),
with its own partner id, so runs proceed side by side; the simulators run as threads of the demo
process and act on the prompts of each run through its public prompt API (docs/prompt-api.md), found in
the discovery file the run writes in the bench home.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from hubbench.engine import LINKS, get_link
from hubbench.errors import UsageError
from hubbench.events import Verdict, blocked_label
from hubbench.home import PACK_SOURCE_ENV, BenchHome
from hubbench.hub import ChildGroup, ClientRegistry, HubNode, HubSettings, start_dispatcher
from hubbench.resources import FEATURES_DIR as FEATURES_DIR  # re-exported by the face
from hubbench.resources import shared_packs
from hubbench.results import matrix, open_database
from hubbench.sim import VendorThread, build_vendor, get_profile
from hubbench.vhosts import GPS_LINK, LRM_LINKS

SHARED_PACKS = shared_packs() or Path("/nonexistent/shared/hubsante-models")  # checkout only
RUN_LIMIT_S = 900.0  # one run never takes longer than this (prompts use short timeouts)

Say = Callable[[str], None]


@dataclass(frozen=True)
class DemoVendor:
    name: str  # vendor (product) name as the runs and the console show it
    client_id: str
    profile: str
    vhosts: tuple[tuple[str, str], ...] = ()  # (link, vhost): only those links; () = the LRM links
    roles: tuple[str, ...] = ()  # declared roles on its links (`--role`); () = implicit (LRM)

    def links_among(self, links: Sequence[str]) -> list[str]:
        """Its links among `links`: its own when it names them, else the LRM links (an LRM is not a
        15-GPS actor)."""
        own = dict(self.vhosts)
        return [link for link in links if link in own or (not own and link in LRM_LINKS)]

    def vhost_for(self, link: str) -> str:
        return dict(self.vhosts).get(link) or get_link(link).default_vhost


LINE_3_VHOSTS = (("15-15", "15-15_v2.1"), ("15-SMUR", "15-smur_v1.7"))  # assumed names (no public source)

DEMO_VENDORS: tuple[DemoVendor, ...] = (
    DemoVendor("Démo A — LRM conforme", "fr.health.samu901", "conforme"),
    # Same product on the 3.x model line: its own row of the matrix (3.4.1 pack: 10 + 4 official cases).
    DemoVendor("Démo A — LRM conforme, modèle 3.x", "fr.health.samu905", "conforme", LINE_3_VHOSTS),
    DemoVendor("Démo B — sans ack AMQP", "fr.health.samu902", "sans-ack"),  # tier 2
    DemoVendor("Démo C — sans RC-REF", "fr.health.samu903", "sans-rc-ref"),  # tier 3 (and 4–7: no RC-REF)
    DemoVendor("Démo D — doublon sur renvoi", "fr.health.samu904", "doublon-sur-renvoi"),  # tier 4
    # 15-NexSIS for both kinds of LRM: Démo A speaks RS-EDA (the hub converts its cases), E is directCISU.
    DemoVendor("Démo E — LRM conforme directCISU", "fr.health.samu906", "conforme-direct-cisu",
               (("15-NexSIS", get_link("15-NexSIS").default_vhost),)),
    # A SMUR tablet (15-SMUR only, declared `tablette`): the bench plays its LRM on tiers 4–6.
    DemoVendor("Démo T — tablette conforme", "fr.health.samu908", "conforme-tablette",
               (("15-SMUR", get_link("15-SMUR").default_vhost),), roles=("tablette",)),
    # 15-GPS: a position sender and requester (both roles), tiers 1–5 (6–7 « non applicable »).
    DemoVendor("Démo G — GPS conforme", "fr.health.samu907", "conforme",
               ((GPS_LINK, get_link(GPS_LINK).default_vhost),)),
)


@dataclass(frozen=True)
class RunOutcome:
    vendor: DemoVendor
    link: str
    exit_code: int
    duration_s: float
    log: Path


def pack_source_env() -> dict[str, str]:
    """The environment of the runs: the bench home, and the local official packs when they exist."""
    env = dict(os.environ)
    if not env.get(PACK_SOURCE_ENV) and SHARED_PACKS.is_dir():
        env[PACK_SOURCE_ENV] = str(SHARED_PACKS)
    return env


def hub_up(home: BenchHome, settings: HubSettings, say: Say) -> None:
    node = HubNode(home, settings)
    if node.is_running():
        say("Hub local déjà démarré.")
    else:
        say("Démarrage du hub local (nœud RabbitMQ TLS + dispatcher)…")
        node.start(lambda line: say(f"  {line}"))
    start_dispatcher(home, settings)


def vendors_on_hub(vendors: Sequence[DemoVendor], links: Sequence[str], hub_vhosts: Sequence[str],
                   say: Say) -> list[DemoVendor]:
    """The vendors with a run among `links` whose vhosts the hub serves (a line missing from the hub's
    `[hub] vhosts`, or from a node started before it was added, is left out with a message)."""
    kept = []
    for vendor in vendors:
        needed = {vendor.vhost_for(link) for link in vendor.links_among(links)}
        missing = sorted(needed - set(hub_vhosts))
        if missing:
            say(f"{vendor.name} ignoré : vhost(s) {', '.join(missing)} absent(s) du hub "
                "(ajoutez-les à [hub] vhosts, puis hubbench hub down / hub up)")
        elif needed:
            kept.append(vendor)
    return kept


def register_vendors(home: BenchHome, settings: HubSettings, vendors: Sequence[DemoVendor],
                     vhosts: Sequence[str], say: Say) -> None:
    """Each vendor on `vhosts`, or on its own vhosts when it has some."""
    registry = ClientRegistry(home, settings)
    for vendor in vendors:
        own = [vhost for _link, vhost in vendor.vhosts]
        registry.add(vendor.client_id, vhosts=own or list(vhosts), editor=vendor.name,
                     direct_cisu=get_profile(vendor.profile).direct_cisu)
        say(f"Client enregistré : {vendor.client_id} ({vendor.name}, profil « {vendor.profile} »)")


def start_simulators(home: BenchHome, settings: HubSettings, vendors: Sequence[DemoVendor],
                     links: Sequence[str], say: Say) -> list[VendorThread]:
    threads: list[VendorThread] = []
    try:
        for vendor in vendors:
            started = []
            for link in vendor.links_among(links):
                vhost = vendor.vhost_for(link)
                sim = build_vendor(home, vendor.client_id, get_profile(vendor.profile), vhost=vhost,
                                   settings=settings)
                threads.append(VendorThread(sim).start())
                started.append(f"{link} ({vhost})")
            say(f"Simulateur démarré : {vendor.client_id} sur {', '.join(started)}")
    except BaseException:
        stop_simulators(threads)
        raise
    return threads


def stop_simulators(threads: Sequence[VendorThread]) -> None:
    for thread in threads:
        thread.stop()


def partner_id_for(vendor: DemoVendor, link: str) -> str | None:
    """A partner id of the run's own, valid for the hub (SAMU codes are 1 to 5 characters).

    `samuP<last 3 digits of the vendor's code>`, a SMUR tablet below it on 15-SMUR (the SAMU itself, an
    LRM, for a vendor declared `tablette`); on 15-NexSIS the engine's default fire-service id is used.
    """
    if link == "15-NexSIS":
        return None
    code = "P" + "".join(ch for ch in vendor.client_id if ch.isdigit())[-3:]
    partner = f"fr.health.samu{code}"
    tablet = "tablette" in vendor.roles  # a tablet's partner is its LRM
    return f"{partner}.smur" if link == "15-SMUR" and not tablet else partner


def run_campaign(vendor: DemoVendor, link: str, tiers: str, env: dict[str, str], log_dir: Path,
                 children: ChildGroup | None = None) -> RunOutcome:
    log = log_dir / f"{vendor.client_id}-{link}.log"
    command = [
        sys.executable, "-c", "from hubbench.cli import main; main()", "run",
        "--vendor", vendor.name, "--client-id", vendor.client_id, "--link", link, "--tiers", tiers,
        "--vhost", vendor.vhost_for(link),
        "--fast",  # short waits: reference vendors act within a second (the defaults are for people)
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


def run_all(home: BenchHome, vendors: Sequence[DemoVendor], links: Sequence[str], tiers: str,
            parallel: int, say: Say) -> list[RunOutcome]:
    """Every (vendor, link) run, `parallel` at a time; progress line as each one ends."""
    env = pack_source_env()
    env["HUBBENCH_HOME"] = str(home.root)
    log_dir = home.runs_dir / f"demo-{time.strftime('%Y%m%dT%H%M%S')}"
    log_dir.mkdir(parents=True, exist_ok=True)
    jobs = [(vendor, link) for vendor in vendors for link in vendor.links_among(links)]
    say(f"Lancement de {len(jobs)} campagnes (paliers {tiers}), {parallel} à la fois ; journaux : {log_dir}")
    outcomes = []
    children = ChildGroup()
    pool = ThreadPoolExecutor(max_workers=max(1, parallel))
    try:
        futures = [pool.submit(run_campaign, vendor, link, tiers, env, log_dir, children)
                   for vendor, link in jobs]
        for done, future in enumerate(as_completed(futures), start=1):
            outcome = future.result()
            outcomes.append(outcome)
            state = {0: "rien d'échoué", 1: "des scénarios ont échoué", -1: "durée limite dépassée"}.get(
                outcome.exit_code, f"erreur (code {outcome.exit_code}, voir {outcome.log})")
            say(f"[{done}/{len(jobs)}] {outcome.vendor.name} × {outcome.link} : {state} "
                f"({outcome.duration_s:.0f} s)")
    except BaseException:  # Ctrl-C or SIGTERM: the runs in flight are interrupted (their steps are kept)
        children.stop_all()
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return outcomes


@dataclass(frozen=True)
class MatrixLine:
    vendor: str
    client_id: str
    link: str
    vhost: str
    cells: dict[int, Verdict]
    run_id: str | None
    blocked_by: dict[int, int] = field(default_factory=dict)  # BLOCKED tier → the tier of its root check
    provisional: bool = False  # the run's vhost validated provisionally: every verdict is « provisoire »

    def label(self, tier: int) -> str:
        """The cell's French label; « bloqué par le palier N » for a blocked tier."""
        verdict = self.cells[tier]
        return blocked_label(self.blocked_by.get(tier)) if verdict is Verdict.BLOCKED else verdict.label_fr


def verdict_matrix(home: BenchHome, vendors: Sequence[DemoVendor], links: Sequence[str],
                   tiers: Sequence[int]) -> list[MatrixLine]:
    """Vendor × link × tier from the latest run of each (vendor, link) in the results database."""
    db = open_database(home.db_url)
    try:
        with db.reading() as session:
            rows = {(r.vendor, r.link): r for v in vendors for r in matrix(session, vendor=v.name)}
    finally:
        db.dispose()
    lines = []
    for vendor in vendors:
        for link in vendor.links_among(links):
            row = rows.get((vendor.name, link))
            cells = {t: (row.cells.get(t, Verdict.NOT_RUN) if row else Verdict.NOT_RUN) for t in tiers}
            lines.append(MatrixLine(vendor.name, vendor.client_id, link, vendor.vhost_for(link), cells,
                                    row.run_id if row else None, dict(row.blocked_by) if row else {},
                                    bool(row and row.provisional)))
    return lines


def tiers_with_scenarios(tiers: Sequence[int], features_dir: Path = FEATURES_DIR
                         ) -> tuple[list[int], list[int]]:
    """(tiers that have a feature file `palier-N-*.feature`, tiers that have none yet)."""
    kept = [t for t in tiers if any(features_dir.glob(f"palier-{t}-*.feature"))]
    return kept, [t for t in tiers if t not in kept]


def tiers_text(tiers: Sequence[int]) -> str:
    return ",".join(str(t) for t in tiers)


def check_links(names: Sequence[str]) -> list[str]:
    links = [get_link(name).name for name in names] or list(LINKS)
    if len(set(links)) != len(links):
        raise UsageError(f"Liaison en double dans --links : {', '.join(names)}")
    return links

"""The demo: the local hub, reference vendors (conforming and faulty), every tier on every link.

Tier 6 plays the official test cases of each vhost's pack (15-15_v1.5: tag 1.3.0, ten 15-15 cases;
15-smur_v1.4 publishes none for 15-SMUR, said once). The conforming vendor also runs as a separate
product on the 3.x-line vhosts of 15-15 and 15-SMUR, where the pack (3.4.1) has the 10 + 4 cases.
The LRM vendors run on the LRM links; « Démo G » is a GPS actor (positions) on 15-GPS only.

The demo is ONE acceptance session (`demo_plan`, run by `campaigns/session.py` as `hubbench session run`
does): every (vendor, link) campaign is a thread of the demo process, with its own partner id, all stored
with the session's id; the simulators run as threads too and act on the prompts of each run through its
public prompt API (docs/prompt-api.md).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from hubbench.campaigns.session_file import Campaign, SessionPlan, SessionVendor
from hubbench.engine import LINKS, get_link, parse_tiers
from hubbench.errors import UsageError
from hubbench.events import OPTIONAL_TIER_NAMES_FR, Verdict, blocked_label
from hubbench.home import BenchHome
from hubbench.hub import ClientRegistry, HubNode, HubSettings, start_dispatcher
from hubbench.resources import FEATURES_DIR as FEATURES_DIR  # re-exported by the face
from hubbench.resources import shared_packs
from hubbench.results import matrix, open_database
from hubbench.sim import VendorThread, get_profile
from hubbench.vhosts import GPS_LINK, LRM_LINKS

SHARED_PACKS = shared_packs() or Path("/nonexistent/shared/hubsante-models")  # checkout only

Say = Callable[[str], None]


@dataclass(frozen=True)
class DemoVendor:
    name: str  # vendor (product) name as the runs and the console show it
    client_id: str
    profile: str
    vhosts: tuple[tuple[str, str], ...] = ()  # (link, vhost): only those links; () = the LRM links
    tiers: str = ""  # its own tiers ("R": the optional Robustesse tier only); "" = the demo's
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
    # The optional Robustesse tier (issue 18): its own column; this vendor abandons, after a cut, the
    # messages the hub had not confirmed.
    DemoVendor("Démo R — perd les non confirmés", "fr.health.samu918", "perd-non-confirmes",
               (("15-15", get_link("15-15").default_vhost),), tiers="R"),
)


def optional_tiers(vendors: Sequence[DemoVendor]) -> list[int]:
    """The optional tiers some vendor runs (`DemoVendor.tiers`): extra columns of the matrix."""
    found = {t for v in vendors if v.tiers for t in parse_tiers(v.tiers)}
    return sorted(found & set(OPTIONAL_TIER_NAMES_FR))


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


def stop_simulators(threads: Sequence[VendorThread]) -> None:
    """Ask every vendor to stop, then wait for each (they stop together)."""
    for thread in threads:
        thread.signal_stop()
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


def demo_plan(vendors: Sequence[DemoVendor], links: Sequence[str], tiers: Sequence[int], parallel: int
              ) -> SessionPlan:
    """The demo as one acceptance session: a campaign per (vendor, link), played by the bench (`profile`),
    with short waits (reference vendors act within a second; the defaults are for people)."""
    campaigns = tuple(
        Campaign(SessionVendor(name=v.name, clientId=v.client_id, profile=v.profile), link,
                 tuple(parse_tiers(v.tiers)) if v.tiers else tuple(tiers), None, None,
                 vhost=v.vhost_for(link), roles=v.roles)
        for v in vendors for link in v.links_among(links))
    return SessionPlan("démo", True, parallel, None, campaigns, FEATURES_DIR)


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

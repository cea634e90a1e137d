"""The links (liaisons) a run can target: default vhost, feature tag, default partner id, which tiers
apply (15-GPS: the technical tiers 1–3 of every link, its own tiers 4–5, tiers 6–7 « non applicable »)."""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from dataclasses import dataclass

from hubbench.errors import UsageError
from hubbench.events import ROBUSTNESS_TIER
from hubbench.events import tier_label as tier_label  # re-exported for the engine's face
from hubbench.vhosts import GPS_LINK, LINK_VHOSTS

ALL_LINKS_TAG = "tous-liens"  # a scenario tagged so applies to every link (technical tiers 1–3)
LRM_ROLE, TABLET_ROLE = "lrm", "tablette"  # declared roles on 15-SMUR (`hubbench.declaration.Role`)

# Optional tiers, run only when asked for: beyond the Projectathon's seven, they carry a number of their
# own in results and a name in reports (`hubbench.events`); here, how a run chooses them.
ROBUSTNESS_TAG = "robustesse"
OPTIONAL_TIERS: dict[str, int] = {"R": ROBUSTNESS_TIER}  # letter in --tiers → tier number
OPTIONAL_TIER_TAGS: dict[str, int] = {ROBUSTNESS_TAG: ROBUSTNESS_TIER}  # feature tag → tier number


@dataclass(frozen=True)
class Link:
    name: str  # "15-15" | "15-SMUR" | "15-NexSIS" | "15-GPS"
    default_vhost: str
    health_partner: bool  # False: the partner is a non-health actor (the dispatcher sends it XML)
    # Tiers where a `@tous-liens` scenario applies (None: every tier). 15-GPS has no case: the LRM
    # scenarios of tiers 4–6 (shared case, corrections, reconciliation) are not its own.
    all_links_tiers: frozenset[int] | None = None
    # Tiers that have no meaning on the link, with the French reason shown as « non applicable ».
    not_applicable: tuple[tuple[int, str], ...] = ()

    @property
    def tag(self) -> str:
        return self.name


    def shares(self, tier: int) -> bool:
        """Whether a `@tous-liens` scenario of `tier` applies to this link."""
        return self.all_links_tiers is None or tier in self.all_links_tiers

    def reason_not_applicable(self, tier: int) -> str | None:
        return dict(self.not_applicable).get(tier)


NON_HEALTH_LINKS = frozenset({"15-NexSIS"})  # the partner is a fire-service actor
# 15-GPS (DSF 15-GPS; GEO-POS, GEO-REQ, GEO-RES schemas of `ansforge/SAMU-Hub-Modeles`): positions and
# resource details of vehicles, no case shared; tiers 1–3 and the optional Robustesse tier are the
# technical ones of every link, tiers 4–5 its own (`features/gps-palier-4-reception.feature`,
# `features/gps-palier-5-envoi.feature`).
GPS_NOT_APPLICABLE: tuple[tuple[int, str], ...] = (
    (6, "sans objet sur 15-GPS : aucun dossier partagé, donc ni réconciliation ni cas de test officiel "
        "(la liaison échange des positions GEO-POS et des détails de ressources GEO-REQ/GEO-RES)"),
    (7, "sans objet sur 15-GPS : les EMSI (demande de concours, opérations) sont propres à 15-NexSIS"),
)
LINKS: dict[str, Link] = {
    name: Link(name, vhost, health_partner=name not in NON_HEALTH_LINKS,
               all_links_tiers=frozenset({1, 2, 3, ROBUSTNESS_TIER}) if name == GPS_LINK else None,
               not_applicable=GPS_NOT_APPLICABLE if name == GPS_LINK else ())
    for name, vhost in LINK_VHOSTS.items()
}


def get_link(name: str) -> Link:
    for link in LINKS.values():
        if link.name.lower() == name.strip().lower():
            return link
    raise UsageError(
        f"Liaison inconnue : {name!r} (attendu : {', '.join(LINKS)})",
    )


def default_partner_id(link: Link, vendor_client_id: str, roles: Collection[str] = ()) -> str:
    """The bench's counterpart for this vendor on this link, unique per vendor.

    15-15: a SAMU; 15-SMUR: by the vendor's declared role (`roles`), a tablet for an LRM and an LRM for a
    tablet; with no role declared (or both), by its client id (one containing "smur" is a tablet);
    15-NexSIS: a fire-service actor (non-health); 15-GPS: a SAMU (the other end of the positions).
    """
    code = "b" + hashlib.sha256(vendor_client_id.encode("utf-8")).hexdigest()[:4]  # CRRA-like, 5 chars
    if link.name == "15-NexSIS":
        return f"fr.fire.nexsis.sdis{code}"
    samu = f"fr.health.samu{code}"
    declared = set(roles) & {TABLET_ROLE, LRM_ROLE}
    tablet = declared == {TABLET_ROLE} if len(declared) == 1 else "smur" in vendor_client_id.lower()
    if link.name == "15-SMUR" and not tablet:
        return f"{samu}.smur"
    return samu


def parse_tiers(text: str) -> tuple[int, ...]:
    """ "1-3" → (1, 2, 3); "1,3" → (1, 3); "1-3,R" adds the optional Robustesse tier. Tiers 1–7 exist;
    this engine runs those with features."""
    tiers: set[int] = set()
    optional: set[int] = set()
    try:
        for part in text.replace(" ", "").split(","):
            if not part:
                continue
            if part.upper() in OPTIONAL_TIERS:
                optional.add(OPTIONAL_TIERS[part.upper()])
            elif "-" in part:
                low, high = (int(x) for x in part.split("-", 1))
                if low > high:
                    raise ValueError(part)
                tiers.update(range(low, high + 1))
            else:
                tiers.add(int(part))
    except ValueError as exc:
        raise UsageError(f"Paliers invalides : {text!r} (attendu par exemple 1-3 ou 1,3)") from exc
    if not (tiers or optional) or (tiers and (min(tiers) < 1 or max(tiers) > 7)):
        raise UsageError(f"Paliers invalides : {text!r} (les paliers vont de 1 à 7, plus R : Robustesse)")
    return tuple(sorted(tiers | optional))


def valid_tiers(tiers: tuple[int, ...]) -> bool:
    """Tiers 1–7 and the optional ones (`OPTIONAL_TIERS`), at least one."""
    return bool(tiers) and set(tiers) <= {*range(1, 8), *OPTIONAL_TIERS.values()}

"""The hub's links (liaisons) and their default vhosts: names every room may read (no logic, no import).

A link's default vhost is its vhost on the 1.0 model line, the line the Projectathon tests use; the names
are the ANS's (Projectathon 6–9 decks; `ansforge/SAMU-Hub-Sante` `.github/workflows/cypress-tests.yml`).
The other lines' vhosts are in `hubbench.hub.settings`.
"""

from __future__ import annotations

LINK_VHOSTS: dict[str, str] = {
    "15-15": "15-15_v1.5",
    "15-SMUR": "15-smur_v1.4",
    "15-NexSIS": "15-nexsis_v1.8",
    "15-GPS": "15-gps_v1.0",
}
LINK_NAMES: tuple[str, ...] = tuple(LINK_VHOSTS)
GPS_LINK = "15-GPS"  # positions (GEO-POS, GEO-REQ, GEO-RES): no case, no LRM (its own tiers 4–5)
LRM_LINKS: tuple[str, ...] = tuple(name for name in LINK_NAMES if name != GPS_LINK)  # links an LRM is on
DEFAULT_LINK = "15-15"
DEFAULT_VHOST = LINK_VHOSTS[DEFAULT_LINK]

"""engine room: runs the Gherkin tiers in-process (`runner`, pytest + `plugin`), gives every step its
`ScenarioEngine`, holds the tier procedures, the bench's partner and injector, the observers (management
API, passive declarations, trace, broker log), prompts, attestations and the `Checker`. Never prints,
never writes a report itself: it emits `hubbench.events`.

Other rooms use the names below (`from hubbench.engine import ScenarioEngine`), never the modules behind
them; a name is imported on first use (the face itself does not load pytest). The tier procedures are
public as modules on purpose, for the steps (`steps/`), which are one-line calls into them:
`connection`, `technical_messages`, `empty_messages`, `initial_reception`, `case_sending`,
`reconciliation`, `resharing`, `emsi_exchange`, `official_cases`, `server_trust` (tier 1's impostor
hub), `refusals` (tier 3: a message to refuse), `delivery_status` (tier 5: withheld ack) and `robustness`
(the optional Robustesse tier) (`from hubbench.engine import connection`); `tablet` holds tiers 4–6 of
the tablet role on 15-SMUR, `gps_exchange` tiers 4–5 of 15-GPS.
"""

from typing import TYPE_CHECKING

from hubbench._lazy import lazy_face

if TYPE_CHECKING:
    from hubbench.engine.context import RunOptions, Timeouts
    from hubbench.engine.coverage import Coverage, coverage_of
    from hubbench.engine.coverage_text import render_json, render_markdown, render_text
    from hubbench.engine.links import LINKS, Link, get_link, parse_tiers, tier_label
    from hubbench.engine.official_cases import OFFICIAL_TAG
    from hubbench.engine.remote import RemoteOptions
    from hubbench.engine.results_thread import SharedResults
    from hubbench.engine.runner import RunResult, run
    from hubbench.engine.scenario import ScenarioEngine, Services

__all__ = [
    "LINKS",
    "OFFICIAL_TAG",
    "Link",
    "RemoteOptions",
    "RunOptions",
    "RunResult",
    "ScenarioEngine",
    "Services",
    "SharedResults",
    "Timeouts",
    "get_link",
    "parse_tiers",
    "run",
    "tier_label",
]
__all__ += ["Coverage", "coverage_of", "render_json", "render_markdown", "render_text"]  # hubbench couverture

__getattr__, __dir__ = lazy_face(__name__, __file__)

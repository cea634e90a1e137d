"""campaigns room: orchestration of many runs against reference or real vendors (the demo: hub up,
reference vendors, every tier on every link, verdict matrix). The only room below the CLI that drives
the hub, the simulators, runs and results together.

Other rooms (the CLI) use the names below (`from hubbench.campaigns import run_session`), never the modules
behind them; a name is imported on first use (the face itself loads nothing heavy).
"""

from typing import TYPE_CHECKING

from hubbench._lazy import lazy_face

if TYPE_CHECKING:
    from hubbench.campaigns.demo import (
        DEMO_VENDORS,
        FEATURES_DIR,
        SHARED_PACKS,
        DemoVendor,
        MatrixLine,
        check_links,
        demo_plan,
        hub_up,
        optional_tiers,
        register_vendors,
        stop_simulators,
        tiers_text,
        tiers_with_scenarios,
        vendors_on_hub,
        verdict_matrix,
    )
    from hubbench.campaigns.session import CampaignOutcome, SessionResult, new_session_id, run_session
    from hubbench.campaigns.session_file import Campaign, SessionPlan, load_session, session_schema
    from hubbench.campaigns.worker import WorkerOptions, work

__all__ = [
    "DEMO_VENDORS",
    "FEATURES_DIR",
    "SHARED_PACKS",
    "Campaign",
    "CampaignOutcome",
    "DemoVendor",
    "MatrixLine",
    "SessionPlan",
    "SessionResult",
    "WorkerOptions",
    "check_links",
    "demo_plan",
    "hub_up",
    "load_session",
    "new_session_id",
    "optional_tiers",
    "register_vendors",
    "run_session",
    "session_schema",
    "stop_simulators",
    "tiers_text",
    "tiers_with_scenarios",
    "vendors_on_hub",
    "verdict_matrix",
    "work",
]

__getattr__, __dir__ = lazy_face(__name__, __file__)

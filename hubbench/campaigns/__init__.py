"""campaigns room: orchestration of many runs against reference or real vendors (the demo: hub up,
reference vendors, every tier on every link, verdict matrix). The only room below the CLI that drives
the hub, the simulators, runs and results together.

Other rooms (the CLI) use the names below (`from hubbench.campaigns import run_all`), never the modules
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
        RunOutcome,
        check_links,
        hub_up,
        register_vendors,
        run_all,
        start_simulators,
        stop_simulators,
        tiers_text,
        tiers_with_scenarios,
        vendors_on_hub,
        verdict_matrix,
    )
    from hubbench.campaigns.worker import WorkerOptions, work

__all__ = [
    "DEMO_VENDORS",
    "FEATURES_DIR",
    "SHARED_PACKS",
    "DemoVendor",
    "MatrixLine",
    "RunOutcome",
    "WorkerOptions",
    "check_links",
    "hub_up",
    "register_vendors",
    "run_all",
    "start_simulators",
    "stop_simulators",
    "tiers_text",
    "tiers_with_scenarios",
    "vendors_on_hub",
    "verdict_matrix",
    "work",
]

__getattr__, __dir__ = lazy_face(__name__, __file__)

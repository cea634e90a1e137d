"""The demo runs only the tiers that have scenarios, and says which ones it leaves out."""

from __future__ import annotations

from pathlib import Path

from hubbench.sim import demo
from hubbench.sim.profiles import PROFILES


def test_tiers_without_a_feature_file_are_left_out(tmp_path: Path) -> None:
    for name in ("palier-1-raccordement.feature", "palier-4-reception-initiale.feature", "notes.md"):
        (tmp_path / name).write_text("# language: fr\n", encoding="utf-8")
    kept, missing = demo.tiers_with_scenarios(range(1, 8), tmp_path)
    assert (kept, missing) == ([1, 4], [2, 3, 5, 6, 7])
    assert demo.tiers_text(kept) == "1,4"


def test_the_repository_has_scenarios_for_every_tier() -> None:
    kept, missing = demo.tiers_with_scenarios(range(1, 8))
    assert kept == list(range(1, 8)) and missing == []


def test_demo_vendors_cover_a_technical_and_a_functional_fault() -> None:
    tiers = {PROFILES[v.profile].tier for v in demo.DEMO_VENDORS}
    assert None in tiers and {2, 3, 4} <= tiers  # conforme, then faults of tiers 2, 3 and 4
    assert len({v.client_id for v in demo.DEMO_VENDORS}) == len(demo.DEMO_VENDORS)

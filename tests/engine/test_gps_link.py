"""15-GPS as a link: its vhosts on the hub, which scenarios a run selects, the tiers « non applicable » with
their reason, the implicit declaration (both position roles) and the tags of its scenarios."""

from __future__ import annotations

import re
from pathlib import Path

from hubbench.declaration import effective_declaration, not_declared
from hubbench.engine.links import LINKS, ROBUSTNESS_TIER, get_link
from hubbench.engine.plugin import selected
from hubbench.hub.settings import DEFAULT_VHOSTS
from hubbench.protocol.packs import VHOST_PACKS
from hubbench.vhosts import LINK_VHOSTS, LRM_LINKS

FEATURES = Path(__file__).resolve().parents[2] / "features"
GPS_FEATURES = ("gps-palier-4-reception.feature", "gps-palier-5-envoi.feature")
EXIGENCES = {"exigence-gps-reception", "exigence-gps-geo-pos", "exigence-gps-geo-res", "exigence-gps-geo-req"}
ROLES = {"role-emetteur-position", "role-demandeur-position"}


def test_the_hub_serves_both_lines_of_15_gps() -> None:
    assert LINK_VHOSTS["15-GPS"] == "15-gps_v1.0" and get_link("15-gps").default_vhost == "15-gps_v1.0"
    assert {"15-gps_v1.0", "15-gps_v1.3"} <= set(DEFAULT_VHOSTS)
    assert (VHOST_PACKS["15-gps_v1.0"], VHOST_PACKS["15-gps_v1.3"]) == ("1.3.0", "3.4.1")
    assert "15-GPS" not in LRM_LINKS and set(LRM_LINKS) | {"15-GPS"} == set(LINKS)


def test_a_gps_run_selects_the_technical_tiers_and_its_own_scenarios_only() -> None:
    every = (1, 2, 3, 4, 5, 6, 7, ROBUSTNESS_TIER)
    for tier in ("palier-1", "palier-2", "palier-3"):
        assert selected({tier, "tous-liens"}, every, "15-GPS")
    assert selected({"robustesse", "tous-liens"}, every, "15-GPS")
    for tier in ("palier-4", "palier-5", "palier-6"):  # the LRM scenarios shared by every LRM link
        assert not selected({tier, "tous-liens", "role-lrm"}, every, "15-GPS")
        assert selected({tier, "tous-liens", "role-lrm"}, every, "15-15")
    assert selected({"palier-5", "15-GPS", "role-emetteur-position"}, every, "15-GPS")
    assert not selected({"palier-5", "15-GPS"}, every, "15-15")


def test_tiers_6_and_7_are_not_applicable_on_15_gps_with_the_reason() -> None:
    gps = LINKS["15-GPS"]
    for tier in (6, 7):
        reason = gps.reason_not_applicable(tier)
        assert reason and "15-GPS" in reason and "sans objet" in reason
    assert gps.reason_not_applicable(4) is None and gps.reason_not_applicable(5) is None
    assert all(LINKS[name].reason_not_applicable(6) is None for name in LRM_LINKS)


def test_the_implicit_gps_declaration_has_both_roles() -> None:
    run = effective_declaration(None, "15-GPS", "15-gps_v1.0")
    entry = run.declaration.links["15-GPS"]
    assert {role.value for role in entry.roles} == {"emetteur-position", "demandeur-position"}
    assert run.origin == "implicite"
    reason = not_declared({"role-lrm"}, run.declaration, "15-GPS")
    assert reason is not None and "15-GPS" in reason
    only_sender = effective_declaration(None, "15-GPS", "15-gps_v1.0", roles=["emetteur-position"])
    assert not_declared({"role-demandeur-position"}, only_sender.declaration, "15-GPS") is not None
    assert not_declared({"role-emetteur-position"}, only_sender.declaration, "15-GPS") is None


def _scenario_tags(text: str) -> list[set[str]]:
    """The tags of each scenario of a feature file (the line of tags above each « Scénario: »)."""
    lines = text.splitlines()
    return [set(re.findall(r"@([\w-]+)", lines[i - 1])) for i, line in enumerate(lines)
            if line.strip().startswith("Scénario:")]


def test_every_gps_scenario_has_one_role_and_the_coverage_ids() -> None:
    seen: set[str] = set()
    for name in GPS_FEATURES:
        text = (FEATURES / name).read_text(encoding="utf-8")
        assert "@15-GPS" in text.splitlines()[1]
        for tags in _scenario_tags(text):
            exigences = {t for t in tags if t.startswith("exigence-")}
            assert len(tags & ROLES) == 1 and len(exigences) == 1 and exigences <= EXIGENCES, (name, tags)
            seen |= exigences
    assert seen == EXIGENCES

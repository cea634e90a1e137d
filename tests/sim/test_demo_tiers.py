"""The demo runs only the tiers that have scenarios, and says which ones it leaves out."""

from __future__ import annotations

from pathlib import Path

from hubbench.campaigns import demo
from hubbench.engine.links import LINKS
from hubbench.hub.settings import DEFAULT_VHOSTS
from hubbench.protocol.packs import VHOST_PACKS
from hubbench.sim.profiles import PROFILES
from hubbench.vhosts import LRM_LINKS


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


def test_the_conforming_vendor_also_runs_on_the_3x_line_as_its_own_row() -> None:
    line3 = [v for v in demo.DEMO_VENDORS if "15-15" in dict(v.vhosts)]
    assert [v.profile for v in line3] == ["conforme"]
    vendor = line3[0]
    assert vendor.links_among(list(LINKS)) == ["15-15", "15-SMUR"]  # the links with official test cases
    assert {VHOST_PACKS[vendor.vhost_for(link)] for link in ("15-15", "15-SMUR")} == {"3.4.1"}
    assert {vendor.vhost_for(link) for link in ("15-15", "15-SMUR")} <= set(DEFAULT_VHOSTS)
    assert len({v.name for v in demo.DEMO_VENDORS}) == len(demo.DEMO_VENDORS)  # one matrix row each
    default = demo.DEMO_VENDORS[0]
    assert default.links_among(list(LINKS)) == list(LRM_LINKS) and default.vhost_for("15-15") == "15-15_v1.5"


def test_vendors_whose_vhosts_the_hub_lacks_are_left_out_with_a_message() -> None:
    said: list[str] = []
    old_hub = ["15-15_v1.5", "15-smur_v1.4", "15-nexsis_v1.8"]
    kept = demo.vendors_on_hub(demo.DEMO_VENDORS, list(LINKS), old_hub, said.append)
    assert [v.profile for v in kept if v.vhosts] == ["conforme-direct-cisu",  # its NexSIS vhost is there
                                                     "conforme-tablette"]  # and the tablet's 15-SMUR one
    assert len(kept) == len(demo.DEMO_VENDORS) - 2  # no 3.x line, no 15-GPS on that hub
    assert len(said) == 2 and "15-15_v2.1" in said[0] and "absent" in said[0] and "15-gps_v1.0" in said[1]
    said.clear()
    nexsis_only = demo.vendors_on_hub(demo.DEMO_VENDORS, ["15-NexSIS"], DEFAULT_VHOSTS, said.append)
    assert said == []  # no 3.x NexSIS vhost: no row, no message
    assert [v.profile for v in nexsis_only if v.vhosts] == ["conforme-direct-cisu"]


def test_the_demo_shows_both_kinds_of_lrm_on_nexsis() -> None:
    """Démo A is a non-directCISU LRM (RS-EDA, converted by the hub), Démo E a directCISU one."""
    on_nexsis = [v for v in demo.DEMO_VENDORS if "15-NexSIS" in v.links_among(list(LINKS))]
    kinds = {PROFILES[v.profile].direct_cisu for v in on_nexsis if not PROFILES[v.profile].is_fault}
    assert kinds == {True, False}


def test_the_demo_shows_a_tablet_on_15_smur_with_an_lrm_partner() -> None:
    (tablet,) = [v for v in demo.DEMO_VENDORS if "tablette" in v.roles]
    assert tablet.client_id == "fr.health.samu908" and PROFILES[tablet.profile].roles == ("tablette",)
    assert tablet.links_among(list(LINKS)) == ["15-SMUR"] and not PROFILES[tablet.profile].is_fault
    partner = demo.partner_id_for(tablet, "15-SMUR")
    assert partner is not None and not partner.endswith(".smur")  # the bench plays its LRM
    assert str(demo.partner_id_for(demo.DEMO_VENDORS[0], "15-SMUR")).endswith(".smur")
def test_the_demo_shows_a_gps_vendor_on_15_gps_only() -> None:
    """Démo G is a conforming GPS actor (both roles) on 15-GPS; the LRM vendors never run there."""
    gps = [v for v in demo.DEMO_VENDORS if "15-GPS" in v.links_among(list(LINKS))]
    assert [(v.name, v.client_id, v.profile) for v in gps] == [
        ("Démo G — GPS conforme", "fr.health.samu907", "conforme")]
    assert gps[0].links_among(list(LINKS)) == ["15-GPS"] and gps[0].vhost_for("15-GPS") in DEFAULT_VHOSTS

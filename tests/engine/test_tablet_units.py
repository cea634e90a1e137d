"""The declared role on 15-SMUR chooses the official cases played (each 15-SMUR case is published once per
role: « L'éditeur est le logiciel SMUR » / « … le LRM ou l'ORU ») and the bench's partner (an LRM for a
tablet, a tablet for an LRM)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from support.official import official_pack

from hubbench.cases import material_for
from hubbench.declaration import effective_declaration
from hubbench.engine.links import default_partner_id, get_link
from hubbench.engine.official_cases import case_role, outside_declared_role

SMUR = get_link("15-SMUR")


def _ctx(roles: tuple[str, ...], link: str = "15-SMUR") -> Any:
    declaration = effective_declaration(None, link, get_link(link).default_vhost, roles=roles)
    return SimpleNamespace(declaration=declaration, link=get_link(link))


@pytest.mark.parametrize("line", ["2.4.0", "3"])
def test_each_smur_case_is_played_in_its_declared_role_only(line: str) -> None:
    categories = material_for(official_pack(line)).test_cases()
    smur = [case.label for cat in categories if cat.label == "15-SMUR" for case in cat.cases]
    assert sorted(case_role(label) or "" for label in smur) == ["lrm", "lrm", "tablette", "tablette"]
    for label in smur:
        mine = case_role(label)
        other = "lrm" if mine == "tablette" else "tablette"
        assert outside_declared_role(_ctx((str(mine),)), label) is None
        assert outside_declared_role(_ctx(("lrm", "tablette")), label) is None
        reason = outside_declared_role(_ctx((other,)), label)
        assert reason is not None and reason.startswith("non déclaré : rôle") and "15-SMUR" in reason
    for label in (case.label for cat in categories if cat.label == "15-15" for case in cat.cases):
        assert case_role(label) is None and outside_declared_role(_ctx(("lrm",), "15-15"), label) is None


def test_the_partner_follows_the_declared_role() -> None:
    for vendor in ("fr.health.samu612", "fr.health.samu612.smur"):
        assert default_partner_id(SMUR, vendor, ("lrm",)).endswith(".smur")  # an LRM's partner: a tablet
        assert not default_partner_id(SMUR, vendor, ("tablette",)).endswith(".smur")  # a tablet's: an LRM
    both = default_partner_id(SMUR, "fr.health.samu612.smur", ("lrm", "tablette"))
    assert both == default_partner_id(SMUR, "fr.health.samu612.smur")  # both roles: the client id decides

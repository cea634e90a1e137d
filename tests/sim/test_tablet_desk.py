"""The reference tablet (15-SMUR, `conforme-tablette` and its faults) without a broker: what it sends on a
`send_smur_message` prompt, which RC-REF it withholds, and the caseId it keeps (or not) after RS-EDA-MAJ.
Its messages are valid for the vhost's pack, except the one a fault changes."""

from __future__ import annotations

from typing import Any

import pytest
from support.official import official_pack

from hubbench.cases import CaseContext, MessageFactory
from hubbench.protocol import EnvelopeView, build_message, codec, validator_for
from hubbench.sim.behaviour import VendorState, handle_delivery
from hubbench.sim.functional import CaseDesk
from hubbench.sim.profiles import PROFILES, Profile

TABLET = "fr.health.samu610"
LRM = "fr.health.samu611"
LINES = {"15-smur_v1.4": "1.3.0", "15-smur_v1.6": "2.4.0"}


def _desk(profile: str, vhost: str = "15-smur_v1.4") -> CaseDesk:
    return CaseDesk(TABLET, PROFILES[profile], "15-SMUR", lambda: official_pack(LINES[vhost]))


def _deliver(desk: CaseDesk, use_case: dict[str, Any], state: VendorState) -> Any:
    body, content_type = codec.encode(build_message(LRM, TABLET, use_case), "json")
    return handle_delivery(desk.profile, TABLET, state, "message", body, content_type,
                           integrate=desk.receive)


def _shared(desk: CaseDesk, state: VendorState) -> tuple[CaseContext, MessageFactory]:
    ctx, factory = CaseContext.open(LRM), MessageFactory(desk.pack)
    _deliver(desk, factory.create_case(ctx, link="15-SMUR"), state)
    return ctx, factory


def _smur(desk: CaseDesk, factory: MessageFactory, ctx: CaseContext, kind: str) -> dict[str, Any]:
    done = desk.perform("send_smur_message", {"recipient": LRM, "case_id": ctx.case_id, "use_case": kind,
                                              "content": factory.build(kind, ctx)})
    (out,) = done.sends
    assert validator_for(desk.pack).validate_message(out.envelope).valid == (
        desk.profile.name != "tablette-statut-invalide" or kind != "resourcesStatus"), done.note
    return EnvelopeView(out.envelope).use_case


@pytest.mark.parametrize("vhost", sorted(LINES))
def test_conforming_tablet_sends_each_message_on_the_case_it_received(vhost: str) -> None:
    desk, state = _desk("conforme-tablette", vhost), VendorState()
    ctx, factory = _shared(desk, state)
    sent = ("resourcesStatus", "documentLink", "interventionReport", "rpis", "geoPositionsUpdate")
    kinds = [k for k in sent if k in factory.kinds()]
    assert len(kinds) == (3 if vhost == "15-smur_v1.4" else 5)
    for kind in kinds:
        body = _smur(desk, factory, ctx, kind)
        assert body.get("caseId", ctx.case_id) == ctx.case_id
    _deliver(desk, factory.correction(ctx, link="15-SMUR"), state)  # RS-EDA-MAJ: the same case still
    assert _smur(desk, factory, ctx, "resourcesStatus")["caseId"] == ctx.case_id


def test_each_tablet_fault_changes_its_own_behaviour() -> None:
    state = VendorState()
    desk = _desk("tablette-sans-rc-ref-ressources")
    ctx, factory = _shared(desk, state)
    assert len(_deliver(desk, factory.create_case(CaseContext.open(LRM), link="15-SMUR"), state).replies) == 1
    assert _deliver(desk, factory.build("resourcesInfo", ctx), state).replies == ()
    desk = _desk("tablette-statut-invalide")
    ctx, factory = _shared(desk, VendorState())
    assert _smur(desk, factory, ctx, "resourcesStatus")["status"] == "EN_ROUTE"
    desk, state = _desk("tablette-nouveau-caseid-apres-maj"), VendorState()
    ctx, factory = _shared(desk, state)
    assert _smur(desk, factory, ctx, "resourcesStatus")["caseId"] == ctx.case_id  # not updated yet
    _deliver(desk, factory.correction(ctx, link="15-SMUR"), state)
    moved = _smur(desk, factory, ctx, "resourcesStatus")["caseId"]
    assert moved != ctx.case_id and moved.startswith(f"{TABLET}.")


def test_tablet_profiles_declare_the_tablet_role() -> None:
    tablets: list[Profile] = [p for p in PROFILES.values() if "tablette" in p.roles]
    assert sorted(p.name for p in tablets) == ["conforme-tablette", "tablette-nouveau-caseid-apres-maj",
                                               "tablette-sans-rc-ref-ressources", "tablette-statut-invalide"]
    assert {p.tier for p in tablets} == {None, 4, 5, 6}

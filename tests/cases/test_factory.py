from __future__ import annotations

from datetime import datetime

import pytest

from hubbench.cases import emsi_rules, jsonpath, rules
from hubbench.cases.factory import CaseContext, MessageFactory
from hubbench.cases.test_cases import DATE_TIME
from hubbench.errors import UsageError
from hubbench.protocol.envelope import build_message
from hubbench.protocol.packs import SchemaPack
from hubbench.protocol.validator import validator_for

SAMU = "fr.health.samu770"
OTHER = "fr.health.samu940"
NEXSIS = "fr.fire.nexsis.sdis77"
LINE_KINDS = {  # kinds every pack line must offer
    "1": {"createCase", "createCaseHealth", "createCaseHealthUpdate", "emsi:DC", "emsi:RDC", "emsi:OPG",
          "resourcesInfo", "resourcesRequest", "resourcesResponse", "resourcesStatus", "rpis",
          "geoPositionsUpdate"},
}
LINE_KINDS["2"] = LINE_KINDS["1"] | {"resourcesEngagement", "documentLink", "interventionReport", "reference"}
LINE_KINDS["3"] = LINE_KINDS["2"]


def _assert_valid(pack: SchemaPack, use_case: dict, sender: str = SAMU, recipient: str = OTHER) -> None:
    report = validator_for(pack).validate_message(build_message(sender, recipient, use_case))
    assert report.valid, [(i.path, i.message) for i in report.errors]


@pytest.fixture()
def factory(pack: SchemaPack, fixed_clock) -> MessageFactory:
    return MessageFactory(pack, clock=fixed_clock)


@pytest.fixture()
def ctx(fixed_clock) -> CaseContext:
    return CaseContext.open(SAMU, clock=fixed_clock)


@pytest.mark.parametrize("sender", [SAMU, "fr.health.samub1234.smur", NEXSIS, "fr.health.test.bench77"])
def test_every_kind_of_every_pack_validates(pack: SchemaPack, factory: MessageFactory, fixed_clock,
                                            sender: str) -> None:
    """Whoever the bench plays (a SAMU, a SMUR tablet `….smur`, a fire service): on 2.x the RS-RPIS
    orgId allows three labels only, so the tablet's id is cut to its SAMU (issue 12)."""
    kinds = factory.kinds()
    assert LINE_KINDS[pack.line] <= set(kinds)
    ctx = CaseContext.open(sender, clock=fixed_clock)
    for kind in kinds:
        _assert_valid(pack, factory.build(kind, ctx), sender=sender)


def test_build_writes_the_case_identity_and_moves_dates(factory: MessageFactory, ctx: CaseContext,
                                                        fixed_clock) -> None:
    body = factory.build("createCaseHealth", ctx)["createCaseHealth"]
    assert body["caseId"] == ctx.case_id == f"{SAMU}.{ctx.sender_case_id}"
    assert body["owner"] == SAMU
    assert body["creation"] == "2025-06-03T14:07:33+02:00"
    dates = [datetime.fromisoformat(v) for _, v in jsonpath.leaves(body) if isinstance(v, str)
             and DATE_TIME.fullmatch(v)]
    assert max(dates) == fixed_clock() and all(not str(d).endswith("Z") for d in dates)
    assert not rules.check_case_id(body, sender_id=SAMU, line=factory.pack.line)
    assert not rules.check_creation(body)


def test_organisation_of_the_example_is_replaced(pack3: SchemaPack, fixed_clock) -> None:
    ctx = CaseContext.open("fr.health.test.bench77", clock=fixed_clock)
    use_case = MessageFactory(pack3, clock=fixed_clock).build(
        "resourcesInfo", ctx, file="RS-RI_partageDossier_LolaHalimi.01b.json")
    body = use_case["resourcesInfo"]
    assert body["caseId"] == f"fr.health.test.bench77.{ctx.sender_case_id}"
    texts = [v for _, v in jsonpath.leaves(body) if isinstance(v, str)]
    assert not any(v.startswith("fr.health.samu950") for v in texts)  # the example's own organisation
    assert "fr.fire.cga-095.resource.VSAV95" in texts  # a partner's resource keeps its organisation
    _assert_valid(pack3, use_case, sender="fr.health.test.bench77")


@pytest.mark.parametrize("link", ["15-15", "15-SMUR", "15-NexSIS"])
def test_corrections_keep_the_case_and_its_creation(pack: SchemaPack, factory: MessageFactory,
                                                    ctx: CaseContext, link: str) -> None:
    first = factory.create_case(ctx, link=link)
    later = factory.correction(ctx, link=link)
    _assert_valid(pack, first)
    _assert_valid(pack, later)
    (first_key, first_body), (later_key, later_body) = next(iter(first.items())), next(iter(later.items()))
    assert first_key == ("createCase" if link == "15-NexSIS" else "createCaseHealth")
    assert not rules.check_update_kind(later_key, link=link)
    assert not rules.check_same_case(first_body, later_body)
    assert not rules.check_creation_unchanged(first_body, later_body)
    assert later != factory.correction(ctx, link=link, changes={})  # the default variation changed a field


def test_owner_transfer_request_and_answers(pack: SchemaPack, factory: MessageFactory,
                                            ctx: CaseContext) -> None:
    request = factory.owner_request(ctx, OTHER)
    accept = factory.owner_answer(ctx, answerer_id=OTHER, accept=True)
    refuse = factory.owner_answer(ctx, answerer_id=OTHER, accept=False)
    for use_case in (request, accept, refuse):
        _assert_valid(pack, use_case)
    kwargs = {"requester_id": SAMU, "answerer_id": OTHER}
    assert rules.owner_decision(accept["createCaseHealthUpdate"], **kwargs) == "accept"
    assert rules.owner_decision(refuse["createCaseHealthUpdate"], **kwargs) == "refuse"


def test_emsi_exchange_follows_the_tier7_rules(pack: SchemaPack, factory: MessageFactory,
                                               ctx: CaseContext) -> None:
    dc = factory.emsi(ctx, "DC", mission_id="DC-1")
    answer = factory.emsi(ctx, "RDC", sender_id=NEXSIS, msgtype="UPDATE", answer="PARTIELLE",
                          mission_id="DC-1", local_case_id="SDIS77-2025-1")
    opg = factory.emsi(ctx, "OPG", sender_id=NEXSIS, msgtype="UPDATE")
    for use_case, sender in ((dc, SAMU), (answer, NEXSIS), (opg, NEXSIS)):
        _assert_valid(pack, use_case, sender=sender)
    dc_body, answer_body, opg_body = dc["emsi"], answer["emsi"], opg["emsi"]
    assert [emsi_rules.variant_of(b) for b in (dc_body, answer_body, opg_body)] == ["DC", "RDC", "OPG"]
    assert not emsi_rules.check_main_event(dc_body, {ctx.case_id})
    assert not emsi_rules.check_context(dc_body, seen_context_ids=set(), first_exchange=True)
    assert not emsi_rules.check_context(answer_body, seen_context_ids={dc_body["CONTEXT"]["ID"]},
                                        first_exchange=False)
    assert not emsi_rules.check_dc(dc_body)
    assert not emsi_rules.check_dc_answer(answer_body, dc_ids=emsi_rules.dc_mission_ids(dc_body),
                                          answerer_id=NEXSIS)
    assert not emsi_rules.check_opg(opg_body)
    assert answer_body["EVENT"]["ID"] == "SDIS77-2025-1"


def test_unknown_requests_are_usage_errors(factory: MessageFactory, ctx: CaseContext) -> None:
    with pytest.raises(UsageError, match="Variante EMSI inconnue"):
        factory.emsi(ctx, "XYZ")
    with pytest.raises(UsageError, match="Réponse à demande de concours inconnue"):
        factory.emsi(ctx, "RDC", answer="DIFFEREE")
    with pytest.raises(UsageError, match="Aucun exemple officiel"):
        factory.build("createCaseHealth", ctx, file="absent.json")


def test_case_numbers_are_never_reused_within_a_process() -> None:
    """Two cases opened within the same ten seconds get distinct caseIds (the runner's time code alone
    would repeat them)."""
    from datetime import datetime, timedelta, timezone

    from hubbench.cases.factory import CaseContext

    start = datetime(2026, 11, 25, 15, 0, 1, tzinfo=timezone(timedelta(hours=1)))
    ticks = iter([start, start + timedelta(seconds=10), start + timedelta(seconds=10)])
    ids = {CaseContext.open("fr.health.samu123", clock=lambda: next(ticks)).case_id for _ in range(3)}
    assert len(ids) == 3

"""Where the official test runner (ansforge/SAMU-Hub-Sante, web/lrm/pages/test) and the bench differ:
each choice recorded in ARCHITECTURE.md "Where the sources disagree" is pinned here, on the cases of
every pack that publishes them (1.3.0, 2.4.0, 3.x)."""

from __future__ import annotations

import pytest
from support.official import official_pack

from hubbench.cases import jsonpath
from hubbench.cases import test_cases as tc
from hubbench.cases.material import PackMaterial, material_for
from hubbench.protocol.envelope import build_message
from hubbench.protocol.validator import validator_for

VENDOR, PARTNER = "fr.health.samu780", "fr.health.samu950"
CASE_ID, LOCAL_ID = f"{PARTNER}.DRMFR156902515414073", "DRMFR156902515414073"
LINES = ("1.3.0", "2.4.0", "3")  # the packs that publish cases


@pytest.fixture(scope="module", params=LINES)
def material(request: pytest.FixtureRequest) -> PackMaterial:
    return material_for(official_pack(request.param))


def _steps(material: PackMaterial) -> list[tc.CaseStep]:
    return [step for category in material.test_cases() for case in category.cases for step in case.steps]


def test_owner_is_the_vendor_when_received_and_the_partner_when_sent(material: PackMaterial) -> None:
    """idOverrideProperties ($.createCaseHealthUpdate.owner): the runner writes the connected client
    (the vendor) in a receive step; in a send step the bench expects its partner's id (the CRRA asked to
    take the case over), where the runner would expect the example's literal SAMU id, which no vendor
    other than that SAMU can send."""
    owner = jsonpath.parse("$.createCaseHealthUpdate.owner")
    overridden = [s for s in _steps(material) if s.id_override_properties]
    assert {s.type for s in overridden} == {"receive", "send"}
    for step in overridden:
        example = material.step_example(step)
        if step.type == "receive":
            sent = tc.prepare_receive_step(step, example, client_id=VENDOR, case_id=CASE_ID,
                                           local_id=LOCAL_ID)
            assert jsonpath.get(sent, owner) == VENDOR
        else:
            expected = {i.path: i.value for i in tc.expected_values(step, example, override_id=PARTNER)}
            assert expected[owner] == PARTNER != jsonpath.get(example, owner)


def test_ignored_properties_name_exact_indices_and_a_dead_path_stays_compared(
        material: PackMaterial) -> None:
    """An ignored property ignores exactly the leaf it names, index included, as the runner's JSONPath:
    every other leaf of the example is expected. Where the file names a leaf that does not exist (2.4.0
    and 3.x, Didier Morel 01a: `medicalNote[1].operator.medicalNoteId` for `medicalNote[1].medicalNoteId`)
    the sibling stays compared, as in the runner: same verdict as at the Projectathon."""
    for step in _steps(material):
        example = material.step_example(step)
        expected = {i.path for i in tc.expected_values(step, example)}
        leaves = {path for path, value in jsonpath.leaves(example)
                  if not (isinstance(value, str) and tc.DATE_TIME.search(value))}
        assert expected == leaves - step.ignored_paths()
    first = material.test_cases()[0].cases[1].steps[0]  # Didier Morel, Editeur 77: 01a (send)
    assert (first.id, first.type) == ("01a", "send")
    expected = {i.text for i in tc.expected_values(first, material.step_example(first))}
    note = "$.createCaseHealth.medicalNote[{}].{}"
    field = "idObs" if material.tag.startswith("1") else "medicalNoteId"
    assert note.format(0, field) not in expected
    if field == "medicalNoteId":
        assert note.format(1, field) in expected  # the file's dead path ignores nothing
        assert "$.createCaseHealth.medicalNote[1].operator.medicalNoteId" in first.ignored_properties
    else:
        assert note.format(1, field) not in expected


def test_receive_steps_carry_the_exchange_case_id_on_every_kind(material: PackMaterial) -> None:
    """The runner's setCaseId writes the case id of createCase(Health)(Update), EMSI, resourcesInfo/
    Request/Response/Status and rpis.context.caseId only. The bench also writes it on RS-ER, RS-URL and
    RS-BPV (their caseId is ignored by the comparison, and the example's caseId names a case the vendor
    does not know); RS-RPIS of 2.x/3.x has no caseId (context.orgId and senderCaseId, both ignored):
    nothing is added there, a field the schema forbids would make the hub refuse the message."""
    validator = validator_for(official_pack({"1": "1.3.0", "2": "2.4.0"}.get(_line(material), "3")))
    for step in _steps(material):
        if step.type != "receive" or step.model not in ("RS-ER", "RS-URL", "RS-BPV", "RS-RPIS"):
            continue
        example = material.step_example(step)
        sent = tc.prepare_receive_step(step, example, client_id=VENDOR, case_id=CASE_ID, local_id=LOCAL_ID)
        body = sent[step.use_case_key]
        if step.model == "RS-RPIS":
            assert "caseId" not in body["context"] and body["context"] == example["rpis"]["context"]
        else:
            assert body["caseId"] == CASE_ID != example[step.use_case_key]["caseId"]
            assert f"$.{step.use_case_key}.caseId" in step.ignored_properties
        assert validator.validate_message(build_message(PARTNER, VENDOR, sent)).valid


def _line(material: PackMaterial) -> str:
    return material.tag[:1] if material.tag[:1] in ("1", "2") else "3"

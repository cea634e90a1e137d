from __future__ import annotations

import copy
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hubbench.cases import jsonpath
from hubbench.cases import test_cases as tc
from hubbench.cases.case_ids import local_case_id
from hubbench.cases.material import PackMaterial
from hubbench.protocol.envelope import build_message, message_of
from hubbench.protocol.packs import SchemaPack
from hubbench.protocol.validator import validator_for

VENDOR = "fr.health.samu780"
PARTNER = "fr.health.samu950"


def _all_steps(material: PackMaterial) -> list[tc.CaseStep]:
    return [step for category in material.test_cases() for case in category.cases for step in case.steps]


def test_official_file_parses_into_14_cases(material3: PackMaterial) -> None:
    categories = {c.label: c for c in material3.test_cases()}
    assert sorted(categories) == ["15-15", "15-SMUR"]
    assert len(categories["15-15"].cases) == 10
    assert len(categories["15-SMUR"].cases) == 4
    assert sum(len(case.steps) for case in categories["15-15"].cases) == 62
    assert sum(len(case.steps) for case in categories["15-SMUR"].cases) == 64
    step = categories["15-15"].cases[6].steps[1]
    assert (step.id, step.type, step.model) == ("02", "receive", "RS-EDA-MAJ")
    assert step.id_override_properties == ("$.createCaseHealthUpdate.owner",)
    assert step.use_case_key == "createCaseHealthUpdate"


def test_every_step_example_is_found_and_has_the_step_model(material3: PackMaterial) -> None:
    steps = _all_steps(material3)
    assert len(steps) == 126
    for step in steps:
        example = material3.step_example(step)
        assert list(example) == [step.use_case_key], step.file


def test_expected_values_of_a_real_example(material3: PackMaterial) -> None:
    step = material3.test_cases()[0].cases[0].steps[0]  # Didier Morel 01a, RS-EDA
    example = material3.step_example(step)
    expected = {item.text: item.value for item in tc.expected_values(step, example)}
    assert expected["$.createCaseHealth.qualification.details.priority"] == "P0"
    assert expected["$.createCaseHealth.location.city.inseeCode"] == "77360"
    assert "$.createCaseHealth.caseId" not in expected  # ignoredProperties
    assert "$.createCaseHealth.medicalNote[0].operator.role" not in expected
    assert "$.createCaseHealth.creation" not in expected  # date-time
    assert not any(tc.DATE_TIME.search(str(v)) for v in expected.values())
    leaves = list(jsonpath.leaves(example))
    dates = [p for p, v in leaves if isinstance(v, str) and tc.DATE_TIME.search(v)]
    ignored = [p for p, _ in leaves if p in step.ignored_paths()]
    assert len(expected) == len(leaves) - len(set(dates) | set(ignored))


def test_send_step_passes_on_every_example_itself(material3: PackMaterial) -> None:
    for step in _all_steps(material3):
        example = material3.step_example(step)
        assert tc.compare_send_step(tc.expected_values(step, example), example) == [], step.file


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_send_step_reports_exactly_the_mutated_path(material3: PackMaterial, data: st.DataObject) -> None:
    steps = [s for s in _all_steps(material3) if s.type == "send"]
    step = data.draw(st.sampled_from(steps))
    example = material3.step_example(step)
    expected = tc.expected_values(step, example)
    target = data.draw(st.sampled_from(expected))
    received = copy.deepcopy(example)
    delete = data.draw(st.booleans())
    if delete:
        parent = jsonpath.get(received, target.path[:-1])
        del parent[target.path[-1]]
        # deleting an array item shifts its followers: only check the deleted path is reported
        mismatches = tc.compare_send_step(expected, received)
        assert target.text in [m.path for m in mismatches]
        assert all(not m.present for m in mismatches if m.path == target.text)
        return
    new_value = data.draw(st.one_of(st.text(max_size=5), st.integers(), st.booleans())
                          .filter(lambda v: not tc.same_value(target.value, v)))
    jsonpath.set_value(received, target.path, new_value)
    mismatches = tc.compare_send_step(expected, received)
    # the same leaf value may be expected at one path only: exactly one mismatch, at the mutated path
    assert [(m.path, m.expected, m.found, m.present) for m in mismatches] == [
        (target.text, target.value, new_value, True)]
    assert target.text in mismatches[0].message


def test_compare_reads_the_message_of_a_full_envelope(material3: PackMaterial) -> None:
    step = material3.test_cases()[0].cases[1].steps[0]  # vendor sends RS-EDA
    example = material3.step_example(step)
    env = build_message(VENDOR, PARTNER, example)
    assert tc.compare_send_step(tc.expected_values(step, example), message_of(env)) == []


def test_same_value_is_strict_like_javascript() -> None:
    assert tc.same_value(1, 1.0)
    assert not tc.same_value(True, 1)
    assert not tc.same_value("1", 1)
    assert tc.same_value("P0", "P0")


def test_override_paths_expect_the_given_id(material3: PackMaterial) -> None:
    step = next(s for s in _all_steps(material3) if s.type == "send" and s.id_override_properties)
    example = material3.step_example(step)
    expected = {i.text: i.value for i in tc.expected_values(step, example, override_id=PARTNER)}
    assert expected["$.createCaseHealthUpdate.owner"] == PARTNER


def test_prepare_receive_step_validates_and_carries_the_exchange_ids(material3: PackMaterial,
                                                                     pack3: SchemaPack) -> None:
    validator = validator_for(pack3)
    case_id = f"{PARTNER}.DRMFR156902515414073"
    receive_steps = [s for s in _all_steps(material3) if s.type == "receive"]
    assert len(receive_steps) == 62
    for step in receive_steps:
        example = material3.step_example(step)
        use_case = tc.prepare_receive_step(step, example, client_id=VENDOR, case_id=case_id, local_id=case_id)
        report = validator.validate_message(build_message(PARTNER, VENDOR, use_case))
        assert report.valid, (step.file, [i.message for i in report.errors])
        body = use_case[step.use_case_key]
        if "caseId" in example[step.use_case_key]:
            assert body["caseId"] == case_id
        for path in step.override_paths():
            assert jsonpath.get(use_case, path) == VENDOR
        assert example == material3.step_example(step)  # the example itself is untouched


def test_checklist_lists_each_expected_value(material3: PackMaterial) -> None:
    step = material3.test_cases()[0].cases[6].steps[1]  # Ouardia Boudadi 02, owner override
    items = tc.checklist(step, material3.step_example(step), client_id=VENDOR)
    assert items == [{"path": "$.createCaseHealthUpdate.owner", "expected": VENDOR}]


def test_local_case_id_follows_the_official_runner() -> None:
    clock = lambda: datetime(2025, 2, 3, 9, 5, 47, tzinfo=timezone(timedelta(hours=1)))  # noqa: E731
    assert local_case_id("fr.health.samu950", clock=clock) == "fr.health.samu950.DRMFR156902503409057"


@pytest.mark.parametrize("data, fragment", [
    ({}, "liste de catégories"),
    ([{"categoryLabel": "15-15"}], "testCases"),
    ([{"categoryLabel": "x", "testCases": [{"label": "c", "description": "d", "steps": [
        {"id": "01", "type": "emit", "label": "l", "description": "d", "file": "f", "model": "RS-EDA",
         "ignoredProperties": []}]}]}], "send ou receive"),
    ([{"categoryLabel": "x", "testCases": [{"label": "c", "description": "d", "steps": [
        {"id": "01", "type": "send", "label": "l", "description": "d", "file": "f", "model": "RS-EDA",
         "ignoredProperties": ["createCase..x"]}]}]}], "JSONPath"),
    ([{"categoryLabel": "x", "testCases": [{"label": "c", "description": "d", "steps": [
        {"id": "01", "type": "send", "label": "l", "description": "d", "file": "f", "model": "RS-EDA",
         "requiredValues": [], "verificationLevel": 1}]}]}], "ancien format.*1.3.0"),
])
def test_bad_shapes_are_reported_in_french(data: object, fragment: str) -> None:
    with pytest.raises(tc.TestCasesError, match=fragment):
        tc.parse_test_cases(data)

"""RS-EDA ⇄ RC-EDA on every official example of the 3.x pack, and the converter's documented cases.

Rules: `ansforge/SAMU-Hub-Modeles` `converter/converter/cisu/create_case/create_case_cisu_converter.py`
(`converter-2.7.5-rc.1`); the expectations mirror its tests
`converter/tests/cisu/test_create_case_converter.py`.
"""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest
from conversion_data import SAMU, SDIS, assert_valid, envelope, frozen, official_examples

from hubbench.cases.material import PackMaterial
from hubbench.conversion import ConversionError, Converted, ConverterLine, Direction, convert
from hubbench.conversion.create_case import CISU_ONLY_PATHS, HEALTH_ONLY_PATHS, victims_count
from hubbench.conversion.tree import get_value, is_completed
from hubbench.protocol import message_of
from hubbench.protocol.validator import PackValidator

COMMON_LOCATION = ("name", "externalLocationId", "city.name", "city.inseeCode", "access", "geometry.datetime",
                   "geometry.point.coord", "detailedAddress.complete", "detailedAddress.number",
                   "detailedAddress.wayName", "freetext")
QUALIFICATION_CODES = ("whatsHappen", "locationKind", "healthMotive", "riskThreat")


def only(edxl: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    outcome = convert(edxl, settings=frozen(), **kwargs)
    assert isinstance(outcome, Converted) and len(outcome.messages) == 1
    return outcome.messages[0]


def use_case(edxl: dict[str, Any]) -> dict[str, Any]:
    message = message_of(edxl)
    key = "createCase" if "createCase" in message else "createCaseHealth"
    result: dict[str, Any] = message[key]
    return result


def without_use_case(edxl: dict[str, Any]) -> dict[str, Any]:
    rest = copy.deepcopy(edxl)
    message = rest["content"][0]["jsonContent"]["embeddedJsonContent"]["message"]
    for key in ("createCase", "createCaseHealth"):
        message.pop(key, None)
    return rest


@pytest.fixture(scope="module")
def rs_examples(material3: PackMaterial) -> list[tuple[str, Any]]:
    return official_examples(material3, "RS-EDA")


@pytest.fixture(scope="module")
def rc_examples(material3: PackMaterial) -> list[tuple[str, Any]]:
    return official_examples(material3, "RC-EDA")


def test_every_rs_eda_example_becomes_a_valid_rc_eda(rs_examples: list[tuple[str, Any]],
                                                     val3: PackValidator) -> None:
    for name, example in rs_examples:
        source = envelope(SAMU, SDIS, example)
        out = only(source)
        assert_valid(val3, out)
        rs, rc = example["createCaseHealth"], use_case(out)
        assert without_use_case(out) == without_use_case(source), name  # envelope and header unchanged
        for key in ("caseId", "senderCaseId", "creation", "additionalInformation"):
            assert rc.get(key) == rs.get(key), (name, key)
        assert rc["referenceVersion"] == "2.0"
        assert rc["location"]["country"] == "FR"
        assert re.fullmatch(r"LOC-20240210123456-[a-z0-9]{4}", rc["location"]["locID"]), name
        for path in COMMON_LOCATION:
            assert get_value(rc["location"], path) == get_value(rs["location"], path), (name, path)
        for key in QUALIFICATION_CODES:
            expected = rs["qualification"].get(key)
            if key == "whatsHappen" and expected is None:
                expected = {"code": "C11.06.00", "label": "Autre nature de fait"}
            assert rc["qualification"].get(key) == expected, (name, key)
        assert rc["qualification"]["victims"] == {"count": victims_count(rs.get("patient"))}
        assert not any(is_completed(rc, path) for path in HEALTH_ONLY_PATHS), name
        if "initialAlert" in rs:
            alert = rc["initialAlert"]
            assert alert["caller"] == rs["initialAlert"]["caller"]
            assert alert["reception"] == rs["creation"]
            assert alert["callTaker"] == {"organization": SAMU, "controlRoom": "CRRA samuA"}
            assert alert["id"] == "INAL-20240210123456-" + rc["location"]["locID"][-4:]
            priority = get_value(rs, "qualification.details.priority")
            assert alert["reporting"] == ("ATTENTION" if priority in ("P0", "P1") else "STANDARD")
            assert alert["qualification"] == rc["qualification"]
            assert alert["location"] == rc["location"]
        else:
            assert "initialAlert" not in rc


def test_every_rc_eda_example_becomes_a_valid_rs_eda(rc_examples: list[tuple[str, Any]],
                                                     val3: PackValidator) -> None:
    for name, example in rc_examples:
        source = envelope(SDIS, SAMU, example)
        out = only(source)
        assert_valid(val3, out)
        rc, rs = example["createCase"], use_case(out)
        assert without_use_case(out) == without_use_case(source), name
        for key in ("caseId", "senderCaseId", "creation"):
            assert rs.get(key) == rc.get(key), (name, key)
        assert rs["owner"] == SAMU
        for key in QUALIFICATION_CODES:
            assert rs["qualification"].get(key) == rc["qualification"].get(key), (name, key)
        for path in COMMON_LOCATION[:-1]:
            assert get_value(rs["location"], path) == get_value(rc["location"], path), (name, path)
        assert rs["location"]["freetext"].startswith(rc["location"].get("freetext", ""))
        assert not any(is_completed(rs, path) for path in CISU_ONLY_PATHS), name
        victims = rc["qualification"]["victims"]
        entries = {e["key"]: e for e in rs["additionalInformation"]["customMap"]}
        assert list(entries) == ["qualification.victims.count", "qualification.victims.mainVictim",
                                 "initialalert.calltaker.organization"], name
        assert entries["qualification.victims.count"]["value"] == victims["count"]
        assert entries["qualification.victims.mainVictim"]["value"] == victims["mainVictim"]
        assert entries["initialalert.calltaker.organization"]["value"] == rc["initialAlert"]["callTaker"][
            "organization"]
        [note] = rs["medicalNote"]
        assert note["operator"] == {"role": "AUTRE"}
        assert re.fullmatch(rf"{re.escape(SDIS)}\.medicalNote\.[a-z0-9]{{7}}", note["medicalNoteId"])
        assert re.match(rf"Nombre de victimes : '?{victims['count']}'?\n", note["freetext"])
        notes = rs["initialAlert"]["notes"]
        assert "Contact de l'opérateur SIS :" in notes[0]["freetext"], name
        assert sum("freetext" in n for n in notes) == 1  # merged into one note
        reporting = rc["initialAlert"]["reporting"]
        assert rs["qualification"]["details"]["priority"] == ("P0" if reporting == "ATTENTION" else "P2")


def test_round_trip_keeps_identifiers_qualification_location_and_caller(
        rs_examples: list[tuple[str, Any]], val3: PackValidator) -> None:
    for name, example in rs_examples:
        rc = only(envelope(SAMU, SDIS, example))
        back = only(envelope(SDIS, SAMU, {"createCase": use_case(rc)}))
        assert_valid(val3, back)
        rs, again = example["createCaseHealth"], use_case(back)
        for key in ("caseId", "senderCaseId", "creation"):
            assert again.get(key) == rs.get(key), (name, key)
        assert again["owner"] == SAMU
        for key in QUALIFICATION_CODES:
            assert again["qualification"].get(key) == rs["qualification"].get(key) or (
                key == "whatsHappen" and "whatsHappen" not in rs["qualification"]), (name, key)
        for path in COMMON_LOCATION[:-1]:
            assert get_value(again["location"], path) == get_value(rs["location"], path), (name, path)
        if "initialAlert" in rs:
            assert again["initialAlert"]["caller"] == rs["initialAlert"]["caller"]
            priority = get_value(rs, "qualification.details.priority")
            expected = "P0" if priority in ("P0", "P1") else "P2"
            assert again["qualification"]["details"]["priority"] == expected
        # lost on the way (health-only fields): patients, medical notes, decisions, other details
        assert "patient" not in again and "decision" not in again and "perimeter" not in again
        assert [n["freetext"].startswith("Nombre de victimes") for n in again["medicalNote"]] == [True]


def test_victims_medical_note_text_matches_the_converter_snapshot(material3: PackMaterial) -> None:
    example = material3.example("RC-EDA", "RC-EDA-FemmeEnceinte-DelphineVigneau.01.json")
    rs = use_case(only(envelope(SDIS, SAMU, example)))
    assert rs["medicalNote"][0]["freetext"] == (
        "Nombre de victimes : '1'\nCommentaire général : Femme enceinte de 2 mois qui est tombé d'une "
        "échelle au bureau. Delphine\n  Vigneau, 32 ans.\nVictime principale : ADULTE\n")


@pytest.mark.parametrize(("patients", "count"), [(None, "0"), (0, "0"), (1, "1"), (2, "PLUSIEURS"),
                                                 (4, "PLUSIEURS"), (5, "BEAUCOUP"), (12, "BEAUCOUP")])
def test_victims_count_from_the_number_of_patients(rs_examples: list[tuple[str, Any]], patients: int | None,
                                                   count: str) -> None:
    example = copy.deepcopy(rs_examples[0][1])
    case = example["createCaseHealth"]
    case.pop("patient", None)
    if patients is not None:
        case["patient"] = [{"patientId": f"{SAMU}.patient.P{i}"} for i in range(patients)]
    assert use_case(only(envelope(SAMU, SDIS, example)))["qualification"]["victims"] == {"count": count}


def test_output_is_deterministic_under_frozen_settings(rs_examples: list[tuple[str, Any]]) -> None:
    source = envelope(SAMU, SDIS, rs_examples[0][1])
    assert only(source) == only(source)
    assert message_of(source)["createCaseHealth"] == rs_examples[0][1]["createCaseHealth"]  # input untouched


def test_input_custom_map_is_replaced_and_an_emptied_one_stays(rc_examples: list[tuple[str, Any]]) -> None:
    minimal = {"createCase": {"caseId": "fr.fire.sdisZ.case.1", "creation": "2024-05-26T13:15:00+02:00",
                              "referenceVersion": "2.0",
                              "qualification": {"whatsHappen": {"code": "C01.00.00", "label": "x"}},
                              "location": {"locID": "L1", "country": "FR"}}}
    assert "additionalInformation" not in use_case(only(envelope(SDIS, SAMU, minimal)))
    minimal["createCase"]["additionalInformation"] = {"customMap": [{"key": "a", "value": "b"}]}
    assert use_case(only(envelope(SDIS, SAMU, minimal)))["additionalInformation"] == {"customMap": []}


def test_city_detail_goes_to_location_freetext(rc_examples: list[tuple[str, Any]]) -> None:
    example = copy.deepcopy(rc_examples[0][1])
    example["createCase"]["location"].pop("freetext", None)
    example["createCase"]["location"].setdefault("city", {})["detail"] = "Lieu-dit Les Pins"
    rs = use_case(only(envelope(SDIS, SAMU, example)))
    assert rs["location"]["freetext"] == "\nDétails de commune : Lieu-dit Les Pins"


def test_top_level_freetext_and_new_alerts_become_notes(rc_examples: list[tuple[str, Any]]) -> None:
    example = copy.deepcopy(rc_examples[0][1])
    case = example["createCase"]
    case["freetext"] = ["Mari médecin"]
    case["initialAlert"]["attachment"] = [{"description": "PHOTO", "URI": "https://hub.esante.gouv.fr/"}]
    case["initialAlert"]["notes"] = [{"creation": "2024-05-26T13:16:00+02:00", "freetext": "appel 1"}]
    notes = use_case(only(envelope(SDIS, SAMU, example)))["initialAlert"]["notes"]
    assert len(notes) == 1
    parts = notes[0]["freetext"].split("; ")
    assert parts[0] == "appel 1"
    assert parts[1] == "Pièces jointes : PHOTO https://hub.esante.gouv.fr/"
    assert parts[2].startswith("Contact de l'opérateur SIS : ")
    assert parts[3] == " Mari médecin"


# -- documented failures -----------------------------------------------------------------------------


def test_freetext_without_initial_alert_fails_like_the_converter(rc_examples: list[tuple[str, Any]]) -> None:
    example = copy.deepcopy(rc_examples[0][1])
    example["createCase"].pop("initialAlert")
    example["createCase"]["freetext"] = ["note"]
    with pytest.raises(ConversionError) as caught:
        convert(envelope(SDIS, SAMU, example), settings=frozen())
    assert (caught.value.cause, caught.value.http_status) == ("'initialAlert'", 500)
    assert caught.value.hub_error_cause == ("Error during internal call to Hub Santé conversion service: "
                                            "'initialAlert'")


def test_wrong_way_kinds_are_refused_with_the_converter_text(rs_examples: list[tuple[str, Any]],
                                                              rc_examples: list[tuple[str, Any]]) -> None:
    with pytest.raises(ConversionError, match=r"^Version conversion for message type 'createCase' is "
                                              r"currently not implemented\.$"):
        convert(envelope(SAMU, SDIS, rc_examples[0][1]))
    with pytest.raises(ConversionError, match=r"^Input JSON must contain createCase key$"):
        convert(envelope(SDIS, SAMU, rs_examples[0][1]))


def test_health_to_health_and_unconverted_kinds_are_refused(rs_examples: list[tuple[str, Any]]) -> None:
    with pytest.raises(ConversionError, match=r"^Both sender and recipient are health: fr\.health\.samuA -> "
                                              r"fr\.health\.samuB$"):
        convert(envelope(SAMU, "fr.health.samuB", rs_examples[0][1]))
    update = {"createCaseHealthUpdate": {"caseId": "fr.health.samuA.case.1"}}
    with pytest.raises(ConversionError, match=r"^Perimeter translation for message type "
                                              r"'createCaseHealthUpdate' is not implemented\.$"):
        convert(envelope(SAMU, SDIS, update))


def test_direction_follows_the_sender(rs_examples: list[tuple[str, Any]]) -> None:
    outcome = convert(envelope(SAMU, SDIS, rs_examples[0][1]))
    assert isinstance(outcome, Converted)
    assert (outcome.direction, outcome.source_key) == (Direction.TO_CISU, "createCaseHealth")


def test_release_candidate_line_remaps_qualification_codes(rc_examples: list[tuple[str, Any]]) -> None:
    """`converter-2.8.0-rc.5` only: CISU codes become health codes (e.g. `C07.03.01` → `C02.19.01`)."""
    example = copy.deepcopy(rc_examples[0][1])
    example["createCase"]["qualification"]["whatsHappen"] = {"code": "C07.03.01", "label": "Différend"}
    source = envelope(SDIS, SAMU, example)
    released = use_case(only(source))
    candidate = convert(source, settings=frozen(ConverterLine.NOMENCLATURE_RC))
    assert isinstance(candidate, Converted)
    assert released["qualification"]["whatsHappen"]["code"] == "C07.03.01"
    assert use_case(candidate.messages[0])["qualification"]["whatsHappen"] == {
        "code": "C02.19.01", "label": "Différend familial"}

"""RS-RI / RS-SR → RC-RI and RC-RI → RS-RI + RS-SR with the case history, and RC-REF.

Rules: `ansforge/SAMU-Hub-Modeles` `converter/converter/cisu/resources_info/resources_info_cisu_converter.py`,
`…/resources_info_cisu_helper.py`, `…/cisu/resources_status/resources_status_converter.py`,
`…/cisu/reference/reference_converter.py` (`converter-2.7.5-rc.1`); expectations after its tests
`converter/tests/cisu/test_resources_info_converter.py` and
`converter/tests/cisu/test_resources_status_converter.py`.
"""

from __future__ import annotations

import copy
from datetime import datetime, timedelta
from typing import Any

import pytest
from conversion_data import SAMU, SDIS, assert_valid, envelope, frozen, official_examples

from hubbench.cases.material import PackMaterial
from hubbench.conversion import (
    ConversionError,
    Converted,
    ConverterLine,
    Dropped,
    StoredMessage,
    convert,
)
from hubbench.conversion.resources import cisu_vehicle_type, latest_state
from hubbench.protocol import message_of
from hubbench.protocol.validator import PackValidator

# RS-RI examples the converter leaves without any CISU-compatible resource (its own test list)
NOTHING_FOR_CISU = {"RS-RI_Secondaire_RobertVermande.03.json", "RS-RI_partageRessources_LolaHalimi.03c.json",
                    "RS-RI_partageRessources_MonsieurX.03.json"}
T0 = datetime(2026, 3, 13, 10, 0)
CASE = "fr.fire.sisZ.case.C1"


def stored(edxl: dict[str, Any], minutes: int = 0) -> StoredMessage:
    return StoredMessage(edxl, T0 + timedelta(minutes=minutes))


def body(edxl: dict[str, Any], key: str) -> Any:
    return message_of(edxl)[key]


def rc_ri(resources: list[tuple[str, str, str]], dist: str = "1") -> dict[str, Any]:
    """An RC-RI from the fire service with (resourceId, vehicleType, status) resources."""
    use_case = {"resourcesInfoCisu": {"caseId": CASE, "resource": [
        {"datetime": "2026-03-13T10:23:00+02:00", "resourceId": rid, "orgId": "fr.fire.sisZ.cgo-Z",
         "vehicleType": vehicle, "state": {"status": status, "datetime": "2026-03-13T10:24:00+02:00"}}
        for rid, vehicle, status in resources]}}
    return envelope(SDIS, SAMU, use_case, distribution_id=f"{SDIS}_{dist}")


# -- RS-RI → RC-RI -----------------------------------------------------------------------------------


def test_every_rs_ri_example_becomes_a_valid_rc_ri_or_nothing(material3: PackMaterial,
                                                               val3: PackValidator) -> None:
    for name, example in official_examples(material3, "RS-RI"):
        outcome = convert(envelope(SAMU, SDIS, example), settings=frozen())
        if name in NOTHING_FOR_CISU:
            assert isinstance(outcome, Dropped), name
            assert "aucune ressource" in outcome.reason
            continue
        assert isinstance(outcome, Converted) and len(outcome.messages) == 1, name
        [out] = outcome.messages
        assert_valid(val3, out)
        cisu = body(out, "resourcesInfoCisu")
        assert cisu["caseId"] == example["resourcesInfo"]["caseId"]
        for resource in cisu["resource"]:
            assert resource["vehicleType"] in ("SIS", "SMUR") and isinstance(resource["state"], dict)
            assert "patientId" not in resource


def test_rs_ri_state_is_enriched_by_the_last_stored_rs_sr(material3: PackMaterial) -> None:
    example = material3.example("RS-RI", "RS-RI_FuiteDeGaz_AliceGregoireNORMAND.03.json")
    case_id = example["resourcesInfo"]["caseId"]
    resource_id = example["resourcesInfo"]["resource"][0]["resourceId"]
    later = {"resourcesStatus": {"caseId": case_id, "resourceId": resource_id,
                                 "state": {"datetime": "2099-01-01T00:00:00+01:00", "status": "ARRIVEE"}}}
    history = [stored(envelope(SAMU, SDIS, later, distribution_id=f"{SAMU}_sr1"))]
    outcome = convert(envelope(SAMU, SDIS, example), history, frozen())
    assert isinstance(outcome, Converted)
    assert body(outcome.messages[0], "resourcesInfoCisu")["resource"][0]["state"]["status"] == "ARRIVEE"


def test_latest_state_compares_datetime_text_and_later_wins_ties() -> None:
    a = {"datetime": "2024-01-01T10:00:00+01:00", "status": "A"}
    b = {"datetime": "2024-01-01T10:00:00+01:00", "status": "B"}
    c = {"datetime": "2024-01-01T09:00:00+00:00", "status": "C"}  # later instant, smaller text
    assert latest_state([a, b])["status"] == "B"
    assert latest_state([a, c])["status"] == "A"


@pytest.mark.parametrize(("vehicle", "released", "candidate"), [
    ("SIS", "SIS", "VECTEUR_SANTE"), ("SIS.DRAGON", "SIS", "VECTEUR_SANTE"),
    ("SMUR", "SMUR", "VECTEUR_SANTE"),
    ("SMUR.VLM", "SMUR", "VECTEUR_SANTE"), ("AUTREVEC", None, "VECTEUR_SANTE"),
    ("FSI.HELIFSI", None, "VECTEUR_SANTE"), ("TSU.VSL", None, "VECTEUR_SANTE"), (None, None, None)])
def test_vehicle_types_per_converter_line(vehicle: str | None, released: str | None,
                                          candidate: str | None) -> None:
    assert cisu_vehicle_type(vehicle, ConverterLine.RELEASED) == released
    assert cisu_vehicle_type(vehicle, ConverterLine.NOMENCLATURE_RC) == candidate


# -- RS-SR → RC-RI -----------------------------------------------------------------------------------


def test_every_rs_sr_example_with_its_rs_ri_becomes_a_valid_rc_ri(material3: PackMaterial,
                                                                  val3: PackValidator) -> None:
    infos = official_examples(material3, "RS-RI")
    converted = 0
    for name, example in official_examples(material3, "RS-SR"):
        status = example["resourcesStatus"]
        matching = [info for _, info in infos if info["resourcesInfo"]["caseId"] == status["caseId"]
                    and status["resourceId"] in {r["resourceId"] for r in info["resourcesInfo"]["resource"]}]
        if not matching:
            continue
        history = [stored(envelope(SAMU, SDIS, matching[0], distribution_id=f"{SAMU}_ri"))]
        source = envelope(SAMU, SDIS, example, distribution_id=f"{SAMU}_sr")
        outcome = convert(source, history, frozen())
        assert isinstance(outcome, Converted), name
        [out] = outcome.messages
        assert_valid(val3, out)
        assert out["distributionID"] == f"{SAMU}_sr"
        resources = {r["resourceId"]: r for r in body(out, "resourcesInfoCisu")["resource"]}
        own = [s for r in matching[0]["resourcesInfo"]["resource"] if r["resourceId"] == status["resourceId"]
               for s in r.get("state", [])]
        newest = all(status["state"]["datetime"] >= s["datetime"] for s in own)
        if status["resourceId"] in resources and newest:
            assert resources[status["resourceId"]]["state"] == status["state"], name  # the newest state wins
        converted += 1
    assert converted >= 8


def test_rs_sr_without_stored_rs_ri_or_with_an_unknown_resource_fails(material3: PackMaterial) -> None:
    example = material3.example("RS-SR", "RS-SR_FuiteDeGaz_AliceGregoireNORMAND.04.json")
    case_id = example["resourcesStatus"]["caseId"]
    with pytest.raises(ConversionError, match=rf"^No RS-RI found for caseId: '{case_id}'$"):
        convert(envelope(SAMU, SDIS, example))
    info = material3.example("RS-RI", "RS-RI_FuiteDeGaz_AliceGregoireNORMAND.03.json")
    other = copy.deepcopy(example)
    other["resourcesStatus"]["resourceId"] = "fr.health.samu440.resource.NOPE"
    with pytest.raises(ConversionError, match=r"^Resource 'fr\.health\.samu440\.resource\.NOPE' from RS-SR "
                                              rf"not found in RS-RI for caseId '{case_id}'$"):
        convert(envelope(SAMU, SDIS, other), [stored(envelope(SAMU, SDIS, info))])


def test_rs_sr_towards_health_is_refused() -> None:
    status = {"resourcesStatus": {"caseId": CASE, "resourceId": "r1", "state": {"status": "DEPART"}}}
    with pytest.raises(ConversionError, match=r"^Traduction from 'resourcesInfoCisu' to 'resourcesStatus' is "
                                              r"not supported\.$"):
        convert(envelope(SDIS, SAMU, status))


# -- RC-RI → RS-RI + RS-SR -----------------------------------------------------------------------------


def test_every_rc_ri_example_first_of_its_case_gives_rs_ri_and_one_rs_sr_per_resource(
        material3: PackMaterial, val3: PackValidator) -> None:
    for name, example in official_examples(material3, "RC-RI"):
        source = envelope(SDIS, SAMU, example)
        outcome = convert(source, settings=frozen())
        assert isinstance(outcome, Converted), name
        info, *statuses = outcome.messages
        resources = example["resourcesInfoCisu"]["resource"]
        assert len(statuses) == len(resources), name
        for out in outcome.messages:
            assert_valid(val3, out)
        assert info["distributionID"] == source["distributionID"]
        for resource in body(info, "resourcesInfo")["resource"]:
            assert isinstance(resource["state"], list) and "position" not in resource
        ids = [s["distributionID"] for s in statuses]
        assert len(set(ids)) == len(ids) and source["distributionID"] not in ids
        for status, resource in zip(statuses, resources, strict=True):
            assert status["distributionID"].startswith(f"{SDIS}_")
            assert message_of(status)["messageId"] == status["distributionID"]
            assert body(status, "resourcesStatus") == {"caseId": example["resourcesInfoCisu"]["caseId"],
                                                       "resourceId": resource["resourceId"],
                                                       "state": resource["state"]}


def test_rc_ri_deltas_against_the_previous_rc_ri_of_the_case() -> None:
    first = rc_ri([("r1", "SIS", "DECLENCHE"), ("r2", "SIS", "DECLENCHE")], dist="1")
    history = [stored(first)]

    both = [("r1", "SIS", "DECLENCHE"), ("r2", "SIS", "DECLENCHE")]
    same = convert(rc_ri(both, dist="2"), history, frozen())
    assert isinstance(same, Dropped) and "sans changement" in same.reason

    moved = convert(rc_ri([("r1", "SIS", "DEPART"), ("r2", "SIS", "DECLENCHE")], dist="3"), history, frozen())
    assert isinstance(moved, Converted)
    [status] = moved.messages
    assert status["distributionID"] == f"{SDIS}_3"  # the only RS-SR of an update keeps the received id
    assert body(status, "resourcesStatus")["resourceId"] == "r1"

    added = convert(rc_ri([*both, ("r3", "SMUR", "DECLENCHE")], dist="4"), history, frozen())
    assert isinstance(added, Converted)
    assert [next(iter(k for k in message_of(m) if k.startswith("resources"))) for m in added.messages] == [
        "resourcesInfo", "resourcesStatus"]
    assert body(added.messages[1], "resourcesStatus")["resourceId"] == "r3"

    removed = convert(rc_ri([("r1", "SIS", "DECLENCHE")], dist="5"), history, frozen())
    assert isinstance(removed, Converted) and len(removed.messages) == 1
    assert "resourcesInfo" in message_of(removed.messages[0])


def test_rc_ri_previous_excludes_the_message_being_converted() -> None:
    current = rc_ri([("r1", "SIS", "DECLENCHE")], dist="1")
    outcome = convert(current, [stored(current)], frozen())  # stored before conversion, as the hub does
    assert isinstance(outcome, Converted) and len(outcome.messages) == 2


def test_rc_ri_with_an_invalid_case_id_fails() -> None:
    bad = rc_ri([("r1", "SIS", "DECLENCHE")])
    body(bad, "resourcesInfoCisu")["caseId"] = 12
    with pytest.raises(ConversionError, match=r"^Missing or invalid caseId in RC-RI message: 12$"):
        convert(bad)


def test_release_candidate_line_types_every_cisu_vehicle_sis() -> None:
    outcome = convert(rc_ri([("r1", "SMUR", "DECLENCHE")]), settings=frozen(ConverterLine.NOMENCLATURE_RC))
    assert isinstance(outcome, Converted)
    assert body(outcome.messages[0], "resourcesInfo")["resource"][0]["vehicleType"] == "SIS"


# -- RC-REF ----------------------------------------------------------------------------------------------


def test_rc_ref_passes_unchanged_both_ways(material3: PackMaterial, val3: PackValidator) -> None:
    [(_, example)] = official_examples(material3, "RC-REF")
    for sender, recipient in ((SAMU, SDIS), (SDIS, SAMU)):
        source = envelope(sender, recipient, example, distribution_kind="Ack")
        outcome = convert(source)
        assert isinstance(outcome, Converted) and outcome.messages == (source,)
        assert_valid(val3, outcome.messages[0])

"""Converter helpers (`converter/converter/utils.py`) and the release candidate's nomenclature re-mapping
(`converter/converter/nomenclatures/utils.py`, `converter-2.8.0-rc.5`), after its tests
`converter/tests/test_utils.py` and `converter/tests/cisu/test_qualification_nomenclature_mapping.py`."""

from __future__ import annotations

from typing import Any

import pytest

from hubbench.conversion import nomenclatures
from hubbench.conversion.tree import concatenate_values, delete_paths, set_value


def test_delete_paths_removes_emptied_intermediates_only() -> None:
    obj: dict[str, Any] = {"a": {"b": {"c": 1}}, "keep": {}, "list": [{"x": 1, "y": 2}, {"x": 3}]}
    delete_paths(obj, ["a.b.c", "list[].x", "missing.path", "keep.nothing"])
    assert obj == {"keep": {}, "list": [{"y": 2}]}


def test_set_value_creates_intermediates_and_keeps_positions() -> None:
    obj: dict[str, Any] = {"first": 1, "second": {"x": 1}}
    set_value(obj, "first", 2)
    set_value(obj, "second.y.z", 3)
    assert list(obj) == ["first", "second"] and obj["second"] == {"x": 1, "y": {"z": 3}}


def test_concatenate_values_keeps_strings_depth_first() -> None:
    assert concatenate_values({"a": "x", "b": [1, {"c": "y"}, True], "d": "z"}) == " x y z"


def qualification(**fields: Any) -> dict[str, Any]:
    return {"qualification": fields}


@pytest.mark.parametrize(("field", "code", "expected"), [
    ("whatsHappen", "C02.05.03", "C02.18.00"), ("healthMotive", "M20.00", "M08.00.00"),
    ("locationKind", "L02.02.04", "L02.02.03"), ("whatsHappen", "C99.99.99", "C99.99.99")])
def test_cisu_to_health_codes(field: str, code: str, expected: str) -> None:
    case = qualification(**{field: {"code": code, "label": "reçu"}})
    nomenclatures.remap(case, nomenclatures.CISU_TO_RS)
    assert case["qualification"][field]["code"] == expected


def test_dropped_risk_threat_removes_the_emptied_list() -> None:
    case = qualification(riskThreat=[{"code": "R36", "label": "x"}])
    nomenclatures.remap(case, nomenclatures.CISU_TO_RS)
    assert case == {"qualification": {}}
    kept = qualification(riskThreat=[{"code": "R36", "label": "x"}, {"code": "R01", "label": "y"}])
    nomenclatures.remap(kept, nomenclatures.CISU_TO_RS)
    assert kept["qualification"]["riskThreat"] == [{"code": "R01", "label": "y"}]


@pytest.mark.parametrize(("field", "code", "expected"), [
    ("whatsHappen", "C02.17.00", {"code": "C10.02.01", "label": "Mort suspecte"}),
    ("healthMotive", "M08.00.00", {"code": "M22.00", "label": "Personne inconsciente"}),
    ("locationKind", "L01.01.05", {"code": "L01.01.00", "label": "Maison particulière, pavillon"}),
    ("riskThreat", "R17", [{"code": "R37", "label": "Situation instable/indéterminée"}])])
def test_health_to_cisu_codes(field: str, code: str, expected: Any) -> None:
    value: Any = {"code": code, "label": "reçu"}
    case = qualification(**{field: [value] if field == "riskThreat" else value})
    nomenclatures.remap(case, nomenclatures.RS_TO_CISU)
    assert case["qualification"][field] == expected

"""Properties over schema-valid cases generated from the 3.x pack's RS-EDA and RC-EDA schemas.

Generation-only schema changes: date-time fields are drawn as the hub's `yyyy-MM-ddTHH:mm:ss±hh:mm`
(hypothesis-jsonschema would filter their `pattern` + `format` pair away), and patterns get the flag
`(?a)` so that `\\d` / `\\w` are ASCII as in the pack's ECMA-262 regexes (Python's are Unicode). Every
drawn case is still kept only if the pack's validator accepts it against the unchanged schema.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from conversion_data import SAMU, SDIS, envelope, frozen
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema

from hubbench.conversion import ConversionError, Converted, convert
from hubbench.protocol import message_of
from hubbench.protocol.packs import SchemaPack
from hubbench.protocol.validator import PackValidator

SETTINGS = settings(max_examples=20, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                           HealthCheck.data_too_large])
DATE_TIME = "edxl-date-time"
date_times = st.builds(
    lambda moment, quarters: moment.replace(tzinfo=timezone(timedelta(minutes=15 * quarters))).isoformat(),
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 1, 1)).map(
        lambda d: d.replace(microsecond=0)),
    st.integers(min_value=-48, max_value=56))


def _generable(node: Any) -> Any:
    if isinstance(node, dict):
        if node.get("format") == "date-time":
            return {"type": "string", "format": DATE_TIME}
        return {key: _ascii(value) if key == "pattern" else _generable(value)
                for key, value in node.items() if key != "$id"}
    if isinstance(node, list):
        return [_generable(value) for value in node]
    return node


def _ascii(pattern: Any) -> Any:
    return "(?a)" + pattern if isinstance(pattern, str) else pattern


def strategy(pack: SchemaPack, schema: str) -> st.SearchStrategy[Any]:
    return from_schema(_generable(pack.schemas[schema]), custom_formats={DATE_TIME: date_times})


@pytest.fixture(scope="module")
def rs_eda(pack3: SchemaPack) -> st.SearchStrategy[Any]:
    return strategy(pack3, "RS-EDA.schema.json")


@pytest.fixture(scope="module")
def rc_eda(pack3: SchemaPack) -> st.SearchStrategy[Any]:
    return strategy(pack3, "RC-EDA.schema.json")


@SETTINGS
@given(data=st.data())
def test_any_valid_rs_eda_becomes_a_valid_rc_eda(val3: PackValidator, rs_eda: st.SearchStrategy[Any],
                                                 data: st.DataObject) -> None:
    case = data.draw(rs_eda)
    source = envelope(SAMU, SDIS, {"createCaseHealth": case})
    assume(val3.validate_message(source).valid)
    outcome = convert(source, settings=frozen())
    assert isinstance(outcome, Converted)
    [out] = outcome.messages
    report = val3.validate_message(out)
    assert report.valid, [f"{i.path}: {i.message}" for i in report.errors]
    rc = message_of(out)["createCase"]
    assert (rc["caseId"], rc.get("senderCaseId"), rc["creation"]) == (
        case["caseId"], case.get("senderCaseId"), case["creation"])


@SETTINGS
@given(data=st.data())
def test_any_valid_rc_eda_becomes_a_valid_rs_eda_or_the_documented_500(
        val3: PackValidator, rc_eda: st.SearchStrategy[Any], data: st.DataObject) -> None:
    case = data.draw(rc_eda)
    source = envelope(SDIS, SAMU, {"createCase": case})
    assume(val3.validate_message(source).valid)
    if "initialAlert" not in case and ("freetext" in case or "newAlert" in case):
        with pytest.raises(ConversionError) as caught:
            convert(source, settings=frozen())
        assert (caught.value.cause, caught.value.http_status) == ("'initialAlert'", 500)
        return
    outcome = convert(source, settings=frozen())
    assert isinstance(outcome, Converted)
    [out] = outcome.messages
    report = val3.validate_message(out)
    assert report.valid, [f"{i.path}: {i.message}" for i in report.errors]
    rs = message_of(out)["createCaseHealth"]
    assert (rs["caseId"], rs.get("senderCaseId"), rs["creation"], rs["owner"]) == (
        case["caseId"], case.get("senderCaseId"), case["creation"], SAMU)

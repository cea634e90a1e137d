from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hubbench.cases import jsonpath

names = st.from_regex(r"[A-Za-z_][A-Za-z0-9_-]{0,8}", fullmatch=True) | st.text(
    st.characters(codec="utf-8", exclude_characters="'"), min_size=1, max_size=6)
paths = st.lists(names | st.integers(min_value=0, max_value=30), max_size=6).map(tuple)


def test_parse_the_forms_of_the_official_file() -> None:
    assert jsonpath.parse("$.createCaseHealth.medicalNote[1].operator.role") == (
        "createCaseHealth", "medicalNote", 1, "operator", "role")
    assert jsonpath.parse("$['a b'][0]") == ("a b", 0)
    # the typo of the shipped test_cases.json: no dot after the bracket
    assert jsonpath.parse("$.resourcesInfo.resource[0]contact.type") == (
        "resourcesInfo", "resource", 0, "contact", "type")


@pytest.mark.parametrize("text", ["createCase.caseId", "$..caseId", "$.a[x]", "$.a b", "$caseId"])
def test_parse_rejects_what_is_outside_the_subset(text: str) -> None:
    with pytest.raises(jsonpath.PathSyntaxError):
        jsonpath.parse(text)


@given(paths)
def test_format_then_parse_is_identity(path: jsonpath.Path) -> None:
    assert jsonpath.parse(jsonpath.format_path(path)) == path


def test_leaves_skip_containers_and_null() -> None:
    doc = {"a": {"b": [1, {"c": None, "d": True}], "e": "x"}, "f": []}
    assert list(jsonpath.leaves(doc)) == [(("a", "b", 0), 1), (("a", "b", 1, "d"), True), (("a", "e"), "x")]


def test_get_and_set_value() -> None:
    doc: dict = {"a": [{"b": 1}]}
    assert jsonpath.get(doc, ("a", 0, "b")) == 1
    with pytest.raises(jsonpath.Missing):
        jsonpath.get(doc, ("a", 1, "b"))
    jsonpath.set_value(doc, ("a", 1, "c", 0), "new")
    assert doc == {"a": [{"b": 1}, {"c": ["new"]}]}
    with pytest.raises(jsonpath.Missing):
        jsonpath.set_value(doc, ("a", 0, "b", "deeper"), 2)

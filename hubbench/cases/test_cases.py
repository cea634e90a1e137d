"""The official test cases (`csv_parser/out/test_cases.json`) and the official runner's comparison rules.

The official runner (`ansforge/SAMU-Hub-Sante`, `web/lrm/client/pages/test/`): categories → cases → steps.
One shape is read on every line: tags 1.3.0 (1.x field names in the paths and examples), 2.x and 3.x
publish it alike; the older 1.0/1.1 shape (steps with `requiredValues` / `verificationLevel`) is refused
with a French message naming tag 1.3.0.
Expected values of a step = every leaf JSONPath of its example file (`$..*`), minus `ignoredProperties`, minus
values that look like a date-time. A `send` step (the vendor sends) passes when every expected path resolves
in the vendor's message and holds the expected value; a `receive` step (the bench sends) sends the example
with the ids of the exchange.

Reading of `idOverrideProperties` (3 steps, all `$.createCaseHealthUpdate.owner`): the path holds the id
of the CRRA that takes the case over. In a receive step that CRRA is the vendor (the bench writes the
vendor's client id there, as the official runner writes its connected client id); in a send step it is
the bench's partner, so `expected_values(..., override_id=partner_id)` expects the partner id there.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from hubbench.cases import jsonpath
from hubbench.errors import UsageError
from hubbench.protocol import KINDS

StepType = Literal["send", "receive"]

DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}")

_MODEL_KEYS = {info.model: key for key, info in KINDS.items()}
_MODEL_KEYS["RPIS"] = "rpis"  # 1.x folder name of RS-RPIS


class TestCasesError(UsageError):
    """`test_cases.json` does not have the shape the official runner reads."""

    __test__ = False  # not a pytest class


@dataclass(frozen=True)
class CaseStep:
    id: str
    type: StepType
    label: str
    description: str
    file: str
    model: str
    ignored_properties: tuple[str, ...]
    id_override_properties: tuple[str, ...]

    @property
    def use_case_key(self) -> str:
        """The wrapper key of the step's model (`RS-EDA` → `createCaseHealth`)."""
        try:
            return _MODEL_KEYS[self.model]
        except KeyError:
            raise TestCasesError(
                f"Modèle inconnu dans le cas de test : {self.model!r} (étape {self.id})"
            ) from None

    def ignored_paths(self) -> frozenset[jsonpath.Path]:
        return frozenset(jsonpath.parse(text) for text in self.ignored_properties)

    def override_paths(self) -> tuple[jsonpath.Path, ...]:
        return tuple(jsonpath.parse(text) for text in self.id_override_properties)


@dataclass(frozen=True)
class OfficialCase:
    category: str
    label: str
    description: str
    steps: tuple[CaseStep, ...]


@dataclass(frozen=True)
class CaseCategory:
    label: str
    cases: tuple[OfficialCase, ...]


@dataclass(frozen=True)
class ExpectedValue:
    path: jsonpath.Path
    value: Any

    @property
    def text(self) -> str:
        return jsonpath.format_path(self.path)


@dataclass(frozen=True)
class Mismatch:
    path: str
    expected: Any
    found: Any  # None when the path does not resolve (see `present`)
    present: bool

    @property
    def message(self) -> str:
        if not self.present:
            return f"{self.path} : attendu {self.expected!r}, absent du message reçu"
        return f"{self.path} : attendu {self.expected!r}, reçu {self.found!r}"


def parse_test_cases(data: Any) -> list[CaseCategory]:
    """Typed view of the decoded `test_cases.json`; raises `TestCasesError` on an unexpected shape."""
    if not isinstance(data, list):
        raise TestCasesError("test_cases.json : une liste de catégories est attendue")
    categories = []
    for raw_category in data:
        label = _text(raw_category, "categoryLabel", "catégorie")
        cases = tuple(_case(label, raw) for raw in _list(raw_category, "testCases", label))
        categories.append(CaseCategory(label, cases))
    return categories


def _case(category: str, raw: Any) -> OfficialCase:
    label = _text(raw, "label", category)
    steps = tuple(_step(f"{category} / {label}", step) for step in _list(raw, "steps", label))
    return OfficialCase(category, label, _text(raw, "description", label), steps)


OLD_FORMAT_KEYS = frozenset({"requiredValues", "verificationLevel"})


def _step(where: str, raw: Any) -> CaseStep:
    if isinstance(raw, Mapping) and "ignoredProperties" not in raw and OLD_FORMAT_KEYS & set(raw):
        raise TestCasesError(
            f"test_cases.json, {where} : ancien format (requiredValues / verificationLevel, tags 1.0 et 1.1) "
            "que le runner officiel actuel ne lit plus ; la ligne 1.x publie ses cas au format actuel dans "
            "le tag 1.3.0"
        )
    step_type = _text(raw, "type", where)
    if step_type not in ("send", "receive"):
        raise TestCasesError(f"{where} : type d'étape attendu send ou receive, reçu {step_type!r}")
    step = CaseStep(
        id=_text(raw, "id", where),
        type="send" if step_type == "send" else "receive",
        label=_text(raw, "label", where),
        description=_text(raw, "description", where),
        file=_text(raw, "file", where),
        model=_text(raw, "model", where),
        ignored_properties=tuple(_strings(raw, "ignoredProperties", where)),
        id_override_properties=tuple(_strings(raw, "idOverrideProperties", where, required=False)),
    )
    try:
        step.ignored_paths()
        step.override_paths()
    except jsonpath.PathSyntaxError as exc:
        raise TestCasesError(f"{where}, étape {step.id} : {exc}") from exc
    return step


def _text(raw: Any, key: str, where: str) -> str:
    value = raw.get(key) if isinstance(raw, Mapping) else None
    if not isinstance(value, str):
        raise TestCasesError(f"test_cases.json, {where} : champ texte {key!r} attendu, reçu {value!r}")
    return value


def _list(raw: Any, key: str, where: str) -> list[Any]:
    value = raw.get(key) if isinstance(raw, Mapping) else None
    if not isinstance(value, list):
        raise TestCasesError(f"test_cases.json, {where} : liste {key!r} attendue, reçu {value!r}")
    return value


def _strings(raw: Mapping[str, Any], key: str, where: str, *, required: bool = True) -> list[str]:
    if key not in raw and not required:
        return []
    values = _list(raw, key, where)
    if not all(isinstance(value, str) for value in values):
        raise TestCasesError(f"test_cases.json, {where} : {key!r} doit être une liste de chemins JSONPath")
    return values


def expected_values(step: CaseStep, example: Any, *, override_id: str | None = None) -> list[ExpectedValue]:
    """Leaves of the example minus ignored paths and date-times; override paths expect `override_id`."""
    ignored = step.ignored_paths()
    overrides = set(step.override_paths()) if override_id is not None else set()
    values = []
    for path, value in jsonpath.leaves(example):
        if path in ignored or (isinstance(value, str) and DATE_TIME.search(value)):
            continue
        values.append(ExpectedValue(path, override_id if path in overrides else value))
    return values


def same_value(expected: Any, found: Any) -> bool:
    """Strict equality as in JavaScript `===`: a boolean never equals a number, 1 equals 1.0."""
    if isinstance(expected, bool) or isinstance(found, bool):
        return type(expected) is type(found) and expected == found
    if isinstance(expected, int | float) and isinstance(found, int | float):
        return expected == found
    return type(expected) is type(found) and expected == found


def compare_send_step(expected: Sequence[ExpectedValue],
                      received_message: Mapping[str, Any]) -> list[Mismatch]:
    """Every expected path must resolve in the received `message` object and hold the expected value."""
    mismatches = []
    for item in expected:
        try:
            found = jsonpath.get(received_message, item.path)
        except jsonpath.Missing:
            mismatches.append(Mismatch(item.text, item.value, None, present=False))
            continue
        if not same_value(item.value, found):
            mismatches.append(Mismatch(item.text, item.value, found, present=True))
    return mismatches


def checklist(step: CaseStep, example: Any, *, client_id: str) -> list[dict[str, Any]]:
    """Attestation items of a receive step: what the vendor UI must show, path by path."""
    return [{"path": item.text, "expected": item.value} for item in expected_values(step, example,
                                                                                    override_id=client_id)]


def prepare_receive_step(step: CaseStep, example: Mapping[str, Any], *, client_id: str, case_id: str,
                         local_id: str) -> dict[str, Any]:
    """The use case the bench sends for a receive step, built like the official runner's `submitMessage`.

    The expected values are the example's own leaves, written back unchanged; override paths get the
    vendor's client id; the shared case id and the local case id go where `setCaseId` puts them.
    """
    use_case = copy.deepcopy(dict(example))
    for item in expected_values(step, example, override_id=client_id):
        jsonpath.set_value(use_case, item.path, item.value)
    set_case_ids(use_case, case_id=case_id, local_id=local_id)
    return use_case


def set_case_ids(use_case: dict[str, Any], *, case_id: str, local_id: str) -> None:
    """Write the shared and local case ids where the official runner's `setCaseId` writes them."""
    key = next((k for k in use_case if k in KINDS), None)
    body = use_case.get(key) if key else None
    if not isinstance(body, dict):
        return
    if key in ("createCase", "createCaseHealth", "createCaseHealthUpdate"):
        body["caseId"] = case_id
        body["senderCaseId"] = local_id
    elif key == "emsi":
        event = body.setdefault("EVENT", {})
        event["MAIN_EVENT_ID"] = case_id
        event["ID"] = local_id
    elif key == "rpis" and isinstance(body.get("context"), dict) and "caseId" in body["context"]:
        body["context"]["caseId"] = case_id  # the 1.x line only; later lines have no rpis caseId
    elif "caseId" in body:  # resourcesInfo/Status/Request/Response, and the 15-SMUR kinds likewise
        body["caseId"] = case_id

"""Provisional validation when no official pack is available: the PyPI package `hubsante-model`.

Its pydantic models lose the schemas' patterns, silently drop unknown fields and use Python `re` (Unicode
`\\w`, `$` before a final newline; seen in hubsante-model 0.1.1), and it has no envelope model: the envelope
is checked against the project's own `schemas/provisional-envelope.schema.json` (written from DST 1.2
§3.4.3–§3.4.4 and `ansforge/SAMU-Hub-Modeles`
`src/main/resources/json-schema/EDXL-DE-envelope-only.schema.json`). Every report made here is flagged
`provisional`.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Mapping
from functools import cache
from typing import TYPE_CHECKING, Any

import jsonschema_rs

from hubbench.resources import SCHEMAS_DIR

if TYPE_CHECKING:
    from hubbench.protocol.validator import Issue, PackValidator, ValidationReport

ENVELOPE_FILE = SCHEMAS_DIR / "provisional-envelope.schema.json"

_MODELS: Mapping[str, str] = {
    "createCase": "hubsante_model.cisu.models.create_case_wrapper:CreateCaseWrapper",
    "createCaseHealth": "hubsante_model.health.models.create_case_health_wrapper:CreateCaseHealthWrapper",
    "documentLink": "hubsante_model.documentlink.models.document_link_wrapper:DocumentLinkWrapper",
    "emsi": "hubsante_model.emsi.models.emsi_wrapper:EmsiWrapper",
    "geoPositionsUpdate":
        "hubsante_model.geolocation.models.geo_positions_update_wrapper:GeoPositionsUpdateWrapper",
    "geoResourcesDetails":
        "hubsante_model.geolocation.models.geo_resources_details_wrapper:GeoResourcesDetailsWrapper",
    "geoResourcesRequest":
        "hubsante_model.geolocation.models.geo_resources_request_wrapper:GeoResourcesRequestWrapper",
    "interventionReport":
        "hubsante_model.interventionreport.models.intervention_report_wrapper:InterventionReportWrapper",
    "reference": "hubsante_model.reference.models.reference_wrapper:ReferenceWrapper",
    "rpis": "hubsante_model.rpis.models.rpis_wrapper:RpisWrapper",
    "technical": "hubsante_model.technical.models.technical_wrapper:TechnicalWrapper",
}


@cache
def _envelope_validator() -> Any:
    return jsonschema_rs.Draft7Validator(json.loads(ENVELOPE_FILE.read_text(encoding="utf-8")),
                                         validate_formats=True)


@cache
def _model(kind: str) -> Any:
    module, _, name = _MODELS[kind].partition(":")
    return getattr(importlib.import_module(module), name)


def _use_case_issues(obj: Mapping[str, Any], base: str) -> list[Issue]:
    from pydantic import ValidationError

    from hubbench.protocol.validator import Issue, join_path

    issues: list[Issue] = []
    for key in [k for k in obj if k in _MODELS]:
        try:
            _model(key).model_validate({key: obj[key]})
        except ValidationError as exc:
            for err in exc.errors():
                issues.append(Issue(join_path(base, err["loc"]), str(err["type"]), "modèle hubsante-model",
                                    str(err.get("input"))[:80], f"(provisoire) {err['msg']}"))
    return issues


def validate_use_case(validator: PackValidator, obj: Mapping[str, Any], kind: str | None
                      ) -> ValidationReport:
    from hubbench.protocol.validator import Issue

    issues = _use_case_issues(obj, "$")
    if kind is None:
        issues.append(Issue("$", "oneOf", "un seul cas d'usage connu", ", ".join(obj),
                            "(provisoire) aucun cas d'usage unique reconnu"))
    return validator._report(kind, content=issues)


def validate_message(validator: PackValidator, env: Any, kind: str | None) -> ValidationReport:
    from hubbench.protocol.envelope import message_of
    from hubbench.protocol.validator import Issue, _issues_of

    envelope = [i for e in _envelope_validator().iter_errors(env) for i in _issues_of(e, "$", "envelope")]
    base = "$.content[0].jsonContent.embeddedJsonContent.message"
    message = message_of(env) if isinstance(env, Mapping) else {}
    content = _use_case_issues(message, base)
    if kind is None:
        content.append(Issue(base, "oneOf", "un seul cas d'usage connu", ", ".join(message),
                             "(provisoire) aucun cas d'usage unique reconnu"))
    return validator._report(kind, envelope, content)

"""Message kinds: the use-case wrapper keys carried in `content[0].jsonContent.embeddedJsonContent.message`.

Sources (`ansforge/SAMU-Hub-Modeles` unless said): DST 1.2 §3.4.5 and the `EDXL-DE-full` schema (which
kinds carry an RC-DE header); `csv_parser/out/schemas.yaml` (wrapper key ↔ schema file ↔ model);
`src/main/resources/xsd/RC-XML-ContentType.xsd` (XML namespace suffix of each use case); the official test
LRM, `ansforge/SAMU-Hub-Sante` `web/lrm/client/` (case id per kind, as it reads it).
The table is the static view; a loaded pack derives its own exact list from its `EDXL-DE-full` schema.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

QueueSuffix = Literal["message", "ack", "info"]

RC_DE_FIELDS = frozenset({"messageId", "sender", "sentAt", "kind", "status", "recipient"})


@dataclass(frozen=True)
class KindInfo:
    key: str
    schema: str  # schema file of the 2.x/3.x lines
    model: str  # model code used in the DST/DSF (RS-EDA, RC-REF …)
    has_header: bool  # RC-DE header required next to the use case
    lines: frozenset[str]  # library lines ("1", "2", "3") that know the kind
    xml_name: str  # last segment of the use case's XML namespace (RC-XML-ContentType.xsd)
    schema_1x: str | None = None  # schema file name on the 1.x line when it differs

    def schema_for(self, line: str) -> str:
        return self.schema_1x if line == "1" and self.schema_1x else self.schema


_ALL = frozenset({"1", "2", "3"})
_FROM_2 = frozenset({"2", "3"})
_ONLY_3 = frozenset({"3"})
_OLD = frozenset({"1", "2"})


def _k(key: str, schema: str, model: str, header: bool, lines: frozenset[str], xml: str | None = None,
       schema_1x: str | None = None) -> KindInfo:
    return KindInfo(key, schema, model, header, lines, xml or key.lower(), schema_1x)


KINDS: Mapping[str, KindInfo] = {
    k.key: k
    for k in (
        _k("createCase", "RC-EDA.schema.json", "RC-EDA", True, _ALL, "createCase"),
        _k("createCaseHealth", "RS-EDA.schema.json", "RS-EDA", True, _ALL, "createCaseHealth"),
        _k("createCaseHealthUpdate", "RS-EDA-MAJ.schema.json", "RS-EDA-MAJ", True, _ALL,
           "createCaseHealthUpdate"),
        _k("reference", "RC-REF.schema.json", "RC-REF", True, _ALL),
        _k("emsi", "EMSI.schema.json", "EMSI", True, _ALL),
        _k("resourcesInfo", "RS-RI.schema.json", "RS-RI", True, _ALL),
        _k("resourcesRequest", "RS-DR.schema.json", "RS-DR", True, _ALL),
        _k("resourcesResponse", "RS-RR.schema.json", "RS-RR", True, _ALL),
        _k("resourcesStatus", "RS-SR.schema.json", "RS-SR", True, _ALL),
        _k("resourcesEngagement", "RS-ER.schema.json", "RS-ER", True, _FROM_2),
        _k("documentLink", "RS-URL.schema.json", "RS-URL", True, _FROM_2),
        _k("interventionReport", "RS-BPV.schema.json", "RS-BPV", True, _FROM_2),
        _k("rpis", "RS-RPIS.schema.json", "RS-RPIS", True, _ALL, schema_1x="RPIS.schema.json"),
        _k("geoPositionsUpdate", "GEO-POS.schema.json", "GEO-POS", True, _ALL),
        _k("geoResourcesRequest", "GEO-REQ.schema.json", "GEO-REQ", True, _ALL),
        _k("geoResourcesDetails", "GEO-RES.schema.json", "GEO-RES", True, _ALL),
        _k("resourcesInfoCisu", "RC-RI.schema.json", "RC-RI", True, _ONLY_3),
        _k("appointment", "RS-SAS-RDV.schema.json", "RS-SAS-RDV", True, _ONLY_3),
        _k("technical", "TECHNICAL.schema.json", "TECHNICAL", True, _FROM_2),
        _k("technicalNoreq", "TECHNICAL_NOREQ.schema.json", "TECHNICAL_NOREQ", False, _FROM_2,
           "technicalNoreq"),
        _k("customContent", "customContent.schema.json", "customContent", False, _ALL, "customContent"),
        _k("error", "RS-ERROR.schema.json", "RS-ERROR", False, _ALL),
        _k("info", "RS-INFO.schema.json", "RS-INFO", False, _OLD),
        _k("distributionElement", "RC-DE.schema.json", "RC-DE", False, _ONLY_3, "distributionElement"),
    )
}

# Where the official test LRM reads the shared case id of each kind
# (`ansforge/SAMU-Hub-Sante`, `web/lrm/client/`).
_CASE_ID_PATHS: Mapping[str, tuple[str, ...]] = {
    "createCase": ("caseId",),
    "createCaseHealth": ("caseId",),
    "createCaseHealthUpdate": ("caseId",),
    "emsi": ("EVENT", "MAIN_EVENT_ID"),
    "resourcesInfo": ("caseId",),
    "resourcesRequest": ("caseId",),
    "resourcesResponse": ("caseId",),
    "resourcesStatus": ("caseId",),
    "rpis": ("context", "caseId"),
}


def use_case_keys(message: Mapping[str, Any]) -> list[str]:
    """Every known use-case wrapper key present in a `message` object (RC-DE fields excluded)."""
    return [key for key in message if key in KINDS]


def use_case_key(message: Mapping[str, Any]) -> str | None:
    """The single use-case key of a `message` (or of a bare use-case object); None if zero or several."""
    if not isinstance(message, Mapping):
        return None
    keys = use_case_keys(message)
    return keys[0] if len(keys) == 1 else None


def case_id_of(key: str | None, use_case: Any) -> str | None:
    """The shared case id carried by a use case, exactly where the official test LRM reads it."""
    path = _CASE_ID_PATHS.get(key or "")
    node = use_case
    for part in path or ():
        if not isinstance(node, Mapping):
            return None
        node = node.get(part)
    return node if path and isinstance(node, str) else None


def queue_suffix(distribution_kind: str | None) -> QueueSuffix:
    """Queue a message is routed to (`MessageUtils.getQueueType`): Ack→ack, Error→info, else message."""
    if distribution_kind == "Ack":
        return "ack"
    if distribution_kind == "Error":
        return "info"
    return "message"

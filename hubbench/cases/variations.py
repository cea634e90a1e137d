"""Tier-6 variations of a shared case: the operational fields a partner's update changes on the same
caseId (DSF 15-15 §5.4: every change visible, important fields highlighted) — priority, location,
patient, resources — each as JSONPath → value on an RS-EDA-MAJ (`createCaseHealthUpdate`).

Values valid on every model line: the priority and the location's external reference written here
(RS-EDA-MAJ schema of `ansforge/SAMU-Hub-Modeles`: `qualification.details.priority`,
`location.externalInfo`, the only member of an update's location), the patient and the resources
(`decision`) taken from the pack's own official RS-EDA-MAJ examples.
"""

from __future__ import annotations

from typing import Any

from hubbench.cases.factory import CaseContext, MessageFactory
from hubbench.errors import UsageError

UPDATE = "createCaseHealthUpdate"
PRIORITY = {f"$.{UPDATE}.qualification.details.priority": "P0"}
LOCATION = {f"$.{UPDATE}.location": {"externalInfo": [
    {"freetext": "BAN", "type": "MANUEL", "uri": "09029_0123_00005"}]}}
FROM_EXAMPLES = {"patient": "patient", "ressources": "decision"}  # variation → RS-EDA-MAJ member
FIELDS = ("priorité", "localisation", "patient", "ressources")


def variation_changes(field: str, factory: MessageFactory, ctx: CaseContext) -> dict[str, Any]:
    """The changes of the variation of `field` (one of FIELDS) of the case `ctx`."""
    if field == "priorité":
        return dict(PRIORITY)
    if field == "localisation":
        return dict(LOCATION)
    member = FROM_EXAMPLES.get(field)
    if member is None:
        raise UsageError(f"Variation inconnue : {field!r} (attendu : {', '.join(FIELDS)})")
    return {f"$.{UPDATE}.{member}": factory.example_member(UPDATE, member, ctx)}

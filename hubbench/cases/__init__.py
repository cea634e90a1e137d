"""cases room: official material of a pack (examples, `test_cases.json`), the official runner's comparison
rules, the message factory, case ids, and the functional rules of tiers 4–7. No broker I/O.

Other rooms use the names below (`from hubbench.cases import MessageFactory`), never the modules behind
them; a name is imported on first use (the face itself loads nothing heavy). Three modules are public as
modules on purpose, used as namespaces: `hubbench.cases.jsonpath` (`jsonpath.get`, `jsonpath.set_value`…)
and the checking code `hubbench.cases.rules` / `hubbench.cases.emsi_rules` / `hubbench.cases.gps_rules`
(`rules.check_case_id`…); `hubbench.cases.gps_messages` builds the 15-GPS GEO-* messages. The
checking code stays out of this face: only the engine imports it, and a contract proves the reference
vendors (sim) never reach it, so a fault is never hidden by the code that judges it.
"""

from typing import TYPE_CHECKING

from hubbench._lazy import lazy_face

if TYPE_CHECKING:
    from hubbench.cases.case_ids import Clock, local_now, shared_case_id
    from hubbench.cases.factory import NEXSIS_LINK, OPERATIONAL_CHANGES, CaseContext, MessageFactory
    from hubbench.cases.material import material_for
    from hubbench.cases.test_cases import (
        CaseCategory,
        CaseStep,
        OfficialCase,
        checklist,
        compare_send_step,
        expected_values,
        prepare_receive_step,
    )

__all__ = [
    "NEXSIS_LINK",
    "OPERATIONAL_CHANGES",
    "CaseCategory",
    "CaseContext",
    "CaseStep",
    "Clock",
    "MessageFactory",
    "OfficialCase",
    "checklist",
    "compare_send_step",
    "expected_values",
    "local_now",
    "material_for",
    "prepare_receive_step",
    "shared_case_id",
]

__getattr__, __dir__ = lazy_face(__name__, __file__)

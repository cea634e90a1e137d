"""Palier 5 — Envoi d'un dossier (createCase / createCaseHealth) et corrections (palier 5 of support
Projectathon 1, p. 15–16).

The vendor's operator re-enters the JDD case (prompt `send_create_case`) and shares it; the bench judges
the message it published: schema of the vhost's pack, caseId rules, `creation` format, the JDD values
(JSONPath comparison of the official runner, minus the ids the vendor generates and the date-times).
Then a correction (prompt `send_case_update`): same caseId, `creation` unchanged, a new distributionID,
the update message of the link. The case and its correction are prompted once per run and shared by
the scenarios, each judging its own rule.
"""

from __future__ import annotations

from typing import Any

from hubbench.cases import CaseContext, CaseStep, compare_send_step, expected_values, jsonpath, rules
from hubbench.engine import functional as fn
from hubbench.engine import initial_reception, lrm
from hubbench.engine.scenario import ScenarioEngine

VENDOR_CASE = "palier5-dossier-editeur"
VENDOR_CORRECTION = "palier5-correction"
RULE_VALUES = "Palier 5 — DSF 15-15 §5.1, DSF 15-NexSIS §6.3 (valeurs du JDD ressaisies)"
RULE_CHANGE = "Palier 5 — DSF 15-15 §5.4 (correction : modification transmise)"


def vendor_case(bench: ScenarioEngine, rule: str) -> tuple[dict[str, Any], fn.VendorMessage]:
    """(JDD use case asked for, the vendor's message) — prompted once per run, acked by the partner."""

    def make() -> tuple[dict[str, Any], fn.VendorMessage]:
        kind = lrm.create_kind(bench.ctx)
        jdd = fn.factory(bench).build(kind, CaseContext.open(bench.ctx.client_id))
        partner = bench.ctx.partner_id
        # on 15-NexSIS either model is taken, so that a vendor speaking the other one is judged on it
        kinds = (lrm.CREATE_CASE, lrm.CREATE_CASE_HEALTH) if fn.link_name(bench) == lrm.NEXSIS else (kind,)
        msg = fn.prompted_message(
            bench,
            "send_create_case",
            f"Créez un dossier avec les valeurs du jeu de données ({kind}) et partagez-le avec {partner}",
            {"recipient": partner, "use_case": kind, "content": jdd[kind]},
            kinds,
            rule,
        )
        fn.partner_acks(bench, msg)
        return jdd, msg

    return fn.once(bench, VENDOR_CASE, make)


def check_schema(bench: ScenarioEngine, rule: str) -> None:
    _, msg = vendor_case(bench, rule)
    fn.check_schema(bench, msg, rule)


def check_case_id(bench: ScenarioEngine, rule: str) -> None:
    _, msg = vendor_case(bench, rule)
    line = bench.ctx.pack.line if bench.ctx.pack is not None else "3"
    findings = rules.check_case_id(msg.body, sender_id=bench.ctx.client_id, line=line)
    fn.judge(bench, findings, [rules.RULE_CASE_ID], msg.distribution_id)


def check_creation(bench: ScenarioEngine, rule: str) -> None:
    _, msg = vendor_case(bench, rule)
    fn.judge(bench, rules.check_creation(msg.body), [rules.RULE_CREATION], msg.distribution_id)


def _generated(path: jsonpath.Path, value: Any, vendor_id: str) -> bool:
    """Ids the vendor makes itself: case ids and every id prefixed by its organisation."""
    return path[-1:] in (("caseId",), ("senderCaseId",)) or (
        isinstance(value, str) and value.startswith(vendor_id + ".")
    )


def check_values(bench: ScenarioEngine, rule: str) -> None:
    jdd, msg = vendor_case(bench, rule)
    ignored = tuple(
        jsonpath.format_path(path)
        for path, value in jsonpath.leaves(jdd)
        if _generated(path, value, bench.ctx.client_id)
    )
    step = CaseStep("palier-5", "send", "", "", "", "", ignored, ())
    mismatches = compare_send_step(expected_values(step, jdd), msg.view.message)
    for mismatch in mismatches:
        bench.check.that(False, RULE_VALUES, repr(mismatch.expected),
                         repr(mismatch.found) if mismatch.present else "absent", msg.distribution_id,
                         soft=True, detail=mismatch.message)
    if not mismatches:
        bench.check.that(True, RULE_VALUES, "valeurs du JDD", "toutes présentes", msg.distribution_id)


def vendor_correction(bench: ScenarioEngine, rule: str) -> tuple[fn.VendorMessage, fn.VendorMessage]:
    """(the vendor's case, its correction) — the correction prompted once per run."""
    _, first = vendor_case(bench, rule)

    def make() -> fn.VendorMessage:
        case_id = str(first.body.get("caseId") or first.view.case_id or "")
        return initial_reception.prompt_case_update(bench, case_id, rule)

    return first, fn.once(bench, VENDOR_CORRECTION, make)


def check_correction_case(bench: ScenarioEngine, rule: str) -> None:
    first, later = vendor_correction(bench, rule)
    fn.judge(bench, rules.check_same_case(first.body, later.body), [rules.RULE_CORRECTION_CASE],
             later.distribution_id)


def check_correction_creation(bench: ScenarioEngine, rule: str) -> None:
    first, later = vendor_correction(bench, rule)
    fn.judge(bench, rules.check_creation_unchanged(first.body, later.body), [rules.RULE_CORRECTION_CREATION],
             later.distribution_id)


def check_correction_message(bench: ScenarioEngine, rule: str) -> None:
    """Update kind of the link, new distributionID, schema of the vhost, the change carried."""
    _, later = vendor_correction(bench, rule)
    earlier = {
        m.distribution_id
        for m in bench.trace.published_by_vendor(bench.shared["run_start"])
        if m.id != later.traced.id and m.distribution_id
    }
    findings = rules.check_update_kind(later.key, link=fn.link_name(bench),
                                       expected=lrm.update_kind(bench.ctx))
    findings += rules.check_new_distribution_id(later.distribution_id or "", earlier)
    fn.judge(bench, findings, [rules.RULE_UPDATE_KIND, rules.RULE_NEW_DISTRIBUTION_ID], later.distribution_id)
    fn.check_schema(bench, later, rule)
    for text, value in initial_reception.update_changes(bench).items():
        try:
            found = jsonpath.get(later.view.message, jsonpath.parse(text))
        except jsonpath.Missing:
            found = None
        bench.check.equal(found, value, f"{RULE_CHANGE} — {text}", later.distribution_id, soft=True)

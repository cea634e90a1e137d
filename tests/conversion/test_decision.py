"""The dispatcher's conversion decision (`ansforge/SAMU-Hub-Sante` `ConversionUtils.requiresCisuConversion`,
`dispatcher-1.4.0`), after its tests `ConversionUtilsTest` and the hub's decision matrix."""

from __future__ import annotations

import itertools

import pytest

from hubbench.conversion import Action, conversion_decision

SAMU_A, SAMU_B, SDIS = "fr.health.samuA", "fr.health.samuB", "fr.fire.sdisZ"
VHOST = "15-nexsis_v1.9"
UNTOUCHED = ("reference", "error", "emsi", "createCaseHealthUpdate", "resourcesInfo", "resourcesInfoCisu",
             "resourcesStatus", "technical", None)


@pytest.mark.parametrize(("sender", "recipient", "kind", "direct", "action"), [
    (SAMU_A, SAMU_B, "createCaseHealth", None, Action.FORWARD),
    (SAMU_A, SAMU_B, "createCase", False, Action.FORWARD),
    (SAMU_A, SDIS, "createCaseHealth", None, Action.TO_CISU),
    (SAMU_A, SDIS, "createCaseHealth", False, Action.TO_CISU),
    (SAMU_A, SDIS, "createCase", False, Action.TO_CISU),  # the converter then refuses it (300)
    (SAMU_A, SDIS, "createCase", True, Action.FORWARD),
    (SAMU_A, SDIS, "createCaseHealth", True, Action.FORWARD),
    (SDIS, SAMU_A, "createCase", None, Action.FROM_CISU),
    (SDIS, SAMU_A, "createCaseHealth", False, Action.FROM_CISU),  # refused by the converter (300)
    (SDIS, SAMU_A, "createCase", True, Action.FORWARD),
    (SDIS, SAMU_A, "createCaseHealth", True, Action.FORWARD),
])
def test_decision_matrix(sender: str, recipient: str, kind: str, direct: bool | None, action: Action) -> None:
    decision = conversion_decision(sender, recipient, kind, VHOST, direct)
    assert decision.action is action
    assert decision.converts is (action is not Action.FORWARD)
    assert decision.health_actor == (sender if sender.startswith("fr.health") else recipient)
    assert decision.reason


@pytest.mark.parametrize("kind", UNTOUCHED)
@pytest.mark.parametrize("direct", [None, False, True])
def test_acks_errors_emsi_updates_and_resources_are_forwarded_unchanged(kind: str | None,
                                                                        direct: bool | None) -> None:
    for sender, recipient in ((SAMU_A, SDIS), (SDIS, SAMU_A)):
        assert conversion_decision(sender, recipient, kind, VHOST, direct).action is Action.FORWARD


def test_truth_table_of_the_three_predicates() -> None:
    """`ConversionUtilsTest.testRequiresCisuConversion`: true only for exchange ∧ model ∧ ¬direct."""
    for exchange, model, direct in itertools.product([True, False], repeat=3):
        recipient = SDIS if exchange else SAMU_B
        kind = "createCaseHealth" if model else "emsi"
        converts = conversion_decision(SAMU_A, recipient, kind, VHOST, direct).converts
        assert converts is (exchange and model and not direct)


def test_the_vhost_does_not_restrict_conversion() -> None:
    for vhost in ("15-nexsis_v1.9", "15-15_v1.5", "sandbox"):
        assert conversion_decision(SAMU_A, SDIS, "createCaseHealth", vhost, None).action is Action.TO_CISU


def test_prefix_has_no_trailing_dot() -> None:
    """`fr.healthcare…` counts as health: the hub tests `startsWith("fr.health")`."""
    assert conversion_decision("fr.healthcare.x", SAMU_A, "createCase", VHOST, None).action is Action.FORWARD

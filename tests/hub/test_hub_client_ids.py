"""Client id rules (DST 1.2 §3.4.2): accepted forms and refusals naming the broken rule, in French."""

from __future__ import annotations

import pytest

from hubbench.errors import UsageError
from hubbench.hub.client_ids import validate_client_id


@pytest.mark.parametrize(
    "client_id",
    [
        "fr.health.samu440",
        "fr.health.samuA",
        "fr.health.samu2A0",
        "fr.health.test.editeur-x",
        "fr.fire.nexsis.sdisZ",
        "fr.fire.nexsis.sdis77",
        "fr.fire.sdisC",
        "fr.fire.cgo690",
        "fr.police.random",
    ],
)
def test_accepts_official_forms(client_id: str) -> None:
    assert validate_client_id(client_id) == client_id


@pytest.mark.parametrize(
    ("client_id", "rule"),
    [
        ("", "vide"),
        ("fr.health", "trois segments"),
        ("FR.health.samu440", "pays"),
        ("fra.health.samu440", "pays"),
        ("fr.Health.samu440", "domaine"),
        ("fr.health.samu_440", "« _ »"),
        ("fr.health..samu440", "segment vide"),
        ("fr.health.samu440.", "segment vide"),
        ("fr.health.samu 440", "lettres ASCII"),
        ("fr.health.samué", "lettres ASCII"),
        ("fr.health.-samu", "segment invalide"),
        ("fr.health.samu", "fr.health.samuXXX"),
        ("fr.health.samu123456", "fr.health.samuXXX"),
        ("fr.health.test", "fr.health.test.<dénomination>"),
        ("fr.fire.nexsis", "fr.fire.nexsis.sdisXX"),
        ("fr.health.hub", "réservé"),
        ("fr.health." + "a" * 200, "caractères"),
    ],
)
def test_refuses_with_the_broken_rule(client_id: str, rule: str) -> None:
    with pytest.raises(UsageError) as caught:
        validate_client_id(client_id)
    message = str(caught.value)
    assert rule in message
    assert "Identifiant client refusé" in message
    assert "DST 1.2 §3.4.2" in message

"""Pure parts of the console: JSON paths of pretty lines, error placement, RC-REF latencies."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from bench_app.messages import (
    MARK_ADDED,
    MARK_CHANGED,
    MARK_DROPPED,
    ack_latencies_s,
    acked_distribution_id,
    conversion_marks,
    highlighted_json_html,
    json_lines,
    mapped_json_html,
    normalise_path,
)
from hubbench.results.views import MessageView

ENV = {
    "distributionID": "fr.health.samu440_1",
    "descriptor": {"explicitAddress": {"explicitAddressScheme": "smtp"}},
    "content": [{"jsonContent": {"embeddedJsonContent": {"message": {"createCase": {"caseId": "XX"}}}}}],
}


def test_each_pretty_line_knows_its_json_path() -> None:
    lines = json_lines(ENV)
    assert "\n".join(text for _, text in lines) == json.dumps(ENV, indent=2, ensure_ascii=False)
    paths = dict((text.strip(), path) for path, text in lines)
    assert paths['"caseId": "XX"'] == "$.content[0].jsonContent.embeddedJsonContent.message.createCase.caseId"
    assert paths['"explicitAddressScheme": "smtp"'] == "$.descriptor.explicitAddress.explicitAddressScheme"


def test_paths_in_every_notation_are_normalised() -> None:
    assert normalise_path("/content/0/jsonContent") == "$.content[0].jsonContent"
    assert normalise_path("descriptor.language") == "$.descriptor.language"
    assert normalise_path("") == "$"
    assert normalise_path("$.a[1]") == "$.a[1]"


def test_errors_are_marked_at_their_path_even_relative_to_the_content() -> None:
    html = highlighted_json_html(
        ENV,
        [
            {"path": "/descriptor/explicitAddress/explicitAddressScheme", "message": "schéma hubex attendu"},
            {"path": "$.createCase.caseId", "message": "caseId invalide"},  # relative to the message content
            {"path": "$.nowhere", "message": "champ absent"},
        ],
    )
    assert 'data-path="$.descriptor.explicitAddress.explicitAddressScheme"' in html
    assert 'data-path="$.content[0].jsonContent.embeddedJsonContent.message.createCase.caseId"' in html
    assert "⟵ caseId invalide" in html and "⟵ schéma hubex attendu" in html
    assert "⚠ $.nowhere : champ absent" in html  # not in the document: listed above it
    assert html.count("<mark") == 2


def test_acked_id_is_read_from_json_and_xml_rc_ref() -> None:
    body = json.dumps(
        {
            "content": [
                {
                    "jsonContent": {
                        "embeddedJsonContent": {
                            "message": {"reference": {"distributionID": "fr.health.samubanc_1"}}
                        }
                    }
                }
            ]
        }
    ).encode()
    assert acked_distribution_id(body, "application/json") == "fr.health.samubanc_1"
    xml = (
        b'<edxlDistribution xmlns="urn:oasis:names:tc:emergency:EDXL:DE:1.0"><content><contentObject>'
        b"<xmlContent><embeddedXMLContent><message><reference><distributionID>fr.fire.x_2</distributionID>"
        b"</reference></message></embeddedXMLContent></xmlContent></contentObject></content></edxlDistribution>"
    )
    assert acked_distribution_id(xml, "application/xml") == "fr.fire.x_2"
    assert acked_distribution_id(b"{}", "application/json") is None
    assert acked_distribution_id(b"<not xml", "application/xml") is None


def test_ack_latency_pairs_each_sent_message_with_its_first_rc_ref() -> None:
    t0 = datetime(2026, 1, 1, tzinfo=UTC)

    def ack(acked: str, at: float) -> MessageView:
        body = json.dumps({"message": {"reference": {"distributionID": acked}}}).encode()
        return MessageView(
            "received", "p.ack", None, "reference", "application/json", body, t0 + timedelta(seconds=at)
        )

    sent = [
        MessageView("sent", "hubsante", f"id{i}", "customContent", "application/json", b"{}", t0)
        for i in range(2)
    ]
    assert sorted(
        ack_latencies_s([*sent, ack("id0", 0.5), ack("id0", 3.0), ack("id1", 1.25), ack("x", 9)])
    ) == [0.5, 1.25]


def test_failure_is_laid_out_as_rule_expected_received() -> None:
    from bench_app.widgets import failure_markdown

    text = failure_markdown(
        "Palier 2 — DST 1.2 §3.3.1 (acquittement AMQP après traitement)",
        "3 message(s) acquitté(s) (basic.ack), file vide",
        "acquittés 0, prêts 0, non acquittés 3 après 10 s",
        "**Message :** `fr.health.samu440_1`",
    )
    assert text == (
        "**Règle :** Palier 2 — DST 1.2 §3.3.1 (acquittement AMQP après traitement)  \n"
        "**Attendu :** 3 message(s) acquitté(s) (basic.ack), file vide  \n"
        "**Reçu :** acquittés 0, prêts 0, non acquittés 3 après 10 s  \n"
        "**Message :** `fr.health.samu440_1`"
    )


def test_a_converted_message_is_marked_field_by_field_on_both_sides() -> None:
    """Received RS-EDA vs delivered RC-EDA: dropped and changed fields on the left, added and changed on
    the right, the use-case key (createCaseHealth / createCase) set aside when comparing paths."""
    def env(key: str, case: dict) -> dict:
        return {"distributionID": "fr.health.samu440_1",
                "content": [{"jsonContent": {"embeddedJsonContent": {"message": {key: case}}}}]}

    received = env("createCaseHealth", {"caseId": "C1", "owner": "fr.health.samu440",
                                        "initialAlert": {"reception": "2025-01-01T10:00:00+01:00"}})
    delivered = env("createCase", {"caseId": "C1", "referenceVersion": "2.0",
                                   "initialAlert": {"reception": "2025-01-01T09:00:00+01:00"}})
    left, right = conversion_marks(received, delivered)
    base = "$.content[0].jsonContent.embeddedJsonContent.message"
    assert left == {f"{base}.createCaseHealth.owner": [MARK_DROPPED],
                    f"{base}.createCaseHealth.initialAlert.reception": [MARK_CHANGED]}
    assert right == {f"{base}.createCase.referenceVersion": [MARK_ADDED],
                     f"{base}.createCase.initialAlert.reception": [MARK_CHANGED]}
    html = mapped_json_html(delivered, right)
    assert html.count('class="hb-map"') == 2 and MARK_ADDED in html and "&quot;C1&quot;" in html

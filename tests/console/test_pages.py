"""AppTest of each console page on a database filled by engine events (runs_fixture.py)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from console_pages import all_text, matrix_cells, page
from runs_fixture import (
    ATTESTATION_ID,
    ENVELOPE_ERROR_MESSAGE,
    ENVELOPE_ERROR_PATH,
    NO_ACK_RULE,
    Filled,
)

from bench_app.data import ConsoleData
from hubbench.events import Verdict
from hubbench.results.reporters.certificate import evidence_hash

CONFORME, SANS_ACK, ENVELOPPE = "Éditeur Conforme", "Éditeur Sans Ack", "Éditeur Enveloppe"


def test_matrix_colours_each_cell_from_the_latest_run(filled: Filled) -> None:
    at = page("matrice")
    cells = matrix_cells(at)
    assert cells[(CONFORME, "15-15", 1)] == "passed"  # the older, failed run is not the one shown
    assert cells[(CONFORME, "15-15", 3)] == "passed"
    assert cells[(CONFORME, "15-15", 4)] == "pending_attestation"
    assert cells[(CONFORME, "15-15", 5)] == "not_run"
    assert cells[(SANS_ACK, "15-15", 1)] == "passed"
    assert cells[(SANS_ACK, "15-15", 2)] == "failed"
    assert cells[(ENVELOPPE, "15-SMUR", 3)] == "failed"
    assert cells[(ENVELOPPE, "15-15", 1)] == "not_run"  # no run of this vendor on 15-15
    html = "\n".join(md.value for md in at.markdown)
    assert 'hb-failed" data-vendor="Éditeur Sans Ack" data-link="15-15" data-tier="2"' in html
    assert "background:#c62828" in html and "background:#2e7d32" in html
    assert "detail?run=run-sans-ack&amp;tier=2" in html or "detail?run=run-sans-ack&tier=2" in html
    for label in ("réussi", "échoué", "erreur du banc", "délai dépassé", "à attester", "non lancé"):
        assert label in html
    text = all_text(at)
    assert "palier 2 (Réception de messages techniques)" in text  # plain-words summary


def test_matrix_filters_by_link_and_by_chosen_run(filled: Filled) -> None:
    at = page("matrice")
    at.multiselect(key="m_links").select("15-SMUR").run()
    assert {vendor for vendor, _, _ in matrix_cells(at)} == {ENVELOPPE}
    at = page("matrice")
    at.selectbox(key="m_run").select(filled.runs["ancien"]).run()
    cells = matrix_cells(at)
    assert cells[(CONFORME, "15-15", 1)] == "failed"
    assert {vendor for vendor, _, _ in cells} == {CONFORME}


def test_matrix_filters_by_version_and_date(filled: Filled) -> None:
    at = page("matrice")
    at.selectbox(key="m_vhost").select("15-smur_v1.4").run()
    assert {vendor for vendor, _, _ in matrix_cells(at)} == {ENVELOPPE}
    at = page("matrice")
    import datetime as dt

    at.date_input(key="m_dates").set_value((dt.date(2026, 11, 17), dt.date(2026, 11, 17))).run()
    cells = matrix_cells(at)  # only the old run started that day
    assert cells == {k: v for k, v in cells.items() if k[0] == CONFORME}
    assert cells[(CONFORME, "15-15", 1)] == "failed"


def test_drill_down_shows_expected_received_rule(filled: Filled) -> None:
    at = page("detail", run=filled.runs["sans_ack"], tier="2")
    failures = [e.value for e in at.error]
    assert any(
        NO_ACK_RULE in f
        and "**Attendu :** 3 messages acquittés (basic.ack), 0 en attente" in f
        and "**Reçu :** 0 acquitté, 3 messages non acquittés" in f
        for f in failures
    ), failures
    titles = [e.label for e in at.expander]
    assert titles and all("Palier 2" in t for t in titles)  # the tier filter from the matrix link
    timeline = at.dataframe[0].value
    assert "envoyé par le banc" in set(timeline["Événement"])
    assert "acheminé par le hub" in set(timeline["Événement"])


def test_drill_down_highlights_validation_errors_and_offers_the_raw_body(filled: Filled) -> None:
    at = page("detail", run=filled.runs["enveloppe"])
    html = "\n".join(md.value for md in at.markdown)
    assert f'class="hb-err" data-path="{ENVELOPE_ERROR_PATH}"' in html
    assert "« smtp »" in html and ENVELOPE_ERROR_MESSAGE.split("«")[0] in html
    assert "&quot;explicitAddressScheme&quot;: &quot;smtp&quot;" in html
    assert "en erreur" in set(at.dataframe[0].value["Événement"])
    assert [b.label for b in at.get("download_button")] == ["Télécharger le corps brut"]


def test_a_converted_message_is_shown_side_by_side_with_its_mapped_fields(filled: Filled) -> None:
    at = page("detail", run=filled.runs["enveloppe"])
    choice = at.selectbox(key="d_msg")
    last = len(choice.options) - 1
    choice.set_value(last).run()
    assert not at.exception, [e.value for e in at.exception]
    html = "\n".join(md.value for md in at.markdown)
    assert "Reçu par le hub" in html and "Remis au destinataire" in html
    assert html.count('class="hb-map"') == 2  # owner dropped (left), referenceVersion added (right)
    assert "supprimé par la conversion" in html and "ajouté par la conversion" in html
    assert "converti par le hub" in " ".join(at.dataframe[0].value["Détail"])


def test_attestation_answer_changes_the_verdict(filled: Filled) -> None:
    data = ConsoleData(filled.url)
    at = page("attestations")
    at.radio(key=f"a-{ATTESTATION_ID}-0").set_value("valid")
    at.radio(key=f"a-{ATTESTATION_ID}-1").set_value("approximate")
    at.text_input(key=f"r-{ATTESTATION_ID}-1").input("code affiché sans libellé")
    at.text_area(key=f"c-{ATTESTATION_ID}").input("affichage conforme")
    at.text_input(key=f"w-{ATTESTATION_ID}").input("Jeanne Testeuse")
    at.button[0].click().run()  # the form's submit button
    assert not at.exception
    assert any("maintenant « réussi »" in s.value for s in at.success), [s.value for s in at.success]
    assert data.pending_attestations() == []
    detail = data.run_detail(filled.runs["conforme"])
    assert detail is not None
    tier4 = next(s for s in detail.scenarios if s.tier == 4)
    assert tier4.verdict is Verdict.PASSED
    assert tier4.attestations[0].answered_by == "Jeanne Testeuse"
    assert tier4.attestations[0].answers[1] == {
        "item": 1,
        "answer": "approximate",
        "comment": "code affiché sans libellé",
    }
    assert tier4.remark is not None and "riskThreat[0].code" in tier4.remark  # approximation stays visible
    assert matrix_cells(page("matrice"))[(CONFORME, "15-15", 4)] == "passed"


def test_attestation_requires_every_value_judged(filled: Filled) -> None:
    at = page("attestations")
    at.radio(key=f"a-{ATTESTATION_ID}-0").set_value("invalid")
    at.text_input(key=f"w-{ATTESTATION_ID}").input("Jeanne Testeuse")
    at.button[0].click().run()
    assert any("Chaque valeur doit être jugée" in e.value for e in at.error)
    assert [a.attestation_id for a in ConsoleData(filled.url).pending_attestations()] == [ATTESTATION_ID]


def test_override_needs_a_comment_and_is_kept(filled: Filled) -> None:
    data = ConsoleData(filled.url)
    run_id = filled.runs["sans_ack"]
    at = page("attestations")
    at.selectbox(key="o_run").select(run_id).run()
    scenario_id = next(s.scenario_id for s in data.run_detail(run_id).scenarios if s.tier == 2)
    at.selectbox(key="o_scenario").select(scenario_id)
    at.selectbox(key="o_verdict").select(Verdict.PASSED)
    at.text_input(key="o_who").input("Admin Banc")
    at.button[-1].click().run()
    assert any("commentaire est obligatoire" in e.value for e in at.error)
    assert all(not s.overrides for s in data.run_detail(run_id).scenarios)

    at.text_area(key="o_comment").input("basic.ack vérifié à la main dans les journaux de l'éditeur")
    at.button[-1].click().run()
    assert not at.exception
    scenario = next(s for s in data.run_detail(run_id).scenarios if s.scenario_id == scenario_id)
    assert scenario.verdict is Verdict.PASSED
    assert scenario.overrides[0].comment.startswith("basic.ack vérifié")
    assert scenario.overrides[0].who == "Admin Banc"
    assert "Admin Banc" in at.dataframe[0].value["Par"].tolist()
    assert matrix_cells(page("matrice"))[(SANS_ACK, "15-15", 2)] == "passed"


def test_certificate_download_holds_the_evidence_hash(filled: Filled, downloads: dict[str, bytes]) -> None:
    at = page("certificats")
    at.selectbox(key="c_vendor").select(CONFORME).run()
    data = ConsoleData(filled.url)
    run_id = filled.runs["conforme"]
    expected = evidence_hash(data.run_detail(run_id), data.trace(run_id))
    assert expected in all_text(at)
    html = downloads["certificat-Éditeur_Conforme-15-15.html"].decode()
    pdf = downloads["certificat-Éditeur_Conforme-15-15.pdf"]
    assert expected in html and expected.encode() in pdf and pdf.startswith(b"%PDF")
    assert "Paliers réussis</th><td>1, 2, 3</td>" in html
    assert "Acquittement RC-REF d&#x27;un message reçu" in html  # official test case passed
    assert "15-15_v1.5" in html and "0.1.0" in html


def test_exports_are_junit_and_cucumber(filled: Filled, downloads: dict[str, bytes]) -> None:
    at = page("certificats")
    at.selectbox(key="c_run").select(filled.runs["sans_ack"]).run()
    junit = ET.fromstring(downloads["run-sans-ack-junit.xml"])
    assert junit.tag == "testsuites"
    assert sum(int(s.get("failures", 0)) for s in junit.iter("testsuite")) == 1
    cucumber = json.loads(downloads["run-sans-ack-cucumber.json"])
    statuses = [st["result"]["status"] for f in cucumber for e in f["elements"] for st in e["steps"]]
    assert "failed" in statuses and "passed" in statuses


def test_charts_pass_rate_per_tier_and_ack_latency(filled: Filled) -> None:
    at = page("graphiques")
    rates = at.dataframe[0].value.set_index("Palier")
    assert rates.loc["1 — Raccordement", "évalués"] == 3
    assert rates.loc["1 — Raccordement", "taux de réussite (%)"] == 100.0
    assert rates.loc["2 — Réception de messages techniques", "taux de réussite (%)"] == 50.0
    assert len(at.get("vega_lite_chart")) == 2
    at.selectbox(key="g_vendor").select(CONFORME).run()
    stats = at.dataframe[1].value
    row = stats[stats["Lien"] == "15-15"].iloc[0]
    assert row["acquittements"] == 4  # 0.3 s, 0.4 s, 0.9 s, 1.6 s
    assert row["médiane (ms)"] == 650.0 and row["maximum (ms)"] == 1600.0
    assert row["médiane (ms)"] < row["95e centile (ms)"] <= row["maximum (ms)"]


def test_live_page_without_runs_says_so(filled: Filled) -> None:
    at = page("execution")
    assert any("Aucune exécution en cours" in i.value for i in at.info)


def test_live_page_refuses_a_bad_request_in_french(filled: Filled) -> None:
    at = page("execution")
    at.text_input[0].input("Éditeur X")
    at.text_input[1].input("samu440")
    at.button[0].click().run()
    assert any("Identifiant client attendu de la forme fr." in e.value for e in at.error)


def test_live_page_shows_progress_and_prompt_with_time_left(filled: Filled) -> None:
    from datetime import timedelta

    from hubbench import events as ev
    from hubbench.results.store import ResultsStore

    store = ResultsStore(filled.url)
    now = ev.utcnow()
    sid = "palier3_messages_vides.feature::Envoi d'un message vide valide"
    store(
        ev.RunStarted(
            run_id="run-en-cours",
            vendor="Éditeur Direct",
            client_id="fr.health.samu770",
            link="15-15",
            vhost="15-15_v1.5",
            tiers=(3,),
            pack_tag="1.0",
            bench_version="0.1.0",
        )
    )
    store(
        ev.ScenarioStarted(
            run_id="run-en-cours",
            scenario_id=sid,
            feature="palier3_messages_vides.feature",
            name="Envoi d'un message vide valide",
            tier=3,
            link="15-15",
        )
    )
    store(
        ev.PromptShown(
            run_id="run-en-cours",
            scenario_id=sid,
            prompt_id="p-1",
            actor="fr.health.samu770",
            action="send_message",
            instruction="Envoyez un message vide (customContent) à fr.health.samubanc0a1b2c",
            parameters={"recipient": "fr.health.samubanc0a1b2c"},
            deadline=now + timedelta(seconds=3600),  # 0.9 < left / total for 6 min: the page may be slow
            at=now,
        )
    )
    store.close()
    at = page("execution")
    text = all_text(at)
    assert "Éditeur Direct" in text and "En cours : Palier 3 — Envoi de messages vides" in text
    assert any("Envoyez un message vide (customContent)" in w.value for w in at.warning)
    progress = at.get("progress")[0].proto
    assert progress.text.startswith("Temps restant : 3") and 0.9 < progress.value / 100 <= 1.0, progress


def test_matrix_page_on_postgresql(filled_pg: Filled) -> None:
    cells = matrix_cells(page("matrice"))
    assert cells[(SANS_ACK, "15-15", 2)] == "failed"
    assert cells[(CONFORME, "15-15", 4)] == "pending_attestation"
    at = page("detail", run=filled_pg.runs["enveloppe"])
    assert f'data-path="{ENVELOPE_ERROR_PATH}"' in "\n".join(md.value for md in at.markdown)


def test_drill_down_reads_check_rows_not_step_text(filled: Filled) -> None:
    """Failures are shown from the stored check rows; a step of an old run without its check row shows
    its detail as recorded, never re-parsed into rule / expected / received."""
    from hubbench import events as ev
    from hubbench.results.store import ResultsStore

    store = ResultsStore(filled.url)
    run_id, old, new = "run-lignes", "palier2.feature::ancien", "palier2.feature::nouveau"
    store(ev.RunStarted(run_id, vendor="Éditeur Lignes", client_id="fr.health.samu771", link="15-15",
                        vhost="15-15_v1.5", tiers=(2,), pack_tag="1.0", bench_version="0.1.0"))
    for sid in (old, new):
        store(ev.ScenarioStarted(run_id, scenario_id=sid, feature="palier2.feature", name=sid[17:], tier=2,
                                 link="15-15"))
        store(ev.StepStarted(run_id, scenario_id=sid, index=0, keyword="Alors", text="la file est vide"))
    store(ev.CheckRecorded(run_id, scenario_id=new, step_index=0, rule="Règle N", verdict=Verdict.TIMED_OUT,
                           expected="RC-REF en moins de 5 s", received="rien reçu en 5 s",
                           distribution_id="fr.health.samubanc_9", detail="attendu sur .ack"))
    store(ev.StepFinished(run_id, scenario_id=old, index=0, verdict=Verdict.FAILED,
                          detail="Règle A : attendu file vide ; reçu 3 prêts"))
    store(ev.StepFinished(run_id, scenario_id=new, index=0, verdict=Verdict.TIMED_OUT,
                          detail="Rien reçu en 5 s : RC-REF (Règle N)"))
    for sid in (old, new):
        store(ev.ScenarioFinished(run_id, scenario_id=sid, verdict=Verdict.FAILED, duration_s=1.0))
    store(ev.RunFinished(run_id, verdict=Verdict.FAILED, counts={"failed": 2}))
    store.close()
    errors = [e.value for e in page("detail", run=run_id).error]
    assert "**Détail :** Règle A : attendu file vide ; reçu 3 prêts" in errors
    assert (
        "**Règle :** Règle N  \n**Attendu :** RC-REF en moins de 5 s  \n**Reçu :** rien reçu en 5 s  \n"
        "**Message :** `fr.health.samubanc_9`  \nattendu sur .ack"
    ) in errors
    assert not any("Règle A" in e and "**Règle :**" in e for e in errors)


def test_a_provisional_run_is_marked_in_every_page_and_refused_a_certificate(filled: Filled) -> None:
    from hubbench import events as ev
    from hubbench.results.store import ResultsStore

    vendor, run_id, sid = "Éditeur Provisoire", "run-provisoire", "palier1.feature::Connexion TLS"
    pack = {"tag": "1.0", "source": "pypi:hubsante-model==0.1.1", "checksum": None, "provisional": True,
            "reason": "Source de pack injoignable (ConnectionError).", "vhost": "15-15_v1.5",
            "available": True}
    store = ResultsStore(filled.url)
    for event in (
        ev.RunStarted(run_id, vendor=vendor, client_id="fr.health.samu771", link="15-15", vhost="15-15_v1.5",
                      tiers=(1,), pack_tag="1.0", bench_version="0.1.0", pack=pack),
        ev.ScenarioStarted(run_id, scenario_id=sid, feature="palier1.feature", name="Connexion TLS", tier=1,
                           link="15-15"),
        ev.ScenarioFinished(run_id, scenario_id=sid, verdict=Verdict.PASSED, duration_s=1.0),
        ev.RunFinished(run_id, verdict=Verdict.PASSED, counts={"passed": 1}),
    ):
        store(event)
    store.close()
    matrix = all_text(page("matrice"))
    assert "réussi (provisoire)" in matrix and "PROVISOIRE : validation de repli" in matrix
    detail = page("detail", run=run_id)
    assert any("Verdicts PROVISOIRES" in e.value and "injoignable" in e.value for e in detail.error)
    assert any("réussi (provisoire)" in x.label for x in detail.expander)
    at = page("certificats")
    at.selectbox(key="c_vendor").select(vendor).run()
    assert any("Certificat refusé" in e.value and "provisoires" in e.value for e in at.error)
    assert not [b for b in at.get("download_button") if "certificat" in str(b.proto.label).lower()]

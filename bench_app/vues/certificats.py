"""Page 5: readiness certificate per vendor and link (HTML, PDF), exports of a run (JUnit, Cucumber)."""

import streamlit as st

from bench_app import state
from bench_app.data import MatrixFilter
from bench_app.labels import fmt_time, run_label, tier_title, verdict_label
from hubbench.events import Verdict
from hubbench.results import (
    Certificate,
    ProvisionalEvidence,
    certificate_html,
    certificate_pdf,
)

st.title("Certificats et exports")
data = state.data()
rows = data.matrix(MatrixFilter())
if not rows:
    st.info("Aucune exécution terminée : pas de certificat possible.")
    st.stop()

st.header("Certificat de préparation")
st.caption("Établi à partir de la dernière exécution terminée de l'éditeur sur le lien choisi.")
c1, c2 = st.columns(2)
vendor = c1.selectbox("Éditeur", sorted({r.vendor for r in rows}), key="c_vendor")
link = c2.selectbox("Lien", sorted({r.link for r in rows if r.vendor == vendor}), key="c_link")
row = next(r for r in rows if r.vendor == vendor and r.link == link)


def show_certificate(cert: Certificate) -> None:
    passed = ", ".join(str(t) for t in cert.tiers_passed) or "aucun"
    st.markdown(f"**Paliers réussis : {passed}**")
    st.dataframe(
        [{"Palier": tier_title(t), "Résultat": verdict_label(v)} for t, v in cert.tiers.items()],
        hide_index=True,
        width="stretch",
    )
    st.markdown(
        f"Cas de test officiels réussis : {', '.join(cert.official_cases) or 'aucun'}  \n"
        f"Version du banc : {cert.bench_version} · paquet de schémas : {cert.pack_tag} "
        f"(source `{cert.pack_source}`, sha256 `{cert.pack_checksum}`) · vhost : `{cert.vhost}` · "
        f"exécution du {fmt_time(cert.run_date)}  \n"
        f"Empreinte SHA-256 des preuves : `{cert.evidence_sha256}`"
    )
    if any(v is Verdict.PENDING_ATTESTATION for v in cert.tiers.values()):
        st.warning("Des paliers attendent une attestation : répondez-y pour compléter le certificat.")
    stem = f"certificat-{cert.vendor}-{cert.link}".replace(" ", "_")
    d1, d2 = st.columns(2)
    d1.download_button(
        "Télécharger le certificat (HTML)",
        certificate_html(cert).encode("utf-8"),
        file_name=f"{stem}.html",
        mime="text/html",
        key="c_html",
    )
    d2.download_button(
        "Télécharger le certificat (PDF)",
        certificate_pdf(cert),
        file_name=f"{stem}.pdf",
        mime="application/pdf",
        key="c_pdf",
    )


try:
    show_certificate(data.certificate(row.run_id))
except ProvisionalEvidence as refusal:
    st.error(f"Certificat refusé. {refusal}")

st.header("Exports d'une exécution")
runs = [r for r in data.runs() if r.status != "running"]
run_id = st.selectbox(
    "Exécution",
    [r.run_id for r in runs],
    format_func=lambda rid: run_label(next(r for r in runs if r.run_id == rid)),
    key="c_run",
)
e1, e2 = st.columns(2)
e1.download_button(
    "JUnit XML",
    data.junit_xml(run_id),
    file_name=f"{run_id}-junit.xml",
    mime="application/xml",
    key="c_junit",
)
e2.download_button(
    "Cucumber JSON",
    data.cucumber_json(run_id),
    file_name=f"{run_id}-cucumber.json",
    mime="application/json",
    key="c_cucumber",
)

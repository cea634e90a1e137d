"""Page 4: answer pending checklists (valid / approximate / invalid per value) and, for an
administrator, force a scenario's verdict with a mandatory comment (kept in the record)."""

import streamlit as st

from bench_app import state
from bench_app.labels import fmt_time, run_label, verdict_badge, verdict_label
from hubbench.errors import BenchError
from hubbench.events import Verdict
from hubbench.results import ANSWER_LABELS_FR, ANSWERS

st.title("Attestations et forçages")
data = state.data()

if "a_flash" in st.session_state:
    st.success(st.session_state.pop("a_flash"))

st.header("Attestations en attente")
pending = data.pending_attestations() if data.can_answer_attestations else []
if not data.can_answer_attestations:
    st.info("Les attestations sont renseignées par un évaluateur ou un administrateur de la session.")
elif not pending:
    st.info("Aucune attestation en attente.")
for attestation in pending:
    run = data.run(attestation.run_id)
    with st.form(f"att-{attestation.attestation_id}"):
        st.markdown(f"**{attestation.question}**")
        if run is not None:
            st.caption(
                f"{run.vendor} · lien {run.link} · scénario {attestation.scenario_id} · "
                f"demandée le {fmt_time(attestation.requested_at)}"
            )
        answers, remarks = [], []
        for i, item in enumerate(attestation.items):
            c1, c2, c3 = st.columns([3, 2, 2])
            c1.markdown(f"`{item.get('path', i + 1)}` — attendu : **{item.get('expected', '')}**")
            answers.append(
                c2.radio(
                    f"Valeur {i + 1}",
                    ANSWERS,
                    format_func=ANSWER_LABELS_FR.get,
                    horizontal=True,
                    index=None,
                    key=f"a-{attestation.attestation_id}-{i}",
                    label_visibility="collapsed",
                )
            )
            remarks.append(
                c3.text_input(
                    f"Remarque {i + 1}",
                    placeholder="remarque (facultatif)",
                    key=f"r-{attestation.attestation_id}-{i}",
                    label_visibility="collapsed",
                )
            )
        comment = st.text_area("Commentaire", key=f"c-{attestation.attestation_id}")
        if data.account is None:
            who = st.text_input("Attesté par (nom)", key=f"w-{attestation.attestation_id}")
        else:
            who = data.account.name
            st.caption(f"Attesté par : {data.account.label_fr}")
        if st.form_submit_button("Enregistrer l'attestation"):
            if any(a is None for a in answers):
                st.error("Chaque valeur doit être jugée : valide, approximatif ou invalide.")
            else:
                try:
                    verdict = data.answer_attestation(
                        attestation.attestation_id,
                        [{"answer": a, "comment": r} for a, r in zip(answers, remarks, strict=True)],
                        comment=comment,
                        who=who,
                    )
                except BenchError as exc:
                    st.error(str(exc))
                else:
                    st.session_state["a_flash"] = (
                        f"Attestation enregistrée : le scénario est maintenant « {verdict_label(verdict)} »."
                    )
                    st.rerun()

st.header("Forcer un verdict (administrateur)")
if not data.can_override:
    st.info("Le forçage d'un verdict est réservé aux administrateurs de la session.")
    st.stop()
st.caption(
    "Le forçage remplace le verdict d'un scénario. Le commentaire est obligatoire et reste dans "
    "le dossier de l'exécution, avec votre nom et la date."
)
runs = [r for r in data.runs() if r.status != "running"]
if not runs:
    st.info("Aucune exécution terminée.")
    st.stop()
run_id = st.selectbox(
    "Exécution",
    [r.run_id for r in runs],
    format_func=lambda rid: run_label(next(r for r in runs if r.run_id == rid)),
    key="o_run",
)
detail = data.run_detail(run_id)
scenarios = detail.scenarios if detail else []
if not scenarios:
    st.info("Cette exécution n'a aucun scénario.")
    st.stop()
with st.form("forcer"):
    scenario_id = st.selectbox(
        "Scénario",
        [s.scenario_id for s in scenarios],
        format_func=lambda sid: next(
            f"{verdict_badge(s.verdict)} — Palier {s.tier} — {s.name}"
            for s in scenarios
            if s.scenario_id == sid
        ),
        key="o_scenario",
    )
    forced = st.selectbox(
        "Nouveau verdict",
        [v for v in Verdict if v is not Verdict.NOT_RUN],
        format_func=verdict_label,
        key="o_verdict",
    )
    comment = st.text_area("Commentaire (obligatoire)", key="o_comment")
    if data.account is None:
        who = st.text_input("Administrateur (nom)", key="o_who")
    else:
        who = data.account.name
        st.caption(f"Forcé par : {data.account.label_fr}")
    if st.form_submit_button("Forcer le verdict"):
        if not comment.strip():
            st.error("Un commentaire est obligatoire pour forcer un verdict.")
        else:
            try:
                result = data.override(run_id, scenario_id, forced, comment=comment, who=who)
            except BenchError as exc:
                st.error(str(exc))
            else:
                st.session_state["a_flash"] = (
                    f"Verdict forcé à « {verdict_label(result)} » ; commentaire conservé."
                )
                st.rerun()

history = [(s, o) for s in scenarios for o in s.overrides]
if history:
    st.subheader("Forçages de cette exécution")
    st.dataframe(
        [
            {
                "Scénario": s.name,
                "Verdict forcé": verdict_label(o.verdict),
                "Par": o.who,
                "Le": fmt_time(o.at),
                "Commentaire": o.comment,
            }
            for s, o in history
        ],
        hide_index=True,
        width="stretch",
    )

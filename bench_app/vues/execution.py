"""Page 3: start a run for a vendor (`hubbench run` in its own process), follow its progress and the
operator prompts, with the time left before each prompt times out; an official case step's prompt
offers « Renvoyer l'étape » and « Passer à l'étape suivante » (sent to the run's prompt API)."""

from datetime import UTC, datetime

import streamlit as st

from bench_app import state
from bench_app.labels import LINKS, fmt_time, tier_title, verdict_badge
from bench_app.launcher import RunRequest, log_tail, start_run
from bench_app.step_controls import BUTTONS, offered, send_choice
from hubbench.declaration import FORMAT_LABELS_FR, ROLE_LABELS_FR, Format, Role
from hubbench.errors import BenchError
from hubbench.results import PromptView, RunSummary

st.title("Exécutions en direct")
data = state.data()

with st.form("lancer"):
    st.subheader("Lancer une exécution")
    c1, c2, c3 = st.columns(3)
    own_vendor = data.vendor_scope  # a vendor account launches for itself only
    vendor = c1.text_input(
        "Éditeur", value=own_vendor or "", placeholder="ex. Éditeur Conforme", disabled=own_vendor is not None
    )
    client_id = c2.text_input("Identifiant client", placeholder="ex. fr.health.samu440")
    link = c3.selectbox("Lien", LINKS)
    c4, c5, c6 = st.columns(3)
    tiers = c4.text_input("Paliers", value="1-3", help="un palier (2) ou un intervalle (1-3)")
    vhost = c5.text_input("Version (vhost)", placeholder="par défaut celle du lien")
    timeout = c6.number_input("Délai des consignes opérateur (s)", min_value=1, max_value=3600, value=120)
    fast = st.checkbox("Délais courts (système automatisé, ex. éditeur de référence)", value=False)
    st.markdown("**Déclaration du système sur ce lien** (hors déclaration : « non applicable »)")
    d1, d2, d3 = st.columns(3)
    roles = d1.multiselect("Rôle(s)", [r.value for r in Role], default=[],
                           format_func=lambda r: ROLE_LABELS_FR[Role(r)],
                           help="vide : rôle implicite du lien (LRM ; 15-GPS : émetteur et demandeur de "
                                "positions) ; 15-SMUR : LRM, tablette ou les deux ; 15-GPS : "
                                "émetteur de positions, demandeur de positions ou les deux")
    formats = d2.multiselect("Formats", [f.value for f in Format], default=[f.value for f in Format],
                             format_func=lambda f: FORMAT_LABELS_FR[Format(f)])
    confirms = d3.checkbox("Confirmations de publication (optionnel)", value=False)
    direct_cisu = d3.checkbox("15-NexSIS : échange direct CISU (directCISU)", value=False)
    if st.form_submit_button("Lancer l'exécution", type="primary"):
        request = RunRequest(
            vendor=vendor,
            client_id=client_id.strip(),
            link=link,
            tiers=tiers.strip(),
            vhost=vhost.strip() or None,
            timeout_s=int(timeout),
            fast=fast,
            roles=tuple(roles),
            formats=tuple(formats),
            confirms=confirms,
            direct_cisu=direct_cisu,
        )
        try:
            launched = start_run(request, db_url=state.db_url(), home=state.home(), account=data.account)
        except BenchError as exc:
            st.error(str(exc))
        else:
            state.remember_launch(launched)
            st.success(
                f"Exécution lancée (processus {launched.pid}). Elle apparaît ci-dessous dès son début."
            )

auto = st.toggle("Actualiser automatiquement (toutes les 2 s)", value=True, key="x_auto")
if data.account is None:  # logged in, the account's name is recorded
    st.text_input("Votre nom (opérateur)", key="x_by",
                  help="enregistré avec chaque étape de cas officiel que vous renvoyez ou passez")


def choose(run: RunSummary, prompt: PromptView, choice: str) -> None:
    by = data.step_chooser(str(st.session_state.get("x_by") or "").strip())
    if not by:
        st.error("Indiquez votre nom (opérateur) avant de renvoyer ou de passer une étape.")
        return
    try:
        st.success(send_choice(state.home(), run, prompt.prompt_id, choice, by))
    except BenchError as exc:
        st.error(str(exc))


@st.fragment(run_every=2 if auto else None)
def progress() -> None:
    now = datetime.now(UTC)
    st.caption(f"État au {fmt_time(now, seconds=True)}")
    running = data.runs(status="running")
    prompts = data.open_prompts()
    if not running:
        st.info("Aucune exécution en cours.")
    for run in running:
        detail = data.run_detail(run.run_id)
        scenarios = detail.scenarios if detail else []
        done = [s for s in scenarios if s.finished_at is not None]
        with st.container(border=True):
            st.markdown(
                f"**{run.vendor}** · lien {run.link} · paliers {', '.join(map(str, run.tiers))} · "
                f"démarrée le {fmt_time(run.started_at, seconds=True)} · `{run.run_id}`"
            )
            if run.provisional:
                st.error("Validation PROVISOIRE sur ce vhost : chaque verdict sera provisoire, sans "
                         "certificat.")
            st.write(f"{len(done)} scénario(s) terminé(s)")
            current = next((s for s in reversed(scenarios) if s.finished_at is None), None)
            if current is not None:
                st.write(f"En cours : {tier_title(current.tier)} — {current.name}")
            for scenario in done[-5:]:
                st.caption(f"{verdict_badge(scenario.verdict, run.provisional)} — {scenario.name}")
            for prompt in (p for p in prompts if p.run_id == run.run_id):
                left = (prompt.deadline - now).total_seconds()
                total = max((prompt.deadline - prompt.shown_at).total_seconds(), 1.0)
                st.warning(f"**Consigne pour {prompt.actor}** : {prompt.instruction}")
                st.progress(
                    min(max(left / total, 0.0), 1.0),
                    text=f"Temps restant : {max(int(left), 0)} s" if left > 0 else "Délai dépassé",
                )
                choices = offered(prompt)
                for column, choice in zip(st.columns(len(choices) or 1), choices, strict=False):
                    if column.button(BUTTONS[choice], key=f"x_{choice}_{prompt.prompt_id}"):
                        choose(run, prompt, choice)
    orphans = [p for p in prompts if p.run_id not in {r.run_id for r in running}]
    for prompt in orphans:
        st.caption(f"Consigne ouverte d'une exécution terminée : {prompt.instruction}")


progress()

launched = state.launched_runs()
if launched:
    st.subheader("Lancées depuis cette console")
    for item in reversed(launched[-10:]):
        code = item.exit_code
        status = "en cours" if code is None else f"terminée (code {code})"
        with st.expander(
            f"Processus {item.pid} — {status} — lancé le {fmt_time(item.started_at, seconds=True)}"
        ):
            st.code(" ".join(item.command[-12:]), language="bash")
            st.code(log_tail(item.log_file) or "(journal vide)")

if data.vendor_scope is None and st.button("Clore les exécutions dont le processus a disparu"):
    closed = data.sweep_interrupted()
    st.success(
        f"{len(closed)} exécution(s) close(s) comme interrompue(s)."
        if closed
        else "Aucune exécution orpheline."
    )

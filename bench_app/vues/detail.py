"""Page 2: one run → its scenarios → steps and checks, and every message of the run as a timeline."""

from urllib.parse import urlencode

import streamlit as st

from bench_app import state
from bench_app.labels import fmt_time, run_label, tier_title, verdict_badge, verdict_label
from bench_app.messages import (
    conversion_marks,
    decoded,
    highlighted_json_html,
    mapped_json_html,
    parse_json,
    pretty_xml,
    timeline,
)
from bench_app.widgets import chip, failure_markdown, pack_markdown, provisional_warning
from hubbench.declaration import summary_text
from hubbench.events import Verdict, blocked_label

st.title("Détail d'une exécution")
data = state.data()
runs = data.runs()
if not runs:
    st.info("Aucune exécution enregistrée.")
    st.stop()

ids = [r.run_id for r in runs]
wanted = st.query_params.get("run")
run_id = st.selectbox(
    "Exécution",
    ids,
    index=ids.index(wanted) if wanted in ids else 0,
    format_func=lambda rid: run_label(next(r for r in runs if r.run_id == rid)),
    key="d_run",
)
st.query_params["run"] = run_id
detail = data.run_detail(run_id)
if detail is None:
    st.error(f"Exécution introuvable : {run_id}")
    st.stop()
run = detail.run

st.markdown(
    f"**{run.vendor}** (`{run.client_id}`) · lien **{run.link}** · version `{run.vhost}` · "
    f"banc {run.bench_version} · du {fmt_time(run.started_at, seconds=True)} au "
    f"{fmt_time(run.finished_at, seconds=True)} · résultat "
    f"{chip(run.verdict if run.status != 'running' else None)}"
    f"{' <b>(provisoire)</b>' if run.provisional else ''}",
    unsafe_allow_html=True,
)
st.caption(summary_text(run.declaration, run.link))
st.markdown(pack_markdown(run))
warning = provisional_warning(run)
if warning:
    st.error(warning)

tiers = sorted({s.tier for s in detail.scenarios})
tier_param = st.query_params.get("tier")
options = ["tous", *[str(t) for t in tiers]]
tier_choice = st.selectbox(
    "Palier",
    options,
    index=options.index(tier_param) if tier_param in options else 0,
    format_func=lambda t: "Tous les paliers" if t == "tous" else tier_title(int(t)),
    key="d_tier",
)
scenarios = [s for s in detail.scenarios if tier_choice == "tous" or str(s.tier) == tier_choice]

st.header("Scénarios")
names = {s.scenario_id: s for s in detail.scenarios}
for scenario in scenarios:
    bad = scenario.verdict is not None and scenario.verdict.counts_as_failure
    badge = verdict_badge(scenario.verdict, run.provisional, scenario.blocked_by_tier)
    title = f"{badge} — Palier {scenario.tier} — {scenario.name}"
    with st.expander(title, expanded=bad or scenario.verdict is Verdict.PENDING_ATTESTATION):
        st.caption(
            f"Fichier {scenario.feature} · étiquettes : {', '.join(scenario.tags) or 'aucune'} · "
            f"durée {scenario.duration_s or 0:.1f} s"
        )
        if scenario.remark:
            st.warning(scenario.remark)
        root = names.get(scenario.blocked_by or "")
        if scenario.verdict is Verdict.BLOCKED and root is not None:
            link = "?" + urlencode({"run": run_id, "tier": root.tier})
            st.warning(f"{blocked_label(root.tier).capitalize()} : corrigez d'abord "
                       f"« [{root.name}]({link}) » (palier {root.tier}), la cause première de cet échec.")
        for step in scenario.steps:
            st.markdown(f"{chip(step.verdict)} &nbsp; **{step.keyword}** {step.text}", unsafe_allow_html=True)
            failed_checks = [c for c in step.checks if c.verdict.counts_as_failure]
            for check in failed_checks:
                message = f"**Message :** `{check.distribution_id}`" if check.distribution_id else ""
                extra = "  \n".join(part for part in (message, check.detail) if part)
                st.error(failure_markdown(check.rule, check.expected, check.received, extra))
            failed_step = step.verdict is not None and step.verdict.counts_as_failure
            if failed_step and not failed_checks and step.detail:  # runs recorded before every failure
                st.error(f"**Détail :** {step.detail}")  # had its own check row
            elif step.detail and not failed_checks:
                st.caption(step.detail)
            for check in step.checks:
                if not check.verdict.counts_as_failure:
                    st.caption(
                        f"{verdict_badge(check.verdict)} · {check.rule} · attendu : {check.expected} · "
                        f"reçu : {check.received}"
                    )
        for attestation in scenario.attestations:
            state_text = (
                "en attente de réponse"
                if attestation.status == "pending"
                else f"renseignée par {attestation.answered_by} le {fmt_time(attestation.answered_at)}"
            )
            st.info(f"Attestation : {attestation.question} — {state_text}")
        for override in scenario.overrides:
            st.warning(
                f"Verdict forcé à « {verdict_label(override.verdict)} » par {override.who} le "
                f"{fmt_time(override.at)} : {override.comment}"
            )
        for prompt in scenario.prompts:
            st.caption(f"Consigne à {prompt.actor} : {prompt.instruction}")

st.header("Messages de l'exécution")
entries = timeline(detail, data.trace(run_id))
if not entries:
    st.caption("Aucun message enregistré pour cette exécution.")
    st.stop()
st.dataframe(
    [
        {
            "N°": i + 1,
            "Heure": fmt_time(e.at, seconds=True),
            "Événement": e.event,
            "Vu par": e.source,
            "Émetteur": e.sender or "",
            "Destinataire": e.recipient or "",
            "Type": e.kind or "",
            "distributionID": e.distribution_id or "",
            "Détail": e.detail,
            "Erreurs": len(e.errors),
        }
        for i, e in enumerate(entries)
    ],
    hide_index=True,
    width="stretch",
)
first_error = next((i for i, e in enumerate(entries) if e.errors), 0)
choice = st.selectbox(
    "Message à afficher",
    range(len(entries)),
    index=first_error,
    format_func=lambda i: (
        f"N° {i + 1} — {entries[i].event} — {entries[i].distribution_id or 'sans identifiant'}"
    ),
    key="d_msg",
)
entry = entries[choice]
if entry.errors:
    st.error(f"{len(entry.errors)} erreur(s) de validation, surlignée(s) dans l'enveloppe ci-dessous.")
received = decoded(entry.body, entry.content_type) if entry.forwarded_body is not None else None
delivered = decoded(entry.forwarded_body, entry.forwarded_content_type)
converted = received is not None and delivered is not None
if received is not None and delivered is not None:
    st.info("Message converti par le hub (santé ⇄ CISU) : à gauche le message reçu, à droite celui remis au "
            "destinataire ; les champs de la conversion sont surlignés (supprimés, modifiés, ajoutés).")
    before, after = conversion_marks(received, delivered)
    left, right = st.columns(2)
    with left:
        st.markdown(f"**Reçu par le hub** ({entry.content_type or '?'})")
        st.markdown(mapped_json_html(received, before), unsafe_allow_html=True)
    with right:
        st.markdown(f"**Remis au destinataire** ({entry.forwarded_content_type or '?'})")
        st.markdown(mapped_json_html(delivered, after), unsafe_allow_html=True)
if entry.body is None:
    st.caption("Corps du message purgé (données de santé) ou absent.")
elif not converted:
    parsed = parse_json(entry.body)
    if parsed is not None:
        st.markdown(highlighted_json_html(parsed, entry.errors), unsafe_allow_html=True)
    else:
        xml = pretty_xml(entry.body)
        st.code(
            xml if xml is not None else entry.body.decode("utf-8", "replace"),
            language="xml" if xml is not None else None,
        )
        for err in entry.errors:
            st.error(f"{err.get('path')} : {err.get('message')}")
if entry.body is not None:
    extension = "xml" if "xml" in (entry.content_type or "") else "json"
    st.download_button(
        "Télécharger le corps brut",
        entry.body,
        file_name=f"{entry.distribution_id or 'message'}.{extension}",
        mime=entry.content_type or "application/octet-stream",
        key="d_raw",
    )

"""Page 1: the conformance matrix, vendors × links × tiers, coloured by verdict."""

from datetime import UTC, datetime, time, timedelta

import streamlit as st

from bench_app import state
from bench_app.data import MatrixFilter
from bench_app.labels import LINKS, RUN_STATUS_FR, fmt_time, run_label, verdict_badge
from bench_app.widgets import legend_html, matrix_html, vendor_summary
from hubbench.declaration import link_text

st.title("Matrice de conformité")
st.write(
    "Chaque ligne est un éditeur, chaque colonne un palier d'un lien (15-15, 15-SMUR, 15-NexSIS, 15-GPS). "
    "La couleur donne le résultat de la dernière exécution ; cliquez une case pour voir le détail. "
    "« bloqué par le palier N » : l'échec vient d'une règle déjà en échec au palier N, à corriger d'abord."
)
data = state.data()
all_runs = data.runs()

with st.container(border=True):
    col_link, col_vhost, col_date, col_run = st.columns([2, 1.3, 2, 3])
    links = col_link.multiselect("Liens", LINKS, default=[], placeholder="tous les liens", key="m_links")
    vhosts = data.vhosts()
    vhost = col_vhost.selectbox("Version (vhost)", ["toutes", *vhosts], key="m_vhost")
    dates = col_date.date_input("Période (début, fin)", value=(), format="DD/MM/YYYY", key="m_dates")
    finished = [r for r in all_runs if r.status != "running"]
    run_choice = col_run.selectbox(
        "Exécution",
        ["dernière de chaque éditeur et lien", *[r.run_id for r in finished]],
        format_func=lambda rid: (
            rid if rid.startswith("dernière") else run_label(next(r for r in finished if r.run_id == rid))
        ),
        key="m_run",
    )

since = until = None
if isinstance(dates, tuple) and len(dates) >= 1:
    since = datetime.combine(dates[0], time.min, tzinfo=UTC)
    until = datetime.combine(dates[-1], time.min, tzinfo=UTC) + timedelta(days=1)
flt = MatrixFilter(
    links=tuple(links),
    vhost=None if vhost == "toutes" else vhost,
    since=since,
    until=until,
    run_id=None if run_choice.startswith("dernière") else run_choice,
)
rows = data.matrix(flt)

st.markdown(legend_html(), unsafe_allow_html=True)
if not rows:
    st.info(
        "Aucune exécution terminée ne correspond à ces filtres. Lancez une exécution depuis la page "
        "« Exécutions en direct » ou avec `hubbench run`."
    )
else:
    st.markdown(matrix_html(rows), unsafe_allow_html=True)
    st.subheader("En résumé")
    for vendor in sorted({row.vendor for row in rows}):
        st.markdown(vendor_summary(vendor, rows))

st.subheader("Exécutions récentes")
if all_runs:
    st.dataframe(
        [
            {
                "Exécution": r.run_id,
                "Éditeur": r.vendor,
                "Lien": r.link,
                "Version (vhost)": r.vhost,
                "Déclaration": link_text(r.declaration, r.link) if r.declaration else "—",
                "Paliers": ", ".join(str(t) for t in r.tiers),
                "Début": fmt_time(r.started_at),
                "État": RUN_STATUS_FR.get(r.status, r.status),
                "Résultat": (
                    verdict_badge(r.verdict, r.provisional) if r.status != "running" else "… en cours"
                ),
            }
            for r in all_runs[:50]
        ],
        hide_index=True,
        width="stretch",
    )
else:
    st.caption("Aucune exécution enregistrée.")

"""Page 6: pass rate per tier across vendors; a vendor's RC-REF acknowledgement latency per link."""

import altair as alt
import streamlit as st

from bench_app import state
from bench_app.charts import ack_latencies_ms, latency_stats, pass_rate_by_tier
from bench_app.data import MatrixFilter

st.title("Graphiques")
data = state.data()
rows = data.matrix(MatrixFilter())

own = data.vendor_scope  # a vendor account's figures are its own only
st.header("Taux de réussite par palier, " + (f"éditeur {own}" if own else "tous éditeurs"))
st.caption(
    "Part des couples éditeur × lien réussis parmi ceux évalués, d'après la dernière exécution de chacun."
)
rates = pass_rate_by_tier(rows)
judged = [r for r in rates if r["évalués"]]
if judged:
    st.altair_chart(
        alt.Chart(alt.Data(values=judged))
        .mark_bar(color="#2e7d32")
        .encode(
            x=alt.X("Palier:N", sort=None, title="Palier", axis=alt.Axis(labelAngle=-20, labelLimit=220)),
            y=alt.Y("taux de réussite (%):Q", scale=alt.Scale(domain=[0, 100]), title="Taux de réussite (%)"),
            tooltip=["Palier:N", "réussis:Q", "évalués:Q", "taux de réussite (%):Q"],
        ),
        width="stretch",
    )
st.dataframe(
    [{k: v for k, v in r.items() if k != "palier"} for r in judged], hide_index=True, width="stretch"
)
unjudged = [str(r["palier"]) for r in rates if not r["évalués"]]
if unjudged:
    st.caption(f"Paliers sans résultat évalué : {', '.join(unjudged)}.")

st.header("Délai d'acquittement (RC-REF) d'un éditeur, par lien")
st.caption(
    "Temps entre l'envoi d'un message par le banc et la réception de l'acquittement RC-REF de l'éditeur."
)
vendors = data.vendors()
if not vendors:
    st.info("Aucune exécution enregistrée.")
    st.stop()
vendor = st.selectbox("Éditeur", vendors, key="g_vendor")
points = ack_latencies_ms(data, vendor)
if not points:
    st.info("Aucun acquittement RC-REF enregistré pour cet éditeur.")
    st.stop()
st.altair_chart(
    alt.Chart(alt.Data(values=points))
    .mark_boxplot(extent="min-max", size=40)
    .encode(
        x=alt.X("Lien:N", title="Lien"),
        y=alt.Y("latence (ms):Q", title="Délai d'acquittement (ms)"),
    ),
    width="stretch",
)
st.dataframe(latency_stats(points), hide_index=True, width="stretch")

"""hubbench console (Streamlit): `hubbench console` serves this script on 127.0.0.1."""

import sys
from pathlib import Path

_REPO = Path(__file__).resolve().parent.parent
if str(_REPO) not in sys.path:  # `bench_app` is not installed: import it from the repository
    sys.path.insert(0, str(_REPO))

import streamlit as st  # noqa: E402

from bench_app import state  # noqa: E402
from bench_app.login import account_sidebar, require_login  # noqa: E402

st.set_page_config(
    page_title="hubbench — console de conformité", page_icon=":material/verified:", layout="wide"
)

require_login()  # consoles served with --listen only; stops here until an account logs in

navigation = st.navigation(
    [
        st.Page(
            "vues/matrice.py",
            title="Matrice de conformité",
            icon=":material/grid_on:",
            url_path="matrice",
            default=True,
        ),
        st.Page(
            "vues/detail.py", title="Détail d'une exécution", icon=":material/search:", url_path="detail"
        ),
        st.Page(
            "vues/execution.py",
            title="Exécutions en direct",
            icon=":material/play_circle:",
            url_path="execution",
        ),
        st.Page(
            "vues/attestations.py",
            title="Attestations et forçages",
            icon=":material/fact_check:",
            url_path="attestations",
        ),
        st.Page(
            "vues/certificats.py",
            title="Certificats et exports",
            icon=":material/workspace_premium:",
            url_path="certificats",
        ),
        st.Page("vues/graphiques.py", title="Graphiques", icon=":material/bar_chart:", url_path="graphiques"),
    ]
)
with st.sidebar:
    st.caption("Banc de conformité Hub Santé (ANS)")
    account_sidebar()
    if state.data().vendor_scope is None:
        st.caption(f"Base de résultats : `{state.data().url}`")
navigation.run()

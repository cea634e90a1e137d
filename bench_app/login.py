"""Log-in of a console served with `hubbench console --listen` (accounts: `hubbench console users`)."""

from __future__ import annotations

import streamlit as st

from bench_app import state


def require_login() -> None:
    """Show the log-in form and stop the page until a stored account logs in. The account is re-read
    on every rerun: a removed account is logged out, a changed role applies at once."""
    if not state.accounts_required():
        return
    data = state.unscoped_data()
    current = state.account()
    if current is not None:
        state.log_in(data.refreshed_account(current))
        if state.account() is not None:
            return
    st.title("Connexion à la console hubbench")
    st.caption("Banc de conformité Hub Santé (ANS) — compte fourni par l'administrateur de la session.")
    with st.form("connexion"):
        name = st.text_input("Nom du compte")
        password = st.text_input("Mot de passe", type="password")
        if st.form_submit_button("Se connecter", type="primary"):
            found = data.authenticate(name, password)
            if found is None:
                st.error("Nom de compte ou mot de passe incorrect.")
            else:
                state.log_in(found)
                st.rerun()
    st.stop()


def account_sidebar() -> None:
    current = state.account()
    if current is None:
        return
    st.caption(f"Connecté : **{current.label_fr}**")
    if st.button("Se déconnecter", key="logout"):
        state.log_in(None)
        st.rerun()

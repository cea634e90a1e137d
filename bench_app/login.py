"""Log-in of a console served with `hubbench console --listen` (accounts: `hubbench console users`)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import streamlit as st

from bench_app import state

MAX_FAILURES = 5
LOCKOUT_S = 60.0


class LoginThrottle:
    """Failed log-ins per account name, shared by every browser session of the console process: after
    `max_failures` in a row a name is refused for `lockout_s` seconds (each try already costs an Argon2
    verification; a new browser session does not reset the count)."""

    def __init__(
        self,
        max_failures: int = MAX_FAILURES,
        lockout_s: float = LOCKOUT_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_failures, self.lockout_s, self.clock = max_failures, lockout_s, clock
        self._failures: dict[str, tuple[int, float]] = {}  # name → (failures in a row, last failure)
        self._lock = threading.Lock()

    def wait_s(self, name: str) -> float:
        """Seconds before `name` may try again (0: now)."""
        with self._lock:
            count, last = self._failures.get(name.strip(), (0, 0.0))
        if count < self.max_failures:
            return 0.0
        return max(0.0, last + self.lockout_s - self.clock())

    def failed(self, name: str) -> None:
        with self._lock:
            if len(self._failures) > 10_000:  # names tried at random: forget them rather than grow
                self._failures.clear()
            count, _ = self._failures.get(name.strip(), (0, 0.0))
            self._failures[name.strip()] = (count + 1, self.clock())

    def succeeded(self, name: str) -> None:
        with self._lock:
            self._failures.pop(name.strip(), None)


@st.cache_resource(show_spinner=False)
def _throttle() -> LoginThrottle:
    return LoginThrottle()


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
            throttle = _throttle()
            wait = throttle.wait_s(name)
            found = None if wait else data.authenticate(name, password)
            if wait:
                st.error(f"Trop d'essais pour ce compte : réessayez dans {int(wait) + 1} s.")
            elif found is None:
                throttle.failed(name)
                st.error("Nom de compte ou mot de passe incorrect.")
            else:
                throttle.succeeded(name)
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

"""Per-server state of the console: the results database it reads (from HUBBENCH_DB_URL or the
bench home), the runs it started, and per browser session the logged-in account (consoles served with
`hubbench console --listen` only)."""

from __future__ import annotations

import os

import streamlit as st

from bench_app.data import ConsoleData
from bench_app.launcher import LaunchedRun
from hubbench.home import BenchHome
from hubbench.results import ACCOUNTS_REQUIRED_ENV, Account

_ACCOUNT_KEY = "hb_account"


def home() -> BenchHome:
    return BenchHome.from_env()


def db_url() -> str:
    return home().db_url


@st.cache_resource(show_spinner=False)
def _data_for(url: str) -> ConsoleData:
    return ConsoleData(url)


def accounts_required() -> bool:
    return os.environ.get(ACCOUNTS_REQUIRED_ENV) == "1"


def account() -> Account | None:
    """The logged-in account of this browser session; None on the single-user console."""
    found = st.session_state.get(_ACCOUNT_KEY)
    return found if isinstance(found, Account) else None


def log_in(found: Account | None) -> None:
    if found is None:
        st.session_state.pop(_ACCOUNT_KEY, None)
    else:
        st.session_state[_ACCOUNT_KEY] = found


def data() -> ConsoleData:
    """The database as this session's account sees it (every page reads through this)."""
    base = _data_for(db_url())
    if not accounts_required():
        return base
    current = account()
    if current is None:  # unreachable past the log-in form; a vendor scope that sees nothing otherwise
        st.stop()
    return base.for_account(current)


def unscoped_data() -> ConsoleData:
    """For the log-in form only (authenticate, refresh the account)."""
    return _data_for(db_url())


@st.cache_resource(show_spinner=False)
def _launched_runs() -> list[LaunchedRun]:
    """Runs started from this console process (shared by every browser tab)."""
    return []


def launched_runs() -> list[LaunchedRun]:
    """The launched runs this session may see: a vendor account sees its own vendor's only."""
    scope = data().vendor_scope
    return [run for run in _launched_runs() if scope is None or run.vendor == scope]


def remember_launch(run: LaunchedRun) -> None:
    _launched_runs().append(run)

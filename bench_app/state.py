"""Per-server state of the console: the results database it reads (from HUBBENCH_DB_URL or the
bench home) and the runs it started."""

from __future__ import annotations

import streamlit as st

from bench_app.data import ConsoleData
from bench_app.launcher import LaunchedRun
from hubbench.home import BenchHome


def home() -> BenchHome:
    return BenchHome.from_env()


def db_url() -> str:
    return home().db_url


@st.cache_resource(show_spinner=False)
def _data_for(url: str) -> ConsoleData:
    return ConsoleData(url)


def data() -> ConsoleData:
    return _data_for(db_url())


@st.cache_resource(show_spinner=False)
def launched_runs() -> list[LaunchedRun]:
    """Runs started from this console process (shared by every browser tab)."""
    return []

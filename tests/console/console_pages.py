"""The console app as a test sees it: a page after a first run, its matrix cells, its text (AppTest)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from streamlit.testing.v1 import AppTest

REPO = Path(__file__).resolve().parents[2]
APP = REPO / "bench_app" / "app.py"
_CELL = re.compile(
    r'class="hb-cell hb-(?P<verdict>[a-z_]+)" data-vendor="(?P<vendor>[^"]+)" '
    r'data-link="(?P<link>[^"]+)" data-tier="(?P<tier>\d)"'
)


def page(name: str, **query: str) -> AppTest:
    """The console app on one of its pages, after a first run."""
    at = AppTest.from_file(str(APP), default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    if name != "matrice":
        at.switch_page(f"vues/{name}.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def matrix_cells(at: AppTest) -> dict[tuple[str, str, int], str]:
    cells: dict[tuple[str, str, int], str] = {}
    for md in at.markdown:
        for m in _CELL.finditer(md.value):
            cells[(m["vendor"], m["link"], int(m["tier"]))] = m["verdict"]
    return cells


def all_text(at: AppTest) -> str:
    parts: list[Any] = []
    for kind in (
        "markdown",
        "caption",
        "error",
        "warning",
        "info",
        "success",
        "title",
        "header",
        "subheader",
    ):
        parts += [el.value for el in at.get(kind)]
    return "\n".join(str(p) for p in parts)

"""Every report of a stored run, written at once: during `hubbench run` (its `--junit` … options) and
after the fact (`hubbench results export RUN_ID`). The run is looked up first, so an unknown run id
writes nothing."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from hubbench.results.reporters._common import load_run
from hubbench.results.reporters.certificate import CertificateSource, write_certificate_pdf
from hubbench.results.reporters.cucumber import write_cucumber_json
from hubbench.results.reporters.json_report import write_json
from hubbench.results.reporters.junit import write_junit
from hubbench.results.store import ResultsStore

Writer = Callable[[CertificateSource, str, Path], Path]
WRITERS: dict[str, Writer] = {
    "junit": write_junit,
    "cucumber": write_cucumber_json,
    "json": write_json,
    "pdf": write_certificate_pdf,
}


def write_reports(store: CertificateSource, run_id: str, targets: Mapping[str, Path | None]) -> list[Path]:
    """Write each asked report (`targets`: kind of `WRITERS` → path, None = not asked); their paths."""
    load_run(store, run_id)
    return [WRITERS[kind](store, run_id, path) for kind, path in targets.items() if path is not None]


def export_run(db_url: str, run_id: str, targets: Mapping[str, Path | None]) -> list[Path]:
    """`write_reports` over the results database at `db_url`."""
    store = ResultsStore(db_url)
    try:
        return write_reports(store, run_id, targets)
    finally:
        store.close()

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

from results_fixtures import full_run

from hubbench.events import Verdict
from hubbench.results.db import open_database
from hubbench.results.store import ResultsStore

WRITER = Path(__file__).with_name("writer_process.py")
RUNS_PER_WRITER = 4


def _spawn(db_url: str, prefix: str, go: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(WRITER), db_url, prefix, str(RUNS_PER_WRITER), str(go), *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _assert_complete(store: ResultsStore, prefix: str) -> None:
    runs = store.list_runs(vendor=prefix)
    assert len(runs) == RUNS_PER_WRITER
    for run in runs:
        assert run.status == "finished" and run.verdict is Verdict.ERROR
        detail = store.run_detail(run.run_id)
        assert [len(s.steps) for s in detail.scenarios] == [2, 2, 2, 2, 2]
        assert sum(len(s.checks) for s in detail.scenarios) == 3


def test_two_processes_write_two_runs_at_once(db_url: str, tmp_path: Path) -> None:
    go = tmp_path / "go"
    procs = [_spawn(db_url, name, go) for name in ("alpha", "beta")]
    go.touch()
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        assert out.strip() == "done"
    store = ResultsStore(db_url)
    _assert_complete(store, "alpha")
    _assert_complete(store, "beta")
    store.close()


def test_two_threads_write_two_runs_at_once(db_url: str) -> None:
    errors: list[BaseException] = []
    barrier = threading.Barrier(2, timeout=30)

    def write(prefix: str) -> None:
        store = ResultsStore(open_database(db_url))
        try:
            barrier.wait()
            for i in range(RUNS_PER_WRITER):
                for event in full_run(f"{prefix}-{i}", vendor=prefix):
                    store(event)
        except BaseException as exc:
            errors.append(exc)
        finally:
            store.close()

    threads = [threading.Thread(target=write, args=(name,)) for name in ("alpha", "beta")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert errors == []
    store = ResultsStore(db_url)
    _assert_complete(store, "alpha")
    _assert_complete(store, "beta")
    store.close()


def test_sweep_marks_runs_of_killed_processes(sqlite_url: str, tmp_path: Path) -> None:
    go = tmp_path / "go"
    go.touch()
    proc = _spawn(sqlite_url, "killed", go, "9")
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    finally:
        proc.kill()
        proc.wait(timeout=30)
    store = ResultsStore(sqlite_url)
    assert store.run("killed").status == "running"
    assert store.sweep_interrupted() == ["killed"]
    detail = store.run_detail("killed")
    assert detail.run.status == "interrupted" and detail.run.verdict is Verdict.ERROR
    assert detail.scenarios[0].verdict is Verdict.PASSED  # finished before the kill: kept
    assert store.sweep_interrupted() == []
    store.close()

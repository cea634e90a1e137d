"""The test suite's shared support (one copy of each fixture and helper; `tests/` is on `sys.path`).

- `ci`: `skip_or_fail` — a missing prerequisite skips locally and FAILS under CI (env `CI`).
- `official`: the official models (`../shared/hubsante-models`, or `HUBBENCH_PACK_SOURCE` when it names a
  local directory) and their guard `official()`, the packs of each model line.
- `hub`: a private RabbitMQ node over TLS on free ports (`open_hub`, `HubFixture`).
- `dispatcher`: the real dispatcher on such a node (`Dispatcher`, `dispatcher_for`) and a run's environment.
- `postgres`: a throw-away schema on the machine's PostgreSQL (127.0.0.1:5432, database `test`).
- `clock`: `FakeClock`, moved by hand.
- `runs` + `engine_process`: one engine run in its own process (the engine runs pytest in-process).
- `prompt_api`: a run's prompt feed and API without a hub (`FakeRun`), prompt documents checked against
  schemas/prompt.schema.json (`validate`).
- `pack_server`: the official packs served over http://127.0.0.1.
- `fixtures`: the pytest fixtures every folder may use (`hub_node`, `dispatcher`, `live_hub`, `free_ports`),
  registered by tests/conftest.py.
"""

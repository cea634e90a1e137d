"""Configuration of the whole suite. The shared fixtures and helpers live in tests/support/ (see its
`__init__`): the session's node `hub_node`, its `dispatcher`, `live_hub`, the official-data guard, the
PostgreSQL schema, the engine run in its own process. Under CI (env `CI`) a missing prerequisite fails.

Hypothesis runs without a per-example deadline and without the "too slow" health check: the machine
is shared (2 cores, load average above 10 at times), so timing says nothing about the code under test.
"""

from __future__ import annotations

import hypothesis

pytest_plugins = ["support.fixtures"]

hypothesis.settings.register_profile(
    "hubbench", deadline=None, suppress_health_check=[hypothesis.HealthCheck.too_slow]
)
hypothesis.settings.load_profile("hubbench")

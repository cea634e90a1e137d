"""Skip locally, fail under CI: an integration test never skips silently where CI is set (env `CI`)."""

from __future__ import annotations

import os
from typing import NoReturn

import pytest


def under_ci() -> bool:
    """True when the environment variable CI is set to anything but empty, `0` or `false`."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false")


def skip_or_fail(reason: str) -> NoReturn:
    """Skip the test with `reason` (French, for the reader), or fail it under CI."""
    if under_ci():
        pytest.fail(f"{reason} (CI : ce test ne peut pas être ignoré)", pytrace=False)
    pytest.skip(reason)

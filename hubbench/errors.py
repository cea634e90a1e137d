"""Errors the bench reports to its users: each carries a French message and a process exit code.

The CLI catches `BenchError` and prints its message, never a traceback.
"""

from __future__ import annotations


class BenchError(Exception):
    """An error a user can act on. `exit_code` 2 = usage or set-up problem."""

    exit_code: int = 2

    def __init__(self, message: str, *, hint: str | None = None, exit_code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        if exit_code is not None:
            self.exit_code = exit_code

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n  → {self.hint}"


class UsageError(BenchError):
    """Bad arguments, unreadable input file, unknown version or vhost."""


class SetupError(BenchError):
    """The bench's own environment is not ready (broker missing, port taken, pack unavailable)."""


class Terminated(KeyboardInterrupt):
    """SIGTERM received: the command stops as on Ctrl-C (children stopped), exit code 143."""

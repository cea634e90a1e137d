"""A minimal HTTP client of the prompt API (standard library only), as a vendor's driver would write it.

The reference vendors use it (`sim.prompts`); so can any Python driver. docs/prompt-api.md describes
the protocol it speaks.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from hubbench.promptapi.discovery import Endpoint

LONG_POLL_S = 25  # the server holds a GET at most this long; the socket waits a little more


class ApiError(Exception):
    """The API answered with an error (`status`, French `message`), or could not be reached (status 0)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"{status} {message}")
        self.status = status
        self.message = message


class PromptApiClient:
    def __init__(self, endpoint: Endpoint) -> None:
        self.endpoint = endpoint

    def prompts(self, *, since: int = -1, wait_s: int = LONG_POLL_S) -> dict[str, Any]:
        """The run's open prompts and attestations once something changed after `since` (long-poll)."""
        path = f"/runs/{self.endpoint.run_id}/prompts?wait={wait_s}&since={since}"
        return self._call("GET", path, None, timeout_s=wait_s + 15)

    def done(self, prompt_id: str, data: dict[str, Any]) -> dict[str, Any]:
        return self._call("POST", f"/prompts/{prompt_id}/done", data)

    def control(self, prompt_id: str, choice: str, by: str) -> dict[str, Any]:
        """Resend ("resend") or skip ("skip") the official case step prompt `prompt_id`; `by`: who chose."""
        return self._call("POST", f"/prompts/{prompt_id}/{choice}", {"by": by})

    def attest(self, attestation_id: str, answer: dict[str, Any]) -> dict[str, Any]:
        return self._call("POST", f"/attestations/{attestation_id}", answer)

    def _call(self, method: str, path: str, body: dict[str, Any] | None, *,
              timeout_s: float = 15) -> dict[str, Any]:
        request = urllib.request.Request(
            self.endpoint.url + path,
            data=None if body is None else json.dumps(body).encode("utf-8"),
            method=method,
            headers={"Authorization": f"Bearer {self.endpoint.token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout_s) as response:
                payload: dict[str, Any] = json.loads(response.read().decode("utf-8"))
                return payload
        except urllib.error.HTTPError as exc:
            try:
                message = str(json.loads(exc.read().decode("utf-8")).get("erreur"))
            except (ValueError, AttributeError):
                message = exc.reason
            raise ApiError(exc.code, message) from exc
        except (OSError, ValueError) as exc:  # refused, reset, timed out, unreadable answer
            raise ApiError(0, f"API injoignable : {exc}") from exc

"""promptapi room: what the public prompt API (docs/prompt-api.md) shares between the run that serves it
and any driver of a vendor's system: the typed prompt and attestation documents
(`schemas/prompt.schema.json`), the discovery file of a run's API in the bench home, a standard-library
HTTP client. Imports only `hubbench.events` and the standard library, so the engine (which serves the
API) and the reference vendors (which use it like any driver) can both rely on it.

Other rooms use the names below (`from hubbench.promptapi import PromptApiClient`), never the modules
behind them; a name is imported on first use.
"""

from typing import TYPE_CHECKING

from hubbench._lazy import lazy_face

if TYPE_CHECKING:
    from hubbench.promptapi.client import ApiError, PromptApiClient
    from hubbench.promptapi.discovery import (
        Endpoint,
        endpoint_file,
        publish_endpoint,
        read_endpoint,
        withdraw_endpoint,
    )
    from hubbench.promptapi.documents import (
        PROMPT_FORMAT,
        STEP_CONTROLS,
        RunInfo,
        attestation_document,
        iso,
        prompt_document,
    )

__all__ = [
    "PROMPT_FORMAT",
    "STEP_CONTROLS",
    "ApiError",
    "Endpoint",
    "PromptApiClient",
    "RunInfo",
    "attestation_document",
    "endpoint_file",
    "iso",
    "prompt_document",
    "publish_endpoint",
    "read_endpoint",
    "withdraw_endpoint",
]

__getattr__, __dir__ = lazy_face(__name__, __file__)

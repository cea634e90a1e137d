"""Resend or skip an official case step from the live page, as the official test console offers a tester
(`ansforge/SAMU-Hub-Sante`, `web/lrm/client/pages/test/`): through the run's prompt API
(`POST /prompts/{id}/resend|skip`, docs/prompt-api.md), found in the discovery file the run writes in the
bench home (`<home>/prompt-api/<client id>@<vhost>.json`)."""

from __future__ import annotations

from hubbench.errors import UsageError
from hubbench.home import BenchHome
from hubbench.promptapi import STEP_CONTROLS, ApiError, PromptApiClient, endpoint_file, read_endpoint
from hubbench.results import PromptView, RunSummary

BUTTONS: dict[str, str] = {"resend": "Renvoyer l'étape", "skip": "Passer à l'étape suivante"}
DONE: dict[str, str] = {
    "resend": "Étape relancée : une nouvelle consigne la redemande.",
    "skip": "Étape passée : elle est enregistrée « non exécuté », le cas ne sera pas réussi.",
}


def offered(prompt: PromptView) -> tuple[str, ...]:
    """The choices the prompt offers ("resend", "skip"), none for a prompt that is not an official step."""
    return STEP_CONTROLS.get(prompt.action, ())


def send_choice(home: BenchHome, run: RunSummary, prompt_id: str, choice: str, by: str) -> str:
    """Send the operator's choice to the run; the French confirmation, or `UsageError` in French."""
    endpoint = read_endpoint(endpoint_file(home.root, run.client_id, run.vhost))
    if endpoint is None or endpoint.run_id != run.run_id:
        raise UsageError(f"API des invites de l'exécution {run.run_id} introuvable dans {home.root} : "
                         "l'exécution est-elle lancée sur cette machine, avec l'API ouverte ?")
    try:
        PromptApiClient(endpoint).control(prompt_id, choice, by)
    except ApiError as exc:
        raise UsageError(f"Choix « {BUTTONS[choice]} » refusé par l'exécution : {exc.message}") from exc
    return DONE[choice]

"""The public prompt API: typed prompts for a vendor's driver (documents, discovery file, HTTP client).

Neutral: imports only `hubbench.events`, `hubbench.home` and the standard library, so the engine (which
serves the API) and the reference vendors (which use it like any vendor's driver) can both import it.
"""

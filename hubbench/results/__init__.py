"""results room."""

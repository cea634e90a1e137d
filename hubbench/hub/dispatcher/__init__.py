"""dispatcher room."""

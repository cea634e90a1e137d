"""transport room."""

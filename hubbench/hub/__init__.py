"""hub room."""

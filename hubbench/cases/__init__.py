"""cases room: official examples and test cases, message factory, functional rules (tiers 4–7)."""

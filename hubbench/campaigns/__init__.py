"""Campaigns: orchestration of many runs against reference or real vendors (the demo)."""

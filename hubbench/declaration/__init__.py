"""The vendor's declaration of capabilities (roles per link, model versions, formats, optional features)."""

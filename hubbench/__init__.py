"""hubbench: conformance bench for the Hub Santé message hub."""

__version__ = "0.1.0"

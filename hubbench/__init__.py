"""hubbench: conformance bench for the Hub Santé message hub."""

__version__ = "0.1.0"  # the one source of the version: pyproject.toml reads it ([tool.setuptools.dynamic])

"""Wegent dev backend: the server side of the local-executor protocol, for development and E2E tests."""

__version__ = "0.1.0"

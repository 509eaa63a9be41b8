"""Helpers the tests import: sample journals, real-git builders, digest scenarios, live-loop tools.

Tests import from here, never from each other; conftest.py only wires fixtures."""

"""System programs some tests need: skipped where missing, except under CI, which installs them."""

from __future__ import annotations

import os

import pytest


def need(available: bool, what: str) -> None:
    """Skip the calling test when `what` is not `available`; under CI (where .ci/run installs
    it) fail instead, so a missing tool can never turn a test into a silent skip there."""
    if available:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{what} is missing; CI must run this test (see .ci/run)")
    pytest.skip(f"{what} is not installed")

"""Data shipped with the package: entry and digest templates, the example journal."""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path


def _data(name: str) -> Traversable:
    # In a wheel the folders are packaged under journal/_data/; an editable checkout
    # has them at the top of the source tree instead.
    packaged = resources.files("journal") / "_data" / name
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / name


def templates() -> Traversable:
    return _data("templates")


def example_repo() -> Traversable:
    return _data("example-repo")


def hooks() -> Traversable:
    return _data("hooks")

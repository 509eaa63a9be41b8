"""Data shipped with the package: entry and digest templates, the example journal."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable


def _data(name: str) -> Traversable:
    # In a wheel the folders are packaged under journal/_data/; an editable checkout
    # has them at the top of the source tree instead. The package is always installed as
    # files (Jinja's loader reads them by path), so the file system answers: importlib's
    # resources would cost every hook run the import of zipfile.
    package = Path(__file__).resolve().parents[1]
    packaged = package / "_data" / name
    if packaged.is_dir():
        return packaged
    return package.parent / name


def templates() -> Traversable:
    return _data("templates")


def example_repo() -> Traversable:
    return _data("example-repo")


def hooks() -> Traversable:
    return _data("hooks")

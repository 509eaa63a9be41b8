"""journal: a Git-backed, plain-text accountability journal."""

__version__ = "0.1.0"

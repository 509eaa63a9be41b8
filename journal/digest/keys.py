"""The hash a digest output is keyed by: of its parts as canonical JSON (sorted keys, no spaces)."""

from __future__ import annotations

import hashlib
import json
from typing import Any


def content_key(base: str, *parts: Any) -> str:
    """sha256 (hex) of `base` and `parts` (plain data) written as canonical JSON."""
    payload = json.dumps(parts, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"{base}\0{payload}".encode()).hexdigest()

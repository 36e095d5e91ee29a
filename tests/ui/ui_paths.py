"""Where the web UI lives, and whether its Node toolchain is here to run."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UI = ROOT / "designer_ui"


def require_node_modules() -> str:
    """The ``node`` executable; skips without Node or ``npm ci``, except under CI=true, where it fails."""
    node = shutil.which("node")
    missing = "node is not installed" if node is None else (
        "designer_ui/node_modules is missing (run `npm ci` in designer_ui/)"
        if not (UI / "node_modules").is_dir() else None)
    if missing is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(missing)
        pytest.skip(missing)
    assert node is not None
    return node

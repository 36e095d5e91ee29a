"""The UI's typed client (designer_ui/src/api/schema.d.ts) matches the server's OpenAPI document.

Runs ``designer_ui/scripts/gen-api.mjs --check`` with this interpreter, so the types are generated
from this checkout's routes. Without Node or ``designer_ui/node_modules`` the test is skipped
(locally) or fails (under CI=true, where scripts/test has run ``npm ci`` first).
"""

from __future__ import annotations

import os
import subprocess
import sys

from tests.ui.ui_paths import UI, require_node_modules


def test_committed_api_types_are_current() -> None:
    node = require_node_modules()
    result = subprocess.run(
        [node, "scripts/gen-api.mjs", "--check"], cwd=UI, capture_output=True, text=True,
        env={**os.environ, "DAJIAN_PYTHON": sys.executable}, timeout=300,
    )
    assert result.returncode == 0, result.stderr + result.stdout

"""The UI's typed client (designer_ui/src/api/schema.d.ts) matches the committed openapi.json.

Runs ``designer_ui/scripts/gen-api.mjs --check`` (openapi-typescript over ../openapi.json); that
openapi.json matches the routes is tests/platform/test_openapi_contract.py's to check. Without Node or
``designer_ui/node_modules`` the test is skipped (locally) or fails (under CI=true, where scripts/test
has run ``npm ci`` first).
"""

from __future__ import annotations

import subprocess

from tests.ui.ui_paths import UI, require_node_modules


def test_committed_api_types_are_current() -> None:
    node = require_node_modules()
    result = subprocess.run([node, "scripts/gen-api.mjs", "--check"], cwd=UI, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr + result.stdout

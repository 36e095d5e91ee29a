"""Print the platform's OpenAPI document (JSON) to stdout, or write it to the file given.

The web UI's typed client (designer_ui/src/api/schema.d.ts) is generated from this by
``npm run gen:api``; nothing here opens a database (the engine connects lazily).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from dajian.platform.app import create_app
from dajian.platform.config import Settings


def openapi_text() -> str:
    app = create_app(Settings(database_url="sqlite://"))
    return json.dumps(app.openapi(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def main(argv: list[str]) -> int:
    text = openapi_text()
    if len(argv) > 1:
        Path(argv[1]).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))

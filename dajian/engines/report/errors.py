"""Report errors carry every issue with its JSON path, like publish validation."""

from __future__ import annotations

Issue = dict[str, str]


class ReportError(Exception):
    """``ReportError("the report is invalid", [{"path": "/measures/0/field", "message": "..."}])``."""

    def __init__(self, message: str, issues: list[Issue]) -> None:
        super().__init__(message + ": " + "; ".join(f"{i['path']}: {i['message']}" for i in issues[:5]))
        self.message = message
        self.issues = issues

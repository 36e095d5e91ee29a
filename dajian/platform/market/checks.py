"""The automatic checks a reviewer sees beside a template version: schema validation (done when the package
is read: an invalid one never reaches review), the semver verdict, a diff against the previous published
version, and what deserves a human look.

``diff_definitions(old, new)`` compares elements by key, section by section::

    {"forms": {"added": ["survey"], "changed": [], "removed": []},
     "fields": {"added": ["complaint.channel"], "changed": ["complaint.title"], "removed": []}, ...}
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from dajian.platform.market.semver import stored_fields

SECTIONS = ("forms", "flows", "rules", "reports", "dashboards", "roles")
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", ""}


def _by_key(items: Any) -> dict[str, Any]:
    return {i["key"]: i for i in items or [] if isinstance(i, dict) and isinstance(i.get("key"), str)}


def _compare(old: dict[str, Any], new: dict[str, Any]) -> dict[str, list[str]]:
    return {"added": sorted(set(new) - set(old)), "removed": sorted(set(old) - set(new)),
            "changed": sorted(k for k in set(old) & set(new) if old[k] != new[k])}


def _form_shell(form: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in form.items() if k != "fields"}


def diff_definitions(old: dict[str, Any] | None, new: dict[str, Any]) -> dict[str, dict[str, list[str]]]:
    """Elements added, changed and removed per section; ``old=None`` (a first version) adds everything."""
    before = old or {}
    diff = {s: _compare(_by_key(before.get(s)), _by_key(new.get(s))) for s in SECTIONS if s != "forms"}
    forms_old = {k: _form_shell(v) for k, v in _by_key(before.get("forms")).items()}
    forms_new = {k: _form_shell(v) for k, v in _by_key(new.get("forms")).items()}
    diff["forms"] = _compare(forms_old, forms_new)
    fields_old = {k: v for k, v in stored_fields(before).items() if "." in k}
    fields_new = {k: v for k, v in stored_fields(new).items() if "." in k}
    diff["fields"] = _compare(fields_old, fields_new)
    return {s: diff[s] for s in ("forms", "fields", *SECTIONS[1:])}


def _walk(node: Any, path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from _walk(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _walk(value, f"{path}/{i}")


def _outside_url(value: Any) -> str | None:
    if not isinstance(value, str) or not value.startswith(("http://", "https://")):
        return None
    host = urlsplit(value).hostname or ""
    return value if host not in LOCAL_HOSTS else None


def _attention_of(path: str, node: dict[str, Any]) -> Iterator[dict[str, str]]:
    url = _outside_url(node.get("url"))
    if url:
        yield {"kind": "outside_webhook", "path": path, "detail": url}
    if node.get("public") is True or node.get("kind") in ("public_form", "inbound_webhook"):
        yield {"kind": "public_channel", "path": path, "detail": str(node.get("key") or "")}
    if node.get("row_scope") == "all" and "/roles/" in path:
        yield {"kind": "broad_row_scope", "path": path, "detail": "all rows"}
    if node.get("kind") in ("notify", "email", "sms") or ("template" in node and "to" in node):
        yield {"kind": "notification_template", "path": path, "detail": str(node.get("kind") or "template")}


def attention(doc: dict[str, Any]) -> list[dict[str, str]]:
    """What the definition asks for that a person should look at: ``[{"kind": "outside_webhook",
    "path": "/rules/0/actions/1", "detail": "https://hooks.example.com/x"}]``."""
    return [item for path, node in _walk(doc, "") for item in _attention_of(path, node)]

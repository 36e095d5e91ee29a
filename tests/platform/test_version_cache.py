"""What is compiled from an app version is kept per (database, version); a deleted version's id may come back on
SQLite, so deleting versions forgets what was compiled from them, in every cache."""

from __future__ import annotations

from dajian.platform.version_cache import VersionCache, forget_versions


def test_forgotten_versions_are_built_again_and_the_others_kept() -> None:
    first, second = VersionCache[str]("test-first"), VersionCache[str]("test-second")
    first.get("db", 7, "form", lambda: "sandbox's form")
    second.get("db", 7, None, lambda: "sandbox's rules")
    first.get("db", 8, "form", lambda: "kept")
    first.get("other db", 7, "form", lambda: "another database's")
    forget_versions("db", [7])
    assert first.get("db", 7, "form", lambda: "the new version's form") == "the new version's form"
    assert second.get("db", 7, None, lambda: "the new version's rules") == "the new version's rules"
    assert first.peek("db", 8, "form") == "kept"
    assert first.peek("other db", 7, "form") == "another database's"

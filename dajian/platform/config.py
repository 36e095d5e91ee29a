"""Settings read from the environment (``DAJIAN_*``), one object per process."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw else default


def _env_list(name: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in os.environ.get(name, "").split(",") if item.strip())


@dataclass(frozen=True)
class Settings:
    database_url: str = field(
        default_factory=lambda: os.environ.get("DAJIAN_DATABASE_URL", "sqlite:///./dajian.db")
    )
    files_dir: Path = field(default_factory=lambda: Path(os.environ.get("DAJIAN_FILES_DIR", "./dajian_files")))
    max_body_bytes: int = field(default_factory=lambda: _env_int("DAJIAN_MAX_BODY_BYTES", 2 * 1024 * 1024))
    session_days: int = field(default_factory=lambda: _env_int("DAJIAN_SESSION_DAYS", 7))
    login_max_failures: int = field(default_factory=lambda: _env_int("DAJIAN_LOGIN_MAX_FAILURES", 5))
    login_window_seconds: int = field(default_factory=lambda: _env_int("DAJIAN_LOGIN_WINDOW_SECONDS", 900))
    secure_cookies: bool = field(default_factory=lambda: os.environ.get("DAJIAN_SECURE_COOKIES", "") == "1")
    count_cap: int = field(default_factory=lambda: _env_int("DAJIAN_COUNT_CAP", 1_000))
    # addresses or networks of reverse proxies whose X-Forwarded-For / -Proto are believed (none by default)
    trusted_proxies: tuple[str, ...] = field(default_factory=lambda: _env_list("DAJIAN_TRUSTED_PROXIES"))
    # requests of one API process that run at once (the rest wait their turn, first come first served):
    # one process runs Python on one core at a time (the interpreter lock), so a second thread only
    # overlaps one request's database round trips with another's Python; more only share the lock and
    # the CPU, and every request gets slower instead of some finishing sooner (bench/load.py, 2 cores, 2
    # API processes at 100 clients: 8 threads 51 creates/s, p95 2.37 s; 4: 55/s, 2.09 s; 2: 69/s, 1.84 s).
    # More cores: more API processes, not more threads.
    request_threads: int = field(default_factory=lambda: _env_int("DAJIAN_REQUEST_THREADS", 2))
    # where customers reach this server: the origin of links sent in e-mails (survey links)
    public_url: str = field(default_factory=lambda: os.environ.get("DAJIAN_PUBLIC_URL", "http://127.0.0.1:8000"))


def get_settings() -> Settings:
    return Settings()

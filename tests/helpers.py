"""Helpers for tests that start real processes against the test database."""

import os
import sys
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def database_url() -> str:
    """A DATABASE_URL for the current test database, so a child process uses the same data."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def child_env(**overrides: str) -> dict[str, str]:
    # Nothing test-only leaks into the child (the browser tests allow sync ORM calls in-process).
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("PYTEST") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.base",
        DATABASE_URL=database_url(),
        PYTHONUNBUFFERED="1",
    )
    env.update(overrides)
    return env


def manage(*args: str) -> list[str]:
    return [sys.executable, str(ROOT / "manage.py"), *args]

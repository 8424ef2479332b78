"""Private storage for uploaded works: random names, never under a public URL."""

import secrets
from pathlib import Path

from django.conf import settings


def private_root() -> Path:
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    return root


def new_private_name(prefix: str, suffix: str = "") -> str:
    """A fresh random relative name such as 'videos/3f/3f9c…e1.mp4' (no user data in it)."""
    token = secrets.token_hex(16)
    return f"{prefix}/{token[:2]}/{token}{suffix}"


def private_path(name: str) -> Path:
    """The absolute path of a stored name, refusing anything that would leave the private root."""
    root = private_root().resolve()
    path = (root / name).resolve()
    if not name or root not in path.parents:
        raise ValueError("not a private media name")
    return path

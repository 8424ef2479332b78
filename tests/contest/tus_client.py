"""Helpers for the tus upload tests: a tus client on Django's test client (no tests here)."""

import base64

from django.conf import settings
from django.test import Client

from contest.storage import private_root

TUS = {"Tus-Resumable": "1.0.0"}
COLLECTION = "/uploads/tus/"
OFFSET = "application/offset+octet-stream"


def metadata(**values: str) -> str:
    return ",".join(
        f"{key} {base64.b64encode(value.encode()).decode()}" for key, value in values.items()
    )


def client_of(user, **defaults) -> Client:
    client = Client(**defaults)
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def create(client, work, length: int, *, slot="video", filename="我的微课.mp4", headers=None):
    sent = TUS | {
        "Upload-Length": str(length),
        "Upload-Metadata": metadata(work=str(work.pk), slot=slot, filename=filename),
    }
    return client.generic("POST", COLLECTION, b"", headers=sent | (headers or {}))


def created(client, work, length: int, **kwargs) -> str:
    """The new upload's URL."""
    response = create(client, work, length, **kwargs)
    assert response.status_code == 201, response.content
    return response["Location"]


def patch(client, url: str, data: bytes, offset: int, *, headers=None, **extra):
    sent = TUS | {"Upload-Offset": str(offset)} | (headers or {})
    extra.setdefault("CONTENT_TYPE", OFFSET)  # the test client leaves it out of empty bodies
    return client.generic("PATCH", url, data, content_type=OFFSET, headers=sent, **extra)


def head(client, url: str, *, headers=None):
    return client.head(url, headers=TUS | (headers or {}))


def delete(client, url: str):
    return client.delete(url, headers=TUS)


def stored_files() -> set[str]:
    root = private_root()
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}

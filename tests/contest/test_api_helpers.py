"""Helpers shared by the API tests (this module holds no tests)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

API = "/api/v1"


def client_for(user=None, **headers) -> APIClient:
    """A client that sends the user's API token, as a real client would; anonymous if no user."""
    client = APIClient(**headers)
    if user is not None:
        token, _created = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def assert_error(response, status: int, code: str | None = None, fields=()) -> dict:
    """The response is an error in the API's one shape, naming the given fields."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"code", "message", "fields"}, body
    assert isinstance(body["message"], str) and body["message"]
    if code is not None:
        assert body["code"] == code, body
    for name in fields:
        assert name in body["fields"], body
        assert all(isinstance(m, str) and m for m in body["fields"][name])
    return body


def count_queries(func) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = func()
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries)

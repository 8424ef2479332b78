"""The OpenAPI document is valid and warning-free; its documentation pages are self-hosted."""

import re

import pytest
import yaml
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command

URL_IN_HTML = re.compile(r"""https?://[^\s"'<>)]+""")
ASSET = re.compile(r"""(?:src|href)="([^"]+)\"""")


@pytest.mark.django_db
def test_schema_generates_without_warnings_and_validates(tmp_path):
    path = tmp_path / "schema.yaml"
    call_command("spectacular", file=str(path), fail_on_warn=True, validate=True)
    schema = yaml.safe_load(path.read_text())
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    for expected in [
        "/api/v1/auth/register/",
        "/api/v1/auth/token/",
        "/api/v1/me/",
        "/api/v1/contests/",
        "/api/v1/contests/{slug}/",
        "/api/v1/contests/{slug}/phase/",
        "/api/v1/contests/{contest_slug}/categories/{id}/",
        "/api/v1/contests/{contest_slug}/categories/generate/",
        "/api/v1/contests/{contest_slug}/groups/",
        "/api/v1/contests/{contest_slug}/subjects/{id}/",
        "/api/v1/contests/{contest_slug}/stages/",
    ]:
        assert expected in paths
    assert "put" not in paths["/api/v1/contests/{slug}/"]
    assert "password" not in schema["components"]["schemas"]["Profile"]["properties"]
    error = schema["components"]["schemas"]["Error"]
    assert set(error["properties"]) == {"code", "message", "fields"}


@pytest.mark.django_db
def test_schema_is_served(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")


@pytest.mark.parametrize("url", ["/api/schema/swagger/", "/api/schema/redoc/"])
@pytest.mark.django_db
def test_docs_pages_use_only_local_files(client, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    outside = [u for u in URL_IN_HTML.findall(html) if not u.startswith("http://testserver/")]
    assert outside == []
    static = "/" + settings.STATIC_URL.strip("/") + "/"
    assets = ASSET.findall(html)
    assert any(a.endswith(".js") for a in assets), html
    for asset in assets:
        assert asset.startswith(static), asset
        assert finders.find(asset.removeprefix(static).split("?")[0]), asset
    assert "/api/schema/" in html

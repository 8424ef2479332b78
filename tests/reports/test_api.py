"""Exports through the API: who may run them, direct files and generated files, downloads."""

import csv
import datetime as dt
import io

import pytest
from django.test import override_settings
from django.utils import timezone
from openpyxl import load_workbook

from reports.models import GeneratedFile
from reports.services.generated_files import generated_file_create, generated_file_produce
from tests import factories
from tests.contest.test_api_helpers import API, assert_error, client_for, count_queries
from tests.reports_factories import judged_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def data():
    return judged_round()


@pytest.fixture
def organiser(data):
    return factories.OrganiserFactory(contest=data.round.contest).user


def _export(data, key="works"):
    return f"{API}/contests/{data.round.contest.slug}/exports/{key}/"


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _done_file(data, user, **fields) -> GeneratedFile:
    generated = generated_file_create(
        contest=data.round.contest, kind="works", format="csv", created_by=user
    )
    generated_file_produce(generated_file_id=generated.pk, write=lambda out, p: out.write(b"x"))
    GeneratedFile.objects.filter(pk=generated.pk).update(**fields)
    return GeneratedFile.objects.get(pk=generated.pk)


def test_organiser_lists_the_exports(data, organiser):
    response = client_for(organiser).get(f"{API}/contests/{data.round.contest.slug}/exports/")
    assert response.status_code == 200
    keys = [item["key"] for item in response.json()]
    assert {"works", "assignments", "conflicts", "scores"} <= set(keys)
    scores = next(item for item in response.json() if item["key"] == "scores")
    assert scores["round_required"] is True and scores["formats"] == ["xlsx", "csv"]


@pytest.mark.parametrize(
    ("who", "status"), [("anonymous", 401), ("entrant", 403), ("judge", 403), ("other", 403)]
)
def test_others_are_refused(data, who, status):
    users = {
        "anonymous": None,
        "entrant": data.works[0].entrant,
        "judge": data.judges[0],
        "other": factories.OrganiserFactory().user,
    }
    client = client_for(users[who])
    assert_error(client.get(f"{API}/contests/{data.round.contest.slug}/exports/"), status)
    assert_error(client.post(_export(data), {"format": "csv"}, format="json"), status)
    assert not GeneratedFile.objects.exists()


def test_a_small_export_comes_back_as_the_file(data, organiser):
    response = client_for(organiser, HTTP_ACCEPT_LANGUAGE="en").post(
        _export(data), {"format": "csv"}, format="json"
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(_body(response).decode("utf-8-sig"))))
    assert rows[0][0] == "Anonymous code" and len(rows) == 5


def test_bad_filters_get_the_error_shape(data, organiser):
    client = client_for(organiser)
    assert_error(client.post(_export(data, "scores"), {}, format="json"), 400, fields=["round"])
    assert_error(
        client.post(_export(data), {"format": "pdf"}, format="json"), 400, fields=["format"]
    )
    assert_error(
        client.post(_export(data), {"category": 999999}, format="json"), 400, fields=["category"]
    )
    assert_error(client.post(_export(data, "nothing"), {}, format="json"), 404)
    assert_error(client.post(_export(data), {"colour": "red"}, format="json"), 400)


@override_settings(EXPORT_STREAM_ROW_LIMIT=1)
def test_a_large_export_becomes_a_generated_file(
    data, organiser, django_capture_on_commit_callbacks
):
    client = client_for(organiser, HTTP_ACCEPT_LANGUAGE="en")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _export(data, "scores"),
            {"format": "xlsx", "round": data.round.pk, "category": data.categories[0].pk},
            format="json",
        )
    assert response.status_code == 202
    body = response.json()
    assert body["state"] == "queued" and body["download_url"] is None
    detail = client.get(response["Location"])
    assert detail.status_code == 200
    polled = detail.json()
    assert (polled["state"], polled["progress"], polled["rows"]) == ("done", 100, 6)
    download = client.get(polled["download_url"])
    assert download.status_code == 200
    book = load_workbook(io.BytesIO(_body(download)))
    assert book.worksheets[0].cell(row=1, column=1).value == "Anonymous code"
    assert book.worksheets[0].max_row == 7


def test_background_can_be_asked_for_a_small_export(
    data, organiser, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(organiser).post(
            _export(data), {"format": "csv", "background": True}, format="json"
        )
    assert response.status_code == 202
    assert GeneratedFile.objects.get().state == "done"


def test_another_users_file_is_not_found(data, organiser):
    colleague = factories.OrganiserFactory(contest=data.round.contest).user
    generated = _done_file(data, colleague)
    client = client_for(organiser)
    assert_error(client.get(f"{API}/generated-files/{generated.pk}/"), 404)
    assert_error(client.get(f"{API}/generated-files/{generated.pk}/download/"), 404)
    assert client_for(colleague).get(f"{API}/generated-files/{generated.pk}/").status_code == 200
    assert_error(client_for(None).get(f"{API}/generated-files/{generated.pk}/"), 401)


def test_an_expired_file_is_gone(data, organiser):
    generated = _done_file(data, organiser, expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = client_for(organiser).get(f"{API}/generated-files/{generated.pk}/download/")
    assert_error(response, 410, code="expired")
    assert (
        client_for(organiser).get(f"{API}/generated-files/{generated.pk}/").json()["download_url"]
        is None
    )


def test_the_list_of_files_keeps_its_query_count(data, organiser):
    client = client_for(organiser)
    url = f"{API}/contests/{data.round.contest.slug}/generated-files/"
    _done_file(data, organiser)
    one = count_queries(lambda: client.get(url))
    for _ in range(3):
        _done_file(data, organiser)
    _done_file(data, organiser, expires_at=timezone.now())  # expired: not listed
    response = client.get(url)
    assert response.json()["count"] == 4
    assert count_queries(lambda: client.get(url)) == one


def test_the_creator_deletes_a_file(data, organiser):
    from contest.storage import private_path

    colleague = factories.OrganiserFactory(contest=data.round.contest).user
    generated = _done_file(data, organiser)
    path = private_path(generated.file)
    url = f"{API}/generated-files/{generated.pk}/"
    assert_error(client_for(colleague).delete(url), 404)
    assert client_for(organiser).delete(url).status_code == 204
    assert not GeneratedFile.objects.filter(pk=generated.pk).exists()
    assert not path.exists()

"""The reports page, direct and background exports, and downloads: who may do what."""

import csv
import datetime as dt
import io

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from reports.models import GeneratedFile
from reports.services.generated_files import generated_file_create
from tests import factories
from tests.reports_factories import judged_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def data():
    return judged_round()


@pytest.fixture
def organiser(data):
    return factories.OrganiserFactory(contest=data.round.contest).user


def _login(client, user, lang="en"):
    client.force_login(user)
    client.cookies["lang"] = lang
    return client


def _url(data, key="works"):
    return reverse("report_export", args=[data.round.contest.slug, key])


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_organiser_sees_the_page_with_every_export(client, data, organiser):
    response = _login(client, organiser).get(reverse("reports", args=[data.round.contest.slug]))
    assert response.status_code == 200
    for key in ("ranking", "awards", "judges", "scores", "assignments", "conflicts", "works"):
        assert f'data-export="{key}"'.encode() in response.content
    assert b'name="awards-round"' not in response.content  # the awards list takes no round
    assert b'name="judges-category"' not in response.content
    assert b"Reports and exports" in response.content


@pytest.mark.parametrize("who", ["entrant", "judge", "other_organiser"])
def test_others_are_refused_the_page_and_the_exports(client, data, who):
    contest = data.round.contest
    if who == "entrant":
        user = data.works[0].entrant
    elif who == "judge":
        user = data.judges[0]
    else:
        user = factories.OrganiserFactory().user  # of another contest
    _login(client, user)
    page = client.get(reverse("reports", args=[contest.slug]))
    export = client.post(_url(data), {"works-format": "csv"})
    assert page.status_code == 403 and export.status_code == 403
    assert not GeneratedFile.objects.exists()


def test_anonymous_visitors_go_to_login(client, data):
    response = client.get(reverse("reports", args=[data.round.contest.slug]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_small_csv_streams_in_the_chosen_language(client, data, organiser):
    response = _login(client, organiser, "en").post(_url(data), {"works-format": "csv"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="works-')
    rows = list(csv.reader(io.StringIO(_body(response).decode("utf-8-sig"))))
    assert rows[0][:2] == ["Anonymous code", "Title"]
    assert len(rows) == 5
    assert rows[1][3] == "Accepted"


def test_headers_follow_the_language(client, data, organiser):
    response = _login(client, organiser, "zh-hans").post(_url(data), {"works-format": "xlsx"})
    book = load_workbook(io.BytesIO(_body(response)))
    header = next(book.worksheets[0].iter_rows(values_only=True))
    english = _login(client, organiser, "en").post(_url(data), {"works-format": "xlsx"})
    english_header = next(
        load_workbook(io.BytesIO(_body(english))).worksheets[0].iter_rows(values_only=True)
    )
    assert english_header[0] == "Anonymous code"
    assert header[0] != english_header[0]


def test_a_required_round_is_asked_for(client, data, organiser):
    response = _login(client, organiser).post(_url(data, "scores"), {"scores-format": "xlsx"})
    assert response.status_code == 400
    assert b"This field is required." in response.content


def test_a_round_of_another_contest_is_refused(client, data, organiser):
    other = judged_round()
    response = _login(client, organiser).post(
        _url(data, "scores"), {"scores-format": "csv", "scores-round": other.round.pk}
    )
    assert response.status_code == 400
    assert not GeneratedFile.objects.exists()


@override_settings(EXPORT_STREAM_ROW_LIMIT=2)
def test_a_large_export_runs_in_the_background(
    client, data, organiser, django_capture_on_commit_callbacks
):
    _login(client, organiser)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _url(data, "scores"), {"scores-format": "xlsx", "scores-round": data.round.pk}
        )
    assert response.status_code == 302
    generated = GeneratedFile.objects.get()
    assert (generated.state, generated.progress, generated.rows) == ("done", 100, 12)
    assert generated.params == {"round": data.round.pk, "category": None}
    page = client.get(reverse("reports", args=[data.round.contest.slug]))
    download_url = reverse("generated_file_download", args=[generated.pk])
    assert download_url.encode() in page.content
    download = client.get(download_url)
    assert download.status_code == 200
    assert download["Content-Disposition"] == f'attachment; filename="scores-{generated.pk}.xlsx"'
    book = load_workbook(io.BytesIO(_body(download)))
    assert book.worksheets[0].max_row == 13
    status = client.get(reverse("reports_files", args=[data.round.contest.slug]))
    assert b"hx-get" not in status.content  # nothing left to wait for


def _file(data, user, **fields):
    generated = generated_file_create(
        contest=data.round.contest, kind="works", format="csv", created_by=user
    )
    from reports.services.generated_files import generated_file_produce

    generated_file_produce(generated_file_id=generated.pk, write=lambda out, p: out.write(b"a"))
    GeneratedFile.objects.filter(pk=generated.pk).update(**fields)
    return generated


def test_the_page_lists_only_export_files(client, data, organiser):
    generated_file_create(
        contest=data.round.contest, kind="certificates", format="zip", created_by=organiser
    )
    response = _login(client, organiser).get(reverse("reports", args=[data.round.contest.slug]))
    assert b"data-generated-file" not in response.content


def test_another_users_file_is_not_found(client, data, organiser):
    colleague = factories.OrganiserFactory(contest=data.round.contest).user
    generated = _file(data, colleague)
    response = _login(client, organiser).get(
        reverse("generated_file_download", args=[generated.pk])
    )
    assert response.status_code == 404
    assert (
        _login(client, colleague)
        .get(reverse("generated_file_download", args=[generated.pk]))
        .status_code
        == 200
    )


def test_a_former_organiser_cannot_download_their_file(client, data, organiser):
    generated = _file(data, organiser)
    data.round.contest.roles.filter(user=organiser).delete()
    response = _login(client, organiser).get(
        reverse("generated_file_download", args=[generated.pk])
    )
    assert response.status_code == 404


def test_an_expired_file_says_so(client, data, organiser):
    generated = _file(data, organiser, expires_at=timezone.now() - dt.timedelta(minutes=1))
    response = _login(client, organiser).get(
        reverse("generated_file_download", args=[generated.pk])
    )
    assert response.status_code == 410
    assert b"This file has expired" in response.content


def test_a_file_still_being_made_is_not_downloadable(client, data, organiser):
    generated = generated_file_create(
        contest=data.round.contest, kind="works", format="csv", created_by=organiser
    )
    _login(client, organiser)
    assert client.get(reverse("generated_file_download", args=[generated.pk])).status_code == 404
    status = client.get(reverse("reports_files", args=[data.round.contest.slug]))
    assert b"hx-get" in status.content and b"<progress" in status.content


def test_page_query_count_does_not_grow_with_files(
    client, data, organiser, django_assert_max_num_queries
):
    _login(client, organiser)
    url = reverse("reports", args=[data.round.contest.slug])
    _file(data, organiser)
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(3):
        _file(data, organiser)
    with CaptureQueriesContext(connection) as four:
        client.get(url)
    assert len(one) == len(four)

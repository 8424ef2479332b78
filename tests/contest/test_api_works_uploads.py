"""/api/v1/ uploads (raw streamed bodies), the media of a work, and the OpenAPI document."""

import datetime as dt
import hashlib
import os

import pytest
import yaml
from django.core.management import call_command
from django.utils import timezone

from contest.models import Attachment, Contest, VideoAsset
from contest.storage import private_root
from tests import factories
from tests import work_factories as wf
from tests.contest.test_api_helpers import API, assert_error, client_for
from tests.media_clips import make_clip

MB = 1024 * 1024
BYTES = os.urandom(4096)


def video_url(work) -> str:
    return f"{API}/works/{work.pk}/video"


def attachment_url(work, kind: str = "design") -> str:
    return f"{API}/works/{work.pk}/attachments/{kind}"


def media_url(work) -> str:
    return f"{API}/works/{work.pk}/media/"


def put(client, url, data: bytes = BYTES, content_type="application/octet-stream", **extra):
    return client.put(url, data, content_type=content_type, **extra)


def stored_files() -> set[str]:
    root = private_root()
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def work(contest):
    return wf.WorkFactory(contest=contest)


# --- The video


@pytest.mark.django_db
def test_video_upload_is_received_then_refused_with_a_reason(
    work, django_capture_on_commit_callbacks
):
    client = client_for(work.entrant, HTTP_ACCEPT_LANGUAGE="en")
    with django_capture_on_commit_callbacks(execute=True):
        response = put(client, video_url(work), HTTP_X_FILE_NAME="%E6%95%99%E5%AD%A6.mp4")
    assert response.status_code == 201, response.content
    body = response.json()
    video = VideoAsset.objects.get()
    assert body["id"] == str(video.uuid)
    assert (body["size"], body["sha256"]) == (len(BYTES), hashlib.sha256(BYTES).hexdigest())
    assert body["state"] in {"uploaded", "failed"}
    assert video.original_name == "教学.mp4"
    media = client.get(media_url(work)).json()
    assert media["video"] is None
    latest = media["latest_video"]
    assert latest["id"] == str(video.uuid) and latest["state"] == "failed"
    assert latest["error_code"] == "not_video"
    assert "not a video" in latest["error_message"]
    assert latest["urls"]["blind"] is None and latest["urls"]["poster"] is None


@pytest.mark.django_db
def test_a_real_clip_becomes_ready_and_the_work_can_be_submitted(
    contest, work, tmp_path, django_capture_on_commit_callbacks
):
    Contest.objects.filter(pk=contest.pk).update(
        min_duration_seconds=1, min_width=320, min_height=240, required_attachments=[]
    )
    clip = make_clip(tmp_path / "clip.mp4", seconds=2)
    client = client_for(work.entrant)
    with django_capture_on_commit_callbacks(execute=True):
        response = put(client, video_url(work), clip.read_bytes(), content_type="video/mp4")
    assert response.status_code == 201, response.content
    video = client.get(media_url(work)).json()["video"]
    assert video["state"] == "ready" and video["is_current"] is True
    assert (video["width"], video["height"]) == (320, 240)
    assert video["urls"]["blind"].startswith("http://testserver/media/videos/")
    # The download links work with the same API token.
    blind = client.get(video["urls"]["blind"])
    assert blind.status_code == 200 and blind["Content-Type"] == "video/mp4"
    assert client_for().get(video["urls"]["blind"]).status_code == 302  # anonymous: log in
    stranger = client_for(wf.WorkFactory().entrant)
    assert stranger.get(video["urls"]["blind"]).status_code == 404
    response = client.post(
        f"{API}/works/{work.pk}/submit/", {"accept_licence": True}, format="json"
    )
    assert response.json()["status"] == "submitted"


@pytest.mark.django_db
def test_a_refused_replacement_keeps_the_checked_video(work, django_capture_on_commit_callbacks):
    current = wf.VideoAssetFactory(work=work)
    client = client_for(work.entrant)
    with django_capture_on_commit_callbacks(execute=True):
        put(client, video_url(work))
    media = client.get(media_url(work)).json()
    assert media["video"]["id"] == str(current.uuid)
    assert media["latest_video"]["state"] == "failed"


@pytest.mark.django_db
def test_upload_needs_a_stated_length(work):
    client = client_for(work.entrant, HTTP_ACCEPT_LANGUAGE="en")
    body = assert_error(client.put(video_url(work)), 411, "length_required")
    assert "Content-Length" in body["message"]
    assert_error(put(client, video_url(work), CONTENT_LENGTH=""), 411)
    assert_error(put(client, video_url(work), CONTENT_LENGTH="-5"), 411)
    assert not VideoAsset.objects.exists()


@pytest.mark.django_db
def test_upload_over_the_cap_is_refused_from_the_header_before_reading(work):
    before = stored_files()
    # The body is far shorter than declared: reading it would fail, so nothing was read.
    response = put(client_for(work.entrant), video_url(work), CONTENT_LENGTH=str(501 * MB))
    assert_error(response, 413, "too_large")
    assert not VideoAsset.objects.exists()
    assert stored_files() == before


@pytest.mark.django_db
def test_upload_after_the_deadline_is_a_conflict_and_stores_nothing(contest, work):
    Contest.objects.filter(pk=contest.pk).update(
        submission_closes_at=timezone.now() - dt.timedelta(seconds=1)
    )
    before = stored_files()
    assert_error(put(client_for(work.entrant), video_url(work)), 409, "deadline_passed")
    assert_error(put(client_for(work.entrant), attachment_url(work)), 409, "deadline_passed")
    assert not VideoAsset.objects.exists() and not Attachment.objects.exists()
    assert stored_files() == before


@pytest.mark.parametrize(
    "content_type", ["application/json", "multipart/form-data; boundary=x", "application/pdf"]
)
@pytest.mark.django_db
def test_video_upload_takes_only_the_raw_file(work, content_type):
    response = put(client_for(work.entrant), video_url(work), content_type=content_type)
    assert_error(response, 415, "unsupported_media_type")
    assert not VideoAsset.objects.exists()


@pytest.mark.django_db
def test_only_the_entrant_uploads(contest, organiser, work):
    assert_error(put(client_for(organiser), video_url(work)), 403)
    assert_error(put(client_for(organiser), attachment_url(work)), 403)
    for user in (factories.UserFactory(), factories.JudgeFactory(contest=contest).user):
        assert_error(put(client_for(user), video_url(work)), 404)
    assert_error(put(client_for(), video_url(work)), 401)
    assert_error(put(client_for(work.entrant), f"{API}/works/999999/video"), 404)
    assert not VideoAsset.objects.exists() and not Attachment.objects.exists()


# --- Attachments


@pytest.mark.django_db
def test_attachment_upload(work, django_capture_on_commit_callbacks):
    client = client_for(work.entrant)
    with django_capture_on_commit_callbacks(execute=True):
        response = put(
            client,
            attachment_url(work, "slides"),
            b"just text, no slides",
            content_type="application/vnd.openxmlformats-officedocument."
            "presentationml.presentation",
            HTTP_X_FILE_NAME="C:\\课件\\课件.pptx",
        )
    assert response.status_code == 201, response.content
    assert response.json()["kind"] == "slides"
    attachment = Attachment.objects.get()
    assert attachment.original_name == "课件.pptx"
    latest = client.get(media_url(work)).json()["latest_attachments"]
    assert [(a["kind"], a["state"]) for a in latest] == [("slides", "failed")]
    assert latest[0]["error_message"]


@pytest.mark.django_db
def test_attachment_upload_refuses_unknown_kinds_and_types(work):
    client = client_for(work.entrant)
    assert_error(put(client, attachment_url(work, "video")), 400, fields=["kind"])
    assert_error(put(client, attachment_url(work), content_type="video/mp4"), 415)
    assert not Attachment.objects.exists()


# --- Media


@pytest.mark.django_db
def test_media_of_a_complete_work(contest, organiser, work):
    wf.complete(work)
    for user in (work.entrant, organiser):
        media = client_for(user).get(media_url(work)).json()
        video = media["video"]
        assert video["state"] == "ready" and video["duration"] == "420.00"
        assert video["urls"]["poster"].endswith(f"/media/videos/{video['id']}/poster.jpg")
        assert video["urls"]["original"].endswith(f"/media/videos/{video['id']}/original")
        [design] = media["attachments"]
        assert design["kind"] == "design"
        assert design["urls"]["sanitised"].endswith(f"/media/attachments/{design['id']}/sanitised")


@pytest.mark.django_db
def test_media_is_hidden_from_everyone_else(contest, work):
    wf.complete(work)
    assert_error(client_for().get(media_url(work)), 401)
    elsewhere = factories.OrganiserFactory(contest=factories.ContestFactory(phase="open")).user
    for user in (factories.UserFactory(), factories.JudgeFactory(contest=contest).user, elsewhere):
        assert_error(client_for(user).get(media_url(work)), 404)


# --- The OpenAPI document


WORK_OPERATIONS = {
    ("/api/v1/contests/{contest_slug}/works/", "get"): {400, 401, 404},
    ("/api/v1/contests/{contest_slug}/works/", "post"): {400, 401, 403, 404, 409},
    ("/api/v1/contests/{contest_slug}/works/screen/", "post"): {400, 401, 403, 404},
    ("/api/v1/works/{id}/", "get"): {401, 404},
    ("/api/v1/works/{id}/", "patch"): {400, 401, 403, 404, 409},
    ("/api/v1/works/{id}/submit/", "post"): {400, 401, 403, 404, 409},
    ("/api/v1/works/{id}/withdraw/", "post"): {401, 403, 404, 409},
    ("/api/v1/works/{id}/endorse/", "post"): {401, 403, 404, 409},
    ("/api/v1/works/{id}/screen/", "post"): {400, 401, 403, 404, 409},
    ("/api/v1/works/{id}/media/", "get"): {401, 404},
    ("/api/v1/works/{id}/video", "put"): {400, 401, 403, 404, 409, 411, 413, 415},
    ("/api/v1/works/{id}/attachments/{kind}", "put"): {400, 401, 403, 404, 409, 411, 413, 415},
}


@pytest.mark.django_db
def test_schema_documents_the_works_endpoints_and_their_errors(tmp_path):
    path = tmp_path / "schema.yaml"
    call_command("spectacular", file=str(path), fail_on_warn=True, validate=True)
    schema = yaml.safe_load(path.read_text())
    error = {"$ref": "#/components/schemas/Error"}
    for (url, method), statuses in WORK_OPERATIONS.items():
        responses = schema["paths"][url][method]["responses"]
        for status in statuses:
            assert responses[str(status)]["content"]["application/json"]["schema"] == error, (
                url,
                method,
                status,
            )
    upload = schema["paths"]["/api/v1/works/{id}/video"]["put"]
    assert "application/octet-stream" in upload["requestBody"]["content"]
    assert "X-File-Name" in {p["name"] for p in upload["parameters"]}
    work = schema["components"]["schemas"]["Work"]["properties"]
    assert {"anonymous_code", "status", "status_reason", "missing"} <= set(work)
    assert not any("judge" in name for name in work)

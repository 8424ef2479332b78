"""Resumable uploads over tus 1.0.0: discovery, creation, offsets, completion into the plain
upload's pipeline (a real clip becomes a checked video), termination, and who may do what."""

import hashlib
import itertools
from decimal import Decimal

import pytest
from django.test import Client
from django.utils.http import parse_http_date

from contest.models import Attachment, Contest, ProcessingState, ResumableUpload, VideoAsset
from contest.storage import private_path
from tests import factories
from tests import work_factories as wf
from tests.contest.media.documents import make_pdf
from tests.contest.tus_client import (
    COLLECTION,
    TUS,
    client_of,
    create,
    created,
    delete,
    head,
    patch,
    stored_files,
)
from tests.media_clips import make_clip

MB = 1024 * 1024


@pytest.fixture
def work(contest):
    Contest.objects.filter(pk=contest.pk).update(
        min_duration_seconds=1, min_width=320, min_height=240, title_card_seconds=Decimal("0.5")
    )
    return wf.WorkFactory(contest=contest)


@pytest.fixture
def client(work):
    return client_of(work.entrant)


@pytest.mark.django_db
def test_options_advertise_the_protocol_and_the_largest_cap(contest):
    Contest.objects.filter(pk=contest.pk).update(max_file_size_mb=700)
    response = Client().options(COLLECTION)
    assert response.status_code == 204
    assert response["Tus-Version"] == "1.0.0"
    assert set(response["Tus-Extension"].split(",")) == {
        "creation",
        "termination",
        "checksum",
        "expiration",
    }
    assert response["Tus-Checksum-Algorithm"] == "sha1"
    assert response["Tus-Max-Size"] == str(700 * MB)


@pytest.mark.django_db
def test_a_clip_sent_in_three_pieces_becomes_the_works_checked_video(
    work, client, tmp_path, django_capture_on_commit_callbacks
):
    data = make_clip(tmp_path / "clip.mp4", seconds=2).read_bytes()
    response = create(client, work, len(data))
    assert response.status_code == 201, response.content
    assert response["Tus-Resumable"] == "1.0.0" and response["Upload-Offset"] == "0"
    assert parse_http_date(response["Upload-Expires"]) > 0
    url = response["Location"]
    assert url.startswith("/uploads/tus/")
    upload = ResumableUpload.objects.get()
    assert (upload.work, upload.uploader, upload.slot) == (work, work.entrant, "video")
    assert upload.original_name == "我的微课.mp4"
    partial_name = upload.file

    cuts = [0, len(data) // 3, 2 * len(data) // 3, len(data)]
    for start, end in itertools.pairwise(cuts[:3]):
        response = patch(client, url, data[start:end], start)
        assert response.status_code == 204, response.content
        assert response["Upload-Offset"] == str(end)
        assert "Upload-Expires" in response
        probe = head(client, url)
        assert probe.status_code == 200
        assert (probe["Upload-Offset"], probe["Upload-Length"]) == (str(end), str(len(data)))
        assert probe["Cache-Control"] == "no-store"
    assert not VideoAsset.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = patch(client, url, data[cuts[2] :], cuts[2])
    assert response.status_code == 204, response.content
    assert response["Upload-Offset"] == str(len(data)) and "Upload-Expires" not in response
    video = VideoAsset.objects.get()
    assert video.state == ProcessingState.READY and video.is_current
    assert (video.size, video.sha256) == (len(data), hashlib.sha256(data).hexdigest())
    assert video.original_name == "我的微课.mp4"
    assert private_path(video.blind_file).exists()
    upload.refresh_from_db()
    assert upload.state == "complete" and upload.media_uuid == video.uuid
    assert upload.file == "" and not private_path(partial_name).exists()
    # A client that missed the answer asks again and learns that the upload is finished.
    assert head(client, url)["Upload-Offset"] == str(len(data))


@pytest.mark.django_db
def test_finishing_twice_makes_one_video(work, client, django_capture_on_commit_callbacks):
    data = b"not a video at all" * 100
    url = created(client, work, len(data))
    with django_capture_on_commit_callbacks(execute=True):
        assert patch(client, url, data, 0).status_code == 204
        again = patch(client, url, b"", len(data))
    assert again.status_code == 204 and again["Upload-Offset"] == str(len(data))
    assert patch(client, url, b"more", len(data)).status_code == 409
    assert patch(client, url, data, 0).status_code == 409
    video = VideoAsset.objects.get()
    assert video.state == ProcessingState.FAILED and video.error_code == "not_video"


@pytest.mark.django_db
def test_an_attachment_goes_through_the_same_pipeline(
    contest, work, client, tmp_path, django_capture_on_commit_callbacks
):
    data = make_pdf(tmp_path / "设计.pdf").read_bytes()
    url = created(client, work, len(data), slot="design", filename="教学设计.pdf")
    with django_capture_on_commit_callbacks(execute=True):
        assert patch(client, url, data, 0).status_code == 204
    attachment = Attachment.objects.get()
    assert (attachment.kind, attachment.state, attachment.doc_type) == ("design", "ready", "pdf")
    assert attachment.original_name == "教学设计.pdf"


@pytest.mark.django_db
def test_termination_deletes_the_partial_file(work, client):
    url = created(client, work, 1000)
    assert patch(client, url, b"x" * 400, 0).status_code == 204
    name = ResumableUpload.objects.get().file
    assert private_path(name).stat().st_size == 400
    response = delete(client, url)
    assert response.status_code == 204 and response["Tus-Resumable"] == "1.0.0"
    assert not ResumableUpload.objects.exists()
    assert not private_path(name).exists()
    assert head(client, url).status_code == 404
    assert patch(client, url, b"x", 400).status_code == 404


@pytest.mark.django_db
def test_a_new_upload_for_the_same_slot_ends_the_unfinished_one(work, client):
    first = created(client, work, 1000)
    patch(client, first, b"x" * 10, 0)
    old_file = ResumableUpload.objects.get().file
    created(client, work, 500, slot="design")
    second = created(client, work, 2000)
    assert head(client, first).status_code == 404
    assert head(client, second).status_code == 200
    assert not private_path(old_file).exists()
    assert sorted(ResumableUpload.objects.values_list("slot", flat=True)) == ["design", "video"]


# --- Who may upload


@pytest.mark.django_db
def test_another_users_work_and_upload_are_not_found(work, client):
    url = created(client, work, 1000)
    stranger = client_of(wf.WorkFactory(contest=work.contest).entrant)
    before = stored_files()
    response = create(stranger, work, 1000)
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert head(stranger, url).status_code == 404
    assert patch(stranger, url, b"x" * 10, 0).status_code == 404
    assert delete(stranger, url).status_code == 404
    assert ResumableUpload.objects.get().offset == 0
    assert stored_files() == before
    # An organiser of the contest may see the work but not upload to it.
    organiser = client_of(factories.OrganiserFactory(contest=work.contest).user)
    assert create(organiser, work, 1000).status_code == 404


@pytest.mark.django_db
def test_anonymous_requests_are_refused(work):
    response = create(Client(), work, 1000)
    assert response.status_code == 401 and response.json()["code"] == "not_authenticated"
    assert not ResumableUpload.objects.exists()


@pytest.mark.django_db
def test_unsafe_methods_need_the_csrf_token(work):
    client = client_of(work.entrant, enforce_csrf_checks=True)
    client.get(f"/works/{work.pk}/")  # the page sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    assert create(client, work, 1000).status_code == 403
    assert not ResumableUpload.objects.exists()
    response = create(client, work, 1000, headers={"X-CSRFToken": token})
    assert response.status_code == 201
    url = response["Location"]
    assert patch(client, url, b"x" * 10, 0).status_code == 403
    assert patch(client, url, b"x" * 10, 0, headers={"X-CSRFToken": token}).status_code == 204
    assert head(client, url).status_code == 200  # safe: no token needed
    assert client.delete(url, headers=TUS).status_code == 403
    assert client.delete(url, headers=TUS | {"X-CSRFToken": token}).status_code == 204


@pytest.mark.django_db
def test_a_work_that_can_no_longer_change_refuses_with_403(contest, work, client):
    url = created(client, work, 1000)
    work.status = "submitted"
    work.save(update_fields=["status"])
    before = stored_files()
    response = create(client, work, 1000)
    assert response.status_code == 403 and response.json()["code"] == "not_editable"
    response = patch(client, url, b"x" * 10, 0)
    assert response.status_code == 403 and "can no longer be changed" in response.json()["message"]
    assert ResumableUpload.objects.get().offset == 0
    assert stored_files() == before

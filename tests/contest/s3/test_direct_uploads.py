"""Uploads from the browser straight into the bucket, against the local S3 endpoint: the test
plays the browser (JSON calls to our views, PUTs of slices to presigned part URLs)."""

import io
import json
import re

import pytest
import requests
from django.test import Client, TestCase
from django.urls import reverse
from pypdf import PdfReader, PdfWriter

from contest.models import Attachment, ProcessingState, VideoAsset
from tests import factories
from tests import work_factories as wf
from tests.media_clips import make_clip
from tests.s3_endpoint import PART_SIZE, keys

pytestmark = pytest.mark.django_db
ORIGINAL_NAME = "王喆-勾股定理-第一中学.mp4"


@pytest.fixture
def work():
    contest = factories.ContestFactory(
        phase="open", min_duration_seconds=1, min_width=160, min_height=120, max_file_size_mb=1
    )
    return wf.WorkFactory(contest=contest, entrant__real_name="王喆")


@pytest.fixture(scope="module")
def clip(tmp_path_factory) -> bytes:
    data = make_clip(tmp_path_factory.mktemp("clip") / "clip.mp4", seconds=2).read_bytes()
    assert len(data) > 2 * PART_SIZE  # several parts
    return data


def browser(user) -> Client:
    client = Client(enforce_csrf_checks=False)
    client.force_login(user)
    return client


def call(client, name: str, data: dict, *args):
    return client.post(reverse(name, args=args), json.dumps(data), content_type="application/json")


def start(client, work, size: int, *, kind=None, name=ORIGINAL_NAME):
    if kind is None:
        return call(client, "direct_upload_video", {"size": size, "name": name}, work.pk)
    return call(client, "direct_upload_attachment", {"size": size, "name": name}, work.pk, kind)


def send_parts(client, ticket: str, data: bytes, part_size: int, numbers: list[int]) -> None:
    urls = call(client, "direct_upload_parts", {"ticket": ticket, "parts": numbers}).json()["urls"]
    for number in numbers:
        piece = data[(number - 1) * part_size : number * part_size]
        # What a browser's fetch sends: the bytes, no checksum or signature headers.
        response = requests.put(urls[str(number)], data=piece, timeout=10)
        assert response.status_code == 200, response.text


def upload(client, work, data: bytes, *, kind=None) -> dict:
    started = start(client, work, len(data), kind=kind)
    assert started.status_code == 201, started.content
    body = started.json()
    numbers = list(range(1, body["part_count"] + 1))
    send_parts(client, body["ticket"], data, body["part_size"], numbers)
    return finish(client, body["ticket"])


def finish(client, ticket: str) -> dict:
    """Complete, then run what waits for the commit (the check, run inline in tests)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        done = call(client, "direct_upload_complete", {"ticket": ticket})
    assert done.status_code == 201, done.content
    return done.json()


def test_a_video_goes_up_in_parts_and_is_checked_like_any_upload(s3, work, clip):
    result = upload(browser(work.entrant), work, clip)

    video = VideoAsset.objects.get(uuid=result["id"])
    assert (video.state, video.is_current, video.size) == (ProcessingState.READY, True, len(clip))
    assert video.original_name == ORIGINAL_NAME  # kept for the entrant, in our database only
    assert len(video.sha256) == 64  # the worker hashed what it downloaded
    assert keys(s3) == sorted([video.file, video.blind_file, video.poster_file])
    original = s3.get_object(Bucket=s3.bucket, Key=video.file)["Body"].read()
    assert original == clip


def test_keys_and_object_metadata_say_nothing_about_the_entrant(s3, work, clip):
    result = upload(browser(work.entrant), work, clip)
    video = VideoAsset.objects.get(uuid=result["id"])
    identities = [work.entrant.real_name, work.entrant.institution.name, ORIGINAL_NAME, "王喆"]
    identities += [work.entrant.email, work.anonymous_code, work.title]
    for key in keys(s3):
        # Random hex and the kind of file, nothing else (so no ids, no names).
        assert re.fullmatch(r"(videos|blind|posters)/[0-9a-f]{2}/[0-9a-f]{32}(\.mp4|\.jpg)?", key)
        assert not any(part in key for part in identities)
        head = s3.head_object(Bucket=s3.bucket, Key=key)
        assert head["Metadata"] == {}
        assert head["ContentType"] == "application/octet-stream"
        assert "ContentDisposition" not in head
    assert video.blind_file.startswith("blind/") and video.file.startswith("videos/")


def test_an_interrupted_upload_resumes_from_the_parts_the_bucket_holds(s3, work, clip):
    client = browser(work.entrant)
    body = start(client, work, len(clip)).json()
    send_parts(client, body["ticket"], clip, body["part_size"], [1, 3])

    received = call(client, "direct_upload_received", {"ticket": body["ticket"]}).json()["parts"]
    assert [part["number"] for part in received] == [1, 3]
    assert received[0]["size"] == PART_SIZE

    missing = [n for n in range(1, body["part_count"] + 1) if n not in (1, 3)]
    send_parts(client, body["ticket"], clip, body["part_size"], missing)
    assert VideoAsset.objects.get(uuid=finish(client, body["ticket"])["id"]).state == "ready"


def test_finishing_with_missing_parts_is_refused_and_the_upload_stays_open(s3, work, clip):
    client = browser(work.entrant)
    body = start(client, work, len(clip)).json()
    send_parts(client, body["ticket"], clip, body["part_size"], [1])

    response = call(client, "direct_upload_complete", {"ticket": body["ticket"]})
    assert response.status_code == 400
    assert response.json()["code"] == "parts_missing"
    assert not VideoAsset.objects.exists()
    assert keys(s3) == []
    open_uploads = s3.list_multipart_uploads(Bucket=s3.bucket).get("Uploads", [])
    assert len(open_uploads) == 1  # the entrant can still send the rest


def test_a_size_over_the_cap_is_refused_before_any_byte(s3, work):
    response = start(browser(work.entrant), work, 1024 * 1024 + 1)
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert s3.list_multipart_uploads(Bucket=s3.bucket).get("Uploads", []) == []


@pytest.mark.parametrize("size", [0, -5, "12", None])
def test_a_missing_or_empty_size_is_refused(s3, work, size):
    response = call(browser(work.entrant), "direct_upload_video", {"size": size}, work.pk)
    assert response.status_code == 400
    assert s3.list_multipart_uploads(Bucket=s3.bucket).get("Uploads", []) == []


def test_parts_adding_up_to_another_size_are_refused_and_dropped(s3, work):
    client = browser(work.entrant)
    body = start(client, work, 1000).json()
    send_parts(client, body["ticket"], b"\x00" * 600, body["part_size"], [1])

    response = call(client, "direct_upload_complete", {"ticket": body["ticket"]})
    assert (response.status_code, response.json()["code"]) == (400, "size_mismatch")
    assert keys(s3) == []
    assert s3.list_multipart_uploads(Bucket=s3.bucket).get("Uploads", []) == []


def test_a_file_that_is_not_a_video_is_refused_from_its_first_bytes_and_deleted(s3, work):
    data = b"#EXTM3U\n#EXT-X-VERSION:3\nhttp://example.org/a.ts\n" * 10
    client = browser(work.entrant)
    body = start(client, work, len(data)).json()
    send_parts(client, body["ticket"], data, body["part_size"], [1])

    response = call(client, "direct_upload_complete", {"ticket": body["ticket"]})
    assert (response.status_code, response.json()["code"]) == (400, "not_video")
    assert keys(s3) == []
    assert not VideoAsset.objects.exists()


def test_part_urls_only_for_the_parts_the_declared_size_needs(s3, work):
    client = browser(work.entrant)
    body = start(client, work, PART_SIZE * 2).json()
    for numbers in ([0], [3], [], "1", list(range(1, 200))):
        response = call(client, "direct_upload_parts", {"ticket": body["ticket"], "parts": numbers})
        assert response.status_code == 400


def test_an_attachment_goes_up_and_gets_its_clean_copy(s3, work):
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Author": "王喆"})
    out = io.BytesIO()
    writer.write(out)
    pdf = out.getvalue()
    result = upload(browser(work.entrant), work, pdf, kind="design")
    attachment = Attachment.objects.get(uuid=result["id"])
    assert attachment.state == ProcessingState.READY, attachment.error_code
    assert keys(s3) == sorted([attachment.file, attachment.sanitised_file])
    clean = s3.get_object(Bucket=s3.bucket, Key=attachment.sanitised_file)["Body"].read()
    assert PdfReader(io.BytesIO(clean)).metadata in (None, {})


def test_giving_up_drops_the_parts(s3, work, clip):
    client = browser(work.entrant)
    body = start(client, work, len(clip)).json()
    send_parts(client, body["ticket"], clip, body["part_size"], [1])
    assert call(client, "direct_upload_abort", {"ticket": body["ticket"]}).status_code == 200
    assert s3.list_multipart_uploads(Bucket=s3.bucket).get("Uploads", []) == []
    response = call(client, "direct_upload_received", {"ticket": body["ticket"]})
    assert response.status_code == 404


def test_nobody_else_can_start_or_use_an_upload(s3, work, clip):
    owner = browser(work.entrant)
    body = start(owner, work, len(clip)).json()
    ticket = body["ticket"]
    stranger = browser(factories.UserFactory())
    organiser = browser(factories.OrganiserFactory(contest=work.contest).user)
    for client in (stranger, organiser):
        assert start(client, work, len(clip)).status_code == 404
        for name in ("direct_upload_received", "direct_upload_complete", "direct_upload_abort"):
            assert call(client, name, {"ticket": ticket}).status_code == 404
        assert (
            call(client, "direct_upload_parts", {"ticket": ticket, "parts": [1]}).status_code == 404
        )
    forged = ticket[:-3] + ("aaa" if not ticket.endswith("aaa") else "bbb")
    assert call(owner, "direct_upload_received", {"ticket": forged}).status_code == 404
    assert call(owner, "direct_upload_received", {"ticket": ticket}).status_code == 200


def test_anonymous_callers_must_log_in(s3, work):
    response = start(Client(), work, 100)
    assert response.status_code == 401
    assert Client().get(reverse("direct_upload_video", args=[work.pk])).status_code in (401, 405)


def test_a_work_that_can_no_longer_change_takes_no_upload(s3, work, clip):
    client = browser(work.entrant)
    body = start(client, work, len(clip)).json()
    type(work).objects.filter(pk=work.pk).update(status="submitted")
    response = call(client, "direct_upload_complete", {"ticket": body["ticket"]})
    assert response.status_code in (404, 409)
    assert start(client, work, len(clip)).status_code in (404, 409)
    assert not VideoAsset.objects.exists()


def test_without_a_bucket_there_are_no_direct_uploads(work):
    response = start(browser(work.entrant), work, 100)
    assert (response.status_code, response.json()["code"]) == (404, "direct_uploads_off")

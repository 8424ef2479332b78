"""Files in the bucket reach people only through our views: permission first, then a redirect
to a short-lived presigned URL that names the file by the anonymous code."""

import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.test import Client, TestCase
from django.urls import reverse

from contest.media.store import store
from contest.models import ProcessingState, VideoAsset
from contest.services.media import video_full_copy
from judging.models import RoundWork
from tests import factories
from tests import judging_factories as jf
from tests import work_factories as wf
from tests.media_clips import make_clip
from tests.s3_endpoint import keys

pytestmark = pytest.mark.django_db
ORIGINAL_NAME = "王喆-勾股定理-第一中学.mp4"


@pytest.fixture
def video(s3, tmp_path) -> VideoAsset:
    """A video uploaded through the plain API path (PUT), processed into the bucket, of a work
    then accepted into a round."""
    contest = factories.ContestFactory(
        phase="open", min_duration_seconds=1, min_width=160, min_height=120
    )
    work = wf.WorkFactory(contest=contest, entrant__real_name="王喆")
    clip = make_clip(tmp_path / "clip.mp4", seconds=2).read_bytes()
    client = Client()
    client.force_login(work.entrant)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.put(
            reverse("video_upload", args=[work.pk]),
            clip,
            content_type="video/mp4",
            headers={"X-File-Name": "clip.mp4"},
        )
    assert response.status_code == 201, response.content
    video = VideoAsset.objects.get(uuid=response.json()["id"])
    assert video.state == ProcessingState.READY
    type(work).objects.filter(pk=work.pk).update(status="accepted")
    return video


@pytest.fixture
def judge(video):
    round_ = jf.RoundFactory(contest=video.work.contest)
    RoundWork.objects.create(round=round_, work=video.work)
    return jf.assignment(round_, work=video.work).judge


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_plain_uploads_land_in_the_bucket_and_not_on_disk(s3, video, settings):
    assert keys(s3) == sorted([video.file, video.blind_file, video.poster_file])
    left = [p for p in settings.PRIVATE_MEDIA_ROOT.rglob("*") if p.is_file()]
    assert left == []  # scratch files of the upload and of the worker are gone


def test_the_judge_plays_the_blind_copy_from_a_presigned_url_with_ranges(s3, video, judge):
    response = signed_in(judge).get(reverse("video_blind", args=[video.uuid]))
    assert response.status_code == 302
    assert response["Cache-Control"] == "private, no-store"
    url = response["Location"]
    assert urlsplit(url).path == f"/{s3.bucket}/{video.blind_file}"  # the random key only

    played = requests.get(url, headers={"Range": "bytes=0-1023"}, timeout=10)
    assert played.status_code == 206
    assert played.headers["Content-Range"].startswith("bytes 0-1023/")
    assert played.headers["Content-Type"] == "video/mp4"
    code = video.work.anonymous_code
    assert played.headers["Content-Disposition"] == f'inline; filename="{code}.mp4"'
    assert played.content[4:8] == b"ftyp"

    poster = signed_in(judge).get(reverse("video_poster", args=[video.uuid]))
    image = requests.get(poster["Location"], timeout=10)
    assert image.headers["Content-Type"] == "image/jpeg"
    assert image.content.startswith(b"\xff\xd8")


def test_nothing_in_what_the_judge_reaches_names_the_entrant(s3, video, judge):
    url = signed_in(judge).get(reverse("video_blind", args=[video.uuid]))["Location"]
    played = requests.get(url, timeout=10)
    shown = url + str(played.headers)
    for secret in ("王喆", video.work.entrant.email, ORIGINAL_NAME, "clip.mp4", video.work.title):
        assert secret not in shown
    assert "王喆".encode() not in played.content
    assert parse_qs(urlsplit(url).query)["X-Amz-Expires"] == ["60"]


def test_the_judge_gets_no_original(s3, video, judge):
    response = signed_in(judge).get(reverse("video_original", args=[video.uuid]))
    assert response.status_code in (403, 404)


def test_the_entrants_original_is_named_by_the_code_not_by_the_file_name(s3, video):
    response = signed_in(video.work.entrant).get(reverse("video_original", args=[video.uuid]))
    got = requests.get(response["Location"], timeout=10)
    code = video.work.anonymous_code
    assert got.headers["Content-Disposition"] == f'inline; filename="{code}-original.mp4"'
    assert len(got.content) == video.size


def test_other_people_get_404_and_no_url(s3, video):
    for user in (factories.UserFactory(), factories.OrganiserFactory().user):
        for name in ("video_blind", "video_original", "video_poster"):
            response = signed_in(user).get(reverse(name, args=[video.uuid]))
            assert response.status_code == 404
            assert "Location" not in response


def test_an_expired_url_is_refused_by_the_bucket(s3, video, judge, settings):
    settings.S3_PRESIGN_SECONDS = 1
    url = signed_in(judge).get(reverse("video_blind", args=[video.uuid]))["Location"]
    assert requests.get(url, timeout=10).status_code == 200
    time.sleep(2.1)
    refused = requests.get(url, headers={"Range": "bytes=0-10"}, timeout=10)
    assert refused.status_code == 403
    assert "expired" in refused.text


def test_a_url_changed_to_reach_another_file_is_refused(s3, video, judge):
    url = signed_in(judge).get(reverse("video_blind", args=[video.uuid]))["Location"]
    for changed in (
        url.replace(video.blind_file, video.file),  # the original instead of the blind copy
        url.replace("inline", "attachment"),  # another file name or disposition
    ):
        assert requests.get(changed, timeout=10).status_code == 403


def test_replacing_a_video_deletes_the_old_objects(s3, video, tmp_path):
    work = video.work
    type(work).objects.filter(pk=work.pk).update(status="draft")
    old = {video.file, video.blind_file, video.poster_file}
    clip = make_clip(tmp_path / "again.mp4", seconds=2, width=240, height=180).read_bytes()
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = signed_in(work.entrant).put(
            reverse("video_upload", args=[work.pk]), clip, content_type="video/mp4"
        )
    assert response.status_code == 201
    assert not old & set(keys(s3))
    assert not store().exists(video.file)


def test_the_copy_that_keeps_the_title_card_is_made_into_the_bucket_once(s3, video):
    assert video_full_copy(video_id=video.pk)
    video.refresh_from_db()
    assert video.full_file in keys(s3) and video.full_file != video.blind_file
    assert not video_full_copy(video_id=video.pk)  # it exists: nothing to do

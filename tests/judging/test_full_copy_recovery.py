"""Uncut judges' copies lost with their worker are queued again, never while one is being made."""

import datetime as dt

import pytest
from django.utils import timezone

from contest.models import VideoAsset
from contest.services.media import video_process
from contest.storage import new_private_name, private_path
from judging.models import Round
from judging.selectors.rounds import videos_awaiting_full_copy
from judging.tasks import recover_full_copies
from tests import judging_factories as jf
from tests import work_factories as wf
from tests.media_clips import make_clip


@pytest.fixture
def video(tmp_path):
    """A ready video of a work in an open round that keeps the title card, without its copy."""
    round_ = jf.RoundFactory(
        state=Round.State.OPEN,
        cut_title_card=False,
        contest__min_duration_seconds=1,
        contest__min_width=160,
        contest__min_height=120,
    )
    work = wf.WorkFactory(contest=round_.contest, status="accepted")
    clip = make_clip(tmp_path / "lesson.mp4", seconds=2)
    name = new_private_name("videos")
    private_path(name).parent.mkdir(parents=True, exist_ok=True)
    private_path(name).write_bytes(clip.read_bytes())
    video = VideoAsset.objects.create(
        work=work, file=name, size=clip.stat().st_size, sha256="0" * 64
    )
    video_process(video_id=video.pk)
    round_.round_works.create(work=work)
    return video


@pytest.mark.django_db
def test_a_copy_being_made_is_left_to_its_worker(video):
    VideoAsset.objects.filter(pk=video.pk).update(processing_started_at=timezone.now())
    assert videos_awaiting_full_copy() == []


@pytest.mark.django_db
def test_a_missing_copy_is_queued_again_and_made(video, django_capture_on_commit_callbacks):
    dead = timezone.now() - dt.timedelta(hours=1)  # the worker making it died long ago
    VideoAsset.objects.filter(pk=video.pk).update(processing_started_at=dead)
    assert videos_awaiting_full_copy() == [video.pk]
    with django_capture_on_commit_callbacks(execute=True):
        recover_full_copies.call_local()
    video.refresh_from_db()
    assert video.full_file and private_path(video.full_file).exists()
    assert videos_awaiting_full_copy() == []


@pytest.mark.django_db
def test_rounds_that_cut_the_title_card_need_no_copy(video):
    Round.objects.update(cut_title_card=True)
    assert videos_awaiting_full_copy() == []

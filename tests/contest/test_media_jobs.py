"""Media jobs are claimed with a lease: one worker at a time, a dead worker's job taken over."""

import datetime as dt
import time

import pytest
from django.db import transaction
from django.utils import timezone
from huey.exceptions import TaskTimeout

from contest.models import ProcessingState, VideoAsset
from contest.services import jobs
from contest.services.media import media_recover, stale_jobs, video_full_copy, video_process
from contest.storage import new_private_name, private_path
from tests import work_factories as wf
from tests.media_clips import make_clip

LONG_AGO = dt.timedelta(hours=1)


def _video(tmp_path, **fields) -> VideoAsset:
    work = wf.WorkFactory(
        contest__min_duration_seconds=1, contest__min_width=160, contest__min_height=120
    )
    clip = make_clip(tmp_path / f"{work.pk}.mp4", seconds=2)
    name = new_private_name("videos")
    private_path(name).parent.mkdir(parents=True, exist_ok=True)
    private_path(name).write_bytes(clip.read_bytes())
    video = VideoAsset.objects.create(
        work=work, file=name, size=clip.stat().st_size, sha256="0" * 64
    )
    if fields:
        VideoAsset.objects.filter(pk=video.pk).update(**fields)
        video.refresh_from_db()
    return video


def _claimed(video: VideoAsset, ago: dt.timedelta) -> None:
    VideoAsset.objects.filter(pk=video.pk).update(
        state=ProcessingState.PROCESSING, processing_started_at=timezone.now() - ago, attempts=1
    )


@pytest.mark.django_db
def test_a_job_another_worker_holds_is_left_alone_and_taken_over_once_its_lease_expired(tmp_path):
    video = _video(tmp_path)
    _claimed(video, dt.timedelta(seconds=5))
    video_process(video_id=video.pk)
    video.refresh_from_db()
    assert (video.state, video.attempts) == (ProcessingState.PROCESSING, 1)

    _claimed(video, jobs.lease() + dt.timedelta(seconds=1))
    video_process(video_id=video.pk)
    video.refresh_from_db()
    assert (video.state, video.attempts) == (ProcessingState.READY, 2)
    assert video.processing_started_at is None  # no claim left behind
    # nginx (in the service's group) may send the judges' copy: X-Accel-Redirect.
    assert private_path(video.blind_file).stat().st_mode & 0o777 == 0o640


@pytest.mark.django_db
def test_recovery_takes_dead_and_lost_jobs_and_defers_the_ones_live_workers_hold(
    tmp_path, django_capture_on_commit_callbacks
):
    live, dead = _video(tmp_path), _video(tmp_path)
    lost = _video(tmp_path, created_at=timezone.now() - LONG_AGO)  # its task never arrived
    fresh = _video(tmp_path)  # just uploaded: its task is on its way
    _claimed(live, dt.timedelta(seconds=5))
    _claimed(dead, jobs.lease() + dt.timedelta(seconds=1))

    periodic = {pk for pk, _at in stale_jobs()["process_video"]}
    assert periodic == {dead.pk, lost.pk}
    with django_capture_on_commit_callbacks(execute=True):
        assert media_recover(include_running=True) == 4  # a worker starting: all unfinished
    states = dict(VideoAsset.objects.values_list("pk", "state"))
    # The live worker's job is queued for when its lease would end, not run now (tasks are
    # immediate in tests, deferred ones wait in the schedule).
    assert states[live.pk] == ProcessingState.PROCESSING
    assert {states[v.pk] for v in (dead, lost, fresh)} == {ProcessingState.READY}


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_renews_the_claim_and_notices_a_takeover(tmp_path, settings):
    settings.MEDIA_JOB_LEASE_SECONDS = 0.4  # a beat every 0.1 s
    video = _video(tmp_path)
    _claimed(video, dt.timedelta(0))
    video.refresh_from_db()
    claimed_at = video.processing_started_at
    with jobs.Lease(VideoAsset, video.pk, claimed_at) as lease:
        time.sleep(0.35)
        video.refresh_from_db()
        assert video.processing_started_at > claimed_at and not lease.lost
        # The worker seemed dead for a while; another one took the job over.
        VideoAsset.objects.filter(pk=video.pk).update(processing_started_at=timezone.now())
        time.sleep(0.3)
    assert lease.lost
    with transaction.atomic():
        assert not lease.held()  # so this worker writes nothing at the end


@pytest.mark.parametrize(
    ("error", "state", "code"),
    [
        (ConnectionResetError("database restarting"), ProcessingState.UPLOADED, ""),
        (ValueError("a bug or a file nobody foresaw"), ProcessingState.FAILED, "processing_error"),
        (TaskTimeout("timeout (3600s)"), ProcessingState.FAILED, "processing_timeout"),
    ],
)
@pytest.mark.django_db
def test_a_passing_error_gives_the_job_back_any_other_fails_it(tmp_path, error, state, code):
    video = _video(tmp_path)
    _claimed(video, dt.timedelta(0))
    video.refresh_from_db()
    with pytest.raises(type(error)), jobs.Lease(VideoAsset, video.pk, video.processing_started_at):
        raise error
    video.refresh_from_db()
    assert (video.state, video.error_code, video.processing_started_at) == (state, code, None)


@pytest.mark.django_db
def test_a_full_copy_another_worker_is_making_is_not_made_twice(tmp_path):
    video = _video(tmp_path)
    video_process(video_id=video.pk)
    VideoAsset.objects.filter(pk=video.pk).update(processing_started_at=timezone.now())
    assert video_full_copy(video_id=video.pk) is False

    VideoAsset.objects.filter(pk=video.pk).update(processing_started_at=timezone.now() - LONG_AGO)
    assert video_full_copy(video_id=video.pk) is True
    video.refresh_from_db()
    assert video.full_file and video.processing_started_at is None
    assert video_full_copy(video_id=video.pk) is False  # made: nothing more to do

"""A worker killed in the middle of a video job leaves nothing half-done and runs it again."""

import os
import signal
import subprocess
import time
import uuid

import pytest
from django.conf import settings

from contest.models import ProcessingState, VideoAsset
from contest.storage import new_private_name, private_path
from tests import work_factories as wf
from tests.helpers import ROOT, child_env, manage
from tests.media_clips import make_clip


def _state(video: VideoAsset) -> str:
    video.refresh_from_db()
    return video.state


def _wait_for(video: VideoAsset, states: set[str], timeout: float = 120) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if (state := _state(video)) in states:
            return state
        time.sleep(0.05)
    raise AssertionError(f"video stayed {_state(video)}")


def _consumer(env) -> subprocess.Popen:
    return subprocess.Popen(
        manage("run_huey", "--workers", "1"),
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


@pytest.mark.consumer
@pytest.mark.django_db(transaction=True)
def test_killed_worker_leaves_nothing_half_done_and_the_job_runs_again(tmp_path):
    work = wf.WorkFactory(
        contest__min_duration_seconds=1,
        contest__min_width=320,
        contest__min_height=240,
        contest__title_card_seconds=1,
        contest__allowed_formats=["webm"],
    )
    # VP9 must be transcoded: slow enough to stop the worker in the middle of it.
    clip = make_clip(
        tmp_path / "lesson.webm",
        container="webm",
        vcodec="libvpx-vp9",
        acodec="libopus",
        seconds=16,
        width=960,
        height=540,
    )
    name = new_private_name("videos")
    private_path(name).parent.mkdir(parents=True, exist_ok=True)
    private_path(name).write_bytes(clip.read_bytes())
    video = VideoAsset.objects.create(
        work=work, file=name, size=clip.stat().st_size, sha256="0" * 64
    )
    env = child_env(
        HUEY_IMMEDIATE="0",
        HUEY_FILENAME=str(tmp_path / "queue.sqlite3"),
        HUEY_NAME=f"test-{uuid.uuid4().hex[:8]}",
        PRIVATE_MEDIA_ROOT=str(settings.PRIVATE_MEDIA_ROOT),
        MEDIA_JOB_LEASE_SECONDS="4",  # the dead worker's claim expires quickly
    )
    enqueue = f"from contest.tasks import process_video; process_video.enqueue({video.pk})"
    subprocess.run(manage("shell", "-c", enqueue), env=env, cwd=ROOT, check=True, timeout=60)

    worker = _consumer(env)
    try:
        assert _wait_for(video, {"processing", "ready"}) == "processing"
        time.sleep(0.3)
        os.killpg(worker.pid, signal.SIGKILL)  # as a crash or an out-of-memory kill would
        worker.wait(timeout=30)
        assert _state(video) == ProcessingState.PROCESSING
        video.refresh_from_db()
        assert not private_path(video.blind_file).exists()  # nothing half-written in place

        worker = _consumer(env)  # the restarted worker takes the job up again by itself
        assert _wait_for(video, {"ready", "failed"}) == "ready"
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=30)
    video.refresh_from_db()
    assert video.is_current and video.blind_method == "transcode" and video.attempts == 2
    blind = private_path(video.blind_file)
    leftovers = [p.name for p in blind.parent.iterdir() if p.name.startswith(f".{blind.name}.")]
    assert blind.exists() and leftovers == []  # the killed attempt's partial file is gone

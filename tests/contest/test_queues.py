"""Task queues: transient errors are retried with backoff, anything else is not."""

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.tasks import TaskResultStatus, task
from huey.contrib.djhuey import HUEY

from contest import tasks
from contest.queues import huey_for, retry_on

calls: list[str] = []


@retry_on(retries=2, delay=0)
@task()
def flaky(failures: int) -> str:
    calls.append("flaky")
    if calls.count("flaky") <= failures:
        raise ConnectionResetError("the database is restarting")
    return "done"


@retry_on(retries=2, delay=0)
@task()
def broken() -> None:
    calls.append("broken")
    raise ValueError("bad input fails the same way every time")


@retry_on(retries=3, delay=30, backoff=2)
@task()
def slow_to_recover() -> None:
    raise ConnectionResetError("Redis is restarting")


@pytest.fixture(autouse=True)
def _calls():
    calls.clear()


def _run(django_capture_on_commit_callbacks, task_, *args):
    with django_capture_on_commit_callbacks(execute=True):
        result = task_.enqueue(*args)
    return task_.get_result(result.id)


@pytest.mark.django_db
def test_a_transient_error_is_retried_until_the_task_succeeds(django_capture_on_commit_callbacks):
    result = _run(django_capture_on_commit_callbacks, flaky, 2)
    assert calls == ["flaky"] * 3
    assert result.status == TaskResultStatus.SUCCESSFUL and result.return_value == "done"


@pytest.mark.django_db
def test_retries_end_after_the_policy_s_count(django_capture_on_commit_callbacks):
    result = _run(django_capture_on_commit_callbacks, flaky, 5)
    assert calls == ["flaky"] * 3
    assert result.status == TaskResultStatus.FAILED


@pytest.mark.django_db
def test_any_other_error_is_not_retried(django_capture_on_commit_callbacks):
    result = _run(django_capture_on_commit_callbacks, broken)
    assert calls == ["broken"]
    assert result.status == TaskResultStatus.FAILED
    assert result.errors[0].exception_class_path == "builtins.ValueError"


@pytest.mark.django_db
def test_a_retry_waits_longer_each_time(django_capture_on_commit_callbacks):
    result = _run(django_capture_on_commit_callbacks, slow_to_recover)
    waiting = next(t for t in HUEY.scheduled() if t.id == result.id)
    # The first retry was scheduled 30 s later; the next one will wait 60 s.
    assert (waiting.retries, waiting.retry_delay) == (2, 60)
    assert result.status == TaskResultStatus.READY  # waiting, not failed


def test_video_jobs_have_their_own_queue_and_share_the_sqlite_queue_without_redis():
    from certificates.tasks import make_certificate_file
    from reports.tasks import run_export

    assert tasks.process_video.queue_name == tasks.make_full_copy.queue_name == "video"
    assert tasks.send_verification_email.queue_name == "default"
    assert run_export.queue_name == make_certificate_file.queue_name == "bulk"
    assert set(settings.TASKS["default"]["QUEUES"]) == {"default", "video", "bulk"}
    assert not settings.REDIS_URL
    assert huey_for("video") is huey_for("bulk") is huey_for("default") is HUEY


def test_a_queue_worker_needs_redis_and_a_known_queue():
    with pytest.raises(CommandError, match="Without REDIS_URL"):
        call_command("run_worker", queue="video")
    with pytest.raises(CommandError, match="Unknown queue"):
        call_command("run_worker", queue="exports")

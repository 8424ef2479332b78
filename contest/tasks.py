"""Background tasks: they take ids, load, call a service, and log.

Queues (contest/queues.py): the video jobs run on `video`, everything else here on `default`.
Tasks that can fail for a passing reason (database, Redis, SMTP or disk trouble) are retried with
backoff; the media services themselves turn a bad file into a refusal, never an error.
"""

import logging
import threading

from django.tasks import task
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task

from contest.queues import instances, retry_on

logger = logging.getLogger(__name__)


@retry_on()
@task(queue_name="default")
def send_verification_email(user_id: int) -> None:
    from contest.services.accounts import verification_email_send

    sent = verification_email_send(user_id=user_id)
    logger.info("verification e-mail for user %s: %s", user_id, "sent" if sent else "skipped")


@retry_on()
@task(queue_name="default")
def send_password_reset_email(user_id: int) -> None:
    from contest.services.accounts import password_reset_email_send

    sent = password_reset_email_send(user_id=user_id)
    logger.info("password reset e-mail for user %s: %s", user_id, "sent" if sent else "skipped")


@retry_on(retries=2, delay=60)
@task(queue_name="video")
def process_video(video_id: int) -> None:
    from contest.services.media import video_process

    video_process(video_id=video_id)


@retry_on()
@task(queue_name="default")
def process_attachment(attachment_id: int) -> None:
    from contest.services.media import attachment_process

    attachment_process(attachment_id=attachment_id)


@retry_on(retries=2, delay=60)
@task(queue_name="video")
def make_full_copy(video_id: int) -> None:
    from contest.services.media import video_full_copy

    if video_full_copy(video_id=video_id):
        logger.info("full judges' copy made for video %s", video_id)


@retry_on()
@task(queue_name="default")
def send_work_notification(work_id: int, event: str) -> None:
    from contest.services.notifications import work_notification_send

    sent = work_notification_send(work_id=work_id, event=event)
    logger.info("work %s %s notification: %s", work_id, event, "sent" if sent else "skipped")


@db_periodic_task(crontab(minute="*/5"))
def recover_media_jobs() -> None:
    """Every five minutes (on the default queue's consumers), run again the media jobs whose
    worker died: their claim expired (contest/services/jobs.py)."""
    from contest.services.media import media_recover

    count = media_recover()
    if count:
        logger.warning("re-queued %s stale media job(s)", count)


@db_periodic_task(crontab(minute="23"))
def expire_resumable_uploads() -> None:
    """Every hour, delete the resumable uploads that received nothing for
    TUS_UPLOAD_EXPIRY_HOURS, with their partial files (contest/services/tus.py)."""
    from contest.services.tus import uploads_expire

    count = uploads_expire()
    if count:
        logger.info("deleted %s expired resumable upload(s)", count)


_startup = {"done": False, "lock": threading.Lock()}


def recover_media_jobs_at_startup() -> None:
    """When a worker starts (on any queue), queue every unfinished job once per process: jobs
    that a killed worker left halfway run as soon as their claim has expired; jobs that live
    workers hold are left to them."""
    with _startup["lock"]:
        if _startup["done"] or HUEY.immediate:
            return
        _startup["done"] = True
    from django.db import close_old_connections

    from contest.services.media import media_recover

    count = media_recover(include_running=True)
    close_old_connections()
    if count:
        logger.warning("re-queued %s media job(s) left unfinished by a stopped worker", count)


for _huey in instances():
    _huey.on_startup(name="recover_media_jobs")(recover_media_jobs_at_startup)

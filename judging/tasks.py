"""Background tasks of judging: they take ids, load, call a service, and log."""

import logging

from django.tasks import task
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

logger = logging.getLogger(__name__)


@task(queue_name="default")
def fill_round(round_id: int) -> None:
    """Staff the round's works that are short of judges (after a recusal, a late work…),
    keeping every existing assignment."""
    from judging.services.assignment import round_fill

    plan = round_fill(round_id=round_id)
    logger.info("round %s filled: %s new assignment(s)", round_id, plan.added_count)


@task(queue_name="default")
def send_invitation(invitation_id: int) -> None:
    """E-mail a panel invitation, or the news that an existing account joined the panel."""
    from judging.services.panel import invitation_email_send

    sent = invitation_email_send(invitation_id=invitation_id)
    logger.info("panel invitation %s: %s", invitation_id, "sent" if sent else "skipped")


@task(queue_name="default")
def send_reminders(round_id: int) -> None:
    """E-mail each judge with unfinished work in the round a reminder, in their language."""
    from judging.services.monitoring import reminders_send

    sent = reminders_send(round_id=round_id)
    logger.info("round %s: %s reminder(s) sent", round_id, sent)


@task(queue_name="default")
def prepare_full_copies(round_id: int) -> None:
    """For a round that keeps the title card: queue the full judges' copy of each work's video."""
    from contest.tasks import make_full_copy
    from judging.selectors.rounds import round_videos_without_full_copy

    for video_id in round_videos_without_full_copy(round_id):
        make_full_copy.enqueue(video_id)


@task(queue_name="default")
def check_divergence(round_id: int, work_id: int) -> None:
    """After a submission: open or settle the work's divergence case (三评 / 仲裁) if its
    sheets call for it."""
    from judging.services.divergence import work_check

    case = work_check(round_id=round_id, work_id=work_id)
    if case is not None:
        logger.info("round %s, work %s: case %s is %s", round_id, work_id, case.pk, case.state)


@db_periodic_task(crontab(minute="*/5"))
def recover_full_copies() -> None:
    """Every five minutes, queue again the uncut copies open rounds still miss (a worker died
    making one, or the queue lost it); a copy another worker is making is left to it."""
    from contest.tasks import make_full_copy
    from judging.selectors.rounds import videos_awaiting_full_copy

    missing = videos_awaiting_full_copy()
    for video_id in missing:
        make_full_copy.enqueue(video_id)
    if missing:
        logger.warning("re-queued %s missing full judges' copies", len(missing))

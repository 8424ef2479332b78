"""Background tasks of publication: they take ids, load, call a service, and log."""

import logging

from django.tasks import task

from contest.queues import retry_on

logger = logging.getLogger(__name__)


@retry_on()
@task(queue_name="default")
def send_appeal_answer(appeal_id: int) -> None:
    from publication.services.notifications import appeal_answer_send

    sent = appeal_answer_send(appeal_id=appeal_id)
    logger.info("appeal %s answer e-mail: %s", appeal_id, "sent" if sent else "skipped")

"""Background tasks: they take ids, load, call a service, and log."""

import logging

from django.tasks import task

logger = logging.getLogger(__name__)


@task(queue_name="default")
def send_verification_email(user_id: int) -> None:
    from contest.services.accounts import verification_email_send

    sent = verification_email_send(user_id=user_id)
    logger.info("verification e-mail for user %s: %s", user_id, "sent" if sent else "skipped")


@task(queue_name="default")
def send_password_reset_email(user_id: int) -> None:
    from contest.services.accounts import password_reset_email_send

    sent = password_reset_email_send(user_id=user_id)
    logger.info("password reset e-mail for user %s: %s", user_id, "sent" if sent else "skipped")

"""Background tasks of judging: they take ids, load, call a service, and log."""

import logging

from django.tasks import task

logger = logging.getLogger(__name__)


@task(queue_name="default")
def fill_round(round_id: int) -> None:
    """Staff the round's works that are short of judges (after a recusal, a late work…),
    keeping every existing assignment."""
    from judging.services.assignment import round_fill

    plan = round_fill(round_id=round_id)
    logger.info("round %s filled: %s new assignment(s)", round_id, plan.added_count)

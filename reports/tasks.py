"""Background tasks of reports: they take ids, load, call a service, and log."""

import logging

from django.tasks import task
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

logger = logging.getLogger(__name__)


@task(queue_name="bulk")
def run_export(generated_file_id: int) -> None:
    """Write a queued export into its generated file, reporting progress as rows are written."""
    from reports.services.exports import export_produce

    generated = export_produce(generated_file_id=generated_file_id)
    if generated is not None:
        logger.info("export %s: %s", generated_file_id, generated.state)


@db_periodic_task(crontab(minute="17"))
def remove_expired_files() -> None:
    """Every hour: delete generated files past their download time, and fail abandoned ones."""
    from reports.services.generated_files import generated_files_clean

    deleted, failed = generated_files_clean()
    if deleted or failed:
        logger.info(
            "generated files: %s expired removed, %s abandoned marked failed", deleted, failed
        )

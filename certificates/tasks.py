"""Background tasks of certificates: they take ids, load, call a service, and log."""

import logging

from django.tasks import task

logger = logging.getLogger(__name__)


@task(queue_name="bulk")
def make_certificate_file(generated_file_id: int) -> None:
    """Draw a batch of certificates (ZIP or merged PDF) into its generated file."""
    from certificates.services.batches import certificate_file_produce

    generated = certificate_file_produce(generated_file_id=generated_file_id)
    if generated is not None:
        logger.info("certificate file %s: %s", generated_file_id, generated.state)

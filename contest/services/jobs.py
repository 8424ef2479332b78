"""Claims on media jobs: however many consumers on however many machines, one upload is
processed by one worker at a time, and a job whose worker died is taken up again.

A job (a video or attachment to process, the uncut judges' copy of a video) is claimed in the
database under a row lock: the worker writes `processing_started_at = now` only where no live
claim exists. The claim is a lease. While the job runs, a heartbeat thread renews it every
quarter of MEDIA_JOB_LEASE_SECONDS by compare-and-swap on that timestamp, which is the claim's
token. A worker that stops beating (killed, out of memory, machine gone) lets its lease expire;
recovery queues the job again and the next claim takes it over. Before its final write a
worker stops beating and checks its token under the row lock, so a worker that lost its claim
never overwrites the new owner's result.

On a READY video a set `processing_started_at` is the claim of its full-copy job; finishing
any job clears it.
"""

import datetime as dt
import logging
import threading

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from huey.exceptions import TaskTimeout

from contest.models import ProcessingState
from contest.queues import TRANSIENT_ERRORS

logger = logging.getLogger(__name__)


def lease() -> dt.timedelta:
    return dt.timedelta(seconds=settings.MEDIA_JOB_LEASE_SECONDS)


def is_alive(stamp: dt.datetime | None, now: dt.datetime | None = None) -> bool:
    """Whether a claim stamped at `stamp` (or renewed then) still holds."""
    return stamp is not None and stamp > (now or timezone.now()) - lease()


class Lease:
    """A worker's hold on one job, kept alive by a heartbeat thread while the `with` block runs.

    On leaving the block with an error: a transient one gives the job back (a retry or another
    worker takes it at once); a timeout or any other error marks a processing job failed when
    `fail_on_error`, else leaves the claim to expire. The error is raised again either way.
    """

    def __init__(self, model, pk: int, token: dt.datetime, *, fail_on_error: bool = True):
        self.model, self.pk, self.token = model, pk, token
        self.fail_on_error = fail_on_error
        self.lost = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"lease-{pk}", daemon=True)

    def __enter__(self) -> "Lease":
        self._thread.start()
        return self

    def __exit__(self, kind, error, _tb) -> None:
        self.stop()
        if error is None or not isinstance(error, Exception):
            return  # KeyboardInterrupt (worker shutting down): the lease expires, recovery acts
        try:
            if isinstance(error, TRANSIENT_ERRORS):
                self._mine().update(processing_started_at=None, **self._given_back())
            elif self.fail_on_error:
                code = (
                    "processing_timeout" if isinstance(error, TaskTimeout) else "processing_error"
                )
                self._mine().update(
                    state=ProcessingState.FAILED,
                    error_code=code,
                    error_params={},
                    processed_at=timezone.now(),
                    processing_started_at=None,
                )
        except TRANSIENT_ERRORS:
            logger.warning(
                "job %s %s: database unreachable, its lease will expire", self.model, self.pk
            )

    def _given_back(self) -> dict:
        return {"state": ProcessingState.UPLOADED} if self.fail_on_error else {}

    def _mine(self):
        return self.model.objects.filter(pk=self.pk, processing_started_at=self.token)

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def held(self) -> bool:
        """Still ours? Call inside transaction.atomic(): locks the row until the final write."""
        return self._mine().select_for_update().exists()

    def _beat(self) -> None:
        interval = settings.MEDIA_JOB_LEASE_SECONDS / 4
        try:
            while not self._stop.wait(interval):
                now = timezone.now()
                try:
                    with transaction.atomic():
                        renewed = self._mine().update(processing_started_at=now)
                except TRANSIENT_ERRORS:
                    logger.warning("job %s %s: heartbeat failed, retrying", self.model, self.pk)
                    continue
                if not renewed:
                    self.lost = True
                    logger.warning(
                        "job %s %s: claim taken over by another worker", self.model, self.pk
                    )
                    return
                self.token = now
        finally:
            connection.close()  # this thread's own database connection

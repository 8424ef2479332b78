"""The life of a generated file: queued → running → done | failed, then removed once expired.

Any producer (exports here, certificate batches in the certificates app) works the same way:
`generated_file_create` records the request, a background task calls `generated_file_produce`
with a function that writes the bytes and reports progress. The file appears under its final
random name only when complete, so a download never sees half a file.
"""

import logging
from collections.abc import Callable
from typing import BinaryIO

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from contest.errors import DomainError
from contest.media.store import new_name, store
from contest.models import Contest, User
from reports import conf
from reports.models import GeneratedFile

logger = logging.getLogger(__name__)

State = GeneratedFile.State
# progress(done, total): called as often as the producer likes; writes only on a new percentage.
ProgressCallback = Callable[[int, int], None]
# write(out, progress) → how many rows (or items) were written.
Writer = Callable[[BinaryIO, ProgressCallback], int]


def generated_file_create(
    *,
    contest: Contest,
    kind: str,
    format: str,
    created_by: User,
    params: dict | None = None,
    language: str = "",
    enqueue: Callable[[int], object] | None = None,
) -> GeneratedFile:
    """Record a queued file; `enqueue(id)` (a task's .enqueue) runs once the row is committed."""
    generated = GeneratedFile(
        contest=contest,
        kind=kind,
        format=format,
        params=params or {},
        created_by=created_by,
        expires_at=timezone.now() + conf.file_lifetime(),
    )
    if language:
        generated.language = language
    generated.full_clean()
    generated.save()
    if enqueue is not None:
        file_id = generated.pk
        transaction.on_commit(lambda: enqueue(file_id))
    return generated


class _Progress:
    """Saves the percentage when it grows by a whole point; stops at 99 until the file is in
    place, so 100 always means "ready"."""

    def __init__(self, file_id: int):
        self.file_id = file_id
        self.last = 0

    def __call__(self, done: int, total: int) -> None:
        percent = min(99, done * 100 // total) if total > 0 else 0
        if percent > self.last:
            self.last = percent
            GeneratedFile.objects.filter(pk=self.file_id).update(progress=percent)


def _claim(file_id: int) -> GeneratedFile | None:
    """Mark a queued file running; None when it is gone or another worker took it."""
    now = timezone.now()
    taken = GeneratedFile.objects.filter(pk=file_id, state=State.QUEUED).update(
        state=State.RUNNING, started_at=now, progress=0
    )
    if not taken:
        return None
    return GeneratedFile.objects.select_related("contest", "created_by").get(pk=file_id)


def generated_file_produce(*, generated_file_id: int, write: Writer) -> GeneratedFile | None:
    """Run `write` into a new private file for a queued generated file and record the outcome.

    `write` runs in the requester's language (headers, sheet names, messages).

    A file that is not queued any more (taken by another worker, or deleted) is left alone and
    None returned. A failing writer leaves no bytes behind: the file is marked failed with a
    message for the organiser (a DomainError's own, else a generic one) and the error logged.
    """
    generated = _claim(generated_file_id)
    if generated is None:
        return None
    name = new_name("generated", f".{generated.format}")
    files = store()
    with translation.override(generated.language):
        try:
            with files.writing(name) as path, open(path, "wb") as out:
                rows = write(out, _Progress(generated.pk))
        except Exception as exc:
            logger.exception("generated file %s failed", generated.pk)
            failure = (
                exc.message if isinstance(exc, DomainError) else _("The file could not be made.")
            )
            _finish(generated, state=State.FAILED, error=str(failure))
            return generated
    _finish(generated, state=State.DONE, file=name, size=files.size(name), rows=rows)
    return generated


def _finish(generated: GeneratedFile, *, state: str, **fields) -> None:
    now = timezone.now()
    fields.update(state=state, finished_at=now)
    if state == State.DONE:
        fields.update(progress=100, expires_at=now + conf.file_lifetime())
    GeneratedFile.objects.filter(pk=generated.pk).update(**fields)
    for field, value in fields.items():
        setattr(generated, field, value)


def generated_files_clean() -> tuple[int, int]:
    """Delete expired files (row and bytes) and fail files whose worker vanished.

    Returns (deleted, failed). Bytes are removed after the rows, so a crash in between leaves
    an orphan file on disk at worst, never a row pointing at nothing that says "ready".
    """
    now = timezone.now()
    failed = GeneratedFile.objects.filter(
        state__in=(State.QUEUED, State.RUNNING), created_at__lt=now - conf.stale_after()
    ).update(state=State.FAILED, finished_at=now, error=_("The file was not made in time."))
    expired = list(GeneratedFile.objects.filter(expires_at__lte=now).values_list("pk", "file"))
    GeneratedFile.objects.filter(pk__in=[pk for pk, _name in expired]).delete()
    files = store()
    for _pk, name in expired:
        if name:
            files.delete(name)
    return len(expired), failed


def generated_file_delete(*, generated: GeneratedFile) -> None:
    """Remove a file at its owner's request (row and bytes)."""
    name = generated.file
    generated.delete()
    if name:
        store().delete(name)

"""Uploads and their processing: store the bytes privately, check them, make the judges' copies.

Receiving happens in the web process and only streams bytes to disk. Everything that reads the
content (sniffing, PyAV, sanitising) runs in the background worker through `video_process` and
`attachment_process`, which are idempotent: a job killed halfway runs again from the start and
replaces its outputs atomically. Each run holds a lease on its job (contest/services/jobs.py), so
several workers never process one upload at once and a dead worker's job is taken over.
"""

import datetime as dt
import hashlib
import logging
import tempfile
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from contest.errors import ValidationFailed
from contest.media.attachments import sanitise_document
from contest.media.errors import MediaRejected
from contest.media.sniff import sniff_document
from contest.media.store import new_name, store, work_dir
from contest.media.streaming import ReceivedFile, receive_to_private
from contest.media.video import VideoRequirements, make_blind_copy, probe_video
from contest.models import Attachment, ProcessingState, VideoAsset, Work
from contest.models.contests import AttachmentKind
from contest.services import jobs
from contest.services.works import check_editable

logger = logging.getLogger(__name__)
MB = 1024 * 1024
MAX_ATTEMPTS = 3
ALLOWED_DOCUMENTS = {AttachmentKind.DESIGN: {"docx", "pdf"}, AttachmentKind.SLIDES: {"pptx", "pdf"}}


def _locked_editable(work: Work) -> Work:
    work = Work.objects.select_for_update(of=("self",)).select_related("contest").get(pk=work.pk)
    check_editable(work)
    return work


def upload_limit(work: Work, kind: str | None) -> int:
    """The largest upload accepted, in bytes: the video's (kind None) or an attachment's."""
    contest = work.contest
    return (contest.max_file_size_mb if kind is None else contest.max_attachment_size_mb) * MB


def video_receive(*, work: Work, stream, length: int | None, original_name: str) -> VideoAsset:
    """Stream an upload to private storage and queue its check. The current video stays until
    the new one passes."""
    check_editable(work)
    received = receive_to_private(
        stream,
        declared_length=length,
        prefix="videos",
        max_bytes=upload_limit(work, None),
    )
    return upload_record(work=work, kind=None, received=received, original_name=original_name)


def attachment_receive(
    *, work: Work, kind: str, stream, length: int | None, original_name: str
) -> Attachment:
    check_upload_kind(kind)
    check_editable(work)
    received = receive_to_private(
        stream,
        declared_length=length,
        prefix="attachments",
        max_bytes=upload_limit(work, kind),
    )
    return upload_record(work=work, kind=kind, received=received, original_name=original_name)


def check_upload_kind(kind: str | None) -> None:
    """None is the video; anything else must be a kind of attachment."""
    if kind is not None and kind not in AttachmentKind.values:
        raise ValidationFailed(fields={"kind": [_("Unknown kind of attachment.")]})


def upload_record(
    *, work: Work, kind: str | None, received: ReceivedFile, original_name: str
) -> VideoAsset | Attachment:
    """Record a file already in private storage as the work's new video (kind None) or
    attachment, and queue its check. An empty `received.sha256` is filled in by the check."""
    with transaction.atomic():
        work = _locked_editable(work)
        fields = {
            "work": work,
            "file": received.name,
            "size": received.size,
            "sha256": received.sha256,
            "original_name": original_name[:255],
        }
        if kind is None:
            item = VideoAsset.objects.create(**fields)
        else:
            item = Attachment.objects.create(kind=kind, **fields)
        _queue("process_video" if kind is None else "process_attachment", item.pk)
    return item


def _queue(task_name: str, pk: int) -> None:
    from contest import tasks

    task = getattr(tasks, task_name)
    transaction.on_commit(lambda: task.enqueue(pk))


def _start(model, pk: int):
    """Claim a job and mark it running; None when there is nothing (more) to do, or another
    worker holds a live claim on it."""
    now = timezone.now()
    with transaction.atomic():
        item = (
            model.objects.select_for_update(of=("self",))
            .select_related("work__contest")
            .filter(pk=pk)
            .first()
        )
        if item is None or item.state in (ProcessingState.READY, ProcessingState.FAILED):
            return None
        if item.state == ProcessingState.PROCESSING and jobs.is_alive(
            item.processing_started_at, now
        ):
            return None
        if item.attempts >= MAX_ATTEMPTS:
            _fail(item, "processing_error", {})
            return None
        item.state = ProcessingState.PROCESSING
        item.processing_started_at = now
        item.attempts += 1
        item.save(update_fields=["state", "processing_started_at", "attempts"])
        return item


def _fill_hash(item, path: Path) -> None:
    """Files uploaded straight to the bucket arrive without a hash: the worker adds it."""
    if item.sha256:
        return
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        while chunk := file.read(1024 * 1024):
            digest.update(chunk)
    item.sha256 = digest.hexdigest()
    type(item).objects.filter(pk=item.pk).update(sha256=item.sha256)


def _fail(item, code: str, params: dict) -> None:
    item.state = ProcessingState.FAILED
    item.error_code, item.error_params = code, params
    item.processed_at, item.processing_started_at = timezone.now(), None
    item.save(
        update_fields=[
            "state",
            "error_code",
            "error_params",
            "processed_at",
            "processing_started_at",
        ]
    )


def _make_current(item, siblings, **fields) -> None:
    """Make `item` the current file unless a newer upload already replaced it."""
    newer = siblings.filter(is_current=True, created_at__gt=item.created_at).exists()
    superseded = list(siblings.filter(is_current=True).exclude(pk=item.pk))
    if not newer:
        siblings.filter(is_current=True).update(is_current=False)
    for name, value in fields.items():
        setattr(item, name, value)
    item.state, item.is_current = ProcessingState.READY, not newer
    item.error_code, item.error_params = "", {}
    item.processed_at, item.processing_started_at = timezone.now(), None
    item.save()
    if not newer:
        transaction.on_commit(lambda: _delete_files(superseded))


def _delete_files(items) -> None:
    files = store()
    for item in items:
        for name in (
            item.file,
            getattr(item, "blind_file", ""),
            getattr(item, "full_file", ""),
            getattr(item, "poster_file", ""),
            getattr(item, "sanitised_file", ""),
        ):
            if name:
                files.delete(name)


def refusal_text(item) -> str:
    """Why processing refused this file, in the active language (for pages, API and e-mail)."""
    if not item.error_code:
        return ""
    try:
        return str(MediaRejected(item.error_code, **item.error_params))
    except KeyError:
        return _("The file could not be processed. Please upload it again.")


def requirements_of(contest) -> VideoRequirements:
    return VideoRequirements(
        allowed_formats=list(contest.allowed_formats),
        min_duration=float(contest.min_duration_seconds),
        max_duration=float(contest.max_duration_seconds),
        min_width=contest.min_width,
        min_height=contest.min_height,
        audio_required=contest.audio_required,
    )


def video_process(*, video_id: int) -> None:
    video = _start(VideoAsset, video_id)
    if video is None:
        return
    contest = video.work.contest
    # Output names are fixed on the first attempt, so a re-run overwrites instead of leaking.
    if not video.blind_file:
        video.blind_file = new_name("blind", ".mp4")
        video.poster_file = new_name("posters", ".jpg")
        video.save(update_fields=["blind_file", "poster_file"])
    refusal = None
    with jobs.Lease(VideoAsset, video.pk, video.processing_started_at) as lease:
        try:
            probe, copy = _make_blind_copy(video, contest)
        except MediaRejected as exc:
            logger.info("video %s refused: %s", video.pk, exc.code)
            refusal = exc
    with transaction.atomic():
        Work.objects.select_for_update().filter(pk=video.work_id).first()
        if not lease.held():
            logger.warning("video %s: another worker took the job over", video.pk)
            return
        if refusal is not None:
            _fail(video, refusal.code, dict(refusal.params or {}))
            return
        _make_current(
            video,
            VideoAsset.objects.filter(work_id=video.work_id),
            container=probe.format,
            video_codec=probe.video_codec or "",
            audio_codec=probe.audio_codec or "",
            width=probe.width,
            height=probe.height,
            duration=Decimal(f"{probe.duration:.2f}"),
            blind_method=copy.method,
            blind_duration=Decimal(f"{copy.duration:.2f}"),
        )


def _make_blind_copy(video: VideoAsset, contest):
    """Check the original and write the judges' copy and poster (PyAV reads a local file: from
    a bucket, the worker downloads the original first and uploads the results)."""
    files = store()
    with (
        files.local_copy(video.file) as source,
        files.writing(video.blind_file) as blind,
        files.writing(video.poster_file) as poster,
    ):
        _fill_hash(video, source)
        probe = probe_video(source, requirements_of(contest))
        copy = make_blind_copy(
            source, blind, poster, probe=probe, cut_seconds=float(contest.title_card_seconds)
        )
    return probe, copy


def video_full_copy(*, video_id: int) -> bool:
    """Make the judges' copy that keeps the title card (for rounds that do not cut it).

    Stripped like the usual copy; only the cut differs. Idempotent: False when there is nothing
    to do (the video is not ready, the copy exists, or another worker is making it).
    """
    video = _claim_full_copy(video_id)
    if video is None:
        return False
    name = video.full_file or new_name("blind", ".mp4")
    stamp = video.processing_started_at
    files = store()
    with (
        jobs.Lease(VideoAsset, video.pk, stamp, fail_on_error=False) as lease,
        files.local_copy(video.file) as source,
        files.writing(name) as target,
        tempfile.TemporaryDirectory(dir=work_dir()) as folder,
    ):
        probe = probe_video(source, requirements_of(video.work.contest))
        make_blind_copy(source, target, Path(folder) / "poster.jpg", probe=probe, cut_seconds=0)
    with transaction.atomic():
        if not lease.held():
            return False
        VideoAsset.objects.filter(pk=video.pk).update(full_file=name, processing_started_at=None)
    return True


def _claim_full_copy(video_id: int) -> VideoAsset | None:
    now = timezone.now()
    with transaction.atomic():
        video = (
            VideoAsset.objects.select_for_update(of=("self",))
            .select_related("work__contest")
            .filter(pk=video_id, state=ProcessingState.READY)
            .first()
        )
        if video is None or (video.full_file and store().exists(video.full_file)):
            return None
        if jobs.is_alive(video.processing_started_at, now):
            return None
        video.processing_started_at = now
        video.save(update_fields=["processing_started_at"])
        return video


def attachment_process(*, attachment_id: int) -> None:
    attachment = _start(Attachment, attachment_id)
    if attachment is None:
        return
    if not attachment.sanitised_file:
        attachment.sanitised_file = new_name("sanitised")
        attachment.save(update_fields=["sanitised_file"])
    refusal = None
    with jobs.Lease(Attachment, attachment.pk, attachment.processing_started_at) as lease:
        try:
            doc_type = _sanitise(attachment)
        except MediaRejected as exc:
            refusal = exc
    with transaction.atomic():
        Work.objects.select_for_update().filter(pk=attachment.work_id).first()
        if not lease.held():
            return
        if refusal is not None:
            _fail(attachment, refusal.code, dict(refusal.params or {}))
            return
        _make_current(
            attachment,
            Attachment.objects.filter(work_id=attachment.work_id, kind=attachment.kind),
            doc_type=doc_type,
        )


def _sanitise(attachment: Attachment) -> str:
    """Check the document's type and write its clean copy; returns the type."""
    files = store()
    with (
        files.local_copy(attachment.file) as source,
        files.writing(attachment.sanitised_file) as target,
    ):
        _fill_hash(attachment, source)
        doc_type = sniff_document(source)
        if doc_type not in ALLOWED_DOCUMENTS[attachment.kind]:
            allowed = ", ".join(sorted(t.upper() for t in ALLOWED_DOCUMENTS[attachment.kind]))
            raise MediaRejected("document_type_not_allowed", allowed=allowed, kind=doc_type.upper())
        sanitise_document(source, target, doc_type)
    return doc_type


def stale_jobs(*, include_running: bool = False) -> dict[str, list[tuple[int, dt.datetime | None]]]:
    """Uploads whose job never ran or whose worker stopped renewing its claim, with the time
    of that claim (for the recovery task).

    An upload counts as never queued after two minutes (its task may still be on its way).
    `include_running` (when a worker starts) takes every unfinished job, claimed or not.
    """
    now = timezone.now()
    found = {}
    for name, model in (("process_video", VideoAsset), ("process_attachment", Attachment)):
        unfinished = model.objects.filter(
            state__in=[ProcessingState.UPLOADED, ProcessingState.PROCESSING]
        )
        if not include_running:
            unfinished = unfinished.filter(
                Q(state=ProcessingState.PROCESSING, processing_started_at__lte=now - jobs.lease())
                | Q(state=ProcessingState.UPLOADED, created_at__lt=now - dt.timedelta(minutes=2))
            )
        found[name] = list(unfinished.values_list("pk", "processing_started_at"))
    return found


def media_recover(*, include_running: bool = False) -> int:
    """Queue again every stale job. Safe to run at any time, on any number of workers: a job
    runs only for the worker that claims it. A job another worker holds is queued for when its
    lease would end, and then runs only if that worker died (stopped renewing it)."""
    from contest import tasks

    count = 0
    now = timezone.now()
    for name, found in stale_jobs(include_running=include_running).items():
        task = getattr(tasks, name)
        for pk, claimed_at in found:
            if jobs.is_alive(claimed_at, now):
                later = claimed_at + jobs.lease() + dt.timedelta(seconds=1)
                task.using(run_after=later).enqueue(pk)
            else:
                task.enqueue(pk)
            count += 1
    return count

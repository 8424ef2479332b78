"""Resumable uploads (tus 1.0.0): create, append, finish, terminate, expire.

Invariants:
- The declared length is checked against the contest's cap when the upload is created, before
  a byte is stored; an upload never holds more bytes than it declared.
- `ResumableUpload.offset` is the truth about how far an upload got. One request at a time
  appends, holding an exclusive lock on the partial file (flock, released by the kernel if the
  process dies); it first cuts the file back to `offset`, so the bytes of a refused or broken
  request never count. A file shorter than `offset` (lost in a crash) lowers `offset`.
- Bytes arrive in constant memory: the request stream is read in 1 MiB chunks.
- The last byte hands the whole file to `media.video_receive` / `media.attachment_receive`,
  the services of the plain upload: the same cap, sniffing, checks and judges' copies follow.
  A finished upload is finished once: asking again answers with the offset, makes nothing new.

Partial files live on the private disk of the web server, whatever the storage of finished files:
several web servers must share that disk (or the page uploads straight to the bucket instead).
"""

import base64
import datetime as dt
import fcntl
import hashlib
import logging
import os
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contest.errors import DomainError, NotFound, ValidationFailed
from contest.media.streaming import CHUNK, UploadEmpty, UploadIncomplete, UploadTooLarge
from contest.models import Contest, ResumableUpload, Work
from contest.models.contests import AttachmentKind
from contest.models.uploads import VIDEO_SLOT
from contest.services import media
from contest.services.works import check_editable
from contest.storage import new_private_name, private_path

logger = logging.getLogger(__name__)
SLOTS = {VIDEO_SLOT, *AttachmentKind.values}
CHECKSUM_ALGORITHMS = {"sha1": hashlib.sha1}
EXPIRED_BATCH = 500
# Partial files are read and written by the web processes only.
PARTIAL_MODE = 0o600


class OffsetMismatch(DomainError):
    code = "offset_mismatch"
    status = 409
    default_message = gettext_lazy(
        "The upload is not at the offset this piece was sent for; ask where it stands and go on."
    )


class UploadGone(DomainError):
    code = "upload_expired"
    status = 410
    default_message = gettext_lazy(
        "This upload has expired and its data was deleted. Please start the upload again."
    )


class UploadBusy(DomainError):
    code = "upload_busy"
    status = 423
    default_message = gettext_lazy("Another request is adding to this upload. Try again shortly.")


class BeyondLength(DomainError):
    code = "beyond_length"
    status = 413
    default_message = gettext_lazy("This piece goes past the length the upload declared.")


class ChecksumMismatch(DomainError):
    code = "checksum_mismatch"
    status = 460
    default_message = gettext_lazy(
        "The piece arrived damaged (its checksum does not match). It was discarded; send it again."
    )


def expiry() -> dt.timedelta:
    return dt.timedelta(hours=settings.TUS_UPLOAD_EXPIRY_HOURS)


def largest_cap() -> int:
    """The largest upload any contest accepts, in bytes (advertised as Tus-Max-Size)."""
    caps = Contest.objects.aggregate(
        video=Max("max_file_size_mb"), attachment=Max("max_attachment_size_mb")
    )
    return max(caps["video"] or 0, caps["attachment"] or 0) * media.MB


def access_upload(user, upload_id) -> ResumableUpload:
    """The user's own upload, for a work they may still edit in principle; NotFound otherwise
    (someone else's upload looks like no upload)."""
    upload = (
        ResumableUpload.objects.select_related("work__contest")
        .filter(uuid=upload_id, uploader_id=user.pk)
        .first()
    )
    if upload is None or not user.has_perm("contest.edit_work", upload.work):
        raise NotFound()
    return upload


def check_live(upload: ResumableUpload) -> None:
    if upload.state == ResumableUpload.State.RECEIVING and upload.expires_at <= timezone.now():
        raise UploadGone()


# --- Creation


def upload_create(
    *, user, work_id: int, slot: str, length: int, original_name: str
) -> ResumableUpload:
    """Open an upload for the entrant's work. Refuses a length over the cap before storing any
    byte. An unfinished upload of the same user, work and slot is ended: one partial file per
    slot, so abandoned attempts cannot fill the disk."""
    work = Work.objects.select_related("contest").filter(pk=work_id).first()
    if work is None or not user.has_perm("contest.edit_work", work):
        raise NotFound()
    if slot not in SLOTS:
        raise ValidationFailed(fields={"slot": [_("Unknown kind of file.")]})
    check_editable(work)
    if length <= 0:
        raise UploadEmpty()
    cap = media.upload_limit(work, None if slot == VIDEO_SLOT else slot)
    if length > cap:
        raise UploadTooLarge(cap)
    for older in ResumableUpload.objects.filter(
        uploader_id=user.pk, work=work, slot=slot, state=ResumableUpload.State.RECEIVING
    ):
        upload_terminate(upload=older)
    name = new_private_name("tus", ".part")
    path = private_path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=PARTIAL_MODE)
    return ResumableUpload.objects.create(
        work=work,
        uploader=user,
        slot=slot,
        original_name=original_name[:255],
        length=length,
        file=name,
        expires_at=timezone.now() + expiry(),
    )


# --- Appending


@contextmanager
def _locked(upload: ResumableUpload):
    """The partial file opened for writing under an exclusive lock; UploadBusy if another
    request holds it."""
    try:
        # Unbuffered: what tell() counts has reached the file.
        fh = open(private_path(upload.file), "r+b", buffering=0)  # noqa: SIM115 (closed below)
    except FileNotFoundError as exc:
        raise UploadGone() from exc
    try:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise UploadBusy() from exc
        yield fh
    finally:
        fh.close()  # also releases the lock


def _check_offset(upload: ResumableUpload, offset: int, content_length: int | None) -> bool:
    """True when the request only repeats the end of a finished upload (nothing to do)."""
    if upload.state == ResumableUpload.State.COMPLETE:
        if offset == upload.length and not content_length:
            return True
        raise OffsetMismatch()
    check_live(upload)
    if offset != upload.offset:
        raise OffsetMismatch()
    if content_length is not None and offset + content_length > upload.length:
        raise BeyondLength()
    return False


def upload_append(
    *,
    upload: ResumableUpload,
    offset: int,
    stream,
    content_length: int | None,
    checksum: tuple[str, bytes] | None = None,
) -> ResumableUpload:
    """Append the body of one PATCH at `offset` and finish the upload on its last byte.

    `checksum` is (algorithm, digest) of this piece: on a mismatch the piece is discarded. A
    body that breaks off keeps the bytes that arrived (unless a checksum was asked for, which
    the partial piece cannot meet), and raises UploadIncomplete.
    """
    if _check_offset(upload, offset, content_length):
        return upload
    check_editable(upload.work)
    with _locked(upload) as fh:
        try:
            upload.refresh_from_db()
        except ResumableUpload.DoesNotExist as exc:  # ended while this request waited
            raise UploadGone() from exc
        _reconcile(upload, fh)
        if _check_offset(upload, offset, content_length):
            return upload
        fh.truncate(offset)
        fh.seek(offset)
        try:
            _append(fh, stream, upload=upload, offset=offset, checksum=checksum)
        finally:
            _record_offset(upload, offset, fh.tell())
        if upload.offset == upload.length:
            _finish(upload, fh)
    return upload


def _reconcile(upload: ResumableUpload, fh) -> None:
    """Lower the offset to the bytes really on disk (a machine that crashed may have lost the
    last ones before they were written out)."""
    size = os.fstat(fh.fileno()).st_size
    if size < upload.offset:
        logger.warning("upload %s: %s bytes on disk, offset was %s", upload.pk, size, upload.offset)
        ResumableUpload.objects.filter(pk=upload.pk).update(offset=size)
        upload.offset = size


def _append(fh, stream, *, upload, offset: int, checksum) -> None:
    remaining = upload.length - offset
    digest = CHECKSUM_ALGORITHMS[checksum[0]]() if checksum else None
    written = 0
    try:
        while True:
            # One byte more than may come, to notice a body that goes past the declared length.
            chunk = stream.read(min(CHUNK, remaining - written + 1))
            if not chunk:
                break
            written += len(chunk)
            if written > remaining:
                raise BeyondLength()
            if digest is not None:
                digest.update(chunk)
            fh.write(chunk)
    except OSError as exc:  # the client went away (Django's UnreadablePostError is one)
        if digest is not None:
            fh.truncate(offset)
            fh.seek(offset)
        raise UploadIncomplete() from exc
    except BeyondLength:
        fh.truncate(offset)
        fh.seek(offset)
        raise
    if digest is not None and digest.digest() != checksum[1]:
        fh.truncate(offset)
        fh.seek(offset)
        raise ChecksumMismatch()


def _record_offset(upload: ResumableUpload, offset: int, new_offset: int) -> None:
    if new_offset == offset:
        return
    expires_at = timezone.now() + expiry()
    updated = ResumableUpload.objects.filter(pk=upload.pk, offset=offset).update(
        offset=new_offset, expires_at=expires_at, updated_at=timezone.now()
    )
    if not updated:  # terminated (deleted) while the bytes arrived
        raise UploadGone()
    upload.offset, upload.expires_at = new_offset, expires_at


def _finish(upload: ResumableUpload, fh) -> None:
    """Hand the complete file to the plain upload's service; the partial file goes either way."""
    fh.seek(0)
    try:
        if upload.slot == VIDEO_SLOT:
            item = media.video_receive(
                work=upload.work,
                stream=fh,
                length=upload.length,
                original_name=upload.original_name,
            )
        else:
            item = media.attachment_receive(
                work=upload.work,
                kind=upload.slot,
                stream=fh,
                length=upload.length,
                original_name=upload.original_name,
            )
    except DomainError:
        upload_terminate(upload=upload)
        raise
    except Exception:
        _give_back_last_byte(upload, fh)
        raise
    ResumableUpload.objects.filter(pk=upload.pk).update(
        state=ResumableUpload.State.COMPLETE,
        media_uuid=item.uuid,
        file="",
        updated_at=timezone.now(),
    )
    _unlink(upload.file)
    upload.state, upload.media_uuid, upload.file = ResumableUpload.State.COMPLETE, item.uuid, ""


def _give_back_last_byte(upload: ResumableUpload, fh) -> None:
    """Finishing failed for a passing reason (disk, database): forget the last byte, so that a
    client asking where the upload stands (it retries after a 5xx) sends it again, and finishing
    runs again. A complete offset on an unfinished upload would tell it that all went well."""
    fh.truncate(upload.length - 1)
    ResumableUpload.objects.filter(pk=upload.pk).update(offset=upload.length - 1)
    upload.offset = upload.length - 1


# --- Ending


def upload_terminate(*, upload: ResumableUpload) -> None:
    """End an upload: its row and partial file go (a finished upload's media stays)."""
    ResumableUpload.objects.filter(pk=upload.pk).delete()
    _unlink(upload.file)


def _unlink(name: str) -> None:
    if name:
        private_path(name).unlink(missing_ok=True)


def uploads_expire(*, now: dt.datetime | None = None) -> int:
    """Delete unfinished uploads that expired, with their partial files, and forget finished
    ones as old. An upload some request is appending to right now is left for the next run.
    Returns how many went."""
    now = now or timezone.now()
    expired = ResumableUpload.objects.filter(
        state=ResumableUpload.State.RECEIVING, expires_at__lte=now
    )
    count = 0
    for pk, name in expired.values_list("pk", "file").iterator(chunk_size=EXPIRED_BATCH):
        if _delete_unless_busy(pk, name):
            count += 1
    finished, _by_model = ResumableUpload.objects.filter(
        state=ResumableUpload.State.COMPLETE, updated_at__lte=now - expiry()
    ).delete()
    return count + finished


def _delete_unless_busy(pk: int, name: str) -> bool:
    path = private_path(name) if name else None
    if path is None or not path.exists():
        ResumableUpload.objects.filter(pk=pk).delete()
        return True
    with open(path, "rb") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        ResumableUpload.objects.filter(pk=pk).delete()
        Path(path).unlink(missing_ok=True)
    return True


def parse_checksum(header: str) -> tuple[str, bytes] | None:
    """`Upload-Checksum: sha1 <base64>` → ("sha1", digest); None when absent."""
    if not header:
        return None
    algorithm, _sep, encoded = header.strip().partition(" ")
    if algorithm not in CHECKSUM_ALGORITHMS:
        raise ValidationFailed(_("Checksums are accepted only as SHA-1."), code="bad_checksum")
    try:
        digest = base64.b64decode(encoded.strip(), validate=True)
    except ValueError as exc:
        raise ValidationFailed(_("The checksum is not valid Base64."), code="bad_checksum") from exc
    return algorithm, digest

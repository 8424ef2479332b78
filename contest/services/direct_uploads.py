"""Uploads from the browser straight into the bucket: S3 multipart uploads, one presigned URL
per part, so the web server never carries the bytes (static/js/upload_s3.js).

The server starts an upload after the same checks as a plain upload (an editable work, the
declared size within the contest's cap), signs part URLs only for the parts that size needs,
and on completion checks what the bucket holds (every part, the declared size, the first bytes)
before the file enters the same processing as every other upload (`media.upload_record`).

No table holds uploads in progress: the browser keeps a signed ticket naming the user, the work,
the kind, the random object key, S3's upload id and the size, and shows it on every call. An
abandoned upload is removed by `direct_upload_abort` or by the bucket's lifecycle rule
(docs/deploy.md).
"""

import math
from dataclasses import asdict, dataclass

from botocore.exceptions import ClientError
from django.conf import settings
from django.core import signing
from django.utils.translation import gettext as _

from contest.errors import DomainError, NotFound, ValidationFailed
from contest.media.errors import MediaRejected
from contest.media.sniff import HEAD_SIZE, check_document_head, sniff_video_head
from contest.media.store import NEUTRAL_TYPE, S3Store, new_name, store
from contest.media.streaming import ReceivedFile, UploadEmpty, UploadTooLarge
from contest.models import Attachment, User, VideoAsset, Work
from contest.services.media import check_upload_kind, upload_limit, upload_record
from contest.services.works import check_editable

SALT = "contest.direct_upload"
TICKET_SECONDS = 7 * 24 * 3600  # S3 keeps unfinished uploads until aborted or expired by rule
MAX_PARTS = 10_000  # S3's limit
MAX_URLS = 100  # part URLs signed in one call


@dataclass(frozen=True)
class Ticket:
    user_id: int
    work_id: int
    kind: str | None
    key: str
    upload_id: str
    size: int
    part_size: int
    name: str

    @property
    def part_count(self) -> int:
        return math.ceil(self.size / self.part_size)


class DirectUploadsOff(NotFound):
    code = "direct_uploads_off"


def _bucket() -> S3Store:
    files = store()
    if not files.remote:
        raise DirectUploadsOff()
    return files


def _unknown() -> NotFound:
    return NotFound(_("This upload is unknown or has expired. Please start it again."))


def direct_upload_start(
    *, user: User, work: Work, kind: str | None, size: int, original_name: str
) -> tuple[str, Ticket]:
    """Start a multipart upload of `size` bytes; returns the signed ticket and what it says.

    Refuses before anything is created in the bucket when the size is 0 or over the cap.
    """
    bucket = _bucket()
    check_upload_kind(kind)
    check_editable(work)
    limit = upload_limit(work, kind)
    if size <= 0:
        raise UploadEmpty()
    if size > limit:
        raise UploadTooLarge(limit)
    key = new_name("videos" if kind is None else "attachments")
    created = bucket.client.create_multipart_upload(
        Bucket=bucket.bucket, Key=key, ContentType=NEUTRAL_TYPE
    )
    ticket = Ticket(
        user_id=user.pk,
        work_id=work.pk,
        kind=kind,
        key=key,
        upload_id=created["UploadId"],
        size=size,
        part_size=max(settings.S3_PART_SIZE, math.ceil(size / MAX_PARTS)),
        name=original_name[:255],
    )
    return signing.dumps(asdict(ticket), salt=SALT, compress=True), ticket


def ticket_open(*, user: User, token: str) -> Ticket:
    """The ticket if it is genuine, unexpired and this user's; NotFound otherwise."""
    try:
        data = signing.loads(str(token), salt=SALT, max_age=TICKET_SECONDS)
        ticket = Ticket(**data)
    except (signing.BadSignature, TypeError) as exc:
        raise _unknown() from exc
    if ticket.user_id != user.pk:
        raise _unknown()
    return ticket


def direct_upload_part_urls(*, ticket: Ticket, numbers: list[int]) -> dict[int, str]:
    """Presigned PUT URLs for these parts (1-based), each valid for S3_PRESIGN_SECONDS."""
    bucket = _bucket()
    wanted = sorted(set(numbers))
    if (
        not wanted
        or len(wanted) > MAX_URLS
        or not all(isinstance(n, int) and 1 <= n <= ticket.part_count for n in wanted)
    ):
        message = _("Ask for between 1 and %(most)s parts numbered 1 to %(count)s.") % {
            "most": MAX_URLS,
            "count": ticket.part_count,
        }
        raise ValidationFailed(message, fields={"parts": [message]})
    params = {"Bucket": bucket.bucket, "Key": ticket.key, "UploadId": ticket.upload_id}
    return {
        number: bucket.client.generate_presigned_url(
            "upload_part", Params={**params, "PartNumber": number}, ExpiresIn=bucket.expire
        )
        for number in wanted
    }


def direct_upload_parts(*, ticket: Ticket) -> list[dict]:
    """The parts the bucket holds so far (to resume): number, size and ETag, in order."""
    bucket = _bucket()
    pages = bucket.client.get_paginator("list_parts").paginate(
        Bucket=bucket.bucket, Key=ticket.key, UploadId=ticket.upload_id
    )
    try:
        return [
            {"number": part["PartNumber"], "size": part["Size"], "etag": part["ETag"]}
            for page in pages
            for part in page.get("Parts", [])
        ]
    except ClientError as exc:
        raise _unknown() from exc


def direct_upload_complete(*, ticket: Ticket, work: Work) -> VideoAsset | Attachment:
    """Join the parts into the object, check it, and record it for processing.

    Missing parts are refused and the upload stays open (send them, then finish again). Parts
    adding up to another size than declared, or a file that is plainly not a video or a
    document, are refused and their bytes deleted: nothing is stored.
    """
    bucket = _bucket()
    check_editable(work)
    parts = direct_upload_parts(ticket=ticket)
    missing = sorted(set(range(1, ticket.part_count + 1)) - {p["number"] for p in parts})
    if missing:
        shown = ", ".join(str(n) for n in missing[:10]) + ("…" if len(missing) > 10 else "")
        message = _("Parts %(parts)s have not arrived. Send them, then finish again.") % {
            "parts": shown
        }
        raise ValidationFailed(message, code="parts_missing", fields={"file": [message]})
    parts = [p for p in parts if p["number"] <= ticket.part_count]
    if sum(p["size"] for p in parts) != ticket.size:
        direct_upload_abort(ticket=ticket)
        message = _("The parts received do not add up to the file's size. Please upload again.")
        raise ValidationFailed(message, code="size_mismatch", fields={"file": [message]})
    _join(bucket, ticket, parts)
    received = ReceivedFile(name=ticket.key, size=ticket.size, sha256="")
    try:
        _check_object(bucket, ticket, upload_limit(work, ticket.kind))
        return upload_record(
            work=work, kind=ticket.kind, received=received, original_name=ticket.name
        )
    except DomainError:  # refused, or the work stopped being editable meanwhile: keep nothing
        bucket.delete(ticket.key)
        raise


def _join(bucket: S3Store, ticket: Ticket, parts: list[dict]) -> None:
    try:
        bucket.client.complete_multipart_upload(
            Bucket=bucket.bucket,
            Key=ticket.key,
            UploadId=ticket.upload_id,
            MultipartUpload={
                "Parts": [{"PartNumber": p["number"], "ETag": p["etag"]} for p in parts]
            },
        )
    except ClientError as exc:  # parts too small, or the upload was aborted meanwhile
        message = _("The bucket refused to join the parts. Please upload again.")
        raise ValidationFailed(message, code="join_refused", fields={"file": [message]}) from exc


def _check_object(bucket: S3Store, ticket: Ticket, limit: int) -> None:
    """What the bucket holds: the declared size within the cap, and first bytes of the kind
    expected (the full check follows in the worker)."""
    size = bucket.size(ticket.key)
    if size > limit:
        raise UploadTooLarge(limit)
    if size != ticket.size:
        message = _("The file in storage is not the size announced. Please upload again.")
        raise ValidationFailed(message, code="size_mismatch", fields={"file": [message]})
    head = bucket.read_head(ticket.key, HEAD_SIZE)
    try:
        if ticket.kind is None:
            sniff_video_head(head)
        else:
            check_document_head(head)
    except MediaRejected as exc:
        raise ValidationFailed(str(exc), code=exc.code, fields={"file": [str(exc)]}) from exc


def direct_upload_abort(*, ticket: Ticket) -> None:
    """Give the upload up: the bucket drops its parts. Aborting twice is harmless."""
    bucket = _bucket()
    try:
        bucket.client.abort_multipart_upload(
            Bucket=bucket.bucket, Key=ticket.key, UploadId=ticket.upload_id
        )
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") != "NoSuchUpload":
            raise

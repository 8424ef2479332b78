"""Receiving uploads: stream the bytes into private storage in constant memory.

The web process never holds a whole file: it copies the request body to disk in 1 MiB chunks,
counting and hashing as it goes, and refuses as soon as the count passes the cap. What the bytes
are is decided later, in the background worker.
"""

import hashlib
import os
import queue
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.utils.translation import gettext as _

from contest.errors import DomainError
from contest.media import store

CHUNK = 1024 * 1024
QUEUED_CHUNKS = 4
MB = 1024 * 1024
# What a multipart body adds around the file: boundaries, part headers, the CSRF field.
MULTIPART_OVERHEAD = 64 * 1024


@dataclass(frozen=True)
class ReceivedFile:
    name: str  # relative name in private storage, random
    size: int
    sha256: str


def _megabytes(limit: int) -> str:
    value = limit / MB
    return f"{value:g}" if value >= 1 else f"{value:.2f}"


class UploadTooLarge(DomainError):
    code = "too_large"
    status = 413

    def __init__(self, max_bytes: int):
        message = _("The file is larger than the limit of %(limit)s MB.") % {
            "limit": _megabytes(max_bytes)
        }
        super().__init__(message, fields={"file": [message]})


class UploadIncomplete(DomainError):
    code = "incomplete"
    status = 400

    def __init__(self):
        message = _("The upload broke off before the whole file arrived. Please try again.")
        super().__init__(message, fields={"file": [message]})


class UploadEmpty(DomainError):
    code = "empty"
    status = 400

    def __init__(self):
        message = _("The file is empty.")
        super().__init__(message, fields={"file": [message]})


def temporary_dir() -> Path:
    """Where uploads are written while they arrive: on the same disk as their final place, so
    that os.replace() is an atomic rename, never a copy (or the bucket's upload source)."""
    return store.work_dir()


def receive_to_private(
    stream, *, declared_length: int | None, max_bytes: int, prefix: str, suffix: str = ""
) -> ReceivedFile:
    """Copy `stream` to a new random name in private storage and return what was stored.

    Refuses before reading when the declared length passes `max_bytes`, and while reading when
    the bytes do (whatever was declared) or differ from the declared length. Nothing is left
    on disk when it refuses or fails.
    """
    if declared_length is not None and declared_length > max_bytes:
        raise UploadTooLarge(max_bytes)
    if declared_length == 0:
        raise UploadEmpty()
    fd, temporary = tempfile.mkstemp(dir=temporary_dir(), prefix="upload-")
    try:
        with os.fdopen(fd, "wb") as out:
            size, digest = _copy(stream, out, declared_length=declared_length, max_bytes=max_bytes)
        name = store.new_name(prefix, suffix)
        store.store().put_file(name, temporary)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return ReceivedFile(name=name, size=size, sha256=digest)


def _copy(stream, out, *, declared_length: int | None, max_bytes: int) -> tuple[int, str]:
    # Never ask for more than one byte past the limit: enough to know the sender overstepped.
    limit = max_bytes if declared_length is None else declared_length
    writer = _Writer(out)
    writer.start()
    size = 0
    try:
        while True:
            try:
                chunk = stream.read(min(CHUNK, limit - size + 1))
            except OSError as exc:  # the client went away (Django's UnreadablePostError is one)
                raise UploadIncomplete() from exc
            if not chunk:
                break
            size += len(chunk)
            if size > max_bytes:
                raise UploadTooLarge(max_bytes)
            if size > limit:
                raise UploadIncomplete()
            writer.put(chunk)
    finally:
        writer.close()
    digest = writer.hexdigest()
    if declared_length is not None and size != declared_length:
        raise UploadIncomplete()
    if size == 0:
        raise UploadEmpty()
    return size, digest


class _Writer(threading.Thread):
    """Hashes and writes chunks while the next ones arrive from the network.

    Both SHA-256 and file writes release the GIL, so the upload goes at the pace of the slower
    side instead of the sum of both (measured in benchmarks/bench_upload.py). The queue is
    bounded: memory stays at a few chunks however fast the client sends.
    """

    def __init__(self, out):
        super().__init__(name="upload-writer", daemon=True)
        self.out = out
        self.digest = hashlib.sha256()
        self.chunks: queue.Queue[bytes | None] = queue.Queue(maxsize=QUEUED_CHUNKS)
        self.error: BaseException | None = None

    def run(self):
        while (chunk := self.chunks.get()) is not None:
            if self.error is not None:
                continue  # keep draining so that put() never blocks after a failure
            try:
                self.digest.update(chunk)
                self.out.write(chunk)
            except BaseException as exc:
                self.error = exc

    def put(self, chunk: bytes) -> None:
        if self.error is not None:
            raise self.error
        self.chunks.put(chunk)

    def close(self) -> None:
        """Wait until every queued chunk is written (or dropped after a failure)."""
        self.chunks.put(None)
        self.join()

    def hexdigest(self) -> str:
        if self.error is not None:
            raise self.error
        return self.digest.hexdigest()


class CappedUploadHandler(FileUploadHandler):
    """Form posts (multipart) of one file: the no-JavaScript path to the same services.

    Refuses from the declared length before reading, then writes the field `field` to a temporary
    file in private storage, refusing as soon as it passes the cap; other file fields are
    skipped. The resulting UploadedFile is read again in chunks by receive_to_private().
    """

    def __init__(self, request=None, *, max_bytes: int, field: str = "file"):
        super().__init__(request)
        self.max_bytes = max_bytes
        self.field = field
        # Not named `file`: Django's parser closes handlers' `file` when it skips a later field.
        self.temporary = None
        self.completed = False

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if content_length > self.max_bytes + MULTIPART_OVERHEAD:
            raise UploadTooLarge(self.max_bytes)

    def new_file(self, field_name, *args, **kwargs):
        super().new_file(field_name, *args, **kwargs)
        if field_name != self.field or self.temporary is not None:
            raise SkipFile
        self.temporary = tempfile.NamedTemporaryFile(dir=temporary_dir(), prefix="form-")  # noqa: SIM115

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.max_bytes:
            self.temporary.close()
            raise UploadTooLarge(self.max_bytes)
        self.temporary.write(raw_data)

    def file_complete(self, file_size):
        self.temporary.seek(0)
        self.completed = True
        return UploadedFile(
            file=self.temporary,
            name=self.file_name,
            content_type=self.content_type,
            size=file_size,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )

    def upload_interrupted(self):
        if self.temporary is not None and not self.completed:
            self.temporary.close()

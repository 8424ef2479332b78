"""Private files, in one place: the local private folder, or an S3-compatible bucket.

Everything that saves, reads, deletes or sends a private file goes through `store()`, which is
chosen by settings: `LocalStore` (the private folder, sent by Django or nginx) unless
`S3_BUCKET` is set, then `S3Store` (one private bucket through django-storages, sent by
short-lived presigned URLs). Names are random (`new_name`), the same string is the object key,
and nothing about people goes into a key, a stored file name or object metadata (DESIGN §7):
objects carry no user metadata and a neutral content type; the type and the file name a browser
sees come with each presigned URL.
"""

import contextlib
import os
import tempfile
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.http import HttpResponse, HttpResponseRedirect

from contest.media.files import atomic_destination
from contest.media.ranges import ranged_file_response, safe_download_name
from contest.storage import new_private_name, private_path, private_root

NEUTRAL_TYPE = "application/octet-stream"
# Group-readable so that nginx (in the app's group) can send files through X-Accel-Redirect.
FILE_MODE = 0o640


def new_name(prefix: str, suffix: str = "") -> str:
    """A fresh random name such as 'videos/3f/3f9c…e1.mp4': no user data in it."""
    return new_private_name(prefix, suffix)


def work_dir() -> Path:
    """Local scratch space for files on their way in or out (on the private disk)."""
    path = private_root() / "tmp"
    path.mkdir(parents=True, exist_ok=True)
    return path


def disposition(download_name: str, *, as_attachment: bool) -> str:
    kind = "attachment" if as_attachment else "inline"
    return f'{kind}; filename="{safe_download_name(download_name)}"'


class LocalStore:
    """Today's single-machine storage: files under PRIVATE_MEDIA_ROOT."""

    remote = False

    def put_file(self, name: str, path: str | os.PathLike) -> None:
        """Move the local file `path` (on the private disk) to `name`, atomically."""
        final = private_path(name)
        final.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(path, FILE_MODE)
        os.replace(path, final)

    def put_bytes(self, name: str, data: bytes) -> None:
        with self.writing(name) as path:
            path.write_bytes(data)

    @contextlib.contextmanager
    def writing(self, name: str) -> Iterator[Path]:
        """A local path to write `name` to; it becomes `name` only if the block succeeds.

        Leftovers of an attempt killed earlier (hidden `.partial` files) are removed first.
        """
        final = private_path(name)
        final.parent.mkdir(parents=True, exist_ok=True)
        for leftover in final.parent.glob(f".{final.name}.*.partial"):
            leftover.unlink(missing_ok=True)
        with atomic_destination(final) as path:
            yield path

    @contextlib.contextmanager
    def local_copy(self, name: str) -> Iterator[Path]:
        """A local path holding the bytes of `name` for the length of the block (PyAV, zip)."""
        yield private_path(name)

    def local_path(self, name: str) -> Path:
        """A lasting local path of an unchanging file (certificate images)."""
        return private_path(name)

    def read_head(self, name: str, size: int) -> bytes:
        with open(private_path(name), "rb") as file:
            return file.read(size)

    def size(self, name: str) -> int:
        return private_path(name).stat().st_size

    def exists(self, name: str) -> bool:
        return private_path(name).exists()

    def delete(self, name: str) -> None:
        private_path(name).unlink(missing_ok=True)

    def serve(self, request, name: str, **options) -> HttpResponse:
        return ranged_file_response(request, private_path(name), **options)


class S3Store:
    """One private bucket through django-storages' S3Storage; the key is the name."""

    remote = True

    def __init__(self, config: tuple):
        from botocore.config import Config
        from storages.backends.s3 import S3Storage

        bucket, endpoint, region, style, key_id, secret, expire = config
        self.expire = expire
        self.storage = S3Storage(
            bucket_name=bucket,
            endpoint_url=endpoint or None,
            region_name=region or None,
            access_key=key_id or None,
            secret_key=secret or None,
            # Checksums only where S3 demands them: a presigned part URL must not ask the
            # browser for a checksum header it cannot send.
            client_config=Config(
                s3={"addressing_style": style or None},
                signature_version="s3v4",
                request_checksum_calculation="when_required",
                response_checksum_validation="when_required",
            ),
            default_acl=None,
            querystring_auth=True,
            querystring_expire=expire,
            file_overwrite=True,
            # No guessing from the name, no metadata: every object looks the same.
            object_parameters={"ContentType": NEUTRAL_TYPE},
        )

    @property
    def client(self):
        return self.storage.connection.meta.client

    @property
    def bucket(self) -> str:
        return self.storage.bucket_name

    def put_file(self, name: str, path: str | os.PathLike) -> None:
        """Upload the local file `path` as `name` (in parts when large), then remove it."""
        with open(path, "rb") as file:
            self.storage.save(name, File(file))
        Path(path).unlink(missing_ok=True)

    def put_bytes(self, name: str, data: bytes) -> None:
        self.storage.save(name, ContentFile(data))

    @contextlib.contextmanager
    def writing(self, name: str) -> Iterator[Path]:
        """A local path to write to; uploaded as `name` only when the block succeeds (an object
        appears whole or not at all)."""
        with tempfile.TemporaryDirectory(dir=work_dir(), prefix="out-") as folder:
            path = Path(folder) / Path(name).name
            yield path
            self.put_file(name, path)

    @contextlib.contextmanager
    def local_copy(self, name: str) -> Iterator[Path]:
        with tempfile.TemporaryDirectory(dir=work_dir(), prefix="in-") as folder:
            path = Path(folder) / Path(name).name
            self.client.download_file(self.bucket, name, str(path))
            yield path

    def local_path(self, name: str) -> Path:
        """A cached download: names are random and their files never change."""
        path = work_dir().parent / "cache" / name
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, partial = tempfile.mkstemp(dir=path.parent, suffix=".partial")
            os.close(fd)
            try:
                self.client.download_file(self.bucket, name, partial)
                os.replace(partial, path)
            finally:
                Path(partial).unlink(missing_ok=True)
        return path

    def read_head(self, name: str, size: int) -> bytes:
        found = self.client.get_object(Bucket=self.bucket, Key=name, Range=f"bytes=0-{size - 1}")
        return found["Body"].read()

    def size(self, name: str) -> int:
        return self.storage.size(name)

    def exists(self, name: str) -> bool:
        return self.storage.exists(name)

    def delete(self, name: str) -> None:
        self.storage.delete(name)

    def presigned_get(
        self, name: str, *, content_type: str, download_name: str, as_attachment: bool
    ) -> str:
        """A URL that lets its holder GET (with Range) this one object for a few minutes."""
        return self.client.generate_presigned_url(
            "get_object",
            Params={
                "Bucket": self.bucket,
                "Key": name,
                "ResponseContentType": content_type,
                "ResponseContentDisposition": disposition(
                    download_name, as_attachment=as_attachment
                ),
                "ResponseCacheControl": "private",
            },
            ExpiresIn=self.expire,
        )

    def serve(self, request, name: str, **options) -> HttpResponse:
        """302 to a presigned URL: the caller has checked permission; the bucket does ranges."""
        response = HttpResponseRedirect(self.presigned_get(name, **options))
        response["Cache-Control"] = "private, no-store"
        response["Referrer-Policy"] = "no-referrer"
        return response


@lru_cache(maxsize=4)
def _s3(config: tuple) -> S3Store:
    return S3Store(config)


def store() -> LocalStore | S3Store:
    """The storage the settings choose (read on every call, so tests can switch it)."""
    if not settings.S3_BUCKET:
        return _LOCAL
    return _s3(
        (
            settings.S3_BUCKET,
            settings.S3_ENDPOINT_URL,
            settings.S3_REGION,
            settings.S3_ADDRESSING_STYLE,
            settings.AWS_ACCESS_KEY_ID,
            settings.AWS_SECRET_ACCESS_KEY,
            settings.S3_PRESIGN_SECONDS,
        )
    )


_LOCAL = LocalStore()

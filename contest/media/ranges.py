"""Sending private files with HTTP Range support (RFC 9110 §14), or handing them to nginx.

Browsers' video players seek with Range requests; Django's FileResponse ignores them. One range
per request is served as 206; several ranges get the whole file with 200, which the RFC allows
and players never need otherwise.
"""

import os
import re
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.utils.http import http_date, parse_http_date_safe

from contest.storage import private_root

CHUNK = 256 * 1024
_RANGE = re.compile(r"(\d*)-(\d*)")
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]")


class Unsatisfiable(Exception):
    pass


def parse_range(header: str, size: int) -> tuple[int, int] | None:
    """The (first, last) byte of a single range, clipped to the file; None for "send it all".

    Raises Unsatisfiable for a range that starts past the end or is malformed.
    """
    unit, _sep, spec = header.partition("=")
    if unit.strip().lower() != "bytes" or not _sep:
        return None  # an unknown range unit is ignored
    if "," in spec:
        return None  # several ranges: the whole file instead
    match = _RANGE.fullmatch(spec.strip())
    if match is None or match.groups() == ("", ""):
        raise Unsatisfiable
    first, last = match.groups()
    if first == "":  # a suffix: the last N bytes
        length = int(last)
        if length == 0 or size == 0:
            raise Unsatisfiable
        return max(size - length, 0), size - 1
    start = int(first)
    end = size - 1 if last == "" else min(int(last), size - 1)
    if start >= size or (last != "" and int(last) < start):
        raise Unsatisfiable
    return start, end


def _if_range_holds(value: str, etag: str, mtime: int) -> bool:
    value = value.strip()
    if value.startswith(('"', "W/")):
        return value == etag  # a strong comparison: a weak tag never matches
    return parse_http_date_safe(value) == mtime


def safe_download_name(name: str) -> str:
    """ASCII letters, digits, dot, dash and underscore only: nothing to escape or misread."""
    return _SAFE_NAME.sub("_", name) or "file"


def _common_headers(response, *, content_type: str, download_name: str, as_attachment: bool):
    disposition = "attachment" if as_attachment else "inline"
    response["Content-Type"] = content_type
    name = safe_download_name(download_name)
    response["Content-Disposition"] = f'{disposition}; filename="{name}"'
    response["Cache-Control"] = "private"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def ranged_file_response(
    request, path, *, content_type: str, download_name: str, as_attachment: bool = False
) -> HttpResponse:
    """Answer a GET or HEAD for the private file at `path`, honouring Range and If-Range."""
    options = {
        "content_type": content_type,
        "download_name": download_name,
        "as_attachment": as_attachment,
    }
    if settings.PRIVATE_MEDIA_ACCEL_PREFIX:
        return _accel_response(Path(path), **options)
    try:
        handle = open(path, "rb")  # noqa: SIM115 (closed by the response)
    except FileNotFoundError as exc:
        raise Http404 from exc
    try:
        return _file_response(request, handle, **options)
    except BaseException:
        handle.close()
        raise


def _accel_response(path: Path, **options) -> HttpResponse:
    """Let nginx send the bytes (and do the ranges): see deploy/nginx/microvideo.conf."""
    relative = path.resolve().relative_to(private_root().resolve()).as_posix()
    prefix = settings.PRIVATE_MEDIA_ACCEL_PREFIX.rstrip("/")
    response = _common_headers(HttpResponse(), **options)
    response["X-Accel-Redirect"] = quote(f"{prefix}/{relative}")
    return response


def _file_response(request, handle, **options) -> HttpResponse:
    stat = os.fstat(handle.fileno())
    size, mtime = stat.st_size, int(stat.st_mtime)
    etag = f'"{size:x}-{stat.st_mtime_ns:x}"'
    span = None
    header = request.headers.get("Range")
    if header and _if_range_holds(request.headers.get("If-Range", etag), etag, mtime):
        try:
            span = parse_range(header, size)
        except Unsatisfiable:
            handle.close()
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{size}"
            return response
    start, end = span or (0, size - 1)
    length = end - start + 1 if size else 0
    if request.method == "HEAD":
        handle.close()
        response = HttpResponse()
    else:
        response = StreamingHttpResponse(_read(handle, start, length))
        response._resource_closers.append(handle.close)
    if span is not None:
        response.status_code = 206
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Content-Length"] = str(length)
    response["Accept-Ranges"] = "bytes"
    response["ETag"] = etag
    response["Last-Modified"] = http_date(mtime)
    return _common_headers(response, **options)


def _read(handle, start: int, length: int):
    handle.seek(start)
    remaining = length
    while remaining > 0:
        data = handle.read(min(CHUNK, remaining))
        if not data:
            return  # the file shrank under us: end early rather than loop
        remaining -= len(data)
        yield data

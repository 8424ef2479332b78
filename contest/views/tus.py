"""Resumable uploads from the work's page: the tus 1.0.0 protocol (core, creation, termination,
checksum with SHA-1, expiration). static/js/upload.js drives it through tus-js-client.

POST /uploads/tus/ creates an upload from Upload-Length and Upload-Metadata (`work`, `slot`:
"video" or an attachment kind, `filename`); HEAD on the upload tells its offset; PATCH appends
at Upload-Offset; DELETE ends it. The services (contest/services/tus.py) hold the rules.

Security: only a logged-in entrant, on their own work, while it may be changed. The session
cookie authenticates, so Django's CSRF check stays on for every unsafe method: the page's script
sends the token in X-CSRFToken (a custom header, which no other site can make a browser send
to us, and the token proves the page is ours); Django also checks Origin/Referer on HTTPS. HEAD
and OPTIONS change nothing. Someone else's upload or work answers 404, as if it did not exist.

Status codes follow tus and tus-js-client's retry rule (it retries 409, 423 and 5xx only): a work
that can no longer be changed answers 403, not the 409 of the API, which here means a wrong offset.
"""

import base64
import binascii

from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.http import http_date
from django.utils.translation import gettext as _

from contest.errors import Conflict, DomainError, ValidationFailed
from contest.models import ResumableUpload
from contest.services import tus as services

TUS_VERSION = "1.0.0"
EXTENSIONS = "creation,termination,checksum,expiration"


def _tus_headers(response: HttpResponse) -> HttpResponse:
    response["Tus-Resumable"] = TUS_VERSION
    response["Cache-Control"] = "no-store"
    return response


def _error(exc: DomainError) -> JsonResponse:
    status = 403 if isinstance(exc, Conflict) else exc.status
    fields = {
        name: [str(m) for m in (ms if isinstance(ms, list) else [ms])]
        for name, ms in exc.fields.items()
    }
    body = {"code": exc.code, "message": str(exc.message), "fields": fields}
    return _tus_headers(JsonResponse(body, status=status))


def _refusal(code: str, message, status: int, **headers) -> JsonResponse:
    response = JsonResponse({"code": code, "message": str(message), "fields": {}}, status=status)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return _tus_headers(response)


def _options(max_size: int) -> HttpResponse:
    response = HttpResponse(status=204)
    response["Tus-Version"] = TUS_VERSION
    response["Tus-Extension"] = EXTENSIONS
    response["Tus-Checksum-Algorithm"] = ",".join(services.CHECKSUM_ALGORITHMS)
    response["Tus-Max-Size"] = str(max_size)
    return response


def _protocol_refusal(request) -> HttpResponse | None:
    """The checks every tus request but OPTIONS passes first."""
    if request.headers.get("Tus-Resumable") != TUS_VERSION:
        return _refusal(
            "tus_version",
            _("This server speaks version %(version)s of the tus protocol.")
            % {"version": TUS_VERSION},
            412,
            Tus_Version=TUS_VERSION,
        )
    if not request.user.is_authenticated:
        return _refusal("not_authenticated", _("Please log in to upload files."), 401)
    return None


def _number(request, header: str) -> int:
    value = request.headers.get(header, "")
    if not value.isdigit() or not value.isascii():
        raise ValidationFailed(
            _("The %(header)s header must be a whole number.") % {"header": header},
            code="bad_header",
        )
    return int(value)


def _expiry_headers(response: HttpResponse, upload: ResumableUpload) -> HttpResponse:
    if upload.state == ResumableUpload.State.RECEIVING:
        response["Upload-Expires"] = http_date(upload.expires_at.timestamp())
    return _tus_headers(response)


# --- Creation


def parse_metadata(header: str) -> dict[str, str]:
    """Upload-Metadata: comma-separated `key base64(value)` pairs (the value may be absent)."""
    found = {}
    for pair in header.split(","):
        key, _sep, encoded = pair.strip().partition(" ")
        if not key:
            continue
        try:
            found[key] = base64.b64decode(encoded.strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError) as exc:
            raise ValidationFailed(
                _("The upload's metadata is not valid."), code="bad_metadata"
            ) from exc
    return found


def _file_name(value: str) -> str:
    """The name the entrant's computer gave the file (kept for them, never shown to judges)."""
    name = value.replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(c for c in name if c.isprintable())[:255]


def _create(request) -> HttpResponse:
    length = _number(request, "Upload-Length")
    metadata = parse_metadata(request.headers.get("Upload-Metadata", ""))
    work_id = metadata.get("work", "")
    if not work_id.isdigit() or not work_id.isascii():
        raise ValidationFailed(fields={"work": [_("Say which work the file is for.")]})
    upload = services.upload_create(
        user=request.user,
        work_id=int(work_id),
        slot=metadata.get("slot", ""),
        length=length,
        original_name=_file_name(metadata.get("filename", "")),
    )
    response = HttpResponse(status=201)
    response["Location"] = reverse("tus_upload", args=[upload.uuid])
    response["Upload-Offset"] = "0"
    return _expiry_headers(response, upload)


def tus_uploads(request):
    """The collection: OPTIONS says what the server supports, POST creates an upload."""
    if request.method == "OPTIONS":
        return _options(services.largest_cap())
    if request.method != "POST":
        return _refusal("method_not_allowed", _("Method not allowed."), 405, Allow="OPTIONS, POST")
    if refusal := _protocol_refusal(request):
        return refusal
    try:
        return _create(request)
    except DomainError as exc:
        return _error(exc)


# --- One upload


def _head(upload: ResumableUpload) -> HttpResponse:
    services.check_live(upload)
    response = HttpResponse(status=200)
    response["Upload-Offset"] = str(upload.offset)
    response["Upload-Length"] = str(upload.length)
    return _expiry_headers(response, upload)


def _patch(request, upload: ResumableUpload) -> HttpResponse:
    if request.content_type != "application/offset+octet-stream":
        return _refusal(
            "bad_content_type",
            _("A piece of an upload must be sent as application/offset+octet-stream."),
            415,
        )
    offset = _number(request, "Upload-Offset")
    checksum = services.parse_checksum(request.headers.get("Upload-Checksum", ""))
    declared = request.META.get("CONTENT_LENGTH", "")
    # The request is the stream, read in chunks: never request.body, which would hold it all.
    upload = services.upload_append(
        upload=upload,
        offset=offset,
        stream=request,
        content_length=int(declared) if declared.isdigit() else None,
        checksum=checksum,
    )
    response = HttpResponse(status=204)
    response["Upload-Offset"] = str(upload.offset)
    return _expiry_headers(response, upload)


def _delete(upload: ResumableUpload) -> HttpResponse:
    services.upload_terminate(upload=upload)
    return _tus_headers(HttpResponse(status=204))


def tus_upload(request, upload_id):
    """One upload: HEAD tells its offset, PATCH appends, DELETE ends it."""
    if request.method == "OPTIONS":
        return _options(services.largest_cap())
    if request.method not in ("HEAD", "PATCH", "DELETE"):
        allowed = "OPTIONS, HEAD, PATCH, DELETE"
        return _refusal("method_not_allowed", _("Method not allowed."), 405, Allow=allowed)
    if refusal := _protocol_refusal(request):
        return refusal
    try:
        upload = services.access_upload(request.user, upload_id)
        if request.method == "PATCH":
            return _patch(request, upload)
        return _head(upload) if request.method == "HEAD" else _delete(upload)
    except DomainError as exc:
        return _error(exc)

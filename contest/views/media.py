"""Media of works: permission-checked downloads with Range, and uploads from the work's page.

URLs carry a file's random uuid, never the work's id or the entrant, and responses name files by
the anonymous code only (DESIGN §7). Someone who may not see the work gets 404, as if the file did
not exist; someone who may see the work but not this file gets 403.

Uploads: PUT with the raw file as the body (static/js/upload.js, with a progress bar), or a
multipart form POST when JavaScript is off. Both stream to disk and call the same services.
"""

from functools import wraps
from urllib.parse import unquote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_safe
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from contest.errors import DomainError, NotFound
from contest.media.store import store
from contest.media.streaming import CappedUploadHandler
from contest.models import Attachment, ProcessingState, VideoAsset, Work
from contest.models.contests import AttachmentKind
from contest.services import media as services

VIEW_ORIGINAL = "contest.view_original_media"
VIEW_BLIND = "contest.view_blind_media"
OCTET = "application/octet-stream"
VIDEO_TYPES = {
    "mp4": "video/mp4",
    "mov": "video/quicktime",
    "webm": "video/webm",
    "mkv": "video/x-matroska",
    "avi": "video/x-msvideo",
    "flv": "video/x-flv",
    "wmv": "video/x-ms-wmv",
}
DOCUMENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}


# --- Downloads


def login_or_token_required(view):
    """Logged in through the site, or an API client sending `Authorization: Token …` (the API
    returns these download links)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated and request.headers.get("Authorization"):
            try:
                found = TokenAuthentication().authenticate(request)
            except AuthenticationFailed:
                found = None
            if found:
                request.user = found[0]
        return login_required(view)(request, *args, **kwargs)

    return wrapper


def _access_file(request, model, uuid, perm: str):
    """The video or attachment with this uuid if the user may `perm` its work."""
    item = model.objects.select_related("work__contest").filter(uuid=uuid).first()
    if item is None:
        raise Http404
    user = request.user
    if user.has_perm(perm, item.work):
        return item
    if user.has_perm("contest.view_work", item.work):
        raise PermissionDenied
    raise Http404


def _judges_copy(item, name: str) -> str:
    """A file made for judges; only the current, checked upload has one to show."""
    if item.state != ProcessingState.READY or not item.is_current or not name:
        raise Http404
    return name


def _send(request, name: str, *, content_type: str, download_name: str, as_attachment=False):
    """The bytes from here (or nginx), or a redirect to a short-lived presigned URL when files
    live in a bucket: the permission check above is the only way to get one."""
    return store().serve(
        request,
        name,
        content_type=content_type,
        download_name=download_name,
        as_attachment=as_attachment,
    )


def _original_type(item, extension: str, types: dict[str, str]) -> tuple[str, str]:
    """Extension and content type of an original: known only once processing checked it, and
    until then a download that the browser never renders."""
    if item.state == ProcessingState.READY and extension in types:
        return extension, types[extension]
    return "bin", OCTET


@login_or_token_required
@require_safe
def video_original(request, uuid):
    video = _access_file(request, VideoAsset, uuid, VIEW_ORIGINAL)
    extension, content_type = _original_type(video, video.container, VIDEO_TYPES)
    return _send(
        request,
        video.file,
        content_type=content_type,
        download_name=f"{video.work.anonymous_code}-original.{extension}",
        as_attachment=content_type == OCTET,
    )


def _video_copy(request, uuid, *, perm: str, field: str, content_type: str, extension: str):
    """One of the files made for judges from a video, named by the anonymous code only."""
    video = _access_file(request, VideoAsset, uuid, perm)
    return _send(
        request,
        _judges_copy(video, getattr(video, field)),
        content_type=content_type,
        download_name=f"{video.work.anonymous_code}.{extension}",
    )


@login_or_token_required
@require_safe
def video_blind(request, uuid):
    return _video_copy(
        request,
        uuid,
        perm=VIEW_BLIND,
        field="blind_file",
        content_type="video/mp4",
        extension="mp4",
    )


@login_or_token_required
@require_safe
def video_full(request, uuid):
    """The judges' copy that keeps the title card, for rounds that do not cut it."""
    return _video_copy(
        request,
        uuid,
        perm="contest.view_full_media",
        field="full_file",
        content_type="video/mp4",
        extension="mp4",
    )


@login_or_token_required
@require_safe
def video_poster(request, uuid):
    return _video_copy(
        request,
        uuid,
        perm=VIEW_BLIND,
        field="poster_file",
        content_type="image/jpeg",
        extension="jpg",
    )


@login_or_token_required
@require_safe
def attachment_original(request, uuid):
    attachment = _access_file(request, Attachment, uuid, VIEW_ORIGINAL)
    extension, content_type = _original_type(attachment, attachment.doc_type, DOCUMENT_TYPES)
    return _send(
        request,
        attachment.file,
        content_type=content_type,
        download_name=f"{attachment.work.anonymous_code}-{attachment.kind}-original.{extension}",
        as_attachment=True,
    )


@login_or_token_required
@require_safe
def attachment_sanitised(request, uuid):
    attachment = _access_file(request, Attachment, uuid, VIEW_BLIND)
    name = _judges_copy(attachment, attachment.sanitised_file)
    extension = attachment.doc_type
    return _send(
        request,
        name,
        content_type=DOCUMENT_TYPES.get(extension, OCTET),
        download_name=f"{attachment.work.anonymous_code}-{attachment.kind}.{extension or 'bin'}",
        # Browsers show PDFs themselves; Office files are only ever downloaded.
        as_attachment=extension != "pdf",
    )


# --- Uploads


def _error(code: str, message, status: int, fields: dict | None = None) -> JsonResponse:
    fields = {name: [str(text) for text in texts] for name, texts in (fields or {}).items()}
    return JsonResponse({"code": code, "message": str(message), "fields": fields}, status=status)


def _domain_error(exc: DomainError) -> JsonResponse:
    return _error(exc.code, exc.message, exc.status, exc.fields)


def _editable_work(request, work_id: int, kind: str | None) -> Work | None:
    """The work if this user may upload to it; None (shown as 404) otherwise."""
    if kind is not None and kind not in AttachmentKind.values:
        return None
    work = Work.objects.select_related("contest").filter(pk=work_id).first()
    if work is None or not request.user.has_perm("contest.edit_work", work):
        return None
    return work


def _receive(work: Work, kind: str | None, stream, length: int | None, original_name: str):
    if kind is None:
        return services.video_receive(
            work=work, stream=stream, length=length, original_name=original_name
        )
    return services.attachment_receive(
        work=work, kind=kind, stream=stream, length=length, original_name=original_name
    )


@csrf_exempt  # checked below, once the upload handlers are in place (Django's documented way)
def video_upload(request, work_id: int):
    return _upload(request, work_id, None)


@csrf_exempt  # as above
def attachment_upload(request, work_id: int, kind: str):
    return _upload(request, work_id, kind)


def _upload(request, work_id: int, kind: str | None):
    if request.method == "PUT":
        return _put(request, work_id, kind)
    if request.method == "POST":
        return _post(request, work_id, kind)
    return HttpResponseNotAllowed(["PUT", "POST"])


def _declared_length(request) -> int | None:
    value = request.META.get("CONTENT_LENGTH", "")
    return int(value) if value.isdigit() else None


def _file_name(request) -> str:
    """The name the entrant's computer gave the file (kept for them, never shown to judges)."""
    name = unquote(request.headers.get("X-File-Name", ""))
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(c for c in name if c.isprintable())[:255]


@csrf_protect
def _put(request, work_id: int, kind: str | None) -> JsonResponse:
    if not request.user.is_authenticated:
        return _error("not_authenticated", _("Please log in to upload files."), 401)
    work = _editable_work(request, work_id, kind)
    if work is None:
        return _domain_error(NotFound())
    length = _declared_length(request)
    if length is None:
        return _error("length_required", _("The upload must state its length."), 411)
    try:
        # The request itself is the stream: never request.body, which would hold it in memory.
        item = _receive(work, kind, request, length, _file_name(request))
    except DomainError as exc:
        return _domain_error(exc)
    item.refresh_from_db(fields=["state"])  # processing may already have run (immediate mode)
    data = {"id": str(item.uuid), "state": item.state, "size": item.size, "sha256": item.sha256}
    return JsonResponse(data, status=201)


def _back_to(work: Work):
    try:
        return redirect(reverse("work_detail", kwargs={"pk": work.pk}))
    except NoReverseMatch:
        return redirect("dashboard")


def _post(request, work_id: int, kind: str | None):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    work = _editable_work(request, work_id, kind)
    if work is None:
        raise Http404
    request.upload_handlers = [
        CappedUploadHandler(request, max_bytes=services.upload_limit(work, kind))
    ]
    try:
        return _receive_form(request, work, kind)
    except DomainError as exc:  # refused while the body was parsed (by the CSRF check)
        messages.error(request, str(exc.message))
        return _back_to(work)


@csrf_protect
def _receive_form(request, work: Work, kind: str | None):
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a file to upload."))
        return _back_to(work)
    try:
        _receive(work, kind, upload, upload.size, upload.name or "")
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The file was received. It is being checked now."))
    finally:
        upload.close()
    return _back_to(work)

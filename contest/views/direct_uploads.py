"""JSON endpoints of uploads straight to the bucket (contest/services/direct_uploads.py).

Only the entrant who may edit the work (the same `contest.edit_work` check as every upload) can
start, continue, finish or give up an upload; anyone else gets 404. Every call but the first
shows the signed ticket the first one returned. Logged-in pages only, with the CSRF token in
the `X-CSRFToken` header; all answers use the API's error shape.
"""

import json

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from contest.errors import DomainError, NotFound, ValidationFailed
from contest.models import Work
from contest.services import direct_uploads as services
from contest.services.direct_uploads import Ticket

MAX_BODY = 64 * 1024


def _error(exc: DomainError) -> JsonResponse:
    fields = {name: [str(text) for text in texts] for name, texts in exc.fields.items()}
    body = {"code": exc.code, "message": str(exc.message), "fields": fields}
    return JsonResponse(body, status=exc.status)


def _body(request) -> dict:
    if len(request.body) > MAX_BODY:
        raise ValidationFailed(_("The request is too large."))
    try:
        data = json.loads(request.body or b"{}")
    except ValueError as exc:
        raise ValidationFailed(_("The request is not valid JSON.")) from exc
    if not isinstance(data, dict):
        raise ValidationFailed(_("The request is not valid JSON."))
    return data


def _editable_work(user, work_id: int) -> Work:
    work = Work.objects.select_related("contest").filter(pk=work_id).first()
    if work is None or not user.has_perm("contest.edit_work", work):
        raise NotFound()
    return work


def _json_endpoint(handler):
    """POST only, logged in, domain errors as JSON."""

    @require_POST
    def view(request, *args, **kwargs):
        if not request.user.is_authenticated:
            body = {"code": "not_authenticated", "message": _("Please log in to upload files.")}
            return JsonResponse({**body, "fields": {}}, status=401)
        try:
            return handler(request, _body(request), *args, **kwargs)
        except DomainError as exc:
            return _error(exc)

    view.__name__ = handler.__name__
    view.__doc__ = handler.__doc__
    return view


def _ticket(request, data: dict) -> tuple[Ticket, Work]:
    ticket = services.ticket_open(user=request.user, token=data.get("ticket", ""))
    return ticket, _editable_work(request.user, ticket.work_id)


def _start(request, data: dict, work_id: int, kind: str | None) -> JsonResponse:
    size = data.get("size")
    if not isinstance(size, int) or isinstance(size, bool):
        message = _("State the file's size in bytes.")
        raise ValidationFailed(message, fields={"size": [message]})
    work = _editable_work(request.user, work_id)
    token, ticket = services.direct_upload_start(
        user=request.user,
        work=work,
        kind=kind,
        size=size,
        original_name=str(data.get("name", "")),
    )
    body = {"ticket": token, "part_size": ticket.part_size, "part_count": ticket.part_count}
    return JsonResponse(body, status=201)


@_json_endpoint
def video_start(request, data, work_id: int):
    """Start an upload of the work's video: {"size": bytes, "name": "…"}."""
    return _start(request, data, work_id, None)


@_json_endpoint
def attachment_start(request, data, work_id: int, kind: str):
    """Start an upload of one of the work's attachments."""
    return _start(request, data, work_id, kind)


@_json_endpoint
def part_urls(request, data):
    """Presigned URLs for the parts {"parts": [1, 2, …]}: the browser PUTs each slice there."""
    ticket, _work = _ticket(request, data)
    numbers = data.get("parts")
    urls = services.direct_upload_part_urls(
        ticket=ticket, numbers=numbers if isinstance(numbers, list) else []
    )
    return JsonResponse({"urls": {str(number): url for number, url in urls.items()}})


@_json_endpoint
def parts_received(request, data):
    """The parts the bucket holds, so that an interrupted upload sends only the rest."""
    ticket, _work = _ticket(request, data)
    return JsonResponse({"parts": services.direct_upload_parts(ticket=ticket)})


@_json_endpoint
def complete(request, data):
    """Join the parts; the file is then checked like every upload."""
    ticket, work = _ticket(request, data)
    item = services.direct_upload_complete(ticket=ticket, work=work)
    item.refresh_from_db(fields=["state"])  # processing may already have run (immediate mode)
    return JsonResponse({"id": str(item.uuid), "state": item.state, "size": item.size}, status=201)


@_json_endpoint
def abort(request, data):
    """Give the upload up; the bucket drops the parts."""
    ticket, _work = _ticket(request, data)
    services.direct_upload_abort(ticket=ticket)
    return JsonResponse({}, status=200)

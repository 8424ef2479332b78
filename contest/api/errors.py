"""One error shape for the whole API: {"code", "message", "fields"}."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from contest.errors import DomainError


def _flatten(detail, prefix: str = "") -> dict[str, list[str]]:
    """Field messages keyed by field name; nested fields as "institution.name".

    Errors of list items (keyed by index) belong to the list field itself.
    """
    fields: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = prefix if isinstance(key, int) else (f"{prefix}.{key}" if prefix else str(key))
            for field, messages in _flatten(value, name).items():
                fields.setdefault(field, []).extend(messages)
    elif isinstance(detail, list):
        for item in detail:
            for field, messages in _flatten(item, prefix).items():
                fields.setdefault(field, []).extend(messages)
    else:
        fields.setdefault(prefix, []).append(str(detail))
    return fields


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        set_rollback()
        return Response(
            {
                "code": exc.code,
                "message": str(exc.message),
                "fields": {k: [str(m) for m in v] for k, v in exc.fields.items()},
            },
            status=exc.status,
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail) if isinstance(exc.detail, dict) else {}
        general = fields.pop("non_field_errors", None)
        message = general[0] if general else _("Some fields are not valid.")
        if isinstance(exc.detail, list) and exc.detail:
            message = str(exc.detail[0])
        response.data = {"code": "validation_failed", "message": message, "fields": fields}
    else:
        codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        code = codes if isinstance(codes, str) else "error"
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        response.data = {"code": code, "message": str(detail), "fields": {}}
    if response.status_code == status.HTTP_429_TOO_MANY_REQUESTS:
        response.data["code"] = "throttled"
    return response

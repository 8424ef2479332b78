"""The one family of domain errors. Services raise them; the API and the pages translate them."""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A request the rules of the contest refuse. `fields` maps field names to messages."""

    code = "invalid"
    default_message = _("The request could not be carried out.")
    status = 400

    def __init__(self, message=None, *, code: str | None = None, fields: dict | None = None):
        self.message = message or self.default_message
        if code:
            self.code = code
        self.fields = fields or {}
        super().__init__(str(self.message))


class ValidationFailed(DomainError):
    code = "validation_failed"
    default_message = _("Some fields are not valid.")


class PermissionDeniedError(DomainError):
    code = "permission_denied"
    default_message = _("You do not have permission to do this.")
    status = 403


class NotFound(DomainError):
    code = "not_found"
    default_message = _("Not found.")
    status = 404


class Conflict(DomainError):
    code = "conflict"
    default_message = _("This conflicts with the current state.")
    status = 409


def from_django_validation_error(exc) -> ValidationFailed:
    """Turn a Django ValidationError (from full_clean) into our error with per-field messages."""
    if hasattr(exc, "error_dict"):
        fields = {
            name: [str(m) for e in errors for m in e.messages]
            for name, errors in exc.error_dict.items()
        }
        general = fields.pop("__all__", None)
        message = general[0] if general else None
        return ValidationFailed(message, fields=fields)
    return ValidationFailed(exc.messages[0] if exc.messages else None)

"""API permissions: the `rules` perms of contest/rules.py, checked once per request."""

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import APIException
from rest_framework.permissions import SAFE_METHODS, BasePermission

from contest.errors import DomainError
from contest.selectors import access_contest


def _as_api_exception(error: DomainError) -> APIException:
    """The same status, code and message, as the exception DRF expects from a permission.

    DRF probes permissions itself (OPTIONS, the browsable API's forms) and catches only its own
    exceptions there; the API's error shape stays the same.
    """
    exc = APIException(detail=str(error.message), code=error.code)
    exc.status_code = error.status
    return exc


class ContestAccess(BasePermission):
    """Resolve the contest named in the URL once, with `access_contest`, and keep it on the view.

    Reads need "contest.view_contest", writes the view's `contest_write_perm` (by default
    "contest.manage_contest"). A contest the user may not see is "not found" (404); one they see
    but may not change is 403, in the API's one error shape.
    Views without the URL keyword (lists, creation) pass through to their other permissions.
    """

    def has_permission(self, request, view) -> bool:
        slug = view.kwargs.get(getattr(view, "contest_url_kwarg", "contest_slug"))
        if slug is None:
            return True
        perm = (
            "contest.view_contest"
            if request.method in SAFE_METHODS
            else getattr(view, "contest_write_perm", "contest.manage_contest")
        )
        try:
            view.contest = access_contest(request.user, slug, perm)
        except DomainError as error:
            raise _as_api_exception(error) from error
        return True


class CanCreateContest(BasePermission):
    """Creating contests is for verified members of the "contest creators" group."""

    message = _("You may not create contests. Ask the platform administrator for the right.")

    def has_permission(self, request, view) -> bool:
        if getattr(view, "action", None) != "create":
            return True
        return request.user.has_perm("contest.create_contest")

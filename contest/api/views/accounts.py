"""Accounts: registration, API tokens, one's own profile."""

from axes.helpers import get_cool_off
from django.contrib.auth import authenticate, user_logged_in
from django.db import transaction
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.authtoken.models import Token
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from contest.api.serializers import (
    ProfileSerializer,
    RegisterSerializer,
    TokenRequestSerializer,
    TokenSerializer,
)
from contest.api.views.base import ApiViewMixin, errors
from contest.errors import DomainError, PermissionDeniedError
from contest.models import Institution, User
from contest.selectors import user_roles
from contest.services.accounts import (
    institution_get_or_create,
    user_register,
    user_update_profile,
)


def _institution(data: dict | None) -> Institution | None:
    return institution_get_or_create(**data) if data else None


def _profile(user: User) -> dict:
    return ProfileSerializer(user, context={"roles": user_roles(user)}).data


class RegisterView(ApiViewMixin, GenericAPIView):
    """Create an account; the verification e-mail is sent once the account is saved."""

    permission_classes = [AllowAny]
    throttle_scope = "register"
    serializer_class = RegisterSerializer

    @extend_schema(responses={201: ProfileSerializer, **errors(400, 429)})
    def post(self, request):
        data = self.validated()
        data.setdefault("language", get_language())
        # One transaction: a refused account leaves no new institution behind.
        with transaction.atomic():
            institution = _institution(data.pop("institution"))
            user = user_register(institution=institution, **data)
        return Response(_profile(user), status=status.HTTP_201_CREATED)


def _lockout_message(request) -> str:
    cool_off = get_cool_off(request)
    if cool_off is None:
        return _("Too many failed log-in attempts. Ask the organisers to unlock the account.")
    minutes = max(1, round(cool_off.total_seconds() / 60))
    return _("Too many failed log-in attempts. Try again in %(minutes)d minutes.") % {
        "minutes": minutes
    }


def _authenticate(request, *, email: str, password: str) -> User:
    """The user these credentials name, counted by django-axes, verified e-mail required.

    `request` is the DRF request on purpose: axes marks a locked-out request on the object it is
    given, and marked on the Django request its middleware would replace our JSON with HTML.
    """
    user = authenticate(request=request, username=email, password=password)
    if getattr(request, "axes_locked_out", False):
        raise PermissionDeniedError(_lockout_message(request), code="locked_out")
    if user is None:
        raise DomainError(
            _("The e-mail address or the password is not correct."), code="invalid_credentials"
        )
    if not user.email_verified:
        raise PermissionDeniedError(
            _("Verify your e-mail address first: follow the link in the e-mail we sent you."),
            code="email_not_verified",
        )
    # A token is a log-in: record it, and let axes forget the earlier failures.
    user_logged_in.send(sender=type(user), request=request, user=user)
    return user


class TokenView(ApiViewMixin, GenericAPIView):
    """POST: an API token for e-mail and password. DELETE: revoke one's token."""

    throttle_scope = "login"
    serializer_class = TokenRequestSerializer

    def get_permissions(self):
        if self.request.method == "DELETE":
            return [IsAuthenticated()]
        return [AllowAny()]

    @extend_schema(responses={200: TokenSerializer, **errors(400, 403, 429)})
    def post(self, request):
        data = self.validated()
        user = _authenticate(request, email=data["email"], password=data["password"])
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})

    @extend_schema(request=None, responses={204: None, **errors(401)})
    def delete(self, request):
        Token.objects.filter(user=request.user).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(ApiViewMixin, GenericAPIView):
    """One's own profile. The e-mail address is the log-in name and is not changed here."""

    permission_classes = [IsAuthenticated]
    serializer_class = ProfileSerializer

    @extend_schema(responses={200: ProfileSerializer, **errors(401)})
    def get(self, request):
        return Response(_profile(request.user))

    @extend_schema(responses={200: ProfileSerializer, **errors(400, 401)})
    def patch(self, request):
        data = self.validated(partial=True)
        user = request.user
        with transaction.atomic():
            institution = (
                _institution(data["institution"]) if "institution" in data else user.institution
            )
            user = user_update_profile(
                user=user,
                real_name=data.get("real_name", user.real_name),
                phone=data.get("phone", user.phone),
                institution=institution,
                language=data.get("language"),
            )
        return Response(_profile(user))

"""Writes about people: registration, e-mail verification, profiles, institutions."""

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _

from contest.errors import DomainError, ValidationFailed, from_django_validation_error
from contest.models import Institution, User
from contest.tokens import email_verification_token


def _clean_and_save(instance, *, exclude=None) -> None:
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as exc:
        raise from_django_validation_error(exc) from exc
    instance.save()


@transaction.atomic
def institution_get_or_create(
    *, name: str, kind: str, province: str, city: str = ""
) -> Institution:
    """The institution with this name in this place, created if new (names are compared trimmed)."""
    name, city = " ".join(name.split()), city.strip()
    existing = Institution.objects.filter(name=name, province=province, city=city).first()
    if existing:
        return existing
    institution = Institution(name=name, kind=kind, province=province, city=city)
    _clean_and_save(institution)
    return institution


def _check_email_free(email: str, *, exclude_pk: int | None = None) -> None:
    taken = User.objects.filter(email__iexact=email).exclude(pk=exclude_pk).exists()
    if taken:
        raise ValidationFailed(
            fields={"email": [_("An account with this e-mail address already exists.")]}
        )


@transaction.atomic
def user_register(
    *,
    email: str,
    password: str,
    real_name: str,
    phone: str = "",
    institution: Institution | None = None,
    language: str = settings.LANGUAGE_CODE,
) -> User:
    """Create an unverified account and queue the verification e-mail once the row is committed."""
    email = User.objects.normalize_email(email.strip()).lower()
    _check_email_free(email)
    user = User(
        email=email,
        real_name=" ".join(real_name.split()),
        phone=phone.strip(),
        institution=institution,
        language=language,
    )
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationFailed(fields={"password": list(exc.messages)}) from exc
    user.set_password(password)
    try:
        with transaction.atomic():
            _clean_and_save(user, exclude=["password"])
    except IntegrityError as exc:  # a concurrent registration with the same address won the race
        raise ValidationFailed(
            fields={"email": [_("An account with this e-mail address already exists.")]}
        ) from exc
    verification_email_queue(user=user)
    return user


def verification_email_queue(*, user: User) -> None:
    from contest.tasks import send_verification_email

    send_verification_email.enqueue(user.pk)


def verification_link(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = email_verification_token.make_token(user)
    return settings.SITE_URL.rstrip("/") + reverse("verify_email", args=[uid, token])


def verification_email_send(*, user_id: int) -> bool:
    """Send the verification e-mail; False if the user is gone or already verified."""
    user = User.objects.filter(pk=user_id, email_verified_at__isnull=True).first()
    if user is None:
        return False
    with translation.override(user.language):
        context = {"user": user, "link": verification_link(user)}
        subject = _("Verify your e-mail address for the micro-video contest platform")
        body = render_to_string("accounts/email/verify.txt", context)
    send_mail(subject, body, None, [user.email])
    return True


def password_reset_email_queue(*, user: User) -> None:
    from contest.tasks import send_password_reset_email

    send_password_reset_email.enqueue(user.pk)


def password_reset_email_send(*, user_id: int) -> bool:
    """Send a one-time link to choose a new password; False if the account cannot log in."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.has_usable_password():
        return False
    with translation.override(user.language):
        context = {
            "user": user,
            "site_url": settings.SITE_URL.rstrip("/"),
            "uid": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        }
        subject = render_to_string("accounts/email/password_reset_subject.txt", context)
        body = render_to_string("registration/password_reset_email.html", context)
    send_mail(" ".join(subject.split()), body, None, [user.email])
    return True


@transaction.atomic
def user_verify_email(*, uidb64: str, token: str) -> User:
    """Mark the address verified. The link works once, and only for the address it was sent to."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
        user = User.objects.select_for_update().get(pk=pk)
    except (ValueError, TypeError, OverflowError, User.DoesNotExist) as exc:
        raise DomainError(_("This verification link is not valid."), code="invalid_link") from exc
    if user.email_verified_at is not None:
        raise DomainError(
            _("This e-mail address is already verified. Please log in."), code="already_verified"
        )
    if not email_verification_token.check_token(user, token):
        raise DomainError(
            _("This verification link is not valid or has expired. Ask for a new one."),
            code="invalid_link",
        )
    user.email_verified_at = timezone.now()
    user.save(update_fields=["email_verified_at"])
    return user


@transaction.atomic
def user_update_profile(
    *,
    user: User,
    real_name: str,
    phone: str = "",
    institution: Institution | None = None,
    language: str | None = None,
) -> User:
    user.real_name = " ".join(real_name.split())
    user.phone = phone.strip()
    user.institution = institution
    if language:
        user.language = language
    _clean_and_save(user, exclude=["password"])
    return user

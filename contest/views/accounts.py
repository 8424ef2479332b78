"""Account pages: register, verify the e-mail address, log in, passwords, profile, dashboard."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from contest.errors import DomainError, ValidationFailed
from contest.forms import accounts as forms
from contest.forms.base import add_domain_error
from contest.models import ContestRole, Institution
from contest.selectors import (
    contests_open_to,
    institution_names_matching,
    unverified_user_by_email,
    user_roles,
    works_of_entrant,
)
from contest.services.accounts import (
    institution_get_or_create,
    user_register,
    user_update_profile,
    user_verify_email,
    verification_email_queue,
)

# One resent verification e-mail per address in this many seconds: the page is public, and must
# not become a way to flood someone's mailbox.
RESEND_INTERVAL_SECONDS = 120
INSTITUTION_SUGGESTIONS = 20
DASHBOARD_WORKS = 5
_REGISTERED_EMAIL_KEY = "accounts:registered_email"


def _remember_language(response, language: str) -> None:
    """Set the cookie the language middleware reads first, as Django's set_language view does."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


def _institution_from(form: forms.PersonFieldsMixin) -> Institution:
    try:
        return institution_get_or_create(**form.institution_data())
    except ValidationFailed as error:
        raise form.institution_error(error) from error


@require_http_methods(["GET", "POST"])
def register(request):
    form = forms.RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            # One transaction: a refused registration leaves no new institution behind.
            with transaction.atomic():
                user = user_register(
                    email=form.cleaned_data["email"],
                    password=form.cleaned_data["password"],
                    institution=_institution_from(form),
                    language=translation.get_language(),
                    **form.person_data(),
                )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            request.session[_REGISTERED_EMAIL_KEY] = user.email
            return redirect("register_done")
    return render(request, "accounts/register.html", {"form": form})


@require_GET
def register_done(request):
    email = request.session.get(_REGISTERED_EMAIL_KEY, "")
    return render(request, "accounts/register_done.html", {"email": email})


@require_GET
def institution_names(request):
    """Options for the institution datalist: names containing what the person has typed."""
    typed = " ".join(request.GET.get("institution_name", "").split())[:120]
    names = institution_names_matching(typed, limit=INSTITUTION_SUGGESTIONS)
    return render(request, "accounts/institution_options.html", {"institution_names": names})


@require_http_methods(["GET", "POST"])
def verify_email(request, uidb64: str, token: str):
    # GET only shows a button: mail scanners that open links must not use up the one-time link.
    if request.method == "GET":
        return render(request, "accounts/verify_confirm.html")
    try:
        user_verify_email(uidb64=uidb64, token=token)
    except DomainError as error:
        return render(request, "accounts/verify_failed.html", {"error": error}, status=400)
    messages.success(request, _("Your e-mail address is verified. You can log in now."))
    return redirect("login")


@require_http_methods(["GET", "POST"])
def resend_verification(request):
    form = forms.ResendVerificationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].strip().lower()
        if cache.add(f"accounts:resend:{email}", True, RESEND_INTERVAL_SECONDS):
            user = unverified_user_by_email(email)
            if user is not None:
                verification_email_queue(user=user)
        # The same answer whether or not the account exists: the page must not reveal who has one.
        messages.info(
            request,
            _(
                "If an account with this address is waiting for verification, "
                "we have sent a new link to it. Please check your mailbox."
            ),
        )
        return redirect("login")
    return render(request, "accounts/resend_verification.html", {"form": form})


class LoginView(auth_views.LoginView):
    form_class = forms.LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        # A new browser follows the language the person chose in their profile.
        if settings.LANGUAGE_COOKIE_NAME not in self.request.COOKIES:
            _remember_language(response, form.get_user().language)
        return response


class PasswordResetView(auth_views.PasswordResetView):
    form_class = forms.PasswordResetForm
    subject_template_name = "accounts/email/password_reset_subject.txt"

    @property
    def extra_email_context(self) -> dict:
        # Links in e-mails use the configured address, like the verification links do.
        return {"site_url": settings.SITE_URL.rstrip("/")}


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    user = request.user
    form = forms.ProfileForm(request.POST or None, initial=forms.ProfileForm.initial_for(user))
    if request.method == "POST" and form.is_valid():
        language = form.cleaned_data["language"]
        try:
            with transaction.atomic():
                user_update_profile(
                    user=user,
                    institution=_institution_from(form),
                    language=language,
                    **form.person_data(),
                )
        except DomainError as error:
            user.refresh_from_db()  # the service set fields before it refused: show saved values
            add_domain_error(form, error)
        else:
            with translation.override(language):
                messages.success(request, str(_("Your profile is saved.")))
            response = redirect("profile")
            _remember_language(response, language)
            return response
    roles = user_roles(user)
    return render(request, "accounts/profile.html", {"form": form, "roles": roles})


@login_required
@require_GET
def dashboard(request):
    roles = list(user_roles(request.user))
    # Organisers and judges of a contest may not enter it (see contest.enter_contest in rules).
    open_contests = contests_open_to(request.user)
    context = {
        "organised": [r.contest for r in roles if r.role == ContestRole.Role.ORGANISER],
        "judged": [r.contest for r in roles if r.role == ContestRole.Role.JUDGE],
        "coordinated": [r for r in roles if r.role == ContestRole.Role.COORDINATOR],
        "open_contests": open_contests,
        "works": works_of_entrant(request.user)[:DASHBOARD_WORKS],
    }
    return render(request, "accounts/dashboard.html", context)

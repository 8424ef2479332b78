"""Forms of the account pages. They check shapes only; the services decide and save."""

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from contest.errors import ValidationFailed
from contest.forms.base import StyledFormMixin
from contest.models import Institution, User
from contest.models.accounts import phone_validator
from contest.regions import PROVINCE_CHOICES
from contest.services.accounts import password_reset_email_queue

INSTITUTION_DATALIST_ID = "institution-names"

# The service names institution fields as the model does; the forms prefix two of them.
_INSTITUTION_FIELD_NAMES = {"name": "institution_name", "kind": "institution_kind"}


def _blank_first(choices) -> list:
    return [("", "---------"), *choices]


class PersonFieldsMixin(forms.Form):
    """Who the person is and where they work: shared by registration and the profile."""

    real_name = forms.CharField(
        label=_("Real name"),
        max_length=User._meta.get_field("real_name").max_length,
        help_text=_("As it should appear on certificates."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    phone = forms.CharField(
        label=pgettext_lazy("telephone", "Mobile phone"),
        max_length=User._meta.get_field("phone").max_length,
        required=False,
        validators=[phone_validator],
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    institution_name = forms.CharField(
        label=_("Institution"),
        max_length=Institution._meta.get_field("name").max_length,
        help_text=_(
            "Your school, university or education bureau. Pick it from the list if it is there."
        ),
        widget=forms.TextInput(
            attrs={
                "list": INSTITUTION_DATALIST_ID,
                "autocomplete": "off",
                # Refresh the list of matching names while the person types (htmx).
                "hx-get": reverse_lazy("institution_names"),
                "hx-trigger": "input changed delay:300ms",
                "hx-target": f"#{INSTITUTION_DATALIST_ID}",
                "hx-swap": "innerHTML",
            }
        ),
    )
    institution_kind = forms.ChoiceField(
        label=_("Kind of institution"), choices=_blank_first(Institution.Kind.choices)
    )
    province = forms.ChoiceField(label=_("Province"), choices=_blank_first(PROVINCE_CHOICES))
    city = forms.CharField(
        label=_("City"), max_length=Institution._meta.get_field("city").max_length, required=False
    )

    def institution_data(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["institution_name"],
            "kind": data["institution_kind"],
            "province": data["province"],
            "city": data["city"],
        }

    def person_data(self) -> dict:
        data = self.cleaned_data
        return {"real_name": data["real_name"], "phone": data["phone"]}

    @staticmethod
    def institution_error(error: ValidationFailed) -> ValidationFailed:
        """The institution service's error, with field names as this form spells them."""
        fields = {
            _INSTITUTION_FIELD_NAMES.get(name, name): messages
            for name, messages in error.fields.items()
        }
        return ValidationFailed(error.message, code=error.code, fields=fields)


class RegistrationForm(StyledFormMixin, PersonFieldsMixin):
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=User._meta.get_field("email").max_length,
        help_text=_("You log in with it; we send a link to it to check it is yours."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        help_text=_("At least 8 characters, not only digits, not a common password."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_confirm = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    field_order = [
        "email",
        "password",
        "password_confirm",
        "real_name",
        "phone",
        "institution_name",
        "institution_kind",
        "province",
        "city",
    ]

    def clean(self):
        cleaned = super().clean()
        password, confirm = cleaned.get("password"), cleaned.get("password_confirm")
        if password and confirm and password != confirm:
            self.add_error("password_confirm", _("The two passwords do not match."))
        return cleaned


class ProfileForm(StyledFormMixin, PersonFieldsMixin):
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)

    @classmethod
    def initial_for(cls, user: User) -> dict:
        initial = {"real_name": user.real_name, "phone": user.phone, "language": user.language}
        if user.institution is not None:
            institution = user.institution
            initial.update(
                institution_name=institution.name,
                institution_kind=institution.kind,
                province=institution.province,
                city=institution.city,
            )
        return initial


class LoginForm(StyledFormMixin, auth_forms.AuthenticationForm):
    """Log in with e-mail and password; accounts whose address is not verified are refused."""

    username = auth_forms.UsernameField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    error_messages = {
        **auth_forms.AuthenticationForm.error_messages,
        "invalid_login": _("The e-mail address or the password is not correct."),
        "unverified": _(
            "Your e-mail address is not verified yet. Open the link in the e-mail "
            "we sent you, or ask for a new one."
        ),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.unverified = False

    def clean_username(self) -> str:
        # One spelling per address, so that failed attempts count against the same account.
        return self.cleaned_data["username"].strip().lower()

    def confirm_login_allowed(self, user: User) -> None:
        super().confirm_login_allowed(user)
        if not user.email_verified:
            self.unverified = True  # the page then offers the link to resend the e-mail
            raise forms.ValidationError(self.error_messages["unverified"], code="unverified")


class ResendVerificationForm(StyledFormMixin, forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=User._meta.get_field("email").max_length,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class PasswordChangeForm(StyledFormMixin, auth_forms.PasswordChangeForm):
    pass


class PasswordResetForm(StyledFormMixin, auth_forms.PasswordResetForm):
    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        # The mail is rendered and sent by the background worker, in the user's own language.
        password_reset_email_queue(user=context["user"])


class SetPasswordForm(StyledFormMixin, auth_forms.SetPasswordForm):
    pass

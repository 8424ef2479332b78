"""People: users (who log in with their e-mail) and the institutions they belong to."""

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from contest.regions import PROVINCE_CHOICES

# Mainland mobile numbers, optionally with +86 / 0086 in front.
phone_validator = RegexValidator(
    r"^(?:\+?86|0086)?1[3-9]\d{9}$",
    _("Enter a mainland China mobile number of 11 digits, e.g. 13800138000."),
    code="invalid_phone",
)


class Institution(models.Model):
    class Kind(models.TextChoices):
        PRIMARY = "primary", _("Primary school")
        JUNIOR = "junior", _("Junior secondary school")
        SENIOR = "senior", _("Senior secondary school")
        UNIVERSITY = "university", _("University")
        BUREAU = "bureau", _("Education bureau")

    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    province = models.CharField(_("province"), max_length=16, choices=PROVINCE_CHOICES)
    city = models.CharField(_("city"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        ordering = ["province", "city", "name"]
        constraints = [
            models.UniqueConstraint(
                "name", "province", "city", name="institution_unique_name_in_place"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields) -> "User":
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> "User":
        fields.update(is_staff=True, is_superuser=True, email_verified_at=timezone.now())
        return self.create_user(email, password, **fields)

    def get_by_natural_key(self, username: str) -> "User":
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in with an e-mail address. Roles are per contest (see ContestRole)."""

    email = models.EmailField(_("e-mail address"), max_length=254, unique=True)
    real_name = models.CharField(_("real name"), max_length=60)
    phone = models.CharField(
        pgettext_lazy("telephone", "phone"), max_length=20, blank=True, validators=[phone_validator]
    )
    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    email_verified_at = models.DateTimeField(_("e-mail verified at"), null=True, blank=True)
    is_staff = models.BooleanField(_("staff status"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["real_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_unique_email_ci"),
        ]

    def __str__(self) -> str:
        return f"{self.real_name} <{self.email}>"

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    def get_full_name(self) -> str:
        return self.real_name

    def get_short_name(self) -> str:
        return self.real_name

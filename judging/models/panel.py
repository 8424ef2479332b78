"""The judge panel of a contest: members with expertise and load, invitations, chief judges,
and conflicts of interest (回避) that are declared or set (automatic ones are computed)."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from contest.models import Category, Contest, Work


class PanelMember(models.Model):
    """A judge of a contest. The judge's ContestRole gives access; this row adds what assignment
    needs. Expertise tags: "subject:<code>", "stage:<code>", "group:<code>"."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="panel")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="panel_memberships"
    )
    expertise = models.JSONField(_("expertise"), default=list, blank=True)
    max_load = models.PositiveIntegerField(
        _("maximum works"), default=60, validators=[MinValueValidator(1), MaxValueValidator(10000)]
    )
    is_chief = models.BooleanField(_("chief judge (评审组长)"), default=False)
    active = models.BooleanField(_("active"), default=True)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("panel member")
        verbose_name_plural = _("panel members")
        constraints = [models.UniqueConstraint("contest", "user", name="panel_member_unique")]

    def __str__(self) -> str:
        return f"{self.contest_id}:{self.user_id}"


class Invitation(models.Model):
    """A one-time link inviting someone to the panel; people with an account simply join."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail address"))
    name = models.CharField(_("name"), max_length=60, blank=True)
    institution_name = models.CharField(_("institution"), max_length=120, blank=True)
    expertise = models.JSONField(default=list, blank=True)
    max_load = models.PositiveIntegerField(default=60)
    is_chief = models.BooleanField(default=False)
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(
                "contest",
                "email",
                condition=Q(accepted_at__isnull=True),
                name="invitation_one_open_per_email",
            ),
        ]

    def __str__(self) -> str:
        return self.email


class ChiefJudge(models.Model):
    """A chief judge (评审组长) of a round, for one category or (category empty) the whole round."""

    round = models.ForeignKey("judging.Round", on_delete=models.CASCADE, related_name="chiefs")
    category = models.ForeignKey(
        Category, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint("round", "category", "user", name="chief_judge_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.round_id}:{self.category_id}:{self.user_id}"


class Conflict(models.Model):
    """A judge who must not score a work: declared by the judge (a recusal) or set by an organiser.

    Automatic conflicts (same institution; optionally same city or province) are computed from
    the people's institutions and never stored, so they follow any change of institution.
    """

    class Source(models.TextChoices):
        DECLARED = "declared", _("Declared by the judge")
        ORGANISER = "organiser", _("Set by an organiser")

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="conflicts")
    judge = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conflicts"
    )
    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="conflicts")
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    reason = models.TextField(_("reason"), max_length=1000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        constraints = [models.UniqueConstraint("judge", "work", name="conflict_unique")]

    def __str__(self) -> str:
        return f"{self.judge_id}×{self.work_id}"

"""Contests and the dimensions their works are ranked in."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

VIDEO_FORMAT_CHOICES = [
    ("mp4", "MP4"),
    ("mov", "MOV"),
    ("mkv", "MKV"),
    ("webm", "WebM"),
    ("avi", "AVI"),
    ("flv", "FLV"),
    ("wmv", "WMV"),
]


class AttachmentKind(models.TextChoices):
    DESIGN = "design", _("Teaching design (docx or pdf)")
    SLIDES = "slides", _("Slides (pptx or pdf)")


class Contest(models.Model):
    class Phase(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open for submissions")
        SCREENING = "screening", _("Screening")
        JUDGING = "judging", _("Judging")
        RESULTS = "results", _("Results (public notice)")
        CLOSED = "closed", _("Closed")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("short name in links"), max_length=60, unique=True)
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    description = models.TextField(_("description"), blank=True)
    rules_text = models.TextField(_("rules"), blank=True)
    phase = models.CharField(_("phase"), max_length=16, choices=Phase.choices, default=Phase.DRAFT)

    submission_opens_at = models.DateTimeField(_("submissions open"), null=True, blank=True)
    submission_closes_at = models.DateTimeField(_("submission deadline"), null=True, blank=True)
    judging_starts_at = models.DateTimeField(_("judging starts"), null=True, blank=True)
    judging_ends_at = models.DateTimeField(_("judging ends"), null=True, blank=True)
    results_published_at = models.DateTimeField(_("results published"), null=True, blank=True)
    notice_ends_at = models.DateTimeField(_("public notice ends"), null=True, blank=True)

    min_duration_seconds = models.PositiveIntegerField(
        _("minimum video length (seconds)"), default=300
    )
    max_duration_seconds = models.PositiveIntegerField(
        _("maximum video length (seconds)"), default=1200
    )
    max_file_size_mb = models.PositiveIntegerField(
        _("maximum video size (MB)"), default=500, validators=[MinValueValidator(1)]
    )
    allowed_formats = models.JSONField(_("allowed video formats"), default=list, blank=True)
    min_width = models.PositiveIntegerField(_("minimum width (pixels)"), default=1280)
    min_height = models.PositiveIntegerField(_("minimum height (pixels)"), default=720)
    required_attachments = models.JSONField(_("required attachments"), default=list, blank=True)
    title_card_seconds = models.DecimalField(
        _("title-card seconds cut from judges' copies"),
        max_digits=5,
        decimal_places=1,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(120)],
    )
    licence_text = models.TextField(_("licence entrants accept"), blank=True)
    works_per_entrant = models.PositiveSmallIntegerField(
        _("works allowed per entrant"), default=1, validators=[MinValueValidator(1)]
    )
    max_attachment_size_mb = models.PositiveIntegerField(
        _("maximum attachment size (MB)"),
        default=50,
        validators=[MinValueValidator(1), MaxValueValidator(500)],
    )
    audio_required = models.BooleanField(_("videos must have sound"), default=True)
    max_co_authors = models.PositiveSmallIntegerField(
        _("co-authors allowed per work"), default=2, validators=[MaxValueValidator(10)]
    )
    screening_deadline = models.DateTimeField(
        _("deadline for works returned for fixes"),
        null=True,
        blank=True,
        help_text=_("Entrants may resubmit a returned work until then."),
    )
    endorsement_required = models.BooleanField(
        _("institutions endorse works before screening (单位推荐)"), default=False
    )
    endorsement_quota = models.PositiveIntegerField(
        _("works an institution may endorse (0: no limit)"), default=0
    )
    endorsement_quota_percent = models.PositiveSmallIntegerField(
        _("share of its works an institution may endorse, in % (0: no limit)"),
        default=0,
        validators=[MaxValueValidator(100)],
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("contest")
        verbose_name_plural = _("contests")
        ordering = ["-year", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_duration_seconds__lte=F("max_duration_seconds")),
                name="contest_duration_range",
            ),
            models.CheckConstraint(
                condition=Q(submission_opens_at__isnull=True)
                | Q(submission_closes_at__isnull=True)
                | Q(submission_opens_at__lt=F("submission_closes_at")),
                name="contest_submission_window",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.phase != self.Phase.DRAFT


class ContestRole(models.Model):
    """A person's role in one contest. Entrants need no row.

    A coordinator (单位推荐联系人) endorses the works of one institution when the contest asks.
    """

    class Role(models.TextChoices):
        ORGANISER = "organiser", _("Organiser")
        JUDGE = "judge", pgettext_lazy("role", "Judge")
        COORDINATOR = "coordinator", _("Institution coordinator")

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="roles")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contest_roles"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    institution = models.ForeignKey(
        "contest.Institution",
        verbose_name=_("institution"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("contest role")
        verbose_name_plural = _("contest roles")
        constraints = [
            models.UniqueConstraint("contest", "user", "role", name="contest_role_unique"),
            models.CheckConstraint(
                condition=Q(role="coordinator", institution__isnull=False)
                | (~Q(role="coordinator") & Q(institution__isnull=True)),
                name="contest_role_institution_for_coordinators",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contest_id}:{self.user_id}:{self.role}"


class Dimension(models.Model):
    """Shared shape of the things a category combines: a named, coded, ordered item of a contest."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=60)
    code = models.SlugField(_("code"), max_length=20)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        abstract = True
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class Group(Dimension):
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="groups")
    requires_supervisor = models.BooleanField(
        _("works need a supervising teacher (指导教师)"), default=False
    )

    class Meta(Dimension.Meta):
        verbose_name = pgettext_lazy("entrant group", "group")
        verbose_name_plural = pgettext_lazy("entrant group", "groups")
        constraints = [models.UniqueConstraint("contest", "code", name="group_unique_code")]


class Subject(Dimension):
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="subjects")

    class Meta(Dimension.Meta):
        verbose_name = _("subject")
        verbose_name_plural = _("subjects")
        constraints = [models.UniqueConstraint("contest", "code", name="subject_unique_code")]


class Stage(Dimension):
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="stages")

    class Meta(Dimension.Meta):
        verbose_name = _("school stage")
        verbose_name_plural = _("school stages")
        constraints = [models.UniqueConstraint("contest", "code", name="stage_unique_code")]


class Category(models.Model):
    """The unit works are ranked in: a combination of group, subject and stage."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="categories")
    group = models.ForeignKey(
        Group,
        verbose_name=pgettext_lazy("entrant group", "group"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="categories",
    )
    subject = models.ForeignKey(
        Subject,
        verbose_name=_("subject"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="categories",
    )
    stage = models.ForeignKey(
        Stage,
        verbose_name=_("school stage"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="categories",
    )
    code = models.SlugField(_("code"), max_length=30)
    name = models.CharField(_("display name"), max_length=120)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["order", "code"]
        constraints = [
            models.UniqueConstraint("contest", "code", name="category_unique_code"),
            models.UniqueConstraint(
                "contest", "group", "subject", "stage", name="category_unique_combination"
            ),
        ]

    def __str__(self) -> str:
        return self.name

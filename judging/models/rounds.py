"""Rubrics (评分标准) with their criteria, and judging rounds (评审轮次)."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from contest.models import Category, Contest, Work


class Rubric(models.Model):
    """A set of criteria. Once a round using it has opened it is frozen: editing makes a copy."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="rubrics")
    name = models.CharField(_("name"), max_length=120)
    note = models.TextField(_("note"), blank=True)
    copied_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("rubric")
        verbose_name_plural = _("rubrics")
        ordering = ["contest", "name", "pk"]

    def __str__(self) -> str:
        return self.name


class Criterion(models.Model):
    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("name"), max_length=60)
    description = models.TextField(_("description"), blank=True)
    max_points = models.DecimalField(
        _("maximum points"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("1000"))],
    )
    weight = models.DecimalField(
        _("weight"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))],
    )
    step = models.DecimalField(
        _("step"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("0.5"),
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    # [{"label": "优", "text": "…"}, …] from best to worst.
    levels = models.JSONField(_("level descriptors"), default=list, blank=True)
    comment_required = models.BooleanField(_("a comment is required"), default=False)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(step__lte=F("max_points")), name="criterion_step_within_max"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Round(models.Model):
    """One judging round of a contest (初评, 复评, 终评)."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ASSIGNING = "assigning", _("Assigning")
        OPEN = "open", _("Open for scoring")
        CLOSED = "closed", _("Closed")
        FROZEN = "frozen", _("Results frozen")

    class FinalRule(models.TextChoices):
        ALL = "all", _("All sheets count")
        CLOSEST_PAIR = "closest_pair", _("The two closest sheets count")
        ARBITRATOR = "arbitrator", _("The arbitrator's score decides")

    class Expertise(models.TextChoices):
        REQUIRE = "require", _("Judges must match the category")
        PREFER = "prefer", _("Matching judges first, others when needed")
        IGNORE = "ignore", _("Any judge")

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="rounds")
    name = models.CharField(_("name"), max_length=60)
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    rubric = models.ForeignKey(
        Rubric, verbose_name=_("rubric"), on_delete=models.PROTECT, related_name="rounds"
    )
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.DRAFT, editable=False
    )
    opens_at = models.DateTimeField(_("scoring opens"))
    closes_at = models.DateTimeField(_("scoring closes"))
    categories = models.ManyToManyField(
        Category, verbose_name=_("categories"), related_name="rounds", blank=True
    )
    judges_per_work = models.PositiveSmallIntegerField(
        _("judges per work"), default=3, validators=[MinValueValidator(1), MaxValueValidator(15)]
    )
    tolerance = models.DecimalField(
        _("divergence tolerance (points)"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("15"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    final_rule = models.CharField(
        _("final score of a divergent work"),
        max_length=12,
        choices=FinalRule.choices,
        default=FinalRule.ALL,
        help_text=_(
            "When a work's totals spread more than the tolerance, one more judge scores it; if "
            "they are still apart, the chief judge arbitrates. This rule says which scores then "
            "count."
        ),
    )
    calibration_min_sheets = models.PositiveSmallIntegerField(
        _("sheets a judge needs for calibration"),
        default=5,
        validators=[MinValueValidator(2), MaxValueValidator(1000)],
        help_text=_("Judges with fewer sheets keep their raw totals in the calibrated method."),
    )
    min_play_percent = models.PositiveSmallIntegerField(
        _("share of the video a judge must play before submitting (%)"),
        default=0,
        validators=[MaxValueValidator(100)],
    )
    cut_title_card = models.BooleanField(_("judges' copies cut the title card"), default=True)
    same_city_conflict = models.BooleanField(
        _("judges may not score works from their city"), default=False
    )
    same_province_conflict = models.BooleanField(
        _("judges may not score works from their province"), default=False
    )
    expertise = models.CharField(
        _("expertise"), max_length=8, choices=Expertise.choices, default=Expertise.PREFER
    )
    seed = models.PositiveIntegerField(_("assignment seed"), default=0)
    # True when the works were given as a list (advancement), not taken from accepted works.
    works_given = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("round")
        verbose_name_plural = _("rounds")
        ordering = ["contest", "order", "pk"]
        constraints = [
            models.UniqueConstraint("contest", "order", name="round_unique_order"),
            models.CheckConstraint(
                condition=Q(opens_at__lt=F("closes_at")), name="round_window_order"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class RoundWork(models.Model):
    """The works a round judges: its accepted works, or a given list (advancement)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="round_works")
    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="round_entries")
    # Judges wanted beyond the round's judges_per_work: third marking, boundary re-review.
    extra_judges = models.PositiveSmallIntegerField(default=0)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint("round", "work", name="round_work_unique")]

    def __str__(self) -> str:
        return f"{self.round_id}:{self.work_id}"

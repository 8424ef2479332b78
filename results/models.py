"""Results: ranking pools, ranking settings, frozen result snapshots and advancement.

A snapshot is written once, when a closed round is frozen, and never edited: it keeps the method,
the parameters and a hash of every counted input so that each rank can be explained and reproduced.
Unfreezing deletes it (only while nothing uses it, see results.services.snapshots).
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from contest.models import Category, Contest, Work
from judging.models import Round
from judging.scoring import METHODS

METHOD_LABELS = {
    "mean": _("Mean"),
    "trimmed_mean": _("Trimmed mean"),
    "median": _("Median"),
    "zscore_calibrated": _("Z-score calibrated"),
    "judge_bias_model": _("Judge-bias model"),
}
# A method added to judging.scoring without a label fails here, at import.
METHOD_CHOICES = [(method, METHOD_LABELS[method]) for method in METHODS]


class Pool(models.Model):
    """A ranking unit joining categories of a contest. A contest without pools ranks each
    category on its own; with pools, a category belongs to at most one pool (PoolCategory)."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="pools")
    name = models.CharField(_("name"), max_length=120)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    categories = models.ManyToManyField(
        Category,
        verbose_name=_("categories"),
        through="PoolCategory",
        related_name="pools",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ranking pool")
        verbose_name_plural = _("ranking pools")
        ordering = ["contest", "order", "pk"]
        constraints = [models.UniqueConstraint("contest", "name", name="pool_unique_name")]

    def __str__(self) -> str:
        return self.name


class PoolCategory(models.Model):
    pool = models.ForeignKey(Pool, on_delete=models.CASCADE, related_name="memberships")
    # A category is ranked in one pool only.
    category = models.OneToOneField(Category, on_delete=models.CASCADE, related_name="+")

    def __str__(self) -> str:
        return f"{self.pool_id}:{self.category_id}"


class RankingSettings(models.Model):
    """How a round's results are ranked. An empty method follows the platform's recommendation."""

    round = models.OneToOneField(Round, on_delete=models.CASCADE, related_name="ranking_settings")
    method = models.CharField(
        _("method"),
        max_length=20,
        choices=METHOD_CHOICES,
        blank=True,
        help_text=_("Leave empty to use the recommended method."),
    )
    # Criterion ids of the round's rubric, in order: higher mean weighted points ranks first.
    tiebreak_criteria = models.JSONField(_("tie-break criteria"), default=list, blank=True)
    tiebreak_sheets = models.BooleanField(_("more sheets breaks a tie"), default=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("ranking settings")
        verbose_name_plural = _("ranking settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(method="") | Q(method__in=list(METHODS)),
                name="ranking_settings_known_method",
            )
        ]

    def __str__(self) -> str:
        return f"ranking {self.round_id}"


class ResultSnapshot(models.Model):
    """The frozen results of a round (one per round). Do not edit: unfreeze and freeze again."""

    round = models.OneToOneField(Round, on_delete=models.CASCADE, related_name="snapshot")
    method = models.CharField(_("method"), max_length=20, choices=METHOD_CHOICES)
    # final_rule, tolerance, calibration_min_sheets, tiebreak_criteria, tiebreak_sheets,
    # pools [{key, name, categories}], criteria [{id, name, weight}].
    params = models.JSONField(default=dict)
    recommended_method = models.CharField(max_length=20, choices=METHOD_CHOICES)
    recommendation_reason = models.TextField(blank=True)
    # sha256 of the canonical serialisation of every counted input (results.services.snapshots).
    input_hash = models.CharField(max_length=64)
    work_count = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("result snapshot")
        verbose_name_plural = _("result snapshots")

    def __str__(self) -> str:
        return f"snapshot {self.round_id}"


class SnapshotEntry(models.Model):
    """One work's frozen result: rank within its pool, score and the breakdown that explains it.

    ``pool_key`` is ``"pool-<id>"`` for a Pool or ``"category-<id>"`` when the category is its own
    pool, so that every pool lists with one index.
    """

    # Fewer indexes, faster 100,000-row freezes: the unique (snapshot, work) constraint serves
    # lookups by snapshot; pools and categories are only looked up when deleted (rare).
    snapshot = models.ForeignKey(
        ResultSnapshot, on_delete=models.CASCADE, related_name="entries", db_index=False
    )
    work = models.ForeignKey(Work, on_delete=models.PROTECT, related_name="+")
    pool = models.ForeignKey(
        Pool, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    pool_key = models.CharField(max_length=24)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    rank = models.PositiveIntegerField(_("rank"))
    score = models.DecimalField(_("score"), max_digits=12, decimal_places=4, null=True, blank=True)
    shares_rank = models.BooleanField(_("shares its rank"), default=False)
    # {method: score or null} for every method in judging.scoring.METHODS.
    method_scores = models.JSONField(default=dict)
    # [{judge, total, counted, arbitrator}] — judge is a user id (negative never stored).
    judge_totals = models.JSONField(default=list)
    # {criterion id: mean weighted points over the counted sheets}.
    criterion_means = models.JSONField(default=dict)
    # {calibration: {judge: shift}, arbitration: {...} | null, dropped: [judge, …]}.
    adjustments = models.JSONField(default=dict)
    sheet_count = models.PositiveSmallIntegerField(_("sheets"), default=0)

    class Meta:
        verbose_name = _("snapshot entry")
        verbose_name_plural = _("snapshot entries")
        constraints = [
            models.UniqueConstraint("snapshot", "work", name="snapshot_entry_unique_work"),
        ]
        indexes = [
            models.Index(fields=["snapshot", "pool_key", "rank"], name="snapshot_entry_listing"),
        ]

    def __str__(self) -> str:
        return f"{self.snapshot_id}:{self.work_id}#{self.rank}"


class Advancement(models.Model):
    """Works of a frozen round's snapshot sent to a later round (晋级). One per target round;
    applying again replaces it."""

    class Rule(models.TextChoices):
        TOP_N = "top_n", _("The best N works")
        TOP_PERCENT = "top_percent", _("The best N % of works")
        THRESHOLD = "threshold", _("Works reaching a score")

    snapshot = models.ForeignKey(
        ResultSnapshot, on_delete=models.PROTECT, related_name="advancements"
    )
    to_round = models.OneToOneField(Round, on_delete=models.CASCADE, related_name="advancement")
    rule = models.CharField(_("rule"), max_length=12, choices=Rule.choices)
    value = models.DecimalField(
        _("value"),
        max_digits=12,
        decimal_places=4,
        validators=[MinValueValidator(Decimal("0"))],
    )
    per_pool = models.BooleanField(_("apply within each pool"), default=True)
    count = models.PositiveIntegerField(_("works advanced"), default=0)
    # {pool_key: {"count", "cutoff", "tied"}} as previewed when applied.
    detail = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("advancement")
        verbose_name_plural = _("advancements")
        constraints = [
            models.CheckConstraint(condition=Q(value__gte=0), name="advancement_value_positive")
        ]

    def __str__(self) -> str:
        return f"advancement {self.snapshot_id}→{self.to_round_id}"

"""Award schemes (奖项方案) and the awards they give (DESIGN.md §6).

A scheme belongs to one contest and awards the frozen results (results.ResultSnapshot) of one
round, normally the last. Its tiers are allocated per pool by count, percentage or score cut-off;
its top prizes go to the best works across all pools; its organisation award (优秀组织奖) goes to
institutions by the formula documented on `AwardScheme`. Award rows exist only while the scheme is
confirmed: confirming writes them, unconfirming deletes them, and every decision (a tie settled,
an override, a removal) is kept in `AwardEvent`. Change them only through awards.services.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from contest.models import Contest, Institution, Work
from judging.models import Round
from results.models import ResultSnapshot

POINTS = {"max_digits": 10, "decimal_places": 2, "default": Decimal("0")}
SCORE = {"max_digits": 12, "decimal_places": 4}


class AwardScheme(models.Model):
    """How a contest's awards are decided.

    Organisation award: an institution's points = ``org_entry_points`` × its works in the contest
    that were accepted for judging (entrant's institution) + Σ the points of the tiers and top
    prizes its works won. Institutions with at least one point are ranked by points; the award goes
    to the best ``org_top_count`` (if set) among those reaching ``org_min_points`` (if set).
    No organisation award while ``org_award_name`` is empty.
    """

    class Mode(models.TextChoices):
        COUNT = "count", _("A number of works per tier")
        PERCENT = "percent", _("A percentage of the pool per tier")
        CUTOFF = "cutoff", _("A minimal score per tier")

    contest = models.OneToOneField(Contest, on_delete=models.CASCADE, related_name="award_scheme")
    round = models.ForeignKey(
        Round,
        verbose_name=_("round whose frozen results are awarded"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    mode = models.CharField(
        _("allocation"), max_length=8, choices=Mode.choices, default=Mode.PERCENT
    )
    top_prizes_keep_tier = models.BooleanField(
        _("works with a top prize also get their pool's tier"),
        default=False,
        help_text=_("Otherwise they leave their pool before its tiers are allocated."),
    )
    org_award_name = models.CharField(
        _("organisation award"),
        max_length=60,
        blank=True,
        help_text=_("E.g. 优秀组织奖. Leave empty for no organisation award."),
    )
    org_entry_points = models.DecimalField(
        _("points per work entered"), validators=[MinValueValidator(0)], **POINTS
    )
    org_top_count = models.PositiveIntegerField(
        _("institutions awarded at most"), null=True, blank=True
    )
    org_min_points = models.DecimalField(
        _("points an institution needs"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    # Set by confirming; the snapshot then cannot be unfrozen until the awards are unconfirmed.
    snapshot = models.ForeignKey(
        ResultSnapshot, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Set while the results are published (publication calls awards.services.lock).
    locked_at = models.DateTimeField(_("locked at"), null=True, blank=True)
    # When the public notice closes: from then on the awards are final and nothing changes.
    final_at = models.DateTimeField(_("final at"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("award scheme")
        verbose_name_plural = _("award schemes")
        constraints = [
            models.CheckConstraint(
                condition=Q(confirmed_at__isnull=True) | Q(snapshot__isnull=False),
                name="award_scheme_confirmed_snapshot",
            ),
            models.CheckConstraint(
                condition=Q(locked_at__isnull=True) | Q(confirmed_at__isnull=False),
                name="award_scheme_locked_confirmed",
            ),
        ]

    def __str__(self) -> str:
        return f"awards {self.contest_id}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class AwardTier(models.Model):
    """A tier allocated in each pool (特等奖, 一等奖 …), best first by ``order``.

    ``value`` reads by the scheme's mode: a number of works, a percentage of the pool, or the
    minimal final score. ``points`` count towards the organisation award.
    """

    scheme = models.ForeignKey(AwardScheme, on_delete=models.CASCADE, related_name="tiers")
    name = models.CharField(_("name"), max_length=40)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    value = models.DecimalField(_("value"), validators=[MinValueValidator(0)], **SCORE)
    points = models.DecimalField(
        _("points for the organisation award"), validators=[MinValueValidator(0)], **POINTS
    )

    class Meta:
        verbose_name = _("award tier")
        verbose_name_plural = _("award tiers")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint("scheme", "name", name="award_tier_unique_name"),
            models.CheckConstraint(condition=Q(value__gte=0), name="award_tier_value_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class TierPoolValue(models.Model):
    """A tier's value in one pool, instead of the tier's own (``pool_key`` as in SnapshotEntry)."""

    tier = models.ForeignKey(AwardTier, on_delete=models.CASCADE, related_name="pool_values")
    pool_key = models.CharField(_("pool"), max_length=24)
    value = models.DecimalField(_("value"), validators=[MinValueValidator(0)], **SCORE)

    class Meta:
        constraints = [
            models.UniqueConstraint("tier", "pool_key", name="tier_pool_value_unique"),
            models.CheckConstraint(condition=Q(value__gte=0), name="tier_pool_value_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.tier_id}:{self.pool_key}"


class TopPrize(models.Model):
    """A contest-wide prize for the ``count`` best works across pools by final score."""

    scheme = models.ForeignKey(AwardScheme, on_delete=models.CASCADE, related_name="top_prizes")
    name = models.CharField(_("name"), max_length=40)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    count = models.PositiveIntegerField(_("works"), validators=[MaxValueValidator(100000)])
    points = models.DecimalField(
        _("points for the organisation award"), validators=[MinValueValidator(0)], **POINTS
    )

    class Meta:
        verbose_name = _("top prize")
        verbose_name_plural = _("top prizes")
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint("scheme", "name", name="top_prize_unique_name")]

    def __str__(self) -> str:
        return self.name


class Kind(models.TextChoices):
    TIER = "tier", _("Pool tier")
    TOP_PRIZE = "top_prize", _("Top prize")
    ORGANISATION = "organisation", _("Organisation award")


def _subject_check() -> Q:
    """Organisation rows name an institution, the others a work."""
    return Q(kind=Kind.ORGANISATION, institution__isnull=False, work__isnull=True) | (
        ~Q(kind=Kind.ORGANISATION) & Q(institution__isnull=True, work__isnull=False)
    )


class TieDecision(models.Model):
    """What organisers decided for one work (or institution) tied at a cut-off.

    For a tier tie: ``tier`` (None: no tier); for a top-prize tie: ``top_prize`` (None: none);
    for an organisation tie: ``awarded``. Kept until the scheme's tiers change.
    """

    scheme = models.ForeignKey(AwardScheme, on_delete=models.CASCADE, related_name="decisions")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    work = models.ForeignKey(
        Work, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    tier = models.ForeignKey(
        AwardTier, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    top_prize = models.ForeignKey(
        TopPrize, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    awarded = models.BooleanField(default=False)
    reason = models.TextField(_("reason"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=_subject_check(), name="tie_decision_subject"),
            models.UniqueConstraint(
                "scheme",
                "kind",
                "work",
                condition=Q(work__isnull=False),
                name="tie_decision_unique_work",
            ),
            models.UniqueConstraint(
                "scheme",
                "institution",
                condition=Q(institution__isnull=False),
                name="tie_decision_unique_institution",
            ),
        ]

    def __str__(self) -> str:
        return f"tie {self.scheme_id}:{self.kind}:{self.work_id or self.institution_id}"


class Award(models.Model):
    """One confirmed award: a pool tier or a top prize to a work, or the organisation award to an
    institution. Certificates are issued per award (per work's author, or per institution)."""

    Kind = Kind

    scheme = models.ForeignKey(AwardScheme, on_delete=models.CASCADE, related_name="awards")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    work = models.ForeignKey(
        Work, on_delete=models.PROTECT, null=True, blank=True, related_name="awards"
    )
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, null=True, blank=True, related_name="awards"
    )
    # RESTRICT: a tier of an awarded work goes only with its whole scheme (or contest).
    tier = models.ForeignKey(
        AwardTier, on_delete=models.RESTRICT, null=True, blank=True, related_name="awards"
    )
    top_prize = models.ForeignKey(
        TopPrize, on_delete=models.RESTRICT, null=True, blank=True, related_name="awards"
    )
    # The work's pool in the snapshot (SnapshotEntry.pool_key) and its name then; blank otherwise.
    pool_key = models.CharField(_("pool"), max_length=24, blank=True)
    pool_name = models.CharField(_("pool name"), max_length=120, blank=True)
    # Rank in the pool (tier), across pools (top prize) or among institutions (organisation).
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    # The final score of the work, or the institution's points.
    score = models.DecimalField(_("score"), null=True, blank=True, **SCORE)
    tie_at_cutoff = models.BooleanField(_("tied at a cut-off"), default=False)
    decided = models.BooleanField(_("tie decided"), default=False)
    decision_reason = models.TextField(_("reason for the tie decision"), blank=True)
    overridden = models.BooleanField(_("overridden"), default=False)
    override_reason = models.TextField(_("reason for the override"), blank=True)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    overridden_at = models.DateTimeField(_("overridden at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        ordering = ["kind", "pool_key", "rank", "pk"]
        constraints = [
            models.CheckConstraint(condition=_subject_check(), name="award_subject"),
            models.CheckConstraint(
                condition=Q(kind=Kind.TIER, tier__isnull=False, top_prize__isnull=True)
                | Q(kind=Kind.TOP_PRIZE, tier__isnull=True, top_prize__isnull=False)
                | Q(kind=Kind.ORGANISATION, tier__isnull=True, top_prize__isnull=True),
                name="award_prize_matches_kind",
            ),
            models.CheckConstraint(
                condition=Q(overridden=False) | ~Q(override_reason=""),
                name="award_override_reason",
            ),
            models.UniqueConstraint(
                "scheme", "kind", "work", condition=Q(work__isnull=False), name="award_unique_work"
            ),
            models.UniqueConstraint(
                "scheme",
                "institution",
                condition=Q(institution__isnull=False),
                name="award_unique_institution",
            ),
        ]
        indexes = [models.Index(fields=["scheme", "kind", "pool_key"], name="award_listing")]

    def __str__(self) -> str:
        return f"{self.prize_name} {self.work_id or self.institution_id}"

    @property
    def prize_name(self) -> str:
        """The tier's, top prize's or organisation award's name (select_related them)."""
        if self.kind == Kind.TIER:
            return self.tier.name
        if self.kind == Kind.TOP_PRIZE:
            return self.top_prize.name
        return self.scheme.org_award_name


class AwardEvent(models.Model):
    """Append-only history: confirmations, tie decisions, overrides, removals, locks."""

    class Action(models.TextChoices):
        CONFIRM = "confirm", _("Confirmed")
        UNCONFIRM = "unconfirm", _("Confirmation withdrawn")
        TIE = "tie", _("Tie decided")
        OVERRIDE = "override", _("Overridden")
        REMOVE = "remove", _("Removed")
        LOCK = "lock", _("Locked for publication")
        UNLOCK = "unlock", _("Unlocked")

    scheme = models.ForeignKey(AwardScheme, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=10, choices=Action.choices)
    work = models.ForeignKey(
        Work, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    before = models.CharField(max_length=60, blank=True)
    after = models.CharField(max_length=60, blank=True)
    reason = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.scheme_id}:{self.action}"

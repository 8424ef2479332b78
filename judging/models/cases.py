"""Divergence cases: third marking (三评) and arbitration (仲裁) of works whose judges disagree."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from contest.models import Work
from judging.models.rounds import Round


class DivergenceCase(models.Model):
    """A work of a round whose submitted totals spread more than the round's tolerance.

    third marking → resolved (the totals now agree) or → arbitration → arbitrated (the chief
    judge's score). Every step is a CaseEvent.
    """

    class State(models.TextChoices):
        THIRD_MARKING = "third_marking", _("Third marking")
        ARBITRATION = "arbitration", _("Awaiting arbitration")
        RESOLVED = "resolved", _("Resolved by third marking")
        ARBITRATED = "arbitrated", _("Arbitrated")

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="cases")
    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="cases")
    state = models.CharField(
        _("state"), max_length=14, choices=State.choices, default=State.THIRD_MARKING
    )
    spread = models.DecimalField(_("spread of the totals"), max_digits=8, decimal_places=2)
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    arbitrator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    arbitrated_score = models.DecimalField(
        _("arbitrated score"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    arbitration_note = models.TextField(_("arbitration note"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("divergence case")
        verbose_name_plural = _("divergence cases")
        ordering = ["round", "opened_at", "pk"]
        constraints = [models.UniqueConstraint("round", "work", name="case_unique_work")]
        indexes = [models.Index(fields=["round", "state"], name="case_queue")]

    def __str__(self) -> str:
        return f"case {self.round_id}:{self.work_id}"


class CaseEvent(models.Model):
    """Append-only history of a case."""

    class Kind(models.TextChoices):
        OPENED = "opened", _("Opened: the totals are too far apart")
        JUDGE_ADDED = "judge_added", _("Another judge was added")
        NO_JUDGE = "no_judge", _("No other judge could be added")
        AGREED = "agreed", _("The totals now agree")
        STILL_APART = "still_apart", _("Still apart: sent to arbitration")
        ARBITRATED = "arbitrated", _("Arbitrated")
        REOPENED = "reopened", _("Reopened")

    case = models.ForeignKey(DivergenceCase, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The submitted totals at that moment, by assignment id, and anything else worth keeping.
    detail = models.JSONField(default=dict, blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.kind}"

"""Assignments (评审分配), score sheets (评分表) with their append-only revisions, and flags."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from contest.models import Work
from judging.models.rounds import Criterion, Round


class Assignment(models.Model):
    """One judge × one work × one round. State changes go through judging.services only."""

    class State(models.TextChoices):
        PENDING = "pending", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        SUBMITTED = "submitted", _("Submitted")
        RECUSED = "recused", _("Recused")

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="assignments")
    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="assignments")
    judge = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments"
    )
    state = models.CharField(
        max_length=12, choices=State.choices, default=State.PENDING, editable=False
    )
    recusal_reason = models.TextField(blank=True)
    # Playback tracking: the furthest second reached and where to resume.
    played_seconds = models.DecimalField(max_digits=8, decimal_places=2, default=0)
    resume_at = models.DecimalField(max_digits=8, decimal_places=2, default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["round", "work", "pk"]
        constraints = [
            models.UniqueConstraint("round", "work", "judge", name="assignment_unique"),
        ]
        indexes = [models.Index(fields=["judge", "round", "state"], name="assignment_queue")]

    def __str__(self) -> str:
        return f"{self.round_id}:{self.work_id}:{self.judge_id}"


class ScoreSheet(models.Model):
    """The current scores of an assignment; every change also writes a ScoreRevision.

    Do not set `total` directly: judging.services.sheets derives it from the scores.
    """

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    assignment = models.OneToOneField(Assignment, on_delete=models.CASCADE, related_name="sheet")
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    total = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    version = models.PositiveIntegerField(default=0)
    submitted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("score sheet")
        verbose_name_plural = _("score sheets")

    def __str__(self) -> str:
        return f"sheet {self.assignment_id}"


class Score(models.Model):
    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    comment = models.TextField(blank=True, max_length=2000)

    class Meta:
        constraints = [models.UniqueConstraint("sheet", "criterion", name="score_unique")]

    def __str__(self) -> str:
        return f"{self.sheet_id}:{self.criterion_id}={self.value}"


class ScoreRevision(models.Model):
    """Append-only history of a sheet: who saved what, when. Never updated or deleted."""

    class Action(models.TextChoices):
        SAVE = "save", _("Saved")
        SUBMIT = "submit", _("Submitted")
        REOPEN = "reopen", _("Reopened")

    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=10, choices=Action.choices)
    values = models.JSONField(default=dict)  # {criterion id: "12.5" or null}
    comments = models.JSONField(default=dict)
    total = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["sheet", "number"]
        constraints = [
            models.UniqueConstraint("sheet", "number", name="revision_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.sheet_id}#{self.number}"


class AuthorFlag(models.Model):
    """A judge's note that a work shows who made it (a name or school on screen)."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="flags")
    note = models.TextField(_("note"), max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    resolution = models.TextField(blank=True)

    class Meta:
        verbose_name = _("author flag")
        verbose_name_plural = _("author flags")

    def __str__(self) -> str:
        return f"flag {self.assignment_id}"

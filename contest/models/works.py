"""Works (作品), their authors, and the media files entrants upload for them."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from contest.models.contests import AttachmentKind, Category, Contest


class Work(models.Model):
    """One entry. Its status changes only through contest.services.works (never set it directly)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        ENDORSED = "endorsed", _("Endorsed by the institution")
        ACCEPTED = "accepted", _("Accepted")
        RETURNED = "returned", _("Returned for fixes")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        DISQUALIFIED = "disqualified", _("Disqualified")

    contest = models.ForeignKey(Contest, on_delete=models.PROTECT, related_name="works")
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="works"
    )
    entrant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entrant"),
        on_delete=models.PROTECT,
        related_name="works",
    )
    title = models.CharField(_("title"), max_length=120)
    summary = models.TextField(_("summary"), max_length=2000, blank=True)
    supervisor_name = models.CharField(_("supervising teacher"), max_length=60, blank=True)
    supervisor_institution = models.CharField(
        _("supervising teacher's institution"), max_length=120, blank=True
    )
    # The only identifier judges ever see: random, unique in the contest, not derived from ids.
    anonymous_code = models.CharField(_("anonymous code"), max_length=12, editable=False)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    status_reason = models.TextField(_("reason given to the entrant"), blank=True, editable=False)
    licence_accepted_at = models.DateTimeField(_("licence accepted at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("work")
        verbose_name_plural = _("works")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint("contest", "anonymous_code", name="work_unique_code"),
        ]
        indexes = [models.Index(fields=["contest", "status"], name="work_contest_status")]

    def __str__(self) -> str:
        return f"{self.anonymous_code} {self.title}"


class CoAuthor(models.Model):
    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="co_authors")
    name = models.CharField(_("name"), max_length=60)
    institution = models.CharField(_("institution"), max_length=120, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("co-author")
        verbose_name_plural = _("co-authors")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.name


class WorkEvent(models.Model):
    """Append-only history of a work's status: who changed it, when and why."""

    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    from_status = models.CharField(max_length=16, choices=Work.Status.choices)
    to_status = models.CharField(max_length=16, choices=Work.Status.choices)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.work_id}: {self.from_status} → {self.to_status}"


class ProcessingState(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded, waiting to be checked")
    PROCESSING = "processing", _("Being checked")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Refused")


class MediaFile(models.Model):
    """What a video and an attachment share: a private file, its hash, and its processing state.

    Files live in private storage under random names; `uuid` is what URLs carry. A new upload is
    not current until processing accepts it, so a replacement never loses the previous file.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    file = models.CharField(max_length=200)
    original_name = models.CharField(max_length=255, blank=True)
    size = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    state = models.CharField(
        max_length=16, choices=ProcessingState.choices, default=ProcessingState.UPLOADED
    )
    error_code = models.CharField(max_length=40, blank=True)
    error_params = models.JSONField(default=dict, blank=True)
    is_current = models.BooleanField(default=False)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    processing_started_at = models.DateTimeField(null=True, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return str(self.uuid)


class VideoAsset(MediaFile):
    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="videos")
    container = models.CharField(max_length=10, blank=True)
    video_codec = models.CharField(max_length=30, blank=True)
    audio_codec = models.CharField(max_length=30, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    duration = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    blind_file = models.CharField(max_length=200, blank=True)
    # A judges' copy that keeps the title card, for rounds that do not cut it (made on demand).
    full_file = models.CharField(max_length=200, blank=True)
    poster_file = models.CharField(max_length=200, blank=True)
    blind_method = models.CharField(max_length=10, blank=True)
    blind_duration = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = _("video")
        verbose_name_plural = _("videos")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                "work", condition=Q(is_current=True), name="video_one_current_per_work"
            ),
        ]


class Attachment(MediaFile):
    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("kind"), max_length=10, choices=AttachmentKind.choices)
    doc_type = models.CharField(max_length=10, blank=True)
    sanitised_file = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["kind", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                "work",
                "kind",
                condition=Q(is_current=True),
                name="attachment_one_current_per_kind",
            ),
        ]

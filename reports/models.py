"""Files made in the background for an organiser: large exports, certificate batches.

The bytes live in private storage under a random name (contest.storage); the row says who asked
for what, how far the work has come, and until when the file may be downloaded. Rows change only
through reports.services.generated_files.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contest.models import Contest


class GeneratedFile(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Being made")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="generated_files")
    # What is made: an exporter's key ("results", "works", …) or another producer's.
    kind = models.CharField(_("kind"), max_length=40)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    format = models.CharField(_("format"), max_length=8)  # file extension: xlsx, csv, zip, pdf
    # The requester's language: headers and messages are written in it by the worker.
    language = models.CharField(max_length=10, default=settings.LANGUAGE_CODE)
    state = models.CharField(
        _("state"), max_length=8, choices=State.choices, default=State.QUEUED, editable=False
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0, editable=False)
    file = models.CharField(max_length=200, blank=True, editable=False)  # private name, random
    size = models.BigIntegerField(null=True, blank=True, editable=False)
    rows = models.PositiveIntegerField(null=True, blank=True, editable=False)
    error = models.TextField(_("error"), blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="generated_files"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True, editable=False)
    finished_at = models.DateTimeField(null=True, blank=True, editable=False)
    expires_at = models.DateTimeField(_("download until"))

    class Meta:
        verbose_name = _("generated file")
        verbose_name_plural = _("generated files")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["created_by", "contest", "-created_at"], name="genfile_owner"),
            models.Index(fields=["expires_at"], name="genfile_expiry"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="genfile_progress_max"),
            models.CheckConstraint(
                condition=~Q(state="done") | ~Q(file=""), name="genfile_done_has_file"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}.{self.format} #{self.pk}"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)

    @property
    def download_name(self) -> str:
        """A neutral file name: the kind and the row id, nothing about people or works."""
        return f"{self.kind}-{self.pk}.{self.format}"

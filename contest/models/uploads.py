"""Resumable uploads (the tus protocol): a file that arrives in pieces over several requests.

The bytes received so far sit in a private partial file under a random name; `offset` counts
them and is the only truth about how far the upload got (the file is cut back to it before
each append). When the last byte arrives the whole file goes through the same services as a
plain upload, which make the VideoAsset or Attachment; the row then only remembers which one,
so that a client that missed the answer can ask again and learns that the upload finished.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .works import Work

VIDEO_SLOT = "video"


class ResumableUpload(models.Model):
    class State(models.TextChoices):
        RECEIVING = "receiving", _("Receiving")
        COMPLETE = "complete", _("Complete")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="resumable_uploads")
    uploader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="resumable_uploads"
    )
    # "video", or an attachment kind.
    slot = models.CharField(max_length=10)
    original_name = models.CharField(max_length=255, blank=True)
    length = models.BigIntegerField()
    offset = models.BigIntegerField(default=0)
    # The partial file in private storage; empty once the upload completed or ended.
    file = models.CharField(max_length=200, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.RECEIVING)
    # The uuid of the VideoAsset or Attachment the finished upload became.
    media_uuid = models.UUIDField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("resumable upload")
        verbose_name_plural = _("resumable uploads")
        constraints = [
            models.CheckConstraint(
                condition=Q(length__gt=0, offset__gte=0, offset__lte=F("length")),
                name="resumable_upload_offset_within_length",
            ),
        ]

    def __str__(self) -> str:
        return str(self.uuid)

    @property
    def attachment_kind(self) -> str | None:
        return None if self.slot == VIDEO_SLOT else self.slot

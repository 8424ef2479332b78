"""Shapes of the works API: works, co-authors, screening decisions and uploaded files.

Serializers check shapes and types only; the services apply the contest's rules. Output never
names judges. The entrant (name, institution) is filled in for organisers and coordinators only;
an entrant's own works carry `entrant: null`, so the entrant's list needs no extra query.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from contest.api.serializers import StrictMixin
from contest.forms.screening import DECISION_CHOICES, MAX_BULK, SCREENED_STATUSES
from contest.models import Category, ProcessingState, Work
from contest.models.contests import AttachmentKind
from contest.services.media import refusal_text
from contest.services.works import EDITABLE, can_edit, missing_for_submission

# The contest's own limit (at most 10) is the service's to apply; this only bounds the shape.
MAX_CO_AUTHORS = 10


class CoAuthorSerializer(StrictMixin, serializers.Serializer):
    name = serializers.CharField(max_length=60)
    institution = serializers.CharField(
        max_length=120, required=False, allow_blank=True, default=""
    )


class WorkWriteSerializer(StrictMixin, serializers.Serializer):
    """A work's own fields. The category is chosen by id among the contest's categories."""

    category = serializers.PrimaryKeyRelatedField(queryset=Category.objects.none())
    title = serializers.CharField(max_length=120)
    summary = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    supervisor_name = serializers.CharField(max_length=60, required=False, allow_blank=True)
    supervisor_institution = serializers.CharField(max_length=120, required=False, allow_blank=True)
    co_authors = serializers.ListField(
        child=CoAuthorSerializer(), required=False, max_length=MAX_CO_AUTHORS
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Another contest's category is "not found", exactly like an id that does not exist.
        contest = self.context.get("contest")
        self.fields["category"].queryset = Category.objects.filter(contest=contest)


class CategoryBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "code", "name"]


class EntrantSerializer(serializers.Serializer):
    """Who entered the work: shown to organisers and coordinators, never to judges."""

    id = serializers.IntegerField()
    name = serializers.CharField(source="real_name")
    institution = serializers.CharField(source="institution.name", allow_null=True)


class _WorkBase(serializers.Serializer):
    id = serializers.IntegerField()
    anonymous_code = serializers.CharField()
    title = serializers.CharField()
    category = CategoryBriefSerializer()
    status = serializers.ChoiceField(choices=Work.Status.choices)
    status_label = serializers.CharField(source="get_status_display")
    status_reason = serializers.CharField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    updated_at = serializers.DateTimeField()
    entrant = serializers.SerializerMethodField()

    @extend_schema_field(EntrantSerializer(allow_null=True))
    def get_entrant(self, work) -> dict | None:
        if work.entrant_id == self.context["request"].user.pk:
            return None
        return EntrantSerializer(work.entrant).data


class WorkListItemSerializer(_WorkBase):
    """A work in a list: its status and whether its video passed the checks."""

    video_ready = serializers.SerializerMethodField()

    def get_video_ready(self, work) -> bool:
        # The selectors prefetch the current (checked) videos as `current_videos`.
        return bool(work.current_videos)


class WorkSerializer(_WorkBase):
    """A whole work, with what still keeps it from being submitted (`missing`)."""

    contest = serializers.CharField(source="contest.slug", help_text=_("The contest's slug."))
    summary = serializers.CharField()
    supervisor_name = serializers.CharField()
    supervisor_institution = serializers.CharField()
    co_authors = CoAuthorSerializer(many=True)
    editable = serializers.SerializerMethodField()
    missing = serializers.SerializerMethodField()
    licence_accepted_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()

    def get_editable(self, work) -> bool:
        return can_edit(work)

    def get_missing(self, work) -> list[str]:
        return missing_for_submission(work) if work.status in EDITABLE else []


class SubmitSerializer(StrictMixin, serializers.Serializer):
    accept_licence = serializers.BooleanField(default=False)


class ScreenSerializer(StrictMixin, serializers.Serializer):
    """An organiser's decision; the reason is required unless the work is accepted."""

    decision = serializers.ChoiceField(choices=DECISION_CHOICES)
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class BulkScreenSerializer(ScreenSerializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1), min_length=1, max_length=MAX_BULK
    )


class RefusalSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    anonymous_code = serializers.CharField()
    message = serializers.CharField()


class BulkResultSerializer(serializers.Serializer):
    screened = serializers.ListField(child=serializers.IntegerField())
    refused = RefusalSerializer(many=True)


class WorkFilterSerializer(serializers.Serializer):
    """Filters of the organisers' list (the screening queue); ignored for entrants."""

    category = serializers.SlugField(max_length=30, required=False, allow_blank=True)
    status = serializers.ChoiceField(choices=SCREENED_STATUSES, required=False, allow_blank=True)
    state = serializers.ChoiceField(
        choices=ProcessingState.choices,
        required=False,
        allow_blank=True,
        help_text=_("Processing state of the latest video."),
    )
    q = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        help_text=_("Title, anonymous code, entrant's name or institution."),
    )


# --- Files


def _url(serializer, name: str, uuid) -> str:
    path = reverse(name, args=[uuid])
    request = serializer.context.get("request")
    return request.build_absolute_uri(path) if request else path


def _judges_copy_ready(item) -> bool:
    return item.state == ProcessingState.READY and item.is_current


class MediaFileSerializer(serializers.Serializer):
    """An uploaded file. `error_message` says in the request's language why it was refused."""

    id = serializers.UUIDField(source="uuid")
    state = serializers.ChoiceField(choices=ProcessingState.choices)
    state_label = serializers.CharField(source="get_state_display")
    is_current = serializers.BooleanField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    original_name = serializers.CharField()
    error_code = serializers.CharField()
    error_message = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    processed_at = serializers.DateTimeField(allow_null=True)

    def get_error_message(self, item) -> str:
        return refusal_text(item)


class VideoUrlsSerializer(serializers.Serializer):
    original = serializers.URLField()
    blind = serializers.URLField(allow_null=True, help_text=_("What judges will watch."))
    poster = serializers.URLField(allow_null=True)


class VideoSerializer(MediaFileSerializer):
    width = serializers.IntegerField(allow_null=True)
    height = serializers.IntegerField(allow_null=True)
    duration = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    blind_duration = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    urls = serializers.SerializerMethodField()

    @extend_schema_field(VideoUrlsSerializer)
    def get_urls(self, video) -> dict:
        ready = _judges_copy_ready(video)
        return {
            "original": _url(self, "video_original", video.uuid),
            "blind": _url(self, "video_blind", video.uuid) if ready else None,
            "poster": _url(self, "video_poster", video.uuid) if ready else None,
        }


class AttachmentUrlsSerializer(serializers.Serializer):
    original = serializers.URLField()
    sanitised = serializers.URLField(allow_null=True, help_text=_("What judges will read."))


class AttachmentSerializer(MediaFileSerializer):
    # Plain text in the schema: the same choices are already named by the contests' schema.
    kind = serializers.CharField(help_text=" | ".join(AttachmentKind.values))
    doc_type = serializers.CharField()
    urls = serializers.SerializerMethodField()

    @extend_schema_field(AttachmentUrlsSerializer)
    def get_urls(self, attachment) -> dict:
        ready = _judges_copy_ready(attachment)
        return {
            "original": _url(self, "attachment_original", attachment.uuid),
            "sanitised": _url(self, "attachment_sanitised", attachment.uuid) if ready else None,
        }


class WorkMediaSerializer(serializers.Serializer):
    """The current (checked) files, and the latest upload of each, which may still be checked
    or refused."""

    video = VideoSerializer(allow_null=True)
    latest_video = VideoSerializer(allow_null=True)
    attachments = AttachmentSerializer(many=True)
    latest_attachments = AttachmentSerializer(many=True)

    def to_representation(self, media: dict) -> dict:
        lists = {name: list(media[name].values()) for name in ("attachments", "latest_attachments")}
        return super().to_representation({**media, **lists})

"""Shapes of the judges' API: my rounds, my queue, one assignment with its rubric and sheet.

Blind review (DESIGN §7): a work appears only as its anonymous code, title, summary and
category, and its files only as the judges' copies, addressed by their random uuid. Assignments
are named by their own id. Input serializers check shapes; the services check the scores.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from contest.api.serializers import StrictMixin
from contest.models.contests import AttachmentKind
from judging.forms.workspace import MAX_COMMENT, MAX_TEXT
from judging.models import Assignment, Criterion, Round, ScoreSheet


def _absolute(context: dict, path: str) -> str:
    request = context.get("request")
    return request.build_absolute_uri(path) if request else path


class JudgeProgressSerializer(serializers.Serializer):
    done = serializers.IntegerField(help_text=_("My submitted sheets."))
    total = serializers.IntegerField(help_text=_("My assignments, recusals left out."))


class JudgeRoundSerializer(serializers.ModelSerializer):
    contest = serializers.CharField(source="contest.title")
    progress = serializers.SerializerMethodField()
    queue = serializers.SerializerMethodField()

    class Meta:
        model = Round
        fields = ["id", "name", "contest", "state", "opens_at", "closes_at", "progress", "queue"]

    @extend_schema_field(JudgeProgressSerializer)
    def get_progress(self, round_) -> dict:
        return {"done": round_.done, "total": round_.total}

    def get_queue(self, round_) -> str:
        return _absolute(self.context, reverse("api-judge-queue", args=[round_.pk]))


class JudgeVideoLinksSerializer(serializers.Serializer):
    blind = serializers.URLField(help_text=_("The judges' copy (MP4, Range requests)."))
    poster = serializers.URLField()


class JudgeAttachmentLinkSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text=" | ".join(AttachmentKind.values))
    doc_type = serializers.CharField()
    url = serializers.URLField(help_text=_("The copy with its author fields removed."))


class JudgeMediaLinksSerializer(serializers.Serializer):
    video = JudgeVideoLinksSerializer(allow_null=True)
    attachments = JudgeAttachmentLinkSerializer(many=True)


def _video_url(video, cut: bool) -> str | None:
    """The judges' copy the round asks for: without the title card, or whole (when made)."""
    if cut:
        return reverse("video_blind", args=[video.uuid])
    return reverse("video_full", args=[video.uuid]) if video.full_file else None


def media_links(context: dict, video, attachments, *, cut: bool = True) -> dict:
    url = video and _video_url(video, cut)
    return {
        "video": video
        and url
        and {
            "blind": _absolute(context, url),
            "poster": _absolute(context, reverse("video_poster", args=[video.uuid])),
        },
        "attachments": [
            {
                "kind": a.kind,
                "doc_type": a.doc_type,
                "url": _absolute(context, reverse("attachment_sanitised", args=[a.uuid])),
            }
            for a in attachments
        ],
    }


class JudgeQueueItemSerializer(serializers.ModelSerializer):
    """One of my assignments in a round (`queue_of` with media)."""

    anonymous_code = serializers.CharField(source="work.anonymous_code")
    category = serializers.CharField(source="work.category.name")
    total = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    url = serializers.SerializerMethodField()
    media = serializers.SerializerMethodField()

    class Meta:
        model = Assignment
        fields = ["id", "anonymous_code", "category", "state", "total", "url", "media"]

    def get_url(self, assignment) -> str:
        return _absolute(self.context, reverse("api-judge-assignment", args=[assignment.pk]))

    @extend_schema_field(JudgeMediaLinksSerializer)
    def get_media(self, assignment) -> dict:
        if assignment.state == Assignment.State.RECUSED:
            return media_links(self.context, None, [])
        work = assignment.work
        video = work.ready_videos[0] if work.ready_videos else None
        return media_links(
            self.context, video, work.ready_attachments, cut=assignment.round.cut_title_card
        )


class JudgeCriterionSerializer(serializers.ModelSerializer):
    levels = serializers.ListField(
        child=serializers.DictField(child=serializers.CharField()),
        help_text=_('Level descriptors, best first: [{"label": "优", "text": "…"}, …].'),
    )

    class Meta:
        model = Criterion
        fields = [
            "id",
            "name",
            "description",
            "max_points",
            "step",
            "weight",
            "order",
            "levels",
            "comment_required",
        ]


class JudgeSheetSerializer(serializers.ModelSerializer):
    """My sheet: values and comments keyed by criterion id; `total` is Σ value × weight."""

    values = serializers.SerializerMethodField()
    comments = serializers.SerializerMethodField()

    class Meta:
        model = ScoreSheet
        fields = ["state", "version", "total", "values", "comments", "submitted_at", "updated_at"]

    def get_values(self, sheet) -> dict[str, str | None]:
        return {
            str(s.criterion_id): None if s.value is None else str(s.value)
            for s in sheet.scores.all()
        }

    def get_comments(self, sheet) -> dict[str, str]:
        return {str(s.criterion_id): s.comment for s in sheet.scores.all()}


class JudgeRoundBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Round
        fields = ["id", "name", "state", "opens_at", "closes_at"]


class JudgeAssignmentSerializer(serializers.Serializer):
    """Everything a judge needs to score one work: the selectors' `scoring_bundle`."""

    id = serializers.IntegerField(source="assignment.id")
    anonymous_code = serializers.CharField(source="assignment.work.anonymous_code")
    title = serializers.CharField(source="assignment.work.title")
    summary = serializers.CharField(source="assignment.work.summary")
    category = serializers.CharField(source="assignment.work.category.name")
    state = serializers.ChoiceField(source="assignment.state", choices=Assignment.State.choices)
    writable = serializers.BooleanField(help_text=_("Whether the sheet may be changed now."))
    round = JudgeRoundBriefSerializer(source="assignment.round")
    rubric = serializers.CharField(source="assignment.round.rubric.name")
    criteria = JudgeCriterionSerializer(many=True)
    max_total = serializers.DecimalField(max_digits=8, decimal_places=2)
    sheet = JudgeSheetSerializer(allow_null=True)
    media = serializers.SerializerMethodField()
    resume_at = serializers.DecimalField(
        source="assignment.resume_at", max_digits=8, decimal_places=2
    )
    played_seconds = serializers.DecimalField(
        source="assignment.played_seconds", max_digits=8, decimal_places=2
    )

    @extend_schema_field(JudgeMediaLinksSerializer)
    def get_media(self, bundle) -> dict:
        media = bundle["media"]
        cut = bundle["assignment"].round.cut_title_card
        return media_links(self.context, media["video"], media["attachments"], cut=cut)


def _values(**options) -> serializers.DictField:
    return serializers.DictField(
        child=serializers.CharField(max_length=40, allow_blank=True, allow_null=True),
        help_text=_('Scores by criterion id, as decimal strings: {"12": "17.5"}.'),
        **options,
    )


def _comments(**options) -> serializers.DictField:
    return serializers.DictField(
        child=serializers.CharField(max_length=MAX_COMMENT, allow_blank=True),
        help_text=_("Comments by criterion id."),
        **options,
    )


class JudgeSheetWriteSerializer(StrictMixin, serializers.Serializer):
    """A draft save replaces the whole sheet: a criterion left out is left unscored."""

    values = _values()
    comments = _comments(required=False)
    version = serializers.IntegerField(
        min_value=0,
        help_text=_("The version of the sheet you started from; a newer one is a 409 conflict."),
    )


class JudgeSheetSubmitSerializer(StrictMixin, serializers.Serializer):
    """Submit the sheet: the values and comments sent, or without them the ones saved."""

    values = _values(required=False)
    comments = _comments(required=False)
    version = serializers.IntegerField(min_value=0, required=False, allow_null=True)


class JudgeAssignmentStateSerializer(serializers.ModelSerializer):
    class Meta:
        model = Assignment
        fields = ["id", "state", "recusal_reason"]


class JudgeRecusalSerializer(StrictMixin, serializers.Serializer):
    reason = serializers.CharField(max_length=MAX_TEXT)


class JudgeFlagNoteSerializer(StrictMixin, serializers.Serializer):
    note = serializers.CharField(max_length=MAX_TEXT)


class JudgeFlagSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    note = serializers.CharField()
    created_at = serializers.DateTimeField()


class JudgePlaybackSerializer(StrictMixin, serializers.Serializer):
    position = serializers.CharField(max_length=40, help_text=_("Seconds, where to resume."))
    furthest = serializers.CharField(max_length=40, help_text=_("Seconds, the furthest played."))


class JudgePlaybackStateSerializer(serializers.Serializer):
    resume_at = serializers.DecimalField(max_digits=8, decimal_places=2)
    played_seconds = serializers.DecimalField(max_digits=8, decimal_places=2)

"""Shapes of the publication API: the notice, the public results, an entrant's own result, and
appeals. Input serializers check shapes; the services apply the rules."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from contest.api.serializers import StrictMixin
from publication.models import Appeal, Notice
from publication.services.appeals import MAX_TEXT


class NoticeSerializer(StrictMixin, serializers.ModelSerializer):
    state = serializers.ChoiceField(
        choices=Notice.State.choices,
        read_only=True,
        help_text=_("Follows from the clock once published; closed means the results are final."),
    )
    final = serializers.BooleanField(source="is_final", read_only=True)

    class Meta:
        model = Notice
        fields = [
            "starts_at",
            "ends_at",
            "show_title",
            "show_authors",
            "show_institution",
            "show_tier",
            "show_score",
            "text",
            "state",
            "final",
            "published_at",
        ]
        read_only_fields = ["published_at"]


class PublicRowSerializer(serializers.Serializer):
    """One awarded work. Fields the contest chose not to show are absent."""

    prize = serializers.CharField(required=False)
    rank = serializers.IntegerField(allow_null=True)
    category = serializers.CharField()
    title = serializers.CharField(required=False)
    authors = serializers.ListField(child=serializers.CharField(), required=False)
    institution = serializers.CharField(required=False)
    score = serializers.DecimalField(max_digits=12, decimal_places=4, required=False)

    def to_representation(self, row):
        notice = self.context["notice"]
        data = {"rank": row.rank, "category": row.category}
        shown = {
            "prize": notice.show_tier,
            "title": notice.show_title,
            "authors": notice.show_authors,
            "institution": notice.show_institution,
            "score": notice.show_score,
        }
        for name, show in shown.items():
            if show:
                value = getattr(row, name)
                data[name] = str(value) if name == "score" and value is not None else value
        return data


class PublicResultsSerializer(serializers.Serializer):
    """The page of results with the notice's state: `final` once the notice has closed."""

    contest = serializers.CharField()
    category = serializers.CharField(allow_null=True)
    notice_ends_at = serializers.DateTimeField()
    final = serializers.BooleanField()
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = PublicRowSerializer(many=True)


class OwnResultSerializer(serializers.Serializer):
    """My work's result: rank in its pool, final score, prizes. Never a judge or their scores."""

    work = serializers.IntegerField(source="work.pk")
    title = serializers.CharField(source="work.title")
    pool = serializers.CharField()
    rank = serializers.IntegerField(allow_null=True)
    pool_size = serializers.IntegerField()
    shares_rank = serializers.BooleanField()
    score = serializers.DecimalField(max_digits=12, decimal_places=4, allow_null=True)
    prizes = serializers.ListField(child=serializers.CharField())
    final = serializers.BooleanField()


class AppealCreateSerializer(StrictMixin, serializers.Serializer):
    reason = serializers.ChoiceField(choices=Appeal.Reason.choices, required=False, default="")
    text = serializers.CharField(max_length=MAX_TEXT)


class AppealAnswerSerializer(StrictMixin, serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Appeal.Outcome.choices)
    answer = serializers.CharField(max_length=MAX_TEXT)
    changes = serializers.CharField(
        max_length=MAX_TEXT,
        required=False,
        default="",
        allow_blank=True,
        help_text=_("What changed; required when the appeal is (partly) upheld."),
    )


class AppealSerializer(serializers.ModelSerializer):
    """An appeal as its entrant sees it: no organiser's name."""

    work = serializers.IntegerField(source="work_id")

    class Meta:
        model = Appeal
        fields = [
            "id",
            "work",
            "reason",
            "text",
            "state",
            "outcome",
            "answer",
            "changes",
            "created_at",
            "answered_at",
        ]


class AppealOrganiserSerializer(AppealSerializer):
    """An appeal in the organisers' list: the work and who filed and answered it."""

    anonymous_code = serializers.CharField(source="work.anonymous_code")
    title = serializers.CharField(source="work.title")
    category = serializers.CharField(source="work.category.name")
    filed_by = serializers.CharField(source="filed_by.real_name")
    answered_by = serializers.CharField(source="answered_by.real_name", default=None)

    class Meta(AppealSerializer.Meta):
        fields = [
            *AppealSerializer.Meta.fields,
            "anonymous_code",
            "title",
            "category",
            "filed_by",
            "answered_by",
        ]


class AppealFilterSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=Appeal.State.choices, required=False)

"""Shapes of the divergence-case API (三评 / 仲裁).

Organisers' shapes carry judges' names. The chief judges' shapes are blind (DESIGN §7): the
work by its anonymous code, title, summary and category, the judges' copies by their random
uuid, the counted sheets labelled "Judge 1", "Judge 2"… and never a judge's or the entrant's
name, nor the arbitrator's. Input serializers check shapes; the services check the values.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from contest.api.serializers import StrictMixin
from judging.api.serializers_workspace import JudgeMediaLinksSerializer, media_links
from judging.models import CaseEvent, DivergenceCase
from judging.services.divergence import MAX_NOTE

SCORE = {"max_digits": 8, "decimal_places": 2}


def _absolute(context: dict, path: str) -> str:
    request = context.get("request")
    return request.build_absolute_uri(path) if request else path


class CaseFilterSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=DivergenceCase.State.choices, required=False)


class CaseSerializer(serializers.ModelSerializer):
    """A case for organisers (`cases_of_round`)."""

    work = serializers.IntegerField(source="work_id")
    anonymous_code = serializers.CharField(source="work.anonymous_code")
    title = serializers.CharField(source="work.title")
    category = serializers.CharField(source="work.category.name")
    spread = serializers.DecimalField(**SCORE)
    arbitrator = serializers.CharField(source="arbitrator.real_name", allow_null=True, default=None)
    arbitrated_score = serializers.DecimalField(**SCORE, allow_null=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = DivergenceCase
        fields = [
            "id",
            "work",
            "anonymous_code",
            "title",
            "category",
            "state",
            "spread",
            "opened_at",
            "closed_at",
            "arbitrator",
            "arbitrated_score",
            "arbitration_note",
            "url",
        ]

    def get_url(self, case) -> str:
        return _absolute(self.context, reverse("api-case", args=[case.pk]))


class CaseTotalSerializer(serializers.Serializer):
    assignment = serializers.IntegerField()
    judge = serializers.CharField()
    total = serializers.CharField(help_text=_("The sheet's total at that moment."))


class CaseEventSerializer(serializers.ModelSerializer):
    """A step of a case's history (`case_history`): its totals with the judges' names."""

    actor = serializers.CharField(source="actor.real_name", allow_null=True, default=None)
    totals = serializers.SerializerMethodField()
    added = serializers.ListField(
        child=serializers.CharField(), help_text=_("The judges added (third marking).")
    )

    class Meta:
        model = CaseEvent
        fields = ["kind", "actor", "note", "detail", "totals", "added", "created_at"]

    @extend_schema_field(CaseTotalSerializer(many=True))
    def get_totals(self, event) -> list:
        return [{"assignment": a, "judge": j, "total": t} for a, j, t in event.totals]


class CaseDetailSerializer(CaseSerializer):
    events = CaseEventSerializer(source="history", many=True)

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "events"]


class CaseReopenSerializer(StrictMixin, serializers.Serializer):
    reason = serializers.CharField(max_length=MAX_NOTE)


# --- Chief judges (blind)


class ArbitrationItemSerializer(serializers.ModelSerializer):
    """A case awaiting my arbitration (`arbitration_queue`)."""

    anonymous_code = serializers.CharField(source="work.anonymous_code")
    title = serializers.CharField(source="work.title")
    category = serializers.CharField(source="work.category.name")
    round = serializers.CharField(source="round.name")
    contest = serializers.CharField(source="round.contest.title")
    url = serializers.SerializerMethodField()

    class Meta:
        model = DivergenceCase
        fields = ["id", "anonymous_code", "title", "category", "round", "contest", "opened_at"]
        fields += ["url"]

    def get_url(self, case) -> str:
        return _absolute(self.context, reverse("api-arbitration-case", args=[case.pk]))


class ArbitrationCriterionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    max_points = serializers.DecimalField(max_digits=6, decimal_places=2)
    weight = serializers.DecimalField(max_digits=5, decimal_places=2)


class ArbitrationScoreSerializer(serializers.Serializer):
    criterion = serializers.IntegerField()
    value = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)
    comment = serializers.CharField()


class ArbitrationSheetSerializer(serializers.Serializer):
    label = serializers.CharField(help_text=_('"Judge 1", "Judge 2"…: never a name.'))
    total = serializers.DecimalField(**SCORE)
    scores = serializers.SerializerMethodField()

    @extend_schema_field(ArbitrationScoreSerializer(many=True))
    def get_scores(self, sheet) -> list:
        return [
            {
                "criterion": criterion.pk,
                "value": None if score is None else score.value,
                "comment": "" if score is None else score.comment,
            }
            for criterion, score in sheet.cells
        ]


class ArbitrationCaseSerializer(serializers.Serializer):
    """One case as its chief judge sees it (`case_bundle`, blind)."""

    id = serializers.IntegerField(source="case.pk")
    state = serializers.CharField(source="case.state")
    anonymous_code = serializers.CharField(source="work.anonymous_code")
    title = serializers.CharField(source="work.title")
    summary = serializers.CharField(source="work.summary")
    category = serializers.CharField(source="work.category.name")
    round = serializers.CharField(source="case.round.name")
    max_total = serializers.DecimalField(**SCORE, help_text=_("The best total a sheet can reach."))
    criteria = ArbitrationCriterionSerializer(many=True)
    sheets = ArbitrationSheetSerializer(many=True)
    media = serializers.SerializerMethodField()
    arbitrated_score = serializers.DecimalField(
        source="case.arbitrated_score", **SCORE, allow_null=True
    )
    arbitration_note = serializers.CharField(source="case.arbitration_note")
    writable = serializers.BooleanField(help_text=_("Whether a score can be given now."))

    @extend_schema_field(JudgeMediaLinksSerializer)
    def get_media(self, bundle) -> dict:
        media = bundle["media"]
        return media_links(self.context, media["video"], media["attachments"], cut=True)


class ArbitrateSerializer(StrictMixin, serializers.Serializer):
    score = serializers.CharField(
        max_length=20,
        help_text=_("From 0 to the rubric's best total, at most two decimals."),
    )
    note = serializers.CharField(max_length=MAX_NOTE, help_text=_("The reasons for the score."))

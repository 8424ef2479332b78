"""Shapes of the rubric and round endpoints. They check shapes and types only and refuse unknown
keys; judging.services.rubrics / rounds apply the rules."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from contest.api.serializers import StrictMixin
from judging.models import Criterion, Round, Rubric
from judging.selectors.rounds import rubric_is_frozen, rubric_total
from judging.services.rounds import TRANSITIONS
from judging.services.rubrics import LEVEL_LABEL_LENGTH, LEVEL_TEXT_LENGTH, MAX_CRITERIA, MAX_LEVELS


class LevelSerializer(StrictMixin, serializers.Serializer):
    """A level descriptor, e.g. {"label": "优", "text": "选题聚焦一个知识点"}."""

    label = serializers.CharField(max_length=LEVEL_LABEL_LENGTH)
    text = serializers.CharField(max_length=LEVEL_TEXT_LENGTH, allow_blank=True, default="")


class CriterionSerializer(StrictMixin, serializers.ModelSerializer):
    levels = LevelSerializer(many=True, required=False, max_length=MAX_LEVELS)

    class Meta:
        model = Criterion
        fields = [
            "id",
            "rubric",
            "name",
            "description",
            "max_points",
            "weight",
            "step",
            "order",
            "levels",
            "comment_required",
        ]
        read_only_fields = ["id", "rubric"]
        # The services check the limits, with one message for every way in (pages, API, files).
        extra_kwargs = {
            name: {"min_value": None, "max_value": None}
            for name in ("max_points", "weight", "step")
        }


class RubricSerializer(serializers.ModelSerializer):
    """A rubric with its criteria. `frozen`: a round using it has opened, so any change makes
    a copy; `copied_from`: the rubric this one was copied from."""

    contest = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    criteria = CriterionSerializer(many=True, read_only=True)
    frozen = serializers.SerializerMethodField()
    total = serializers.SerializerMethodField()

    class Meta:
        model = Rubric
        fields = ["id", "contest", "name", "note", "copied_from", "frozen", "total", "criteria"]
        read_only_fields = fields

    def get_frozen(self, rubric) -> bool:
        frozen = getattr(rubric, "frozen", None)
        return rubric_is_frozen(rubric) if frozen is None else frozen

    @extend_schema_field(serializers.DecimalField(max_digits=10, decimal_places=2))
    def get_total(self, rubric) -> str:
        return f"{rubric_total(rubric):.2f}"


class RubricCreateSerializer(StrictMixin, serializers.Serializer):
    name = serializers.CharField(max_length=120)
    note = serializers.CharField(allow_blank=True, required=False, default="", max_length=4000)
    criteria = CriterionSerializer(many=True, required=False, max_length=MAX_CRITERIA)


class RubricUpdateSerializer(StrictMixin, serializers.Serializer):
    name = serializers.CharField(max_length=120, required=False)
    note = serializers.CharField(allow_blank=True, required=False, max_length=4000)


class CriteriaOrderSerializer(StrictMixin, serializers.Serializer):
    order = serializers.ListField(
        child=serializers.IntegerField(), max_length=MAX_CRITERIA, allow_empty=False
    )


class RubricFileSerializer(serializers.Serializer):
    """The JSON shape of judging/data/rubrics/*.json, as the export writes it (documentation
    only: the import reads the body itself and reports problems per criterion)."""

    name = serializers.CharField()
    note = serializers.CharField(required=False)
    total = serializers.DecimalField(max_digits=10, decimal_places=2, required=False)
    criteria = serializers.ListField(child=serializers.DictField())


class _ContestScoped(serializers.PrimaryKeyRelatedField):
    """A related object of the contest in the serializer's context (others: "does not exist")."""

    def __init__(self, model, **kwargs):
        self.model = model
        super().__init__(queryset=model.objects.none(), **kwargs)

    def get_queryset(self):
        contest = self.context.get("contest")
        if contest is None:
            return self.model.objects.none()
        return self.model.objects.filter(contest=contest)


class RoundSerializer(StrictMixin, serializers.ModelSerializer):
    """A judging round. Judges of the contest may read it; it never lists the works."""

    contest = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    rubric = _ContestScoped(Rubric)
    categories = _ContestScoped(Round._meta.get_field("categories").related_model, many=True)
    work_count = serializers.SerializerMethodField()
    next_states = serializers.SerializerMethodField()

    class Meta:
        model = Round
        fields = [
            "id",
            "contest",
            "name",
            "order",
            "rubric",
            "state",
            "next_states",
            "opens_at",
            "closes_at",
            "categories",
            "judges_per_work",
            "tolerance",
            "final_rule",
            "calibration_min_sheets",
            "min_play_percent",
            "cut_title_card",
            "same_city_conflict",
            "same_province_conflict",
            "expertise",
            "seed",
            "work_count",
        ]
        read_only_fields = ["id", "contest", "state", "next_states", "work_count"]
        validators = []  # the services check the window and the unique position

    def get_work_count(self, round_) -> int:
        count = getattr(round_, "work_count", None)
        return round_.round_works.count() if count is None else count

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_next_states(self, round_) -> list[str]:
        return [s for s in Round.State.values if s in TRANSITIONS.get(round_.state, set())]


class RoundStateSerializer(StrictMixin, serializers.Serializer):
    state = serializers.ChoiceField(
        choices=Round.State.choices, help_text=_("The state to move the round to.")
    )


class RefreshResultSerializer(serializers.Serializer):
    added = serializers.IntegerField(help_text=_("How many accepted works were added."))

"""Shapes of the ranking endpoints. Inputs check shapes and types only and refuse unknown keys;
results.services apply the rules."""

from rest_framework import serializers

from contest.api.serializers import StrictMixin
from contest.models import Category
from judging.models import Round
from results.models import METHOD_CHOICES, Advancement, Pool, ResultSnapshot, SnapshotEntry


class PoolSerializer(StrictMixin, serializers.ModelSerializer):
    categories = serializers.PrimaryKeyRelatedField(many=True, queryset=Category.objects.all())

    class Meta:
        model = Pool
        fields = ["id", "name", "order", "categories"]
        read_only_fields = ["id"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        contest = self.context.get("contest")
        if contest is not None:
            self.fields["categories"].child_relation.queryset = Category.objects.filter(
                contest=contest
            )


class RankingSettingsSerializer(StrictMixin, serializers.Serializer):
    method = serializers.ChoiceField(
        choices=[("", "recommended"), *METHOD_CHOICES], allow_blank=True, default=""
    )
    tiebreak_criteria = serializers.ListField(
        child=serializers.IntegerField(min_value=1), default=list, max_length=100
    )
    tiebreak_sheets = serializers.BooleanField(default=False)


class MethodRankSerializer(serializers.Serializer):
    score = serializers.FloatField(allow_null=True)
    rank = serializers.IntegerField()


class ComparisonRowSerializer(serializers.Serializer):
    work = serializers.IntegerField()
    code = serializers.CharField()
    pool = serializers.CharField()
    sheets = serializers.IntegerField()
    changes = serializers.BooleanField()
    methods = serializers.DictField(child=MethodRankSerializer())


class ComparisonPoolSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    works = serializers.IntegerField()
    changes = serializers.IntegerField()


class ComparisonSerializer(serializers.Serializer):
    method = serializers.CharField()
    recommended = serializers.CharField()
    reason = serializers.CharField()
    pools = ComparisonPoolSerializer(many=True)
    count = serializers.IntegerField()
    results = ComparisonRowSerializer(many=True)


class SnapshotPoolSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    pool = serializers.IntegerField(allow_null=True)
    categories = serializers.ListField(child=serializers.IntegerField())
    count = serializers.IntegerField()


class SnapshotSerializer(serializers.ModelSerializer):
    round = serializers.IntegerField(source="round_id")
    method = serializers.CharField()
    recommended_method = serializers.CharField()
    pools = serializers.SerializerMethodField()

    class Meta:
        model = ResultSnapshot
        fields = [
            "id",
            "round",
            "method",
            "params",
            "recommended_method",
            "recommendation_reason",
            "input_hash",
            "work_count",
            "created_at",
            "pools",
        ]

    def get_pools(self, snapshot) -> list[dict]:
        return self.context.get("pools", [])


class EntrySerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="work.anonymous_code")
    title = serializers.CharField(source="work.title")
    category_name = serializers.CharField(source="category.name")

    class Meta:
        model = SnapshotEntry
        fields = [
            "work",
            "code",
            "title",
            "pool_key",
            "category",
            "category_name",
            "rank",
            "score",
            "shares_rank",
            "sheet_count",
            "method_scores",
            "criterion_means",
        ]


class JudgeTotalSerializer(serializers.Serializer):
    judge = serializers.IntegerField()
    name = serializers.CharField()
    total = serializers.FloatField(allow_null=True)
    counted = serializers.BooleanField()
    arbitrator = serializers.BooleanField()


class NeighbourSerializer(serializers.Serializer):
    work = serializers.IntegerField(source="entry.work_id")
    code = serializers.CharField(source="entry.work.anonymous_code")
    rank = serializers.IntegerField(source="entry.rank")
    by = serializers.CharField()
    better = serializers.JSONField()
    worse = serializers.JSONField()


class ExplanationSerializer(serializers.Serializer):
    entry = EntrySerializer()
    method = serializers.CharField()
    judges = JudgeTotalSerializer(many=True)
    criteria = serializers.ListField(child=serializers.DictField())
    adjustments = serializers.DictField()
    tiebreaks = serializers.ListField(child=serializers.DictField())
    ties = serializers.SerializerMethodField()
    above = NeighbourSerializer(allow_null=True)
    below = NeighbourSerializer(allow_null=True)

    def get_ties(self, data) -> list[str]:
        return [tie.work.anonymous_code for tie in data["ties"]]


class ReproduceSerializer(serializers.Serializer):
    hash_matches = serializers.BooleanField()
    ranks_match = serializers.BooleanField()
    scores_match = serializers.BooleanField()
    input_hash = serializers.CharField()
    frozen_hash = serializers.CharField()
    differences = serializers.IntegerField()
    changed = serializers.ListField(child=serializers.DictField())


class AdvancementInputSerializer(StrictMixin, serializers.Serializer):
    to_round = serializers.PrimaryKeyRelatedField(queryset=Round.objects.all())
    rule = serializers.ChoiceField(choices=Advancement.Rule.choices)
    value = serializers.DecimalField(max_digits=12, decimal_places=4, min_value=0)
    per_pool = serializers.BooleanField(default=True)


class PoolCutSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    size = serializers.IntegerField()
    count = serializers.IntegerField()
    cutoff_rank = serializers.IntegerField(allow_null=True)
    cutoff_score = serializers.DecimalField(max_digits=12, decimal_places=4, allow_null=True)
    tied = serializers.IntegerField()


class AdvancementPlanSerializer(serializers.Serializer):
    rule = serializers.CharField()
    value = serializers.DecimalField(max_digits=12, decimal_places=4)
    per_pool = serializers.BooleanField()
    count = serializers.IntegerField()
    pools = PoolCutSerializer(many=True)
    tied_works = serializers.SerializerMethodField()

    def get_tied_works(self, plan) -> list[int]:
        return sorted(plan.tied_ids)


class AdvancementSerializer(serializers.ModelSerializer):
    class Meta:
        model = Advancement
        fields = ["id", "snapshot", "to_round", "rule", "value", "per_pool", "count", "detail"]

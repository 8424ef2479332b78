"""Shapes of the awards endpoints. They check shapes and types only and refuse unknown keys;
awards.services apply the rules (one message for pages and API)."""

from rest_framework import serializers

from awards.models import Award, AwardScheme, AwardTier, Kind, TopPrize
from contest.api.serializers import StrictMixin
from judging.models import Round

NO_LIMITS = {"min_value": None, "max_value": None}


class TierSerializer(StrictMixin, serializers.ModelSerializer):
    """A tier; ``value`` reads by the scheme's mode (works, % of the pool, minimal score);
    ``pool_values`` maps a pool key (as in the preview) to the value used there instead."""

    pool_values = serializers.DictField(
        child=serializers.DecimalField(max_digits=12, decimal_places=4),
        required=False,
        write_only=True,
    )

    class Meta:
        model = AwardTier
        fields = ["id", "name", "order", "value", "points", "pool_values"]
        read_only_fields = ["id"]
        extra_kwargs = {"value": NO_LIMITS, "points": NO_LIMITS}

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["pool_values"] = {p.pool_key: str(p.value) for p in instance.pool_values.all()}
        return data


class TopPrizeSerializer(StrictMixin, serializers.ModelSerializer):
    class Meta:
        model = TopPrize
        fields = ["id", "name", "order", "count", "points"]
        read_only_fields = ["id"]
        extra_kwargs = {"count": NO_LIMITS, "points": NO_LIMITS}


class SchemeSerializer(StrictMixin, serializers.ModelSerializer):
    """The scheme's settings; tiers and top prizes have their own endpoints."""

    round = serializers.PrimaryKeyRelatedField(
        queryset=Round.objects.all(), allow_null=True, required=False
    )
    tiers = TierSerializer(many=True, read_only=True)
    top_prizes = TopPrizeSerializer(many=True, read_only=True)

    class Meta:
        model = AwardScheme
        fields = [
            "id",
            "round",
            "mode",
            "top_prizes_keep_tier",
            "org_award_name",
            "org_entry_points",
            "org_top_count",
            "org_min_points",
            "snapshot",
            "confirmed_at",
            "locked_at",
            "tiers",
            "top_prizes",
        ]
        read_only_fields = ["id", "snapshot", "confirmed_at", "locked_at"]
        extra_kwargs = {"org_entry_points": NO_LIMITS, "org_min_points": NO_LIMITS}


class DecisionSerializer(StrictMixin, serializers.Serializer):
    """A tie decision: for a tier tie the chosen ``tier`` (null: none), for a top-prize tie the
    ``top_prize`` (null: none), for an organisation tie ``awarded``."""

    kind = serializers.ChoiceField(choices=Kind.choices)
    work = serializers.IntegerField(required=False)
    institution = serializers.IntegerField(required=False)
    tier = serializers.IntegerField(required=False, allow_null=True)
    top_prize = serializers.IntegerField(required=False, allow_null=True)
    awarded = serializers.BooleanField(required=False, default=False)
    reason = serializers.CharField(max_length=2000, allow_blank=True)


class DecisionsSerializer(StrictMixin, serializers.Serializer):
    decisions = DecisionSerializer(many=True, max_length=10000)


class ConfirmSerializer(StrictMixin, serializers.Serializer):
    decisions = DecisionSerializer(many=True, required=False, max_length=10000)


class UnconfirmSerializer(StrictMixin, serializers.Serializer):
    reason = serializers.CharField(max_length=2000, allow_blank=True, required=False, default="")


class OverrideSerializer(StrictMixin, serializers.Serializer):
    """Give the award another ``tier`` (or ``top_prize``), or ``remove`` it; with a reason."""

    tier = serializers.IntegerField(required=False, allow_null=True)
    top_prize = serializers.IntegerField(required=False, allow_null=True)
    remove = serializers.BooleanField(required=False, default=False)
    reason = serializers.CharField(max_length=2000, allow_blank=True)


class AwardSerializer(serializers.ModelSerializer):
    prize = serializers.CharField(source="prize_name", read_only=True)
    work_code = serializers.CharField(source="work.anonymous_code", default=None, read_only=True)
    work_title = serializers.CharField(source="work.title", default=None, read_only=True)
    entrant = serializers.CharField(source="work.entrant.real_name", default=None, read_only=True)
    institution_name = serializers.SerializerMethodField()

    class Meta:
        model = Award
        fields = [
            "id",
            "kind",
            "prize",
            "tier",
            "top_prize",
            "work",
            "work_code",
            "work_title",
            "entrant",
            "institution",
            "institution_name",
            "pool_key",
            "pool_name",
            "rank",
            "score",
            "tie_at_cutoff",
            "decided",
            "decision_reason",
            "overridden",
            "override_reason",
            "overridden_at",
        ]
        read_only_fields = fields

    def get_institution_name(self, award) -> str | None:
        institution = award.institution or (award.work and award.work.entrant.institution)
        return institution.name if institution else None


class AwardPoolCountSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    size = serializers.IntegerField()
    counts = serializers.DictField(child=serializers.IntegerField(), help_text="tier id → works")


class AwardTieSerializer(serializers.Serializer):
    kind = serializers.CharField()
    work = serializers.IntegerField(allow_null=True)
    work_code = serializers.CharField(allow_null=True)
    work_title = serializers.CharField(allow_null=True)
    institution = serializers.IntegerField(allow_null=True)
    institution_name = serializers.CharField(allow_null=True)
    pool_key = serializers.CharField()
    rank = serializers.IntegerField()
    score = serializers.DecimalField(max_digits=12, decimal_places=4, allow_null=True)
    proposed = serializers.IntegerField(allow_null=True)
    decided = serializers.BooleanField()
    decision = serializers.DictField(allow_null=True)


class AwardLineSerializer(serializers.Serializer):
    kind = serializers.CharField()
    prize = serializers.IntegerField(allow_null=True)
    work = serializers.IntegerField(allow_null=True)
    institution = serializers.IntegerField(allow_null=True)
    pool_key = serializers.CharField()
    rank = serializers.IntegerField(allow_null=True)
    score = serializers.DecimalField(max_digits=12, decimal_places=4, allow_null=True)
    tie_at_cutoff = serializers.BooleanField()
    decided = serializers.BooleanField()


class InstitutionPointsSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    entries = serializers.IntegerField()
    points = serializers.DecimalField(max_digits=12, decimal_places=2)
    rank = serializers.IntegerField(allow_null=True)
    awarded = serializers.BooleanField()


class PreviewSerializer(serializers.Serializer):
    """What confirming would write: counts per pool and tier, the ties, the top prizes, the
    institutions' points; ``awards`` is the number of awards in all."""

    snapshot = serializers.IntegerField()
    awards = serializers.IntegerField()
    undecided = serializers.IntegerField()
    pools = AwardPoolCountSerializer(many=True)
    ties = AwardTieSerializer(many=True)
    top_prizes = AwardLineSerializer(many=True)
    institutions = InstitutionPointsSerializer(many=True)

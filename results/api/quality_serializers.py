"""Shapes of the round quality API (organisers only: judges' names appear)."""

from rest_framework import serializers

from judging.scoring import ICC_FORMS


class DistributionSerializer(serializers.Serializer):
    low = serializers.FloatField()
    q1 = serializers.FloatField()
    median = serializers.FloatField()
    q3 = serializers.FloatField()
    high = serializers.FloatField()


class JudgeQualitySerializer(serializers.Serializer):
    user_id = serializers.IntegerField()
    name = serializers.CharField()
    email = serializers.CharField()
    count = serializers.IntegerField()
    mean = serializers.FloatField()
    std = serializers.FloatField(allow_null=True)
    paired = serializers.IntegerField(help_text="Sheets on works another judge also scored.")
    leniency = serializers.FloatField(
        allow_null=True,
        help_text="Mean of (total − the mean of the other judges' totals on the same work).",
    )
    agreement = serializers.FloatField(
        allow_null=True, help_text="Correlation of the totals with the others' means."
    )
    mean_abs_dev = serializers.FloatField(allow_null=True)
    leniency_z = serializers.FloatField(allow_null=True)
    agreement_z = serializers.FloatField(allow_null=True)
    outlier = serializers.BooleanField()
    distribution = DistributionSerializer()


class ReliabilitySerializer(serializers.Serializer):
    icc = serializers.DictField(
        child=serializers.FloatField(allow_null=True),
        help_text="The six Shrout & Fleiss forms: " + ", ".join(ICC_FORMS) + ".",
    )
    block_works = serializers.IntegerField(help_text="Works of the complete block the ICC uses.")
    block_judges = serializers.IntegerField(help_text="Judges of the complete block.")
    alpha = serializers.FloatField(allow_null=True, help_text="Krippendorff's alpha (interval).")
    alpha_works = serializers.IntegerField(help_text="Works with ≥ 2 sheets (pairable).")


class ProgressDaySerializer(serializers.Serializer):
    day = serializers.DateField()
    submitted = serializers.IntegerField()
    cumulative = serializers.IntegerField()


class OutlierRuleSerializer(serializers.Serializer):
    robust_z = serializers.FloatField()
    poor_agreement = serializers.FloatField()
    min_paired = serializers.IntegerField()


class RoundQualitySerializer(serializers.Serializer):
    round = serializers.IntegerField(source="round.pk")
    sheets = serializers.IntegerField()
    works = serializers.IntegerField()
    expected = serializers.IntegerField(help_text="Live assignments of the round.")
    reliability = ReliabilitySerializer()
    judges = JudgeQualitySerializer(many=True)
    progress = ProgressDaySerializer(many=True)
    outlier_rule = serializers.SerializerMethodField()

    def get_outlier_rule(self, obj) -> dict:
        return OutlierRuleSerializer(
            {
                "robust_z": obj.outlier_z,
                "poor_agreement": obj.poor_agreement,
                "min_paired": obj.min_paired,
            }
        ).data

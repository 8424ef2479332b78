"""Shapes of the assignment and monitoring API (organisers only). Serializers check shapes and
types; the services check the rules."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from contest.api.serializers import StrictMixin
from judging.models import Assignment


class PlanQuerySerializer(serializers.Serializer):
    mode = serializers.ChoiceField(
        choices=["incremental", "full"],
        default="incremental",
        help_text=_("incremental: keep the current assignments; full: replace them."),
    )


class JudgeLoadSerializer(serializers.Serializer):
    user_id = serializers.IntegerField()
    name = serializers.CharField()
    email = serializers.EmailField()
    max_load = serializers.IntegerField()
    kept = serializers.IntegerField()
    added = serializers.IntegerField()
    total = serializers.IntegerField()
    active = serializers.BooleanField()


class CoverageSerializer(serializers.Serializer):
    category = serializers.CharField()
    works = serializers.IntegerField()
    staffed = serializers.IntegerField()
    short = serializers.IntegerField()


class UnstaffedSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("The work's anonymous code."))
    category = serializers.CharField()
    missing = serializers.IntegerField()
    reason = serializers.CharField()


class PlanPreviewSerializer(serializers.Serializer):
    """What applying the plan would do; nothing is saved."""

    incremental = serializers.BooleanField()
    works = serializers.IntegerField()
    added_count = serializers.IntegerField()
    kept_count = serializers.IntegerField()
    withdrawn = serializers.IntegerField(
        help_text=_("Current assignments that now conflict and would end as recusals.")
    )
    conflicts_avoided = serializers.IntegerField()
    fallbacks = serializers.IntegerField(
        help_text=_("Works with a judge outside the expertise they need.")
    )
    load_min = serializers.IntegerField()
    load_max = serializers.IntegerField()
    judges = JudgeLoadSerializer(many=True)
    coverage = CoverageSerializer(many=True)
    unstaffed_count = serializers.IntegerField()
    unstaffed = UnstaffedSerializer(many=True)


class ApplySerializer(StrictMixin, serializers.Serializer):
    incremental = serializers.BooleanField(default=True)


class ApplyResultSerializer(serializers.Serializer):
    added_count = serializers.IntegerField()
    withdrawn_count = serializers.IntegerField()
    unstaffed_count = serializers.IntegerField()


class AssignmentFilterSerializer(serializers.Serializer):
    """Query parameters (besides `page` and `page_size`); empty ones filter nothing."""

    judge = serializers.CharField(
        max_length=100, required=False, allow_blank=True, help_text=_("Name or e-mail.")
    )
    category = serializers.CharField(max_length=30, required=False, allow_blank=True)
    state = serializers.ChoiceField(
        choices=Assignment.State.choices, required=False, allow_blank=True
    )
    q = serializers.CharField(
        max_length=20, required=False, allow_blank=True, help_text=_("Anonymous code.")
    )


class AssignedWorkSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    anonymous_code = serializers.CharField()
    category = serializers.CharField(source="category.name")


class AssignedJudgeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="real_name")
    email = serializers.EmailField()


class AssignmentSerializer(serializers.ModelSerializer):
    work = AssignedWorkSerializer()
    judge = AssignedJudgeSerializer()

    class Meta:
        model = Assignment
        fields = ["id", "round", "work", "judge", "state", "recusal_reason", "created_at"]
        read_only_fields = fields


class AssignmentAddSerializer(StrictMixin, serializers.Serializer):
    work = serializers.IntegerField(min_value=1)
    judge = serializers.IntegerField(min_value=1, help_text=_("The judge's user id."))
    force = serializers.BooleanField(
        default=False,
        help_text=_("Even above the judge's maximum load or outside the required expertise."),
    )


class AssignmentMoveSerializer(StrictMixin, serializers.Serializer):
    judge = serializers.IntegerField(min_value=1, help_text=_("The new judge's user id."))
    force = serializers.BooleanField(default=False)


class ProgressSerializer(serializers.Serializer):
    key = serializers.IntegerField(allow_null=True, help_text=_("Category or judge id."))
    label = serializers.CharField()
    email = serializers.CharField()
    works = serializers.IntegerField()
    assigned = serializers.IntegerField()
    submitted = serializers.IntegerField()
    in_progress = serializers.IntegerField()
    pending = serializers.IntegerField()
    percent = serializers.IntegerField()
    overdue = serializers.IntegerField()


class RoundProgressSerializer(serializers.Serializer):
    late = serializers.BooleanField(
        help_text=_("Less than 48 hours remain, or the round closed: unfinished work is overdue.")
    )
    recused = serializers.IntegerField()
    total = ProgressSerializer()
    categories = ProgressSerializer(many=True)
    judges = ProgressSerializer(many=True)


class RemindersSerializer(serializers.Serializer):
    judges = serializers.IntegerField(help_text=_("How many judges will get a reminder."))

"""Organisers' API of boundary re-review: uncertain works near award cut-offs, the previewed
workload of extra judges on them, and applying it (see awards.services.boundary)."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from awards.models import AwardScheme
from awards.services import boundary as service
from contest.api.views.base import AUTHENTICATION, errors
from contest.errors import DomainError
from judging.selectors.assignment import access_round


class ReviewQuerySerializer(serializers.Serializer):
    margin = serializers.DecimalField(
        max_digits=4, decimal_places=2, min_value=0, max_value=service.MAX_MARGIN, default=1
    )
    mode = serializers.ChoiceField(choices=AwardScheme.Mode.choices, required=False)
    values = serializers.ListField(
        child=serializers.DecimalField(max_digits=12, decimal_places=4, min_value=0),
        required=False,
        max_length=20,
        help_text="Tier values best first (repeat the parameter), instead of the scheme's.",
    )

    def validate(self, attrs):
        if attrs.get("values") and not attrs.get("mode"):
            raise serializers.ValidationError({"mode": [_("Say how the tier values are read.")]})
        return attrs


class WorksSerializer(serializers.Serializer):
    works = serializers.ListField(child=serializers.IntegerField(), min_length=1, max_length=5000)
    count = serializers.IntegerField(min_value=1, max_value=service.MAX_EXTRA, default=1)


class LineSerializer(serializers.Serializer):
    tier = serializers.CharField()
    cutoff = serializers.FloatField()
    lowest_in = serializers.FloatField(allow_null=True)
    highest_out = serializers.FloatField(allow_null=True)


class UncertainSerializer(serializers.Serializer):
    work_id = serializers.IntegerField()
    code = serializers.CharField()
    category = serializers.CharField()
    score = serializers.FloatField()
    sheets = serializers.IntegerField()
    se = serializers.FloatField(allow_null=True)
    tier = serializers.CharField(help_text="The tier whose cut-off is nearest.")
    cutoff = serializers.FloatField()
    distance = serializers.FloatField()
    z = serializers.FloatField(allow_null=True, help_text="|distance| / se")


class BoundaryPoolSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    works = serializers.IntegerField()
    lines = LineSerializer(many=True)
    uncertain = UncertainSerializer(many=True)


class ReviewSerializer(serializers.Serializer):
    round = serializers.IntegerField(source="round.pk")
    method = serializers.CharField()
    margin = serializers.DecimalField(max_digits=4, decimal_places=2)
    tiers_from = serializers.CharField(source="spec.source")
    pools = BoundaryPoolSerializer(many=True)
    work_ids = serializers.ListField(child=serializers.IntegerField())
    round_open = serializers.SerializerMethodField()
    round_message = serializers.SerializerMethodField()

    def get_round_open(self, obj) -> bool:
        return self.get_round_message(obj) == ""

    def get_round_message(self, obj) -> str:
        """Why extra judges cannot be added now (empty when they can)."""
        try:
            service.check_open(obj.round)
        except DomainError as exc:
            return str(exc.message)
        return ""


class LoadSerializer(serializers.Serializer):
    user_id = serializers.IntegerField()
    name = serializers.CharField()
    kept = serializers.IntegerField()
    added = serializers.IntegerField()
    total = serializers.IntegerField()
    max_load = serializers.IntegerField()


class WorkloadSerializer(serializers.Serializer):
    added_count = serializers.IntegerField()
    unstaffed_count = serializers.IntegerField()
    judges = serializers.SerializerMethodField()

    def get_judges(self, obj) -> list[dict]:
        return LoadSerializer([j for j in obj.judges if j.added], many=True).data


class ApplySerializer(serializers.Serializer):
    added_count = serializers.IntegerField()
    withdrawn_count = serializers.IntegerField()
    unstaffed_count = serializers.IntegerField()


def _query(params) -> dict:
    data = {"margin": params.get("margin", "1")}
    if "mode" in params:
        data["mode"] = params["mode"]
    if "values" in params:
        data["values"] = params.getlist("values")
    return data


class BoundaryBase(APIView):
    authentication_classes = AUTHENTICATION
    permission_classes = [IsAuthenticated]

    def works(self, request) -> dict:
        serializer = WorksSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


class BoundaryReviewView(BoundaryBase):
    @extend_schema(
        parameters=[
            OpenApiParameter("margin", float, description="Standard errors (default 1)"),
            OpenApiParameter("mode", str, enum=list(AwardScheme.Mode.values)),
            OpenApiParameter("values", float, many=True),
        ],
        responses={200: ReviewSerializer, **errors(400, 401, 403, 404, 409)},
    )
    def get(self, request, pk: int):
        round_ = access_round(request.user, pk)
        query = ReviewQuerySerializer(data=_query(request.query_params))
        query.is_valid(raise_exception=True)
        data = query.validated_data
        spec = service.entered_spec(data["mode"], data["values"]) if data.get("values") else None
        review = service.boundary_review(round_, margin=data["margin"], spec=spec)
        return Response(ReviewSerializer(review).data)


class BoundaryPreviewView(BoundaryBase):
    @extend_schema(
        request=WorksSerializer,
        responses={200: WorkloadSerializer, **errors(400, 401, 403, 404)},
        description="The added workload of `count` more judges on each work; nothing is saved.",
    )
    def post(self, request, pk: int):
        round_ = access_round(request.user, pk)
        data = self.works(request)
        plan = service.boundary_preview(round=round_, work_ids=data["works"], count=data["count"])
        return Response(WorkloadSerializer(plan).data)


class BoundaryApplyView(BoundaryBase):
    @extend_schema(
        request=WorksSerializer,
        responses={200: ApplySerializer, **errors(400, 401, 403, 404, 409)},
        description="Ask for `count` more judges on each work and staff them now. The round "
        "must be open (409 `round_not_open` says how to reopen it).",
    )
    def post(self, request, pk: int):
        round_ = access_round(request.user, pk)
        data = self.works(request)
        result = service.boundary_apply(
            round=round_, work_ids=data["works"], count=data["count"], actor=request.user
        )
        return Response(ApplySerializer(result).data)

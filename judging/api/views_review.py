"""Organisers' API for author flags and reopening submitted sheets."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from contest.api.views.base import errors
from judging.selectors.assignment import access_assignment, access_round
from judging.selectors.review import flag_of_round, flags_of_round
from judging.services.sheets import author_flag_resolve, sheet_reopen


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000)


class ResolutionSerializer(serializers.Serializer):
    resolution = serializers.CharField(max_length=1000)


class FlagSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    anonymous_code = serializers.CharField(source="assignment.work.anonymous_code")
    judge = serializers.CharField(source="assignment.judge.real_name")
    note = serializers.CharField()
    created_at = serializers.DateTimeField()
    resolved_at = serializers.DateTimeField(allow_null=True)
    resolution = serializers.CharField()


def _valid(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class RoundFlagsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: FlagSerializer(many=True), **errors(401, 403, 404)})
    def get(self, request, pk: int):
        round_ = access_round(request.user, pk)
        return Response(FlagSerializer(flags_of_round(round_), many=True).data)


class FlagResolveView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=ResolutionSerializer,
        responses={200: FlagSerializer, **errors(400, 401, 403, 404, 409)},
    )
    def post(self, request, pk: int, fid: int):
        round_ = access_round(request.user, pk)
        flag = flag_of_round(round_, fid)
        data = _valid(ResolutionSerializer, request)
        flag = author_flag_resolve(flag=flag, actor=request.user, resolution=data["resolution"])
        return Response(FlagSerializer(flag).data)


class SheetReopenView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=ReasonSerializer, responses={204: None, **errors(400, 401, 403, 404, 409)}
    )
    def post(self, request, aid: int):
        assignment = access_assignment(request.user, aid)
        data = _valid(ReasonSerializer, request)
        sheet_reopen(assignment=assignment, actor=request.user, reason=data["reason"])
        return Response(status=status.HTTP_204_NO_CONTENT)

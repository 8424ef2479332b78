"""Organisers' API of a round's judge quality and reliability."""

from drf_spectacular.utils import extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from contest.api.views.base import errors
from judging.selectors.assignment import access_round
from results.api.quality_serializers import RoundQualitySerializer
from results.selectors.quality import round_quality


class RoundQualityView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: RoundQualitySerializer, **errors(401, 403, 404)})
    def get(self, request, pk: int):
        round_ = access_round(request.user, pk)
        return Response(RoundQualitySerializer(round_quality(round_)).data)

"""Award schemes, preview, ties, confirmation, overrides and the awards list through the API.

Only the contest's organisers reach these endpoints (others: 404 when the contest is hidden from
them, else 403), through `access_awards`; objects of another contest are "not found". Refusals of
the services come back in the API's one error shape.
"""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from awards.api import serializers as s
from awards.models import AwardTier, Kind, TopPrize
from awards.selectors.awards import awards_of, preview_subjects
from awards.selectors.schemes import access_award, access_awards, require_scheme, scheme_of
from awards.services import decisions, schemes
from awards.services.preview import Preview, awards_preview
from contest.api.views.base import ApiViewMixin, errors
from contest.errors import NotFound, ValidationFailed


class AwardsView(ApiViewMixin, GenericAPIView):
    permission_classes = [IsAuthenticated]
    filter_backends = []
    pagination_class = None
    contest = None

    def scheme(self):
        self.contest = access_awards(self.request.user, self.kwargs["contest_slug"])
        return require_scheme(self.contest)


def _decision(tie) -> dict | None:
    d = tie.decision
    if d is None:
        return None
    return {
        "tier": d.tier_id,
        "top_prize": d.top_prize_id,
        "awarded": d.awarded,
        "reason": d.reason,
    }


def preview_payload(preview: Preview) -> dict:
    """The preview as PreviewSerializer describes it (works and institutions in two queries)."""
    works, institutions = preview_subjects(preview)

    def named(work_id, inst_id) -> dict:
        work, inst = works.get(work_id), institutions.get(inst_id)
        return {
            "work_code": work.anonymous_code if work else None,
            "work_title": work.title if work else None,
            "institution_name": inst.name if inst else None,
        }

    ties = [
        {**vars(t), **named(t.work, t.institution), "decided": t.decision is not None}
        | {"decision": _decision(t)}
        for t in preview.ties
    ]
    return s.PreviewSerializer(
        {
            "snapshot": preview.snapshot.pk,
            "awards": len(preview.lines),
            "undecided": len(preview.undecided),
            "pools": [vars(p) for p in preview.pools],
            "ties": ties,
            "top_prizes": [vars(line) for line in preview.lines if line.kind == "top_prize"],
            "institutions": [
                {**vars(i), "name": institutions[i.id].name if i.id in institutions else ""}
                for i in preview.institutions
            ],
        }
    ).data


class SchemeView(AwardsView):
    serializer_class = s.SchemeSerializer

    @extend_schema(responses={200: s.SchemeSerializer, **errors(401, 403, 404)})
    def get(self, request, contest_slug: str):
        return Response(s.SchemeSerializer(self.scheme()).data)

    @extend_schema(
        description="Create the contest's award scheme or change its settings.",
        responses={200: s.SchemeSerializer, **errors(400, 401, 403, 404, 409)},
    )
    def put(self, request, contest_slug: str):
        self.contest = access_awards(request.user, contest_slug)
        schemes.scheme_save(contest=self.contest, **self.validated(partial=True))
        return Response(s.SchemeSerializer(scheme_of(self.contest)).data)


class TiersView(AwardsView):
    serializer_class = s.TierSerializer

    @extend_schema(responses={200: s.TierSerializer(many=True), **errors(401, 403, 404)})
    def get(self, request, contest_slug: str):
        return Response(s.TierSerializer(self.scheme().tiers.all(), many=True).data)

    @extend_schema(responses={201: s.TierSerializer, **errors(400, 401, 403, 404, 409)})
    def post(self, request, contest_slug: str):
        tier = schemes.tier_add(scheme=self.scheme(), **self.validated())
        return Response(s.TierSerializer(tier).data, status=status.HTTP_201_CREATED)


class TierDetailView(AwardsView):
    serializer_class = s.TierSerializer

    def tier(self) -> AwardTier:
        tier = self.scheme().tiers.filter(pk=self.kwargs["pk"]).first()
        if tier is None:
            raise NotFound()
        return tier

    @extend_schema(responses={200: s.TierSerializer, **errors(401, 403, 404)})
    def get(self, request, contest_slug: str, pk: int):
        return Response(s.TierSerializer(self.tier()).data)

    @extend_schema(responses={200: s.TierSerializer, **errors(400, 401, 403, 404, 409)})
    def patch(self, request, contest_slug: str, pk: int):
        tier = schemes.tier_update(tier=self.tier(), **self.validated(partial=True))
        return Response(s.TierSerializer(tier).data)

    @extend_schema(responses={204: None, **errors(400, 401, 403, 404, 409)})
    def delete(self, request, contest_slug: str, pk: int):
        schemes.tier_delete(tier=self.tier())
        return Response(status=status.HTTP_204_NO_CONTENT)


class TopPrizesView(AwardsView):
    serializer_class = s.TopPrizeSerializer

    @extend_schema(responses={200: s.TopPrizeSerializer(many=True), **errors(401, 403, 404)})
    def get(self, request, contest_slug: str):
        return Response(s.TopPrizeSerializer(self.scheme().top_prizes.all(), many=True).data)

    @extend_schema(responses={201: s.TopPrizeSerializer, **errors(400, 401, 403, 404, 409)})
    def post(self, request, contest_slug: str):
        prize = schemes.top_prize_add(scheme=self.scheme(), **self.validated())
        return Response(s.TopPrizeSerializer(prize).data, status=status.HTTP_201_CREATED)


class TopPrizeDetailView(AwardsView):
    serializer_class = s.TopPrizeSerializer

    def prize(self) -> TopPrize:
        prize = self.scheme().top_prizes.filter(pk=self.kwargs["pk"]).first()
        if prize is None:
            raise NotFound()
        return prize

    @extend_schema(responses={200: s.TopPrizeSerializer, **errors(400, 401, 403, 404, 409)})
    def patch(self, request, contest_slug: str, pk: int):
        prize = schemes.top_prize_update(prize=self.prize(), **self.validated(partial=True))
        return Response(s.TopPrizeSerializer(prize).data)

    @extend_schema(responses={204: None, **errors(401, 403, 404, 409)})
    def delete(self, request, contest_slug: str, pk: int):
        schemes.top_prize_delete(prize=self.prize())
        return Response(status=status.HTTP_204_NO_CONTENT)


class PreviewView(AwardsView):
    serializer_class = s.PreviewSerializer

    @extend_schema(
        description="The awards the scheme gives on its round's frozen snapshot; nothing is "
        "written. 409 `no_snapshot` while the round is not frozen.",
        responses={200: s.PreviewSerializer, **errors(401, 403, 404, 409)},
    )
    def get(self, request, contest_slug: str):
        return Response(preview_payload(awards_preview(scheme=self.scheme())))


class TiesView(AwardsView):
    serializer_class = s.DecisionsSerializer

    @extend_schema(responses={200: s.AwardTieSerializer(many=True), **errors(401, 403, 404, 409)})
    def get(self, request, contest_slug: str):
        return Response(preview_payload(awards_preview(scheme=self.scheme()))["ties"])

    @extend_schema(
        description="Decide ties (all rows or none); returns the ties as they now stand.",
        responses={200: s.AwardTieSerializer(many=True), **errors(400, 401, 403, 404, 409)},
    )
    def post(self, request, contest_slug: str):
        scheme = self.scheme()
        decisions.ties_settle(scheme=scheme, actor=request.user, **self.validated())
        return Response(preview_payload(awards_preview(scheme=scheme))["ties"])


class ConfirmView(AwardsView):
    serializer_class = s.ConfirmSerializer

    @extend_schema(
        description="Write the previewed awards. Ties still undecided: 409 `undecided_ties` "
        "(decisions may be given here); already confirmed: 409 `confirmed`.",
        responses={200: s.SchemeSerializer, **errors(400, 401, 403, 404, 409)},
    )
    def post(self, request, contest_slug: str):
        scheme = self.scheme()
        decisions.awards_confirm(scheme=scheme, actor=request.user, **self.validated())
        return Response(s.SchemeSerializer(scheme_of(self.contest)).data)


class UnconfirmView(AwardsView):
    serializer_class = s.UnconfirmSerializer

    @extend_schema(
        description="Delete the awards so the scheme may change; 409 `locked` while published.",
        responses={200: s.SchemeSerializer, **errors(400, 401, 403, 404, 409)},
    )
    def post(self, request, contest_slug: str):
        scheme = self.scheme()
        decisions.awards_unconfirm(scheme=scheme, actor=request.user, **self.validated())
        return Response(s.SchemeSerializer(scheme_of(self.contest)).data)


class AwardListView(AwardsView):
    serializer_class = s.AwardSerializer
    pagination_class = GenericAPIView.pagination_class

    @extend_schema(
        parameters=[
            OpenApiParameter("pool", str, description="A pool key, e.g. category-3 or pool-1."),
            OpenApiParameter("tier", int, description="A tier id."),
            OpenApiParameter("kind", str, enum=["tier", "top_prize", "organisation"]),
        ],
        responses={200: s.AwardSerializer(many=True), **errors(400, 401, 403, 404)},
    )
    def get(self, request, contest_slug: str):
        self.contest = access_awards(request.user, contest_slug)
        params = request.query_params
        tier = params.get("tier")
        if (
            tier is not None
            and not require_scheme(self.contest)
            .tiers.filter(pk=int(tier) if tier.isdigit() else None)
            .exists()
        ):
            raise ValidationFailed(fields={"tier": [_("Unknown tier.")]})
        if params.get("kind") not in (None, *Kind.values):
            raise ValidationFailed(fields={"kind": [_("Unknown kind of award.")]})
        awards = awards_of(
            self.contest,
            pool=params.get("pool"),
            tier=int(tier) if tier else None,
            kind=params.get("kind"),
        )
        page = self.paginate_queryset(awards)
        return self.get_paginated_response(s.AwardSerializer(page, many=True).data)


class OverrideView(AwardsView):
    serializer_class = s.OverrideSerializer

    @extend_schema(
        description="Change a confirmed award's tier (or top prize), or remove it; the reason, "
        "who and when are recorded. 204 when removed.",
        responses={200: s.AwardSerializer, 204: None, **errors(400, 401, 403, 404)},
    )
    def post(self, request, contest_slug: str, pk: int):
        self.contest = access_awards(request.user, contest_slug)
        award = access_award(self.contest, pk)
        award = decisions.award_override(award=award, actor=request.user, **self.validated())
        if award is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(s.AwardSerializer(awards_of(self.contest).get(pk=award.pk)).data)

"""The panel API: members, invitations (and accepting one), conflicts of interest.

Organiser endpoints resolve the contest, or the object's contest, with one permission check
("judging.manage_panel"): a contest the user may not see is 404, one they see but do not
organise is 403. Writes go through the services, whose refusals come back in the API's one
error shape.
"""

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from contest.api.views.base import ApiViewMixin, errors
from contest.errors import ValidationFailed
from contest.models import User, Work
from contest.selectors import access_contest
from judging.api.serializers_panel import (
    ConflictCreateSerializer,
    ConflictSerializer,
    InvitationCreateSerializer,
    InvitationSerializer,
    MembershipSerializer,
    PanelAddSerializer,
    PanelMemberSerializer,
    PanelUpdateSerializer,
)
from judging.selectors import panel as selectors
from judging.services import conflicts as conflict_services
from judging.services import panel as services


class PanelApiView(ApiViewMixin, GenericAPIView):
    permission_classes = [IsAuthenticated]
    filter_backends = []

    def managed_contest(self):
        self.contest = access_contest(
            self.request.user, self.kwargs["contest_slug"], selectors.MANAGE_PANEL
        )
        return self.contest

    def page(self, queryset: QuerySet, serializer_class) -> Response:
        items = self.paginate_queryset(queryset)
        return self.get_paginated_response(serializer_class(items, many=True).data)


class ContestPanelView(PanelApiView):
    """The judge panel of a contest."""

    serializer_class = PanelAddSerializer

    @extend_schema(responses={200: PanelMemberSerializer(many=True), **errors(401, 403, 404)})
    def get(self, request, contest_slug: str):
        return self.page(selectors.panel_of(self.managed_contest()), PanelMemberSerializer)

    @extend_schema(
        description="Put a person who has an account on the panel. For anyone else, create "
        "an invitation. Organisers and entrants of the contest are refused (409).",
        responses={201: PanelMemberSerializer, **errors(400, 401, 403, 404, 409)},
    )
    def post(self, request, contest_slug: str):
        contest = self.managed_contest()
        data = self.validated()
        user = selectors.user_by_email(data.pop("email"))
        if user is None:
            raise ValidationFailed(
                fields={"email": [_("No account uses this e-mail address; send an invitation.")]}
            )
        services.panel_add(contest=contest, user=user, **data)
        member = selectors.panel_of(contest).get(user=user)
        return Response(PanelMemberSerializer(member).data, status=status.HTTP_201_CREATED)


class PanelMemberView(PanelApiView):
    """One panel member: change their settings, or take them off the panel."""

    serializer_class = PanelUpdateSerializer
    pagination_class = None

    def member(self):
        member = selectors.access_panel_member(self.request.user, self.kwargs["pk"])
        self.contest = member.contest
        return member

    @extend_schema(responses={200: PanelMemberSerializer, **errors(400, 401, 403, 404)})
    def patch(self, request, pk: int):
        member = self.member()
        data = self.validated(partial=True)
        services.panel_update(
            member=member,
            expertise=data.get("expertise", member.expertise),
            max_load=data.get("max_load", member.max_load),
            is_chief=data.get("is_chief", member.is_chief),
            active=data.get("active"),
        )
        member = selectors.panel_of(member.contest).get(pk=member.pk)
        return Response(PanelMemberSerializer(member).data)

    @extend_schema(
        description="Take the member off the panel. A judge with score sheets in the contest "
        "can only be deactivated (409).",
        responses={204: None, **errors(401, 403, 404, 409)},
    )
    def delete(self, request, pk: int):
        services.panel_remove(member=self.member())
        return Response(status=status.HTTP_204_NO_CONTENT)


class ContestInvitationsView(PanelApiView):
    """Invitations to the panel of a contest."""

    serializer_class = InvitationCreateSerializer

    @extend_schema(responses={200: InvitationSerializer(many=True), **errors(401, 403, 404)})
    def get(self, request, contest_slug: str):
        return self.page(selectors.invitations_of(self.managed_contest()), InvitationSerializer)

    @extend_schema(
        description="Invite by e-mail. A person who has an account joins at once and is told "
        "by e-mail (the invitation comes back accepted); anyone else gets a one-time link valid "
        "for 14 days. Inviting an address again renews its open invitation.",
        responses={201: InvitationSerializer, **errors(400, 401, 403, 404, 409)},
    )
    def post(self, request, contest_slug: str):
        contest = self.managed_contest()
        invitation = services.invitation_create(
            contest=contest, actor=request.user, **self.validated()
        )
        return Response(InvitationSerializer(invitation).data, status=status.HTTP_201_CREATED)


class InvitationAcceptView(PanelApiView):
    """The invitee, logged in with the invited address, joins the panel."""

    serializer_class = MembershipSerializer
    pagination_class = None

    @extend_schema(
        request=None,
        description="404: the link is not valid; 409: already used or expired; 403: the "
        "account's e-mail address is not the invited one.",
        responses={200: MembershipSerializer, **errors(401, 403, 404, 409)},
    )
    def post(self, request, token: str):
        member = services.invitation_accept(token=token, user=request.user)
        return Response(MembershipSerializer(member).data)


class ContestConflictsView(PanelApiView):
    """The declared and organiser-set conflicts of interest of a contest."""

    serializer_class = ConflictCreateSerializer

    @extend_schema(responses={200: ConflictSerializer(many=True), **errors(401, 403, 404)})
    def get(self, request, contest_slug: str):
        return self.page(selectors.conflicts_of(self.managed_contest()), ConflictSerializer)

    @extend_schema(
        description="Record that a panel member must not judge a work. Their live assignment "
        "to it in a round that is not closed is recused and the round refilled.",
        responses={201: ConflictSerializer, **errors(400, 401, 403, 404, 409)},
    )
    def post(self, request, contest_slug: str):
        contest = self.managed_contest()
        data = self.validated()
        work = Work.objects.filter(pk=data["work"], contest=contest).first()
        if work is None:
            raise ValidationFailed(fields={"work": [_("Choose a work of this contest.")]})
        conflict = conflict_services.conflict_set(
            contest=contest,
            judge=User.objects.filter(pk=data["judge"]).first(),
            work=work,
            reason=data["reason"],
            actor=request.user,
        )
        conflict = selectors.conflicts_of(contest).get(pk=conflict.pk)
        return Response(ConflictSerializer(conflict).data, status=status.HTTP_201_CREATED)


class ConflictView(PanelApiView):
    serializer_class = ConflictSerializer
    pagination_class = None

    @extend_schema(
        description="Lift an organiser-set conflict (a judge's declaration cannot be, 409).",
        responses={204: None, **errors(401, 403, 404, 409)},
    )
    def delete(self, request, pk: int):
        conflict = selectors.access_conflict(request.user, pk)
        conflict_services.conflict_remove(conflict=conflict)
        return Response(status=status.HTTP_204_NO_CONTENT)

"""Shapes of the panel API: members, invitations and conflicts of interest.

Serializers check shapes and types only; judging.services.panel and .conflicts apply the rules
(expertise tags of the contest, loads, conflicts of roles).
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from contest.api.serializers import StrictMixin
from judging.models import Conflict, Invitation, PanelMember
from judging.services.panel import DEFAULT_LOAD, MAX_LOAD

EXPERTISE_HELP = _('Tags of the contest: "subject:<code>", "stage:<code>", "group:<code>".')


def _expertise(**kwargs) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.CharField(max_length=60),
        max_length=200,
        help_text=EXPERTISE_HELP,
        **kwargs,
    )


class PanelMemberSerializer(serializers.ModelSerializer):
    """A judge of the contest, as organisers see them."""

    user = serializers.IntegerField(source="user_id", read_only=True)
    name = serializers.CharField(source="user.real_name", read_only=True)
    email = serializers.EmailField(source="user.email", read_only=True)
    institution = serializers.CharField(
        source="user.institution.name", read_only=True, default=None, allow_null=True
    )
    has_sheets = serializers.BooleanField(
        read_only=True,
        help_text=_("Whether the judge has score sheets here (then they can only be deactivated)."),
    )

    class Meta:
        model = PanelMember
        fields = [
            "id",
            "user",
            "name",
            "email",
            "institution",
            "expertise",
            "max_load",
            "is_chief",
            "active",
            "joined_at",
            "has_sheets",
        ]
        read_only_fields = fields


class PanelAddSerializer(StrictMixin, serializers.Serializer):
    """Put a person who has an account on the panel (others: send an invitation)."""

    email = serializers.EmailField(max_length=254)
    expertise = _expertise(default=list)
    max_load = serializers.IntegerField(min_value=1, max_value=MAX_LOAD, default=DEFAULT_LOAD)
    is_chief = serializers.BooleanField(default=False)


class PanelUpdateSerializer(StrictMixin, serializers.Serializer):
    expertise = _expertise(required=False)
    max_load = serializers.IntegerField(min_value=1, max_value=MAX_LOAD, required=False)
    is_chief = serializers.BooleanField(required=False)
    active = serializers.BooleanField(required=False)


class InvitationSerializer(serializers.ModelSerializer):
    """An invitation; its one-time link goes only to the invited address."""

    invited_by = serializers.CharField(
        source="invited_by.real_name", read_only=True, default=None, allow_null=True
    )
    status = serializers.SerializerMethodField()

    class Meta:
        model = Invitation
        fields = [
            "id",
            "email",
            "name",
            "institution_name",
            "expertise",
            "max_load",
            "is_chief",
            "invited_by",
            "created_at",
            "expires_at",
            "accepted_at",
            "status",
        ]
        read_only_fields = fields

    def get_status(self, invitation) -> str:
        """ "accepted", "expired" or "open"."""
        if invitation.accepted_at:
            return "accepted"
        return "expired" if invitation.expires_at <= timezone.now() else "open"


class InvitationCreateSerializer(StrictMixin, serializers.Serializer):
    """Invite by e-mail. A person with an account joins at once (status "accepted")."""

    email = serializers.EmailField(max_length=254)
    name = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    institution_name = serializers.CharField(
        max_length=120, required=False, allow_blank=True, default=""
    )
    expertise = _expertise(default=list)
    max_load = serializers.IntegerField(min_value=1, max_value=MAX_LOAD, default=DEFAULT_LOAD)
    is_chief = serializers.BooleanField(default=False)


class MembershipSerializer(serializers.ModelSerializer):
    """One's own place on a contest's panel, once an invitation is accepted."""

    contest = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    contest_title = serializers.CharField(source="contest.title", read_only=True)

    class Meta:
        model = PanelMember
        fields = ["id", "contest", "contest_title", "expertise", "max_load", "is_chief"]
        read_only_fields = fields


class ConflictSerializer(serializers.ModelSerializer):
    """A stored conflict of interest (declared by the judge or set by an organiser)."""

    judge_name = serializers.CharField(source="judge.real_name", read_only=True)
    work_code = serializers.CharField(source="work.anonymous_code", read_only=True)
    work_title = serializers.CharField(source="work.title", read_only=True)
    source_label = serializers.CharField(source="get_source_display", read_only=True)
    created_by = serializers.CharField(
        source="created_by.real_name", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = Conflict
        fields = [
            "id",
            "judge",
            "judge_name",
            "work",
            "work_code",
            "work_title",
            "source",
            "source_label",
            "reason",
            "created_by",
            "created_at",
        ]
        read_only_fields = fields


class ConflictCreateSerializer(StrictMixin, serializers.Serializer):
    """An organiser-set conflict: a panel member (user id) and a work (id) of the contest."""

    judge = serializers.IntegerField(min_value=1)
    work = serializers.IntegerField(min_value=1)
    reason = serializers.CharField(max_length=1000)

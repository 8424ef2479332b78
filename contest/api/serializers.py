"""Shapes of the API's requests and responses.

Serializers check shapes and types only and refuse fields they do not know; the rules of the
contest live in the services, which the views call with the validated data.
"""

from collections.abc import Mapping

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from contest.models import Category, Contest, ContestRole, Group, Institution, Stage, Subject, User
from contest.models.accounts import phone_validator
from contest.models.contests import VIDEO_FORMAT_CHOICES, AttachmentKind
from contest.regions import PROVINCE_CHOICES
from contest.services.contests import CONTEST_FIELDS


class StrictMixin:
    """Refuse unknown and read-only keys, so a typo ("titel") is an error, not silently ignored."""

    def _unexpected_keys(self, data) -> dict:
        if not isinstance(data, Mapping):
            return {}
        errors = {}
        for key in data:
            field = self.fields.get(key)
            if field is None:
                errors[key] = [_("Unknown field.")]
            elif field.read_only:
                errors[key] = [_("This field cannot be changed here.")]
        return errors

    def to_internal_value(self, data):
        unexpected = self._unexpected_keys(data)
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if unexpected and isinstance(exc.detail, dict):
                raise serializers.ValidationError({**exc.detail, **unexpected}) from exc
            raise
        if unexpected:
            raise serializers.ValidationError(unexpected)
        return value


class ErrorSerializer(serializers.Serializer):
    """Every error of the API: a code, a message, and messages per field."""

    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


# --- People


class InstitutionSerializer(StrictMixin, serializers.Serializer):
    """A school, university or bureau, found by name and place or else added."""

    name = serializers.CharField(max_length=120)
    kind = serializers.ChoiceField(choices=Institution.Kind.choices)
    province = serializers.ChoiceField(choices=PROVINCE_CHOICES)
    city = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")


@extend_schema_field(InstitutionSerializer)
class InstitutionField(serializers.Field):
    """An institution given whole, even in a partial update: PATCH must not half-describe it."""

    def to_internal_value(self, data) -> dict:
        serializer = InstitutionSerializer(data=data)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def to_representation(self, value) -> dict:
        return InstitutionSerializer(value).data


class RoleSerializer(serializers.ModelSerializer):
    """A role in a contest, which is named by its slug."""

    contest = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = ContestRole
        fields = ["contest", "role"]


class ProfileSerializer(StrictMixin, serializers.ModelSerializer):
    """One's own account and one's roles in contests."""

    # The roles are read by the view in one query and passed as context["roles"].

    institution = InstitutionField(allow_null=True, required=False)
    email_verified = serializers.BooleanField(read_only=True)
    roles = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "id",
            "email",
            "real_name",
            "phone",
            "institution",
            "language",
            "email_verified",
            "roles",
        ]
        read_only_fields = ["id", "email"]

    @extend_schema_field(RoleSerializer(many=True))
    def get_roles(self, user) -> list[dict]:
        return RoleSerializer(self.context.get("roles", []), many=True).data


class RegisterSerializer(StrictMixin, serializers.Serializer):
    """A new account; `language` defaults to the language of the request."""

    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(
        write_only=True, max_length=128, trim_whitespace=False, style={"input_type": "password"}
    )
    real_name = serializers.CharField(max_length=60)
    phone = serializers.CharField(
        max_length=20, required=False, allow_blank=True, default="", validators=[phone_validator]
    )
    institution = InstitutionField(allow_null=True, required=False, default=None)
    language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False)


class TokenRequestSerializer(StrictMixin, serializers.Serializer):
    """The credentials of an account whose e-mail address is verified."""

    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(
        max_length=128, trim_whitespace=False, style={"input_type": "password"}
    )


class TokenSerializer(serializers.Serializer):
    """Send it as `Authorization: Token <token>`."""

    token = serializers.CharField()


# --- Contests


class ContestSerializer(StrictMixin, serializers.ModelSerializer):
    """A contest and its rules for works. The phase changes only through the phase endpoint."""

    allowed_formats = serializers.ListField(
        child=serializers.ChoiceField(choices=VIDEO_FORMAT_CHOICES),
        required=False,
        max_length=len(VIDEO_FORMAT_CHOICES),
    )
    required_attachments = serializers.ListField(
        child=serializers.ChoiceField(choices=AttachmentKind.choices),
        required=False,
        max_length=len(AttachmentKind.choices),
    )
    phase_label = serializers.CharField(source="get_phase_display", read_only=True)

    class Meta:
        model = Contest
        fields = ["id", *CONTEST_FIELDS, "phase", "phase_label", "created_at", "updated_at"]
        read_only_fields = ["id", "phase", "created_at", "updated_at"]
        # Uniqueness is the service's to decide (it also catches the race); no extra query here.
        extra_kwargs = {"slug": {"validators": []}}


class PhaseSerializer(StrictMixin, serializers.Serializer):
    """The phase to move to: one step forward, or from screening back to open."""

    phase = serializers.ChoiceField(choices=Contest.Phase.choices)


class DimensionSerializer(StrictMixin, serializers.Serializer):
    """A group, subject or stage of a contest."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(max_length=60)
    code = serializers.SlugField(max_length=20)
    order = serializers.IntegerField(min_value=0, max_value=32767, default=0)


class GroupSerializer(DimensionSerializer):
    requires_supervisor = serializers.BooleanField(default=False)


class CategorySerializer(StrictMixin, serializers.ModelSerializer):
    """Group, subject and stage are chosen by id among the items of the contest in the context."""

    class Meta:
        model = Category
        fields = ["id", "code", "name", "group", "subject", "stage", "order"]
        # The (contest, …) unique constraints are checked by the service, which knows the contest.
        validators = []
        extra_kwargs = {"order": {"max_value": 32767}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        contest = self.context.get("contest")
        for name, model in (("group", Group), ("subject", Subject), ("stage", Stage)):
            # Ids of another contest's items are "not found", exactly like ids that do not exist.
            self.fields[name].queryset = model.objects.filter(contest=contest)

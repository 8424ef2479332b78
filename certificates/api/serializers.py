"""Shapes of the certificates API. Serializers check shapes and types; the services apply the
rules (fields of the text blocks, numbering patterns, images, glyphs)."""

from django.urls import reverse
from rest_framework import serializers

from certificates.models import Certificate, CertificateTemplate
from certificates.services.defaults import DEFAULT_POSITIONS
from reports.models import GeneratedFile

MM = {"max_digits": 6, "decimal_places": 1, "coerce_to_string": False}


class TemplateSerializer(serializers.ModelSerializer):
    blocks = serializers.JSONField(
        required=False,
        help_text='[{"text", "x", "y", "size", "align", "bold", "max_width"}], mm from the '
        "top-left corner; merge fields such as {name}.",
    )
    images = serializers.SerializerMethodField()
    preview_url = serializers.SerializerMethodField()

    class Meta:
        model = CertificateTemplate
        fields = [
            "id",
            "kind",
            "name",
            "page_size",
            "orientation",
            "per_author",
            "numbering",
            "blocks",
            *DEFAULT_POSITIONS,
            "images",
            "preview_url",
            "updated_at",
        ]
        read_only_fields = ["id", "updated_at"]
        extra_kwargs = {
            name: {"required": False, "coerce_to_string": False} for name in DEFAULT_POSITIONS
        } | {
            "name": {"required": False},
            "kind": {"required": True},
        }

    def get_images(self, template) -> dict[str, bool]:
        return {slot: bool(getattr(template, slot)) for slot in ("background", "seal", "signature")}

    def get_preview_url(self, template) -> str:
        return reverse("certificate_template_preview", args=[template.pk])


class TemplateUpdateSerializer(TemplateSerializer):
    class Meta(TemplateSerializer.Meta):
        read_only_fields = ["id", "kind", "updated_at"]


class ImageSerializer(serializers.Serializer):
    image = serializers.FileField()


class CertificateSerializer(serializers.ModelSerializer):
    award = serializers.CharField(source="fields.award", default="")
    work_title = serializers.CharField(source="fields.work_title", default="")
    institution = serializers.CharField(source="fields.institution", default="")
    replaces = serializers.CharField(source="replaces.number", default=None, allow_null=True)
    replaced_by = serializers.CharField(source="replaced_by.number", default=None, allow_null=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Certificate
        fields = [
            "id",
            "number",
            "code",
            "kind",
            "holder",
            "institution",
            "award",
            "work_title",
            "state",
            "issued_at",
            "revoked_at",
            "revoked_reason",
            "replaces",
            "replaced_by",
            "download_url",
        ]

    def get_download_url(self, certificate) -> str:
        return reverse("certificate_download", args=[certificate.pk])


class OwnCertificateSerializer(serializers.ModelSerializer):
    contest = serializers.CharField(source="contest.title")
    award = serializers.CharField(source="fields.award", default="")
    work_title = serializers.CharField(source="fields.work_title", default="")
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Certificate
        fields = [
            "id",
            "number",
            "contest",
            "holder",
            "award",
            "work_title",
            "issued_at",
            "download_url",
        ]

    def get_download_url(self, certificate) -> str:
        return reverse("my_certificate_download", args=[certificate.pk])


class CertificateReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000)


class ProblemSerializer(serializers.Serializer):
    subject = serializers.CharField()
    holder = serializers.CharField()
    work_title = serializers.CharField()
    characters = serializers.ListField(child=serializers.CharField())


class IssueReportSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    revoked = serializers.IntegerField(help_text="Revoked subjects left alone: reissue them.")
    stale = serializers.IntegerField(help_text="Issued certificates no award calls for any more.")
    problems = ProblemSerializer(many=True)


class FileSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = GeneratedFile
        fields = [
            "id",
            "format",
            "state",
            "progress",
            "rows",
            "error",
            "created_at",
            "expires_at",
            "download_url",
        ]

    def get_download_url(self, generated) -> str | None:
        if generated.state != GeneratedFile.State.DONE or generated.is_expired:
            return None
        return reverse("certificate_file_download", args=[generated.pk])


class VerifyQuerySerializer(serializers.Serializer):
    code = serializers.CharField(max_length=32)
    number = serializers.CharField(max_length=80, required=False)


class VerificationSerializer(serializers.Serializer):
    number = serializers.CharField()
    contest = serializers.CharField()
    award = serializers.CharField()
    work_title = serializers.CharField()
    holders = serializers.CharField()
    state = serializers.SerializerMethodField()
    replaced = serializers.BooleanField()

    def get_state(self, result) -> str:
        return "revoked" if result.revoked else "valid"

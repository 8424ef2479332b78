"""Shapes of the exports API (organisers only). Serializers check shapes; services the rules."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from contest.api.serializers import StrictMixin
from reports.exporters.writers import FORMATS
from reports.models import GeneratedFile


class ExporterSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    uses_round = serializers.BooleanField(help_text=_("Whether the export takes a round."))
    round_required = serializers.BooleanField()
    uses_category = serializers.BooleanField(help_text=_("Whether it takes a category."))
    formats = serializers.SerializerMethodField()

    def get_formats(self, exporter) -> list[str]:
        return list(FORMATS)


class ExportRequestSerializer(StrictMixin, serializers.Serializer):
    format = serializers.ChoiceField(choices=FORMATS, default="xlsx")
    round = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    category = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    background = serializers.BooleanField(
        default=False,
        help_text=_("Always make a generated file, even for a small export."),
    )


class GeneratedFileSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = GeneratedFile
        fields = [
            "id",
            "kind",
            "format",
            "params",
            "state",
            "progress",
            "rows",
            "size",
            "error",
            "created_at",
            "finished_at",
            "expires_at",
            "download_url",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_download_url(self, generated: GeneratedFile) -> str | None:
        if generated.state != GeneratedFile.State.DONE or generated.is_expired:
            return None
        return reverse("api-generated-file-download", args=[generated.pk])

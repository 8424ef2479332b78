"""The filters an organiser picks for an export: round, category, format."""

from django import forms
from django.utils.translation import gettext_lazy as _

from contest.forms.base import StyledFormMixin
from contest.models import Category, Contest
from judging.models import Round
from reports.exporters.base import Exporter


class ExportForm(StyledFormMixin, forms.Form):
    round = forms.ModelChoiceField(
        label=_("Round"), queryset=Round.objects.none(), required=False, empty_label=_("All")
    )
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.none(), required=False, empty_label=_("All")
    )
    format = forms.ChoiceField(
        label=_("Format"), choices=[("xlsx", _("Excel")), ("csv", "CSV")], initial="xlsx"
    )

    def __init__(self, *args, contest: Contest, exporter: type[Exporter], **kwargs):
        super().__init__(*args, prefix=exporter.key, **kwargs)
        self.fields["round"].queryset = Round.objects.filter(contest=contest).order_by("order")
        self.fields["category"].queryset = Category.objects.filter(contest=contest)
        if exporter.round_required:
            self.fields["round"].required = True
            self.fields["round"].empty_label = None
        if not exporter.uses_round:
            del self.fields["round"]
        if not exporter.uses_category:
            del self.fields["category"]

    def params(self) -> dict:
        data = self.cleaned_data
        return {
            "round": data["round"].pk if data.get("round") else None,
            "category": data["category"].pk if data.get("category") else None,
        }

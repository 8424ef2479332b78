"""Forms of the certificate pages; they only shape input for the services."""

import json

from django import forms
from django.utils.translation import gettext_lazy as _

from certificates.models import CertificateTemplate
from certificates.services.defaults import DEFAULT_POSITIONS
from certificates.services.fields import MERGE_FIELDS
from contest.forms.base import StyledFormMixin

FIELD_LIST = ", ".join("{" + name + "}" for name in MERGE_FIELDS)


class TemplateForm(StyledFormMixin, forms.ModelForm):
    blocks_json = forms.CharField(
        label=_("Text blocks (JSON)"),
        widget=forms.Textarea(attrs={"rows": 16, "spellcheck": "false", "class": "font-monospace"}),
        help_text=_(
            'A list of {"text", "x", "y", "size", "align", "bold", "max_width"}: millimetres from '
            "the top-left corner, y is the baseline, align is left, center or right; a line "
            "wider than max_width is set smaller. Fields: %(fields)s."
        )
        % {"fields": FIELD_LIST},
    )

    class Meta:
        model = CertificateTemplate
        fields = ["name", "page_size", "orientation", "per_author", "numbering", *DEFAULT_POSITIONS]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["blocks_json"] = json.dumps(
                self.instance.blocks, ensure_ascii=False, indent=1
            )

    def clean_blocks_json(self):
        try:
            return json.loads(self.cleaned_data["blocks_json"])
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(
                _("Not valid JSON (line %(line)s): %(error)s.")
                % {"line": exc.lineno, "error": exc.msg}
            ) from exc

    def values(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["blocks"] = self.cleaned_data["blocks_json"]
        return data

    def _post_clean(self):
        # The service checks the whole template (and reports on the fields); skip the model's
        # own validation here so that a half-valid form does not touch the instance.
        pass


class ImageForm(StyledFormMixin, forms.Form):
    image = forms.FileField(label=_("Image (PNG or JPEG)"))


class ReasonForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class VerifyForm(StyledFormMixin, forms.Form):
    number = forms.CharField(label=_("Certificate number"), max_length=80)
    code = forms.CharField(label=_("Verification code"), max_length=32)

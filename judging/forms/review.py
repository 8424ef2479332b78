from django import forms
from django.utils.translation import gettext_lazy as _

from contest.forms.base import StyledFormMixin


class ReopenForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason for reopening"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ResolveFlagForm(StyledFormMixin, forms.Form):
    resolution = forms.CharField(
        label=_("What was decided"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )

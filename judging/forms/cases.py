"""Forms of divergence cases: the arbitrator's score and note, an organiser's reopening."""

from django import forms
from django.utils.translation import gettext_lazy as _

from contest.forms.base import StyledFormMixin
from judging.services.divergence import MAX_NOTE


class ArbitrationForm(StyledFormMixin, forms.Form):
    """Shapes only: the service checks the score against the rubric's best total."""

    score = forms.CharField(
        label=_("Arbitrated score"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    note = forms.CharField(
        label=_("Reasons for the score"),
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CaseReopenForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason for reopening"),
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

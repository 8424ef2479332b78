"""Forms of the ranking pages: ranking settings, pools, advancement."""

from django import forms
from django.utils.translation import gettext_lazy as _

from contest.forms.base import StyledFormMixin
from contest.models import Category
from results.models import METHOD_CHOICES, Advancement


class RankingSettingsForm(StyledFormMixin, forms.Form):
    method = forms.ChoiceField(
        label=_("Method that counts"),
        choices=[("", _("The recommended method")), *METHOD_CHOICES],
        required=False,
    )
    tiebreak_criteria = forms.TypedMultipleChoiceField(
        label=_("Tie-break criteria, in the rubric's order"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    tiebreak_sheets = forms.BooleanField(label=_("Then more sheets ranks first"), required=False)

    def __init__(self, *args, criteria=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tiebreak_criteria"].choices = [(c.pk, c.name) for c in criteria]


class PoolForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    order = forms.IntegerField(label=_("Order"), min_value=0, max_value=32767, initial=0)
    categories = forms.ModelMultipleChoiceField(
        label=_("Categories"),
        queryset=Category.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, contest=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categories"].queryset = Category.objects.filter(contest=contest).order_by(
            "order", "code", "pk"
        )


class AdvancementForm(StyledFormMixin, forms.Form):
    to_round = forms.ModelChoiceField(label=_("Send to round"), queryset=None)
    rule = forms.ChoiceField(label=_("Rule"), choices=Advancement.Rule.choices)
    value = forms.DecimalField(
        label=_("N, N % or the score"), min_value=0, max_digits=12, decimal_places=4
    )
    per_pool = forms.BooleanField(label=_("Within each pool"), required=False, initial=True)

    def __init__(self, *args, rounds=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_round"].queryset = rounds

"""Forms of the organisers' award pages. They check types and shapes only; awards.services apply
the rules, and their refusals are shown on the forms."""

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from awards.models import AwardScheme, AwardTier, TopPrize
from contest.forms.base import StyledFormMixin
from judging.models import Round

REASON = forms.CharField(
    label=_("Reason"), max_length=2000, widget=forms.TextInput(attrs={"maxlength": 2000})
)


class SchemeForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = AwardScheme
        fields = [
            "round",
            "mode",
            "top_prizes_keep_tier",
            "org_award_name",
            "org_entry_points",
            "org_top_count",
            "org_min_points",
        ]

    def __init__(self, *args, contest, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["round"].queryset = Round.objects.filter(contest=contest).order_by("order")
        self.fields["round"].help_text = _("Its frozen results are awarded; normally the last.")

    def _post_clean(self):
        """The services validate and save; the model form only reads the fields."""

    def settings(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class RowLabelsMixin:
    """Rows of a table show their labels in the header: each input names itself for readers."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("aria-label", str(field.label or ""))


class TierRowForm(RowLabelsMixin, StyledFormMixin, forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(label=capfirst(_("name")), max_length=40)
    value = forms.DecimalField(label=capfirst(_("value")), max_digits=12, decimal_places=4)
    points = forms.DecimalField(
        label=capfirst(_("points for the organisation award")),
        max_digits=10,
        decimal_places=2,
        required=False,
    )


class TopPrizeRowForm(RowLabelsMixin, StyledFormMixin, forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(label=capfirst(_("name")), max_length=40)
    count = forms.IntegerField(label=capfirst(_("works")), max_value=100000)
    points = forms.DecimalField(
        label=capfirst(_("points for the organisation award")),
        max_digits=10,
        decimal_places=2,
        required=False,
    )


class RowsFormSet(forms.BaseFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].widget.attrs.update(
                {"class": "form-check-input", "aria-label": str(_("Delete"))}
            )


TierFormSet = forms.formset_factory(
    TierRowForm, formset=RowsFormSet, extra=2, can_delete=True, max_num=30
)
TopPrizeFormSet = forms.formset_factory(
    TopPrizeRowForm, formset=RowsFormSet, extra=1, can_delete=True, max_num=10
)


def rows_of(formset) -> list[dict]:
    """The filled, not deleted rows in order, points defaulting to 0."""
    rows = []
    for form in formset.forms:
        data = form.cleaned_data
        if not data or data.get("DELETE"):
            continue
        row = {k: v for k, v in data.items() if k != "DELETE"}
        row["points"] = row.get("points") or 0
        rows.append(row)
    return rows


def tier_initial(scheme: AwardScheme | None) -> list[dict]:
    tiers = scheme.tiers.all() if scheme else AwardTier.objects.none()
    return [{"id": t.pk, "name": t.name, "value": t.value, "points": t.points} for t in tiers]


def prize_initial(scheme: AwardScheme | None) -> list[dict]:
    prizes = scheme.top_prizes.all() if scheme else TopPrize.objects.none()
    return [{"id": p.pk, "name": p.name, "count": p.count, "points": p.points} for p in prizes]


class TieForm(StyledFormMixin, forms.Form):
    """One tie's decision: ``choice`` is a prize id, "none", or for institutions "yes"/"no"."""

    kind = forms.CharField(widget=forms.HiddenInput)
    subject = forms.IntegerField(widget=forms.HiddenInput)
    choice = forms.CharField(label=_("Decision"), max_length=20)
    reason = REASON

    def decision(self) -> dict:
        data = self.cleaned_data
        kind, choice = data["kind"], data["choice"]
        row = {"kind": kind, "reason": data["reason"]}
        if kind == "organisation":
            return row | {"institution": data["subject"], "awarded": choice == "yes"}
        prize = int(choice) if choice.isdigit() else None
        field = "tier" if kind == "tier" else "top_prize"
        return row | {"work": data["subject"], field: prize}


class OverrideForm(StyledFormMixin, forms.Form):
    choice = forms.ChoiceField(label=_("New award"))
    reason = REASON

    def __init__(self, *args, award, **kwargs):
        super().__init__(*args, **kwargs)
        scheme = award.scheme
        if award.kind == "tier":
            options = [(str(t.pk), t.name) for t in scheme.tiers.all()]
        elif award.kind == "top_prize":
            options = [(str(p.pk), p.name) for p in scheme.top_prizes.all()]
        else:
            options = []
        self.fields["choice"].choices = [*options, ("remove", _("Remove the award"))]

    def service_fields(self, award) -> dict:
        choice, reason = self.cleaned_data["choice"], self.cleaned_data["reason"]
        if choice == "remove":
            return {"remove": True, "reason": reason}
        field = "tier" if award.kind == "tier" else "top_prize"
        return {field: int(choice), "reason": reason}


class UnconfirmForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000, required=False)


class PoolValueForm(StyledFormMixin, forms.Form):
    """A tier's value in one pool; empty to use the tier's own value there again."""

    tier = forms.ChoiceField(label=_("Tier"))
    pool = forms.ChoiceField(label=_("Pool"))
    value = forms.DecimalField(
        label=capfirst(_("value")), max_digits=12, decimal_places=4, required=False
    )

    def __init__(self, *args, scheme, pools: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tier"].choices = [(str(t.pk), t.name) for t in scheme.tiers.all()]
        self.fields["pool"].choices = list(pools.items())

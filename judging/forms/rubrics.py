"""Forms of the organisers' rubric and round pages. They check types and shapes only; the
services (judging.services.rubrics, judging.services.rounds) apply the rules."""

from decimal import Decimal

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from contest.forms.base import StyledFormMixin
from contest.forms.contests import DateTimeLocalInput
from contest.models import Contest
from judging.models import Round
from judging.services.rounds import ROUND_FIELD_ORDER
from judging.services.rubrics import LEVEL_LABEL_LENGTH, LEVEL_TEXT_LENGTH, MAX_LEVELS


class RubricForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=capfirst(_("name")), max_length=120)
    note = forms.CharField(
        label=capfirst(_("note")),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CriterionForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=capfirst(_("name")), max_length=60)
    description = forms.CharField(
        label=capfirst(_("description")),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    max_points = forms.DecimalField(
        label=capfirst(_("maximum points")), max_digits=6, decimal_places=2
    )
    weight = forms.DecimalField(
        label=capfirst(_("weight")), max_digits=5, decimal_places=2, initial=Decimal("1")
    )
    step = forms.DecimalField(
        label=capfirst(_("step")),
        max_digits=4,
        decimal_places=2,
        initial=Decimal("0.5"),
        help_text=_("Judges score in steps of this size, e.g. 0.5."),
    )
    order = forms.IntegerField(
        label=capfirst(_("order")),
        min_value=0,
        max_value=32767,
        required=False,
        help_text=_("Leave empty to put the criterion last."),
    )
    comment_required = forms.BooleanField(
        label=capfirst(_("a comment is required")), required=False
    )

    def service_fields(self) -> dict:
        """The cleaned data for the service; an empty order means "keep" or "last"."""
        data = dict(self.cleaned_data)
        if data.get("order") is None:
            data.pop("order", None)
        return data


class LevelForm(forms.Form):
    """One level descriptor (e.g. 优 with its text); an empty row is ignored."""

    label = forms.CharField(label=_("Label"), max_length=LEVEL_LABEL_LENGTH, required=False)
    text = forms.CharField(label=_("Description"), max_length=LEVEL_TEXT_LENGTH, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control form-control-sm"


def level_formset(data=None, *, levels: list[dict]):
    """Rows for the current levels plus empty ones (at least four rows for 优/良/中/差)."""
    formset_class = forms.formset_factory(
        LevelForm,
        extra=max(2, 4 - len(levels)),
        max_num=MAX_LEVELS,
        absolute_max=MAX_LEVELS,
        validate_max=True,
    )
    return formset_class(data, initial=levels, prefix="levels")


def levels_of(formset) -> list[dict]:
    return [
        {"label": form.cleaned_data.get("label", ""), "text": form.cleaned_data.get("text", "")}
        for form in formset.forms
        if form.cleaned_data
    ]


class ImportForm(StyledFormMixin, forms.Form):
    file = forms.FileField(
        label=capfirst(_("file")),
        help_text=_(
            "A .json rubric (as exported here) or an .xlsx sheet with the columns 名称, 说明, "
            "满分, 权重, 步长, 等级描述 (e.g. 优:…;良:…) and 必须评语 (是/否)."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".json,.xlsx"}),
    )
    name = forms.CharField(
        label=capfirst(_("name")),
        max_length=120,
        required=False,
        help_text=_("Optional: the rubric's name (by default the one in the file, or its name)."),
    )


ROUND_FORM_FIELDS = list(ROUND_FIELD_ORDER)


class RoundForm(StyledFormMixin, forms.Form):
    """A round's settings; the rubric and category choices are this contest's only."""

    def __init__(self, *args, contest: Contest, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rubric"].queryset = contest.rubrics.order_by("name", "pk")
        categories = self.fields["categories"]
        categories.queryset = contest.categories.order_by("order", "code")
        categories.widget = forms.CheckboxSelectMultiple()
        categories.help_text = _("Leave all unticked to judge every category.")
        for name in ("opens_at", "closes_at"):
            self.fields[name].help_text = _("China Standard Time (UTC+8).")

    @staticmethod
    def initial_for(round_: Round) -> dict:
        initial = {
            name: getattr(round_, name) for name in ROUND_FORM_FIELDS if name != "categories"
        }
        for name in ("opens_at", "closes_at"):  # as the form shows them, so unchanged is unchanged
            initial[name] = initial[name].replace(second=0, microsecond=0)
        initial["rubric"] = round_.rubric_id
        initial["categories"] = list(round_.categories.values_list("pk", flat=True))
        return initial


RoundForm.base_fields = forms.fields_for_model(
    Round,
    fields=ROUND_FORM_FIELDS,
    widgets={"opens_at": DateTimeLocalInput, "closes_at": DateTimeLocalInput},
)

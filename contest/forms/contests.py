"""Forms of the contest pages. They check types and shapes only; the services apply the rules."""

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from contest.forms.base import StyledFormMixin
from contest.models import Category, Contest, ContestRole
from contest.models.contests import VIDEO_FORMAT_CHOICES, AttachmentKind
from contest.services.contests import CONTEST_FIELDS, TIMELINE


class DateTimeLocalInput(forms.DateTimeInput):
    """The browser's date-and-time picker; the value is read in the project's time zone."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


def _contest_fields() -> dict[str, forms.Field]:
    fields = forms.fields_for_model(
        Contest,
        fields=CONTEST_FIELDS,
        widgets={name: DateTimeLocalInput for name in (*TIMELINE, "screening_deadline")},
    )
    for name in ("description", "rules_text", "licence_text"):
        fields[name].widget.attrs["rows"] = 5
    fields["allowed_formats"] = forms.MultipleChoiceField(
        label=capfirst(Contest._meta.get_field("allowed_formats").verbose_name),
        choices=VIDEO_FORMAT_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        initial=["mp4"],
    )
    fields["required_attachments"] = forms.MultipleChoiceField(
        label=capfirst(Contest._meta.get_field("required_attachments").verbose_name),
        choices=AttachmentKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    fields["slug"].help_text = _("Lower-case letters, digits and hyphens, e.g. 2026-national.")
    return fields


class ContestForm(StyledFormMixin, forms.Form):
    """Every setting of a contest an organiser may change (the phase has its own buttons)."""


# Built from the model so labels and limits follow it; set after the class because the form
# metaclass would otherwise replace them with the (empty) declared fields.
ContestForm.base_fields = _contest_fields()


class DimensionForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=capfirst(_("name")), max_length=60)
    code = forms.SlugField(label=capfirst(_("code")), max_length=20)
    order = forms.IntegerField(label=capfirst(_("order")), min_value=0, max_value=32767, initial=0)


class GroupForm(DimensionForm):
    requires_supervisor = forms.BooleanField(
        label=capfirst(_("works need a supervising teacher (指导教师)")), required=False
    )


def dimension_form_class(kind: str) -> type[DimensionForm]:
    return GroupForm if kind == "groups" else DimensionForm


class CategoryForm(StyledFormMixin, forms.Form):
    """A category; the group, subject and stage choices are this contest's only."""

    code = forms.SlugField(label=capfirst(_("code")), max_length=30)
    name = forms.CharField(label=capfirst(_("display name")), max_length=120)
    group = forms.ModelChoiceField(
        label=capfirst(pgettext_lazy("entrant group", "group")), queryset=None, required=False
    )
    subject = forms.ModelChoiceField(label=capfirst(_("subject")), queryset=None, required=False)
    stage = forms.ModelChoiceField(label=capfirst(_("school stage")), queryset=None, required=False)
    order = forms.IntegerField(label=capfirst(_("order")), min_value=0, max_value=32767, initial=0)

    def __init__(self, *args, contest: Contest, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = contest.groups.all()
        self.fields["subject"].queryset = contest.subjects.all()
        self.fields["stage"].queryset = contest.stages.all()

    @staticmethod
    def initial_for(category: Category) -> dict:
        return {
            "code": category.code,
            "name": category.name,
            "group": category.group_id,
            "subject": category.subject_id,
            "stage": category.stage_id,
            "order": category.order,
        }


class RoleAddForm(StyledFormMixin, forms.Form):
    email = forms.EmailField(label=capfirst(_("e-mail address")), max_length=254)
    # Judge preselected: granting organiser rights by a slip would be the costlier mistake.
    role = forms.ChoiceField(
        label=capfirst(_("role")), choices=ContestRole.Role.choices, initial=ContestRole.Role.JUDGE
    )

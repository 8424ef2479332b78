"""Forms of the entrant's work pages. They check types and shapes; the services apply the rules."""

from django import forms
from django.forms import formset_factory
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from contest.forms.base import StyledFormMixin
from contest.models import Contest, Group, Work
from contest.selectors import categories_of, dimensions_of

WORK_FIELDS = ("title", "category", "summary", "supervisor_name", "supervisor_institution")


def _label(name: str) -> str:
    return capfirst(Work._meta.get_field(name).verbose_name)


class WorkForm(StyledFormMixin, forms.Form):
    """A work's own fields; the category choices are this contest's only."""

    title = forms.CharField(label=_label("title"), max_length=120)
    category = forms.ModelChoiceField(label=_label("category"), queryset=None)
    summary = forms.CharField(
        label=_label("summary"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    supervisor_name = forms.CharField(
        label=_label("supervisor_name"), max_length=60, required=False
    )
    supervisor_institution = forms.CharField(
        label=_label("supervisor_institution"), max_length=120, required=False
    )

    def __init__(self, *args, contest: Contest, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories_of(contest)
        groups = dimensions_of(contest, Group).filter(requires_supervisor=True)
        names = "、".join(group.name for group in groups)
        if names:
            self.fields["supervisor_name"].help_text = (
                _("Required for works of these groups: %s.") % names
            )

    @staticmethod
    def initial_for(work: Work) -> dict:
        return {name: getattr(work, name) for name in WORK_FIELDS if name != "category"} | {
            "category": work.category_id
        }


class CoAuthorForm(StyledFormMixin, forms.Form):
    """One co-author row; a row left empty is ignored."""

    name = forms.CharField(label=_("Co-author's name"), max_length=60, required=False)
    institution = forms.CharField(
        label=_("Co-author's institution"), max_length=120, required=False
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("institution") and not cleaned.get("name"):
            self.add_error("name", _("Give the co-author's name, or leave the row empty."))
        return cleaned


class BaseCoAuthorFormSet(forms.BaseFormSet):
    def co_authors(self) -> list[dict]:
        """The filled rows, in order, as the service takes them."""
        return [
            {"name": form.cleaned_data["name"], "institution": form.cleaned_data["institution"]}
            for form in self.forms
            if form.cleaned_data.get("name")
        ]


def co_author_formset(contest: Contest, *, data=None, initial: list[dict] | None = None):
    """As many rows as the contest allows; more rows sent than that is an error."""
    initial = initial or []
    limit = contest.max_co_authors
    formset_class = formset_factory(
        CoAuthorForm,
        formset=BaseCoAuthorFormSet,
        extra=max(0, limit - len(initial)),
        max_num=limit,
        validate_max=True,
    )
    return formset_class(data=data, initial=initial, prefix="co_authors")


class SubmitForm(forms.Form):
    accept_licence = forms.BooleanField(
        label=_("I have read and accept the licence"), required=False
    )

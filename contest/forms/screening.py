"""Forms of the screening (形式审查) pages: the queue's filters and the organisers' decisions."""

from urllib.parse import urlencode

from django import forms
from django.utils.translation import gettext_lazy as _

from contest.forms.base import StyledFormMixin
from contest.models import ProcessingState, Work
from contest.selectors import SCREENING_FILTERS
from contest.services.works import SCREEN_DECISIONS

# A decision is named after the status it leads to.
DECISION_CHOICES = [(key, Work.Status(status).label) for key, status in SCREEN_DECISIONS.items()]
MAX_BULK = 500
SCREENED_STATUSES = [(value, label) for value, label in Work.Status.choices if value != "draft"]


class ScreeningFilterForm(StyledFormMixin, forms.Form):
    """The queue's filters (a GET form). Invalid values are shown and left out of the filter."""

    q = forms.CharField(
        label=_("Search"),
        max_length=100,
        required=False,
        help_text=_("Title, anonymous code, entrant's name or institution."),
    )
    category = forms.ChoiceField(label=_("Category"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All statuses")), *SCREENED_STATUSES]
    )
    state = forms.ChoiceField(
        label=_("Video"),
        required=False,
        choices=[("", _("Any video state")), *ProcessingState.choices],
    )

    def __init__(self, data, *, categories, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["category"].choices = [("", _("All categories"))] + [
            (category.code, category.name) for category in categories
        ]

    def filters(self) -> dict[str, str]:
        """The valid filters, as keyword arguments of `works_for_screening`."""
        self.is_valid()
        return {
            name: self.cleaned_data[name]
            for name in SCREENING_FILTERS
            if self.cleaned_data.get(name)
        }

    def query(self) -> str:
        """The valid filters as a query string, to keep them from page to page."""
        return urlencode(self.filters())


class ScreeningDecisionForm(StyledFormMixin, forms.Form):
    """One decision. The service checks the rest (a reason unless accepted, the status graph)."""

    decision = forms.ChoiceField(
        label=_("Decision"), choices=DECISION_CHOICES, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Reason for the entrant"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "The entrant reads it in the e-mail and on the work's page. Required unless "
            "you accept the work."
        ),
    )


class ScreeningBulkForm(ScreeningDecisionForm):
    """One decision for the works ticked in the queue (only works of this contest)."""

    works = forms.ModelMultipleChoiceField(
        queryset=Work.objects.none(),
        widget=forms.MultipleHiddenInput,
        error_messages={"required": _("Tick at least one work.")},
    )

    def __init__(self, *args, contest, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["works"].queryset = Work.objects.filter(contest=contest).select_related(
            "contest"
        )

    def clean_works(self):
        works = self.cleaned_data["works"]
        if len(works) > MAX_BULK:
            raise forms.ValidationError(_("Choose at most %d works at once.") % MAX_BULK)
        return works

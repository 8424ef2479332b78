"""Forms of the publication pages: shapes only; the services apply the rules."""

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from contest.forms.base import StyledFormMixin
from contest.forms.contests import DateTimeLocalInput
from publication.models import Appeal, Notice
from publication.services.appeals import MAX_TEXT
from publication.services.notices import NOTICE_FIELDS


def _notice_fields() -> dict[str, forms.Field]:
    fields = forms.fields_for_model(
        Notice,
        fields=NOTICE_FIELDS,
        widgets={"starts_at": DateTimeLocalInput, "ends_at": DateTimeLocalInput},
    )
    fields["starts_at"].help_text = _("China time (UTC+8).")
    fields["ends_at"].help_text = _(
        "Appeals are accepted until then; afterwards results are final."
    )
    fields["text"].widget.attrs["rows"] = 5
    return fields


class NoticeForm(StyledFormMixin, forms.Form):
    """The notice's times (read in China time), what the public page shows, and its text."""

    @staticmethod
    def initial_for(notice: Notice | None) -> dict:
        if notice is None:
            return {}
        return {name: getattr(notice, name) for name in NOTICE_FIELDS}


# Built from the model so labels follow it (set after the class: see contest.forms.ContestForm).
NoticeForm.base_fields = _notice_fields()


class AppealForm(StyledFormMixin, forms.Form):
    reason = forms.ChoiceField(
        label=capfirst(_("about")),
        choices=[("", _("(choose if it helps)")), *Appeal.Reason.choices],
        required=False,
    )
    text = forms.CharField(
        label=capfirst(_("appeal")),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Say what you think is wrong and why. Organisers answer every appeal."),
    )


class AnswerForm(StyledFormMixin, forms.Form):
    outcome = forms.ChoiceField(label=capfirst(_("outcome")), choices=Appeal.Outcome.choices)
    answer = forms.CharField(
        label=capfirst(_("answer")),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("The entrant reads this answer."),
    )
    changes = forms.CharField(
        label=capfirst(_("what changed")),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Needed when the appeal is upheld, e.g. “sheet of judge 2 reopened, new total 87.5”. "
            "Change scores with the round's tools first."
        ),
    )


class AppealFilterForm(forms.Form):
    state = forms.ChoiceField(choices=[("", _("All")), *Appeal.State.choices], required=False)

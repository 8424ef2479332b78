"""Forms of the panel pages. They check types and shapes; judging.services.panel applies the rules.

Expertise is chosen as checkboxes of the contest's subjects, stages and groups; the form gives
the services the tags ("subject:<code>", …) those stand for.
"""

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from contest.forms.base import StyledFormMixin
from contest.models import Contest
from judging.selectors.panel import expertise_options
from judging.services.panel import DEFAULT_LOAD, MAX_LOAD

EXPERTISE_FIELDS = (
    ("subject", "subjects", _("subjects")),
    ("stage", "stages", _("school stages")),
    ("group", "groups", pgettext_lazy("entrant group", "groups")),
)


class ExpertiseForm(StyledFormMixin, forms.Form):
    """Expertise checkboxes, the maximum load and the chief-judge flag of a panel member."""

    max_load = forms.IntegerField(
        label=capfirst(_("maximum works")),
        initial=DEFAULT_LOAD,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_LOAD)],
    )
    is_chief = forms.BooleanField(label=capfirst(_("chief judge (评审组长)")), required=False)

    def __init__(self, *args, contest: Contest, **kwargs):
        super().__init__(*args, **kwargs)
        options = expertise_options(contest)
        for kind, name, label in EXPERTISE_FIELDS:
            self.fields[name] = forms.MultipleChoiceField(
                label=capfirst(label),
                choices=options[kind],
                widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
                required=False,
            )
        names = [name for _kind, name, _label in EXPERTISE_FIELDS]
        self.order_fields([*self._person_fields(), *names, "max_load", "is_chief"])

    def _person_fields(self) -> list[str]:
        return []

    def settings(self) -> dict:
        """The cleaned expertise tags, load and flag, as the services take them."""
        data = self.cleaned_data
        tags = [tag for _kind, name, _label in EXPERTISE_FIELDS for tag in data.get(name, [])]
        return {"expertise": tags, "max_load": data["max_load"], "is_chief": data["is_chief"]}

    @staticmethod
    def initial_for(member) -> dict:
        initial = {"max_load": member.max_load, "is_chief": member.is_chief}
        for kind, name, _label in EXPERTISE_FIELDS:
            initial[name] = [t for t in member.expertise if t.startswith(f"{kind}:")]
        return initial


class PanelMemberForm(ExpertiseForm):
    pass


class InvitationForm(ExpertiseForm):
    """Invite by e-mail; a person who has an account joins at once."""

    email = forms.EmailField(label=capfirst(_("e-mail address")), max_length=254)
    name = forms.CharField(label=capfirst(_("name")), max_length=60, required=False)
    institution_name = forms.CharField(
        label=capfirst(_("institution")), max_length=120, required=False
    )

    def _person_fields(self) -> list[str]:
        return ["email", "name", "institution_name"]

    def invitation(self) -> dict:
        data = self.cleaned_data
        person = {key: data[key] for key in self._person_fields()}
        return {**person, **self.settings()}


class PanelImportForm(StyledFormMixin, forms.Form):
    file = forms.FileField(
        label=capfirst(_("judge list (Excel .xlsx)")),
        help_text=_(
            "Columns: 姓名 (name), 邮箱 (email), 单位 (institution), 学科 (subjects), "
            "学段 (stages), 组别 (groups), 最大评审量 (maximum works), "
            "评审组长 (chief judge: 是/否)."
        ),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )


class ImportConfirmForm(forms.Form):
    token = forms.CharField(max_length=64)
    valid_rows_only = forms.BooleanField(required=False)


class ChiefForm(StyledFormMixin, forms.Form):
    """A chief judge: an active panel member, for the whole round or one of its categories."""

    user = forms.TypedChoiceField(label=capfirst(_("judge")), coerce=int)
    category = forms.TypedChoiceField(
        label=capfirst(_("category")), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, members, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = [("", "—")] + [
            (m.user_id, f"{m.user.real_name} <{m.user.email}>") for m in members
        ]
        self.fields["category"].choices = [("", _("The whole round"))] + [
            (c.pk, c.name) for c in categories
        ]


class ConflictForm(StyledFormMixin, forms.Form):
    """An organiser-set conflict: a panel member and a work named by its anonymous code."""

    judge = forms.TypedChoiceField(label=capfirst(_("judge")), coerce=int)
    work_code = forms.CharField(label=capfirst(_("anonymous code of the work")), max_length=12)
    reason = forms.CharField(
        label=capfirst(_("reason")), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["judge"].choices = [("", "—")] + [
            (m.user_id, f"{m.user.real_name} <{m.user.email}>") for m in members
        ]

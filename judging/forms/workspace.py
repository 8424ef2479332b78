"""Forms of the judge's scoring page: the score sheet, a recusal, an author flag, playback.

They check shapes only; judging.services.sheets checks the scores against the rubric, and its
errors come back on the fields named `criterion_<id>` and `comment_<id>`.
"""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from contest.forms.base import StyledFormMixin
from judging.models import Criterion, ScoreSheet

MAX_TEXT = 1000
MAX_COMMENT = 2000


def plain(number: Decimal) -> str:
    """A decimal as people write it: 20, 0.5, 12.5."""
    return format(number.normalize(), "f")


def score_field(criterion: Criterion) -> str:
    return f"criterion_{criterion.pk}"


def comment_field(criterion: Criterion) -> str:
    return f"comment_{criterion.pk}"


class ScoreSheetForm(StyledFormMixin, forms.Form):
    """A score and a comment per criterion, and the sheet's version (a stale tab is refused
    instead of overwriting newer scores)."""

    version = forms.IntegerField(min_value=0, required=False, widget=forms.HiddenInput)

    def __init__(self, data=None, *, criteria: list[Criterion], sheet: ScoreSheet | None, **kw):
        self.criteria = criteria
        super().__init__(data, initial=self._initial(criteria, sheet), **kw)
        for criterion in criteria:
            self.fields[score_field(criterion)] = self._score(criterion)
            self.fields[comment_field(criterion)] = self._comment(criterion)
        self.fields["version"].widget.attrs["id"] = "sheet-version"

    @staticmethod
    def _initial(criteria, sheet) -> dict:
        initial = {"version": sheet.version if sheet else 0}
        if sheet is not None:
            for score in sheet.scores.all():
                initial[f"criterion_{score.criterion_id}"] = (
                    "" if score.value is None else plain(score.value)
                )
                initial[f"comment_{score.criterion_id}"] = score.comment
        return initial

    @staticmethod
    def _score(criterion: Criterion) -> forms.CharField:
        # Text, not a DecimalField: the service says what is wrong in the rubric's own terms.
        attrs = {
            "min": "0",
            "max": plain(criterion.max_points),
            "step": plain(criterion.step),
            "inputmode": "decimal",
            "data-weight": plain(criterion.weight),
            "data-score": "",
            # Added after StyledFormMixin styled the declared fields: styled here.
            "class": "form-control",
            "aria-describedby": f"errors-{score_field(criterion)}",
        }
        return forms.CharField(
            label=criterion.name,
            required=False,
            max_length=40,
            widget=forms.NumberInput(attrs=attrs),
        )

    @staticmethod
    def _comment(criterion: Criterion) -> forms.CharField:
        # Required on submit only (the service says so), never by the browser: a draft may
        # lack it, and autosave must not be blocked.
        attrs = {
            "rows": 2,
            "class": "form-control",
            "aria-describedby": f"errors-{comment_field(criterion)}",
        }
        if criterion.comment_required:
            attrs["aria-required"] = "true"
        return forms.CharField(
            label=_("Comment"),
            required=False,
            max_length=MAX_COMMENT,
            widget=forms.Textarea(attrs=attrs),
        )

    def disable(self) -> None:
        for field in self.fields.values():
            field.disabled = True
            field.widget.attrs["disabled"] = True

    def rows(self) -> list[dict]:
        """Per criterion in the rubric's order: the criterion, its two fields, and its numbers
        as plain text ("0.5", not "0.50"), for the template."""
        return [
            {
                "criterion": c,
                "score": self[score_field(c)],
                "comment": self[comment_field(c)],
                "max": plain(c.max_points),
                "step": plain(c.step),
                "weight": plain(c.weight),
            }
            for c in self.criteria
        ]

    def sheet_values(self) -> dict:
        data = self.cleaned_data
        return {str(c.pk): data.get(score_field(c), "") for c in self.criteria}

    def sheet_comments(self) -> dict:
        data = self.cleaned_data
        return {str(c.pk): data.get(comment_field(c), "") for c in self.criteria}

    def expected_version(self) -> int | None:
        return self.cleaned_data.get("version")


class RecuseForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why can you not judge this work?"),
        max_length=MAX_TEXT,
        help_text=_("For example: I know the author, or I taught at the author's school."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class FlagForm(StyledFormMixin, forms.Form):
    note = forms.CharField(
        label=_("What reveals the author?"),
        max_length=MAX_TEXT,
        help_text=_("For example: the teacher says their name and school at 01:20."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PlaybackForm(forms.Form):
    position = forms.CharField(max_length=40)
    furthest = forms.CharField(max_length=40)

"""Forms of the assignment and monitoring pages: plan mode, list filters, hand edits, and the
Excel import (which reads the file's rows; the service checks each one)."""

from urllib.parse import urlencode
from zipfile import BadZipFile

from django import forms
from django.utils.translation import gettext_lazy as _

from contest.forms.base import StyledFormMixin
from judging.models import Assignment
from judging.selectors.assignment import ASSIGNMENT_FILTERS, EXPORT_COLUMNS, column_names

MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_IMPORT_ROWS = 20_000
MODES = [
    ("incremental", _("Keep the current assignments and add the missing judges")),
    ("full", _("Replace the current plan (only before anyone scores)")),
]


class PlanForm(StyledFormMixin, forms.Form):
    mode = forms.ChoiceField(
        label=_("Plan"), choices=MODES, initial="incremental", widget=forms.RadioSelect
    )

    @property
    def incremental(self) -> bool:
        return self.cleaned_data.get("mode", "incremental") != "full"


class AssignmentFilterForm(StyledFormMixin, forms.Form):
    """The list's filters (a GET form). Invalid values are shown and left out of the filter."""

    q = forms.CharField(label=_("Anonymous code"), max_length=20, required=False)
    judge = forms.CharField(
        label=_("Judge"), max_length=100, required=False, help_text=_("Name or e-mail address.")
    )
    category = forms.ChoiceField(label=_("Category"), required=False)
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("Any state")), *Assignment.State.choices]
    )

    def __init__(self, data, *, categories, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["category"].choices = [("", _("All categories"))] + [
            (category.code, category.name) for category in categories
        ]

    def filters(self) -> dict[str, str]:
        """The valid filters, as keyword arguments of `assignments_of_round`."""
        self.is_valid()
        return {
            name: self.cleaned_data[name]
            for name in ASSIGNMENT_FILTERS
            if self.cleaned_data.get(name)
        }

    def query(self) -> str:
        return urlencode(self.filters())


class JudgeChoiceForm(StyledFormMixin, forms.Form):
    """A judge named by e-mail; `force` allows going over the maximum load or outside the
    required expertise (never a conflict of interest)."""

    judge_email = forms.EmailField(label=_("Judge's e-mail address"), max_length=254)
    force = forms.BooleanField(
        label=_("Even above the judge's maximum load or outside the required expertise"),
        required=False,
    )


class AssignmentAddForm(JudgeChoiceForm):
    code = forms.CharField(label=_("Anonymous code of the work"), max_length=20)
    field_order = ["code", "judge_email", "force"]


class ReassignForm(StyledFormMixin, forms.Form):
    judge = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class AssignmentImportForm(StyledFormMixin, forms.Form):
    """An .xlsx file with the export's columns; `rows` holds (row number, code, e-mail) of
    its non-empty rows once valid."""

    file = forms.FileField(
        label=_("Excel file (.xlsx)"),
        help_text=_("The columns of the export; at least the code and the judge's e-mail."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        self.rows = read_rows(upload)
        if not self.rows:
            raise forms.ValidationError(_("The file has no rows below its column titles."))
        return upload


def read_rows(file) -> list[tuple[int, str, str]]:
    """(row number, code, e-mail) of every non-empty row of the file's first sheet, whose
    first row names the columns (in any language of the platform)."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, KeyError, ValueError, OSError):
        raise forms.ValidationError(_("This is not an Excel (.xlsx) file.")) from None
    try:
        if not workbook.worksheets:
            raise forms.ValidationError(_("This is not an Excel (.xlsx) file."))
        lines = workbook.worksheets[0].iter_rows(values_only=True)
        columns = _columns(next(lines, ()))
        rows = []
        for number, values in enumerate(lines, start=2):
            code, email = (_text(values, columns[key]) for key in ("code", "email"))
            if code or email or any(v not in (None, "") for v in values):
                rows.append((number, code, email))
            if len(rows) > MAX_IMPORT_ROWS:
                raise forms.ValidationError(_("Import at most %d rows at once.") % MAX_IMPORT_ROWS)
    finally:
        workbook.close()
    return rows


def _columns(header) -> dict[str, int]:
    known = column_names()
    columns: dict[str, int] = {}
    for position, value in enumerate(header or ()):
        key = known.get(str(value or "").strip().casefold())
        if key:
            columns.setdefault(key, position)
    if "code" not in columns or "email" not in columns:
        labels = dict(EXPORT_COLUMNS)
        raise forms.ValidationError(
            _("The first row must name the columns, at least “%(code)s” and “%(email)s”.")
            % {"code": labels["code"], "email": labels["email"]}
        )
    return columns


def _text(values, position: int) -> str:
    value = values[position] if position < len(values) else None
    return "" if value is None else str(value).strip()[:254]

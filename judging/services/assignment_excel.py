"""Assignments of a round as an Excel sheet: export, and an all-or-nothing import that goes
through the same checks as a hand edit (judging.services.assignment.assignment_add)."""

import tempfile
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from contest.errors import Conflict, ValidationFailed
from contest.models import User
from judging.models import Assignment, Round
from judging.selectors import assignment as selectors
from judging.services.assignment import assignment_add


def assignments_export(*, round: Round):
    """The round's assignments as an .xlsx file (write-only: flat memory), rewound."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Assignments"))
    sheet.append([str(label) for _key, label in selectors.EXPORT_COLUMNS])
    states = {value: str(label) for value, label in Assignment.State.choices}
    for *values, state in selectors.assignment_export_rows(round):
        sheet.append([_text_cell(sheet, v) for v in (*values, states.get(state, state))])
    out = tempfile.TemporaryFile()  # noqa: SIM115 -- the caller streams and closes it
    workbook.save(out)
    out.seek(0)
    return out


def _text_cell(sheet, value):
    """The value as text: openpyxl would write a string starting with "=" as a formula."""
    if not (isinstance(value, str) and value.startswith("=")):
        return value
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell


@dataclass
class ImportRow:
    number: int
    code: str
    email: str
    status: str  # "added", "unchanged" (already assigned) or "error"
    message: str = ""


@dataclass
class ImportReport:
    """One line per row of the file; `saved` is false when any row was refused, and then
    nothing was saved."""

    rows: list[ImportRow]
    saved: bool

    @property
    def added(self) -> int:
        return sum(row.status == "added" for row in self.rows)

    @property
    def errors(self) -> list[ImportRow]:
        return [row for row in self.rows if row.status == "error"]


def assignments_import(
    *, round: Round, rows: list[tuple[int, str, str]], actor: User | None
) -> ImportReport:
    """Add the assignments of an imported file's rows ((row number, anonymous code, judge's
    e-mail), as judging.forms.assignment reads them), each through `assignment_add`.
    All or nothing."""
    with transaction.atomic():
        report = [_import_row(round, actor, *row) for row in rows]
        saved = not any(row.status == "error" for row in report)
        if not saved:
            transaction.set_rollback(True)
    return ImportReport(report, saved)


def _import_row(round_: Round, actor, number: int, code: str, email: str) -> ImportRow:
    def refused(message) -> ImportRow:
        return ImportRow(number, code, email, "error", str(message))

    if not code or not email:
        return refused(_("Give the work's anonymous code and the judge's e-mail address."))
    work = selectors.round_work_by_code(round_, code)
    if work is None:
        return refused(_("No work of the round has this code."))
    judge = selectors.panel_user_by_email(round_, email)
    if judge is None:
        return refused(_("No judge of the contest has this e-mail address."))
    try:
        with transaction.atomic():
            assignment_add(round=round_, work=work, judge=judge, actor=actor)
    except Conflict as exc:
        if exc.code == "duplicate":
            return ImportRow(number, code, email, "unchanged")
        return refused(exc.message)
    except ValidationFailed as exc:
        return refused(" ".join(str(m) for ms in exc.fields.values() for m in ms) or exc.message)
    return ImportRow(number, code, email, "added")

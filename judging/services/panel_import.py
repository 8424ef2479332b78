"""Import a judge list from Excel: read and check every row first, then add the valid ones.

Reading saves nothing. A file with row errors is imported only when the organiser explicitly
asks for its valid rows. Uploaded files are untrusted: the size, the unpacked size and the
number of rows are capped, and only cell values are read (formulas give their cached value).
"""

import re
import zipfile
from dataclasses import asdict, dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from contest.errors import Conflict, DomainError, ValidationFailed
from contest.models import Contest, ContestRole, User, Work
from judging.models import PanelMember
from judging.selectors.panel import EXPERTISE_KINDS, normalise_name
from judging.services import panel as panel_services

MAX_ROWS = 5000
MAX_COLUMNS = 30
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 60 * 1024 * 1024
# Header words, compared case-folded; a header may give several separated by "/" ("姓名/name").
HEADERS = {
    "name": {"姓名", "name"},
    "email": {"邮箱", "电子邮箱", "email", "e-mail"},
    "institution": {"单位", "工作单位", "institution"},
    "subject": {"学科", "subjects", "subject"},
    "stage": {"学段", "stages", "stage"},
    "group": {"组别", "groups", "group"},
    "max_load": {"最大评审量", "max load", "max_load"},
    "is_chief": {"评审组长", "chief", "chief judge"},
}
SEPARATORS = re.compile(r"[、,，;；\s]+")
YES = {"是", "yes", "y", "1", "true"}
NO = {"否", "no", "n", "0", "false", ""}


@dataclass
class ImportRow:
    """One judge of the file: `number` is the row number in the sheet."""

    number: int
    name: str = ""
    email: str = ""
    institution: str = ""
    expertise: list[str] = field(default_factory=list)
    max_load: int = panel_services.DEFAULT_LOAD
    is_chief: bool = False
    has_account: bool = False
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        """What the second step needs, as plain JSON values (kept in the session)."""
        return {k: v for k, v in asdict(self).items() if k != "errors"}


@dataclass
class ImportReport:
    rows: list[ImportRow]

    @property
    def valid_rows(self) -> list[ImportRow]:
        return [row for row in self.rows if not row.errors]

    @property
    def error_rows(self) -> list[ImportRow]:
        return [row for row in self.rows if row.errors]


@dataclass
class ImportResult:
    joined: int = 0
    invited: int = 0
    skipped: list[tuple[int, str]] = field(default_factory=list)


# --- Reading


def _file_error(message: str) -> ValidationFailed:
    return ValidationFailed(message, fields={"file": [message]})


def _open(file):
    """The first worksheet of an .xlsx upload, refusing what is not one or unpacks too big."""
    not_xlsx = _("This is not an Excel workbook (.xlsx).")
    if getattr(file, "size", 0) > MAX_FILE_BYTES:
        raise _file_error(_("The file is larger than %d MB.") % (MAX_FILE_BYTES // 2**20))
    try:
        with zipfile.ZipFile(file) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > MAX_UNPACKED_BYTES:
            raise _file_error(_("The workbook is too large once unpacked."))
        file.seek(0)
        workbook = load_workbook(file, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError) as exc:
        raise _file_error(not_xlsx) from exc
    except SyntaxError as exc:  # broken XML inside the archive (ElementTree's ParseError)
        raise _file_error(not_xlsx) from exc
    if not workbook.worksheets:
        raise _file_error(_("The workbook has no sheet."))
    return workbook


def _columns(header) -> dict[str, int]:
    columns = {}
    for index, cell in enumerate(header):
        words = {w.strip().casefold() for w in str(cell or "").split("/")}
        for key, names in HEADERS.items():
            if words & names and key not in columns:
                columns[key] = index
    missing = [key for key in ("name", "email") if key not in columns]
    if missing:
        raise _file_error(
            _("The first row must name the columns; 姓名 (name) and 邮箱 (email) are required.")
        )
    return columns


def _sheet_rows(file) -> tuple[dict[str, int], list[tuple[int, tuple]]]:
    workbook = _open(file)
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True, max_col=MAX_COLUMNS)
        header = next(rows, None)
        if header is None or not any(v not in (None, "") for v in header):
            raise _file_error(_("The file is empty."))
        columns = _columns(header)
        data = []
        for number, values in enumerate(rows, start=2):
            if number > MAX_ROWS + 1:
                raise _file_error(_("The sheet has more than %d rows.") % MAX_ROWS)
            if any(_text(v) for v in values):
                data.append((number, values))
    finally:
        workbook.close()
    if not data:
        raise _file_error(_("The file lists no judges."))
    return columns, data


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


# --- Checking one row


def _lookup(contest: Contest) -> dict[str, dict[str, str]]:
    """For each kind, what a cell may say (code or name, case-folded) → the tag."""
    table = {}
    for kind, model in EXPERTISE_KINDS:
        entries = model.objects.filter(contest=contest).values_list("code", "name")
        table[kind] = {}
        for code, name in entries:
            table[kind][normalise_name(name)] = f"{kind}:{code}"
            table[kind][code.casefold()] = f"{kind}:{code}"
    return table


def _expertise(row: ImportRow, cells: dict, lookup: dict) -> None:
    labels = {
        "subject": _("Unknown subject: %s."),
        "stage": _("Unknown school stage: %s."),
        "group": _("Unknown group: %s."),
    }
    for kind, _model in EXPERTISE_KINDS:
        for word in SEPARATORS.split(cells.get(kind, "")):
            if not word:
                continue
            tag = lookup[kind].get(normalise_name(word)) or lookup[kind].get(word.casefold())
            if tag is None:
                row.errors.append(labels[kind] % word)
            elif tag not in row.expertise:
                row.expertise.append(tag)


def _max_load(row: ImportRow, raw) -> None:
    text = _text(raw)
    if not text:
        return
    if isinstance(raw, bool) or not text.isdigit() or not 0 < int(text) <= panel_services.MAX_LOAD:
        row.errors.append(
            _("The maximum load must be a whole number from 1 to %d.") % panel_services.MAX_LOAD
        )
        return
    row.max_load = int(text)


def _chief(row: ImportRow, raw) -> None:
    text = _text(raw).casefold()
    if isinstance(raw, bool):
        row.is_chief = raw
    elif text in YES or text in NO:
        row.is_chief = text in YES
    else:
        row.errors.append(_("Write 是 or 否 (yes or no) for the chief judge."))


def _person(row: ImportRow, cells: dict) -> None:
    row.name, row.institution = cells.get("name", ""), cells.get("institution", "")
    row.email = cells.get("email", "").lower()
    if not row.name:
        row.errors.append(_("The name is missing."))
    elif len(row.name) > 60:
        row.errors.append(_("The name is longer than %d characters.") % 60)
    if len(row.institution) > 120:
        row.errors.append(_("The institution is longer than %d characters.") % 120)
    try:
        validate_email(row.email)
        if len(row.email) > 254:
            raise ValidationError("too long")
    except ValidationError:
        row.errors.append(_("The e-mail address “%s” is not valid.") % row.email[:254])


def _parse(number: int, values: tuple, columns: dict, lookup: dict) -> ImportRow:
    row = ImportRow(number=number)
    raw = {key: values[i] if i < len(values) else None for key, i in columns.items()}
    cells = {key: _text(value) for key, value in raw.items()}
    _person(row, cells)
    _expertise(row, cells, lookup)
    _max_load(row, raw.get("max_load"))
    _chief(row, raw.get("is_chief"))
    return row


def _check_people(contest: Contest, rows: list[ImportRow]) -> None:
    """Duplicates in the file, and people who are already members or may not judge."""
    first: dict[str, int] = {}
    for row in rows:
        if row.email in first:
            row.errors.append(_("The same e-mail address as row %d.") % first[row.email])
        first.setdefault(row.email, row.number)
    users = dict(
        User.objects.annotate(address=Lower("email"))
        .filter(address__in=list(first), is_active=True)
        .values_list("address", "pk")
    )
    ids = set(users.values())
    members = set(
        PanelMember.objects.filter(contest=contest, user_id__in=ids).values_list(
            "user_id", flat=True
        )
    )
    organisers = set(
        ContestRole.objects.filter(
            contest=contest, user_id__in=ids, role=ContestRole.Role.ORGANISER
        ).values_list("user_id", flat=True)
    )
    entrants = set(
        Work.objects.filter(contest=contest, entrant_id__in=ids).values_list(
            "entrant_id", flat=True
        )
    )
    for row in rows:
        pk = users.get(row.email)
        row.has_account = pk is not None
        for group, message in (
            (members, panel_services.MEMBER_MESSAGE),
            (organisers, panel_services.ORGANISER_MESSAGE),
            (entrants, panel_services.ENTRANT_MESSAGE),
        ):
            if pk in group:
                row.errors.append(str(message))


def panel_import_read(*, contest: Contest, file) -> ImportReport:
    """Read a judge list and report, row by row, what is wrong. Saves nothing."""
    columns, data = _sheet_rows(file)
    lookup = _lookup(contest)
    rows = [_parse(number, values, columns, lookup) for number, values in data]
    _check_people(contest, rows)
    return ImportReport(rows=rows)


# --- Adding


@transaction.atomic
def panel_import_apply(
    *, contest: Contest, rows: list[dict], error_count: int, valid_rows_only: bool, actor: User
) -> ImportResult:
    """Add the checked rows: people with an account join, others are invited. A file that had
    errors is imported only with `valid_rows_only`. A row refused now (the data changed since
    the check) is skipped and reported; the others still go in."""
    if error_count and not valid_rows_only:
        raise Conflict(
            _("The file has rows with errors. Fix them, or choose to import the valid rows."),
            code="import_has_errors",
        )
    result, known = ImportResult(), panel_services.expertise_tags(contest)
    for row in rows:
        try:  # invitation_create is atomic: a refused row leaves nothing behind
            invitation = panel_services.invitation_create(
                contest=contest,
                email=row["email"],
                actor=actor,
                expertise=row["expertise"],
                max_load=row["max_load"],
                is_chief=row["is_chief"],
                name=row["name"],
                institution_name=row["institution"],
                known_tags=known,
            )
        except DomainError as exc:
            messages = [str(m) for ms in exc.fields.values() for m in ms] or [str(exc.message)]
            result.skipped.append((row["number"], " ".join(messages)))
            continue
        if invitation.accepted_at:
            result.joined += 1
        else:
            result.invited += 1
    return result

"""Rubrics (评分标准) and their criteria: editing, copying a frozen rubric, JSON and Excel import.

A rubric used by a round that has opened is frozen: score sheets refer to its criteria. An edit of
a frozen rubric is made on a fresh copy (Rubric.copied_from) and the original stays as it was; the
services return a RubricEdit whose `copied_from` says so. Callers check permissions first
(judging.selectors.rounds.access_rubric).
"""

import json
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from itertools import islice
from pathlib import PurePath

import openpyxl
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contest.errors import Conflict, NotFound, ValidationFailed, from_django_validation_error
from contest.models import Contest
from judging.models import Criterion, Rubric
from judging.selectors.rounds import rubric_is_frozen

MAX_CRITERIA = 50
MAX_LEVELS = 10
LEVEL_LABEL_LENGTH = 20
LEVEL_TEXT_LENGTH = 500
MAX_IMPORT_BYTES = 1024 * 1024
MAX_SHEET_ROWS = 500
MAX_UNPACKED_BYTES = 20 * 1024 * 1024
CRITERION_FIELDS = frozenset(
    {"name", "description", "max_points", "weight", "step", "order", "levels", "comment_required"}
)
# Column headings of the Excel import, Chinese or English (a heading may be "名称/name").
HEADINGS = {
    "name": ("名称", "name"),
    "description": ("说明", "description"),
    "max": ("满分", "max", "max points"),
    "weight": ("权重", "weight"),
    "step": ("步长", "step"),
    "levels": ("等级描述", "levels"),
    "comment_required": ("必须评语", "comment required"),
}
EXCEL_COLUMNS = {alias: key for key, aliases in HEADINGS.items() for alias in aliases}
YES = {"是", "yes", "y", "true", "1", "√", "✓"}
NO = {"否", "no", "n", "false", "0", ""}
NUMBERS = (("max", "max_points", None), ("step", "step", 1), ("weight", "weight", 1))


class ImportRejected(ValidationFailed):
    """A rubric file with errors, each naming its row or criterion; nothing was saved."""

    code = "import_rejected"
    default_message = gettext_lazy("The file has errors; nothing was imported.")


@dataclass(frozen=True)
class RubricEdit:
    """The outcome of an edit: the rubric (and criterion) that hold the change, and the frozen
    original when the change had to be made on a copy."""

    rubric: Rubric
    criterion: Criterion | None = None
    copied_from: Rubric | None = None


@dataclass(frozen=True)
class _Target:
    rubric: Rubric
    criteria: dict[int, Criterion]  # keyed by the pk of the criterion in the edited rubric
    original: Rubric | None


def _squash(value) -> str:
    return " ".join(str(value or "").split())


def _plain(number: Decimal) -> str:
    return format(number.normalize(), "f")


def _key(name: str) -> str:
    return name.casefold()


def _label(field: str) -> str:
    try:
        return capfirst(Criterion._meta.get_field(field).verbose_name)
    except LookupError:
        return field


def _copy_name(name: str) -> str:
    text = _("%(name)s (copy)") % {"name": name}
    excess = len(text) - Rubric._meta.get_field("name").max_length
    return _("%(name)s (copy)") % {"name": name[:-excess]} if excess > 0 else text


def _copy(rubric: Rubric) -> tuple[Rubric, dict[int, Criterion]]:
    copy = Rubric.objects.create(
        contest_id=rubric.contest_id,
        name=_copy_name(rubric.name),
        note=rubric.note,
        copied_from=rubric,
    )
    originals = list(rubric.criteria.order_by("order", "pk"))
    copies = Criterion.objects.bulk_create(
        Criterion(
            rubric=copy,
            **{f: getattr(c, f) for f in CRITERION_FIELDS},
        )
        for c in originals
    )
    return copy, {old.pk: new for old, new in zip(originals, copies, strict=True)}


def _writable(rubric: Rubric) -> _Target:
    """The rubric to change, locked: itself, or a new copy when a round using it has opened.

    The lock orders this edit with round_set_state, which locks the rubric before opening."""
    locked = Rubric.objects.select_for_update().get(pk=rubric.pk)
    if not rubric_is_frozen(locked):
        return _Target(locked, {c.pk: c for c in locked.criteria.all()}, None)
    copy, criteria = _copy(locked)
    return _Target(copy, criteria, locked)


def _clean_rubric(rubric: Rubric) -> None:
    try:
        rubric.full_clean(exclude=["contest", "copied_from"])
    except ValidationError as exc:
        raise from_django_validation_error(exc) from exc


# --- Checking a criterion


def _tidy_levels(levels):
    """Labels and texts stripped, empty rows dropped; other shapes are left for the check."""
    if not isinstance(levels, list):
        return levels
    tidy = []
    for level in levels:
        if isinstance(level, dict) and all(
            isinstance(level.get(k, ""), str) for k in ("label", "text")
        ):
            label, text = _squash(level.get("label")), str(level.get("text", "")).strip()
            if label or text:
                tidy.append({"label": label, "text": text})
        else:
            tidy.append(level)
    return tidy


def _level_problems(levels) -> list[str]:
    shaped = isinstance(levels, list) and all(
        isinstance(level, dict)
        and set(level) == {"label", "text"}
        and all(isinstance(value, str) for value in level.values())
        for level in levels
    )
    if not shaped:
        return [_("Give each level a label and a text.")]
    if len(levels) > MAX_LEVELS:
        return [_("Use at most %d levels.") % MAX_LEVELS]
    labels = [level["label"] for level in levels]
    problems = []
    if not all(labels):
        problems.append(_("Every level needs a label."))
    if any(len(label) > LEVEL_LABEL_LENGTH for label in labels):
        problems.append(_("A level label has at most %d characters.") % LEVEL_LABEL_LENGTH)
    if any(len(level["text"]) > LEVEL_TEXT_LENGTH for level in levels):
        problems.append(_("A level text has at most %d characters.") % LEVEL_TEXT_LENGTH)
    twice = sorted({label for label in labels if label and labels.count(label) > 1})
    if twice:
        problems.append(_("Each level needs its own label; used twice: %s.") % ", ".join(twice))
    return problems


def _criterion_errors(criterion: Criterion, taken: set[str]) -> dict[str, list[str]]:
    """What is wrong with a criterion; `taken` holds the other criteria's names (as _key)."""
    errors: dict[str, list[str]] = {}
    try:
        criterion.full_clean(exclude=["rubric", "levels"], validate_constraints=False)
    except ValidationError as exc:
        errors.update(from_django_validation_error(exc).fields)
    if not errors.keys() & {"max_points", "step"} and criterion.max_points % criterion.step:
        errors["max_points"] = [
            _("The maximum points must be a whole number of steps of %s.") % _plain(criterion.step)
        ]
    if "name" not in errors and _key(criterion.name) in taken:
        errors["name"] = [_("Another criterion of this rubric has this name.")]
    if problems := _level_problems(criterion.levels):
        errors["levels"] = problems
    return errors


def _assign(criterion: Criterion, fields: dict) -> None:
    unknown = fields.keys() - CRITERION_FIELDS
    if unknown:
        raise ValidationFailed(fields={name: [_("Unknown field.")] for name in sorted(unknown)})
    for name, value in fields.items():
        if name == "name":
            value = _squash(value)
        elif name == "description":
            value = str(value or "").strip()
        elif name == "levels":
            value = _tidy_levels(value)
        setattr(criterion, name, value)


def _save_checked(target: _Target, criterion: Criterion) -> None:
    taken = {_key(c.name) for c in target.criteria.values() if c.pk != criterion.pk}
    errors = _criterion_errors(criterion, taken)
    if errors:
        raise ValidationFailed(fields=errors)
    criterion.save()


def _current(target: _Target, criterion: Criterion) -> Criterion:
    current = target.criteria.get(criterion.pk)
    if current is None:  # deleted meanwhile
        raise NotFound()
    return current


# --- Editing


@transaction.atomic
def rubric_create(*, contest: Contest, name: str, note: str = "", criteria=()) -> Rubric:
    """A rubric with its criteria (dicts of CRITERION_FIELDS), all checked before any is saved."""
    entries = [(_("Criterion %d") % n, dict(c), []) for n, c in enumerate(criteria, 1)]
    return _create(contest, name, note, entries, field="criteria")


@transaction.atomic
def rubric_update(
    *, rubric: Rubric, name: str | None = None, note: str | None = None
) -> RubricEdit:
    target = _writable(rubric)
    if name is not None:
        target.rubric.name = _squash(name)
    if note is not None:
        target.rubric.note = note.strip()
    _clean_rubric(target.rubric)
    target.rubric.save()
    return RubricEdit(target.rubric, copied_from=target.original)


@transaction.atomic
def criterion_add(*, rubric: Rubric, **fields) -> RubricEdit:
    target = _writable(rubric)
    if len(target.criteria) >= MAX_CRITERIA:
        raise Conflict(_("A rubric has at most %d criteria.") % MAX_CRITERIA, code="too_many")
    orders = [c.order for c in target.criteria.values()]
    criterion = Criterion(rubric=target.rubric, order=max(orders, default=-1) + 1)
    _assign(criterion, fields)
    _save_checked(target, criterion)
    return RubricEdit(target.rubric, criterion, target.original)


@transaction.atomic
def criterion_update(*, criterion: Criterion, **changes) -> RubricEdit:
    """Change some fields of a criterion (of the rubric's copy when the rubric is frozen)."""
    target = _writable(criterion.rubric)
    current = _current(target, criterion)
    _assign(current, changes)
    _save_checked(target, current)
    return RubricEdit(target.rubric, current, target.original)


@transaction.atomic
def criterion_delete(*, criterion: Criterion) -> RubricEdit:
    target = _writable(criterion.rubric)
    try:
        _current(target, criterion).delete()
    except ProtectedError as exc:
        raise Conflict(_("Judges have scored this criterion."), code="in_use") from exc
    return RubricEdit(target.rubric, copied_from=target.original)


@transaction.atomic
def criteria_reorder(*, rubric: Rubric, order: list[int]) -> RubricEdit:
    """Put the criteria in the given order: every criterion id of the rubric, once each."""
    target = _writable(rubric)
    if len(order) != len(set(order)) or set(order) != set(target.criteria):
        raise ValidationFailed(fields={"order": [_("List every criterion of the rubric once.")]})
    for position, pk in enumerate(order):
        target.criteria[pk].order = position
    Criterion.objects.bulk_update(target.criteria.values(), ["order"])
    return RubricEdit(target.rubric, copied_from=target.original)


def criterion_move(*, criterion: Criterion, offset: int) -> RubricEdit:
    """Move a criterion up (offset < 0) or down the list."""
    ids = list(criterion.rubric.criteria.order_by("order", "pk").values_list("pk", flat=True))
    position = ids.index(criterion.pk)
    ids.insert(max(0, min(len(ids) - 1, position + offset)), ids.pop(position))
    return criteria_reorder(rubric=criterion.rubric, order=ids)


# --- Import


def _create(contest: Contest, name, note, entries: list, *, field: str) -> Rubric:
    """Create the rubric and its criteria from (where, fields, problems) entries; every entry's
    problems are reported together, and nothing is saved if there is any."""
    rubric = Rubric(contest=contest, name=_squash(name), note=str(note or "").strip())
    _clean_rubric(rubric)
    if len(entries) > MAX_CRITERIA:
        raise ImportRejected(
            fields={field: [_("A rubric has at most %d criteria.") % MAX_CRITERIA]}
        )
    report, taken, built = [], set(), []
    for position, (where, fields, problems) in enumerate(entries):
        criterion = Criterion(rubric=rubric, order=position)
        if not problems:
            try:
                _assign(criterion, {"order": position, **fields})
            except ValidationFailed as exc:
                errors = exc.fields
            else:
                errors = _criterion_errors(criterion, taken)
            problems = [f"{_label(n)}: {m}" for n, messages in errors.items() for m in messages]
            taken.add(_key(criterion.name))
        report += [_("%(where)s — %(problem)s") % {"where": where, "problem": p} for p in problems]
        built.append(criterion)
    if report:
        raise ImportRejected(fields={field: report})
    rubric.save()
    for criterion in built:
        criterion.rubric = rubric
    Criterion.objects.bulk_create(built)
    return rubric


def _number(value, default):
    """A Decimal from a JSON or cell value; the default when empty; ValueError if not a number."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if default is None:
            raise KeyError
        return Decimal(default)
    if isinstance(value, bool):
        raise ValueError
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError from None
    if not number.is_finite():
        raise ValueError
    # 20.0 from a spreadsheet is 20: keep two places when that loses nothing.
    cents = number.quantize(Decimal("0.01")) if abs(number) < 10**6 else number
    return cents if cents == number else number


def _levels(value) -> list:
    """Levels as {"优": "…"}, [{"label", "text"}], or the Excel text "优:…;良:…"."""
    if value is None or value == "":
        return []
    if isinstance(value, dict):
        return [
            {"label": str(k), "text": v if isinstance(v, str) else str(v)} for k, v in value.items()
        ]
    if isinstance(value, str):
        parts = [p.strip() for p in re.split(r"[;；\n]", value) if p.strip()]
        pairs = [re.split(r"[:：]", part, maxsplit=1) for part in parts]
        if any(len(pair) != 2 for pair in pairs):
            raise ValueError
        return [{"label": label, "text": text} for label, text in pairs]
    return value


def _flag(value) -> bool:
    if isinstance(value, bool) or value is None:
        return bool(value)
    text = str(value).strip().casefold()
    if text in YES | NO:
        return text in YES
    raise ValueError


def _description(raw: dict) -> str:
    """The description, with what the shared files say beside it: the part of the rubric a
    criterion belongs to ("group"), what it includes, where its points come from."""
    parts = [str(raw.get("description") or "").strip()]
    if raw.get("group"):
        parts.insert(0, _("Part: %s") % raw["group"])
    includes = raw.get("includes")
    if isinstance(includes, dict):
        includes = ", ".join(f"{name} ({points})" for name, points in includes.items())
    if includes:
        parts.append(_("Includes: %s") % includes)
    if raw.get("source"):
        parts.append(_("Source: %s") % raw["source"])
    return "\n".join(p for p in parts if p)


def _entry(raw) -> tuple[dict, list[str]]:
    """The criterion fields of one JSON item or Excel row, and what could not be read."""
    if not isinstance(raw, dict):
        return {}, [_("Expected an object with a name and a maximum.")]
    problems = []
    fields = {"name": _squash(raw.get("name")), "description": _description(raw)}
    for key, field, default in NUMBERS:
        try:
            fields[field] = _number(raw.get(key), default)
        except KeyError:
            problems.append(_("%s: this is required.") % _label(field))
        except ValueError:
            problems.append(_("%s: enter a number.") % _label(field))
    try:
        fields["levels"] = _levels(raw.get("levels"))
    except ValueError:
        problems.append(_("Levels: write each as “label: text”, separated by semicolons."))
    try:
        fields["comment_required"] = _flag(raw.get("comment_required"))
    except ValueError:
        problems.append(_("%s: answer yes or no.") % _label("comment_required"))
    return fields, problems


def _check_total(data: dict, entries: list) -> None:
    if data.get("total") is None or any(problems for _w, _f, problems in entries):
        return
    try:
        stated = _number(data["total"], None)
    except (KeyError, ValueError):
        raise ImportRejected(fields={"total": [_("Enter a number.")]}) from None
    total = sum((f["max_points"] * f["weight"] for _w, f, _p in entries), Decimal(0))
    if total != stated:
        numbers = {"sum": _plain(total), "total": _plain(stated)}
        message = _("The criteria add up to %(sum)s, not %(total)s.") % numbers
        raise ImportRejected(fields={"total": [message]})


@transaction.atomic
def rubric_import(*, contest: Contest, data, name: str = "") -> Rubric:
    """A rubric from the JSON shape of judging/data/rubrics/*.json (rubric_export writes it):
    {"name", "note", "total"?, "criteria": [{"name", "max", "step"? (1), "weight"? (1),
    "description"?, "levels"?, "comment_required"?, "includes"?, "group"?}]}."""
    if not isinstance(data, dict) or not isinstance(data.get("criteria"), list):
        raise ImportRejected(_("Expected a JSON object with a name and a list of criteria."))
    if not data["criteria"]:
        raise ImportRejected(fields={"criteria": [_("The rubric has no criteria.")]})
    entries = [(_("Criterion %d") % n, *_entry(item)) for n, item in enumerate(data["criteria"], 1)]
    _check_total(data, entries)
    name = name or (data["name"] if isinstance(data.get("name"), str) else "")
    note = data["note"] if isinstance(data.get("note"), str) else ""
    return _create(contest, name, note, entries, field="criteria")


def _unique_keys(pairs: list) -> dict:
    keys = [key for key, _value in pairs]
    twice = sorted({key for key in keys if keys.count(key) > 1})
    if twice:
        raise ImportRejected(_("The key “%s” appears twice in one object.") % twice[0])
    return dict(pairs)


def _load_json(raw: bytes):
    try:
        return json.loads(raw.decode("utf-8-sig"), object_pairs_hook=_unique_keys)
    except UnicodeDecodeError:
        raise ImportRejected(_("The file is not UTF-8 text.")) from None
    except json.JSONDecodeError as exc:
        raise ImportRejected(
            _("The file is not valid JSON (line %(line)d, column %(column)d).")
            % {"line": exc.lineno, "column": exc.colno}
        ) from None


def _not_a_workbook() -> ImportRejected:
    return ImportRejected(fields={"file": [_("This file is not an Excel workbook (.xlsx).")]})


def _sheet_rows(file) -> list[tuple]:
    try:
        with zipfile.ZipFile(file) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise _not_a_workbook() from None
    if unpacked > MAX_UNPACKED_BYTES:  # a small file that unpacks into a huge one
        raise ImportRejected(fields={"file": [_("The workbook is too large once unpacked.")]})
    file.seek(0)
    try:
        book = openpyxl.load_workbook(file, read_only=True, data_only=True)
        try:
            return list(islice(book.worksheets[0].iter_rows(values_only=True), MAX_SHEET_ROWS))
        finally:
            book.close()
    except Exception as exc:  # openpyxl fails in many ways on a damaged or foreign file
        raise _not_a_workbook() from exc


def _columns(header: tuple) -> dict[int, str]:
    columns = {}
    for index, cell in enumerate(header):
        heading = _squash(cell).casefold()
        for alias in (heading, *heading.split("/")):
            if alias.strip() in EXCEL_COLUMNS:
                columns[index] = EXCEL_COLUMNS[alias.strip()]
                break
    if not {"name", "max"} <= set(columns.values()):
        raise ImportRejected(
            fields={
                "rows": [
                    _(
                        "The first row must name the columns, with at least 名称 (name) "
                        "and 满分 (max)."
                    )
                ]
            }
        )
    return columns


@transaction.atomic
def rubric_import_excel(*, contest: Contest, file, name: str) -> Rubric:
    """A rubric from the first sheet of an .xlsx: a heading row, then one criterion a row.
    Errors are reported by row number, and nothing is saved if any row has one."""
    rows = [(n, row) for n, row in enumerate(_sheet_rows(file), 1) if any(_squash(c) for c in row)]
    if not rows:
        raise ImportRejected(fields={"rows": [_("The sheet is empty.")]})
    columns = _columns(rows[0][1])
    entries = [
        (_("Row %d") % n, *_entry({key: row[i] for i, key in columns.items() if i < len(row)}))
        for n, row in rows[1:]
    ]
    if not entries:
        raise ImportRejected(fields={"rows": [_("The sheet has no criteria below its headings.")]})
    return _create(contest, name, "", entries, field="rows")


def rubric_import_file(*, contest: Contest, file, name: str = "") -> Rubric:
    """A rubric from an uploaded .json (the shared shape) or .xlsx file."""
    suffix = PurePath(file.name or "").suffix.lower()
    if file.size > MAX_IMPORT_BYTES:
        raise ImportRejected(fields={"file": [_("The file is larger than 1 MB.")]})
    if suffix == ".json":
        return rubric_import(contest=contest, data=_load_json(file.read()), name=name)
    if suffix == ".xlsx":
        return rubric_import_excel(
            contest=contest, file=file, name=name or PurePath(file.name).stem
        )
    raise ImportRejected(fields={"file": [_("Upload a .json or an .xlsx file.")]})

"""Exporters (as in pretix): each declares its columns and yields rows read by selectors; the
writers in reports.exporters.writers turn any exporter into CSV or XLSX.

An exporter knows nothing about files, formats or requests. It is built for one contest with the
filters the organiser chose (round, category) and must keep its query count independent of the
number of rows: rows come from a few queries read in chunks, never one query per row.
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import ClassVar

from django.utils.functional import Promise
from django.utils.translation import gettext as _

from contest.errors import NotFound, ValidationFailed
from contest.models import Category, Contest, User
from judging.models import Round

TEXT = "text"
INTEGER = "integer"
SCORE = "score"  # Decimal with two places, written as a number
DATETIME = "datetime"  # aware; written in the contest's time zone, without an offset


@dataclass(frozen=True)
class Column:
    header: str | Promise
    kind: str = TEXT
    width: int = 14  # in Excel character widths


@dataclass(frozen=True)
class Filters:
    round: Round | None = None
    category: Category | None = None


class Exporter:
    """One kind of export. Subclasses set the class attributes and implement `columns`,
    `count` and `rows`; `split_column` names the column whose value (a category) gives each
    row its own XLSX sheet besides the sheet of all rows."""

    do_not_call_in_templates = True  # templates list the classes themselves
    key: ClassVar[str]
    name: ClassVar[str | Promise]
    description: ClassVar[str | Promise] = ""
    # Who may run it: a permission on the contest. Exports carry identities: organisers only.
    permission: ClassVar[str] = "contest.manage_contest"
    # Which filters apply: a round (required or optional) and a category.
    uses_round: ClassVar[bool] = True
    round_required: ClassVar[bool] = False
    uses_category: ClassVar[bool] = True
    split_column: ClassVar[int | None] = None

    def __init__(self, contest: Contest, filters: Filters):
        if self.round_required and filters.round is None:
            raise ValidationFailed(
                _("Choose a round for this export."),
                code="round_required",
                fields={"round": [_("Choose a round for this export.")]},
            )
        self.contest = contest
        self.round = filters.round if self.uses_round else None
        self.category = filters.category if self.uses_category else None

    @property
    def sheet_title(self) -> str:
        return str(self.name)

    def columns(self) -> list[Column]:
        raise NotImplementedError

    def count(self) -> int:
        """How many rows `rows` will yield (one query): decides streaming and drives progress."""
        raise NotImplementedError

    def rows(self) -> Iterator[Sequence]:
        raise NotImplementedError


_registry: dict[str, type[Exporter]] = {}


def register(cls: type[Exporter]) -> type[Exporter]:
    if cls.key in _registry:
        raise ValueError(f"exporter {cls.key!r} registered twice")
    _registry[cls.key] = cls
    return cls


def exporters() -> list[type[Exporter]]:
    """Every registered exporter, in registration order."""
    _load()
    return list(_registry.values())


def exporter_class(key: str) -> type[Exporter]:
    _load()
    if key not in _registry:
        raise NotFound(_("There is no such export."))
    return _registry[key]


def exporters_for(user: User, contest: Contest) -> list[type[Exporter]]:
    return [cls for cls in exporters() if user.has_perm(cls.permission, contest)]


def _load() -> None:
    """Import the modules that register exporters (once; later calls are dictionary hits)."""
    import reports.exporters.catalogue  # noqa: F401

"""Reads for exports: which exporters a user may run, the filters they chose, their files."""

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from contest.errors import DomainError, NotFound, PermissionDeniedError, ValidationFailed
from contest.models import Category, Contest, User
from contest.selectors import access_contest
from judging.models import Round
from reports.exporters.base import Exporter, Filters, exporter_class, exporters
from reports.exporters.writers import FORMATS
from reports.models import GeneratedFile

MANAGE = "contest.manage_contest"
RECENT_FILES = 10


def access_reports(user: User, slug: str) -> Contest:
    """The contest whose exports the user may run: its organisers only."""
    return access_contest(user, slug, MANAGE)


def access_exporter(user: User, contest: Contest, key: str) -> type[Exporter]:
    cls = exporter_class(key)
    if not user.has_perm(cls.permission, contest):
        raise PermissionDeniedError()
    return cls


def export_filters(contest: Contest, *, round_id=None, category_id=None) -> Filters:
    """The round and category chosen by id, each of this contest; a clear field error else."""
    return Filters(
        round=_pick(Round.objects.filter(contest=contest), round_id, "round", _("No such round.")),
        category=_pick(
            Category.objects.filter(contest=contest),
            category_id,
            "category",
            _("No such category."),
        ),
    )


def _pick(queryset: QuerySet, value, field: str, message: str):
    if value in (None, ""):
        return None
    try:
        pk = int(value)
    except (TypeError, ValueError):
        raise ValidationFailed(message, fields={field: [message]}) from None
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise ValidationFailed(message, fields={field: [message]})
    return found


def check_format(value: str) -> str:
    if value not in FORMATS:
        message = _("Choose Excel (xlsx) or CSV.")
        raise ValidationFailed(message, fields={"format": [message]})
    return value


def access_generated_file(user: User, pk: int) -> GeneratedFile:
    """A generated file of the user's, in a contest they still organise. Anyone else's file,
    or one of a contest they no longer organise, is not found."""
    generated = GeneratedFile.objects.select_related("contest").filter(pk=pk).first()
    if (
        generated is None
        or not user.is_authenticated
        or generated.created_by_id != user.pk
        or not user.has_perm(MANAGE, generated.contest)
    ):
        raise NotFound()
    return generated


class FileExpired(DomainError):
    code = "expired"
    status = 410

    def __init__(self):
        super().__init__(
            _("This file has expired and was deleted. Make the export again to get a current file.")
        )


def downloadable_file(user: User, pk: int) -> GeneratedFile:
    """The user's file if it can be downloaded now: FileExpired past its time, NotFound while
    it is still being made (or failed)."""
    generated = access_generated_file(user, pk)
    if generated.is_expired:
        raise FileExpired()
    if generated.state != GeneratedFile.State.DONE:
        raise NotFound(_("The file is not ready."))
    return generated


def files_of(user: User, contest: Contest) -> QuerySet[GeneratedFile]:
    """The user's export files of the contest that have not expired, newest first (other
    producers' files, such as certificate batches, are listed by their own pages)."""
    return GeneratedFile.objects.filter(
        contest=contest,
        created_by=user,
        kind__in=[cls.key for cls in exporters()],
        expires_at__gt=timezone.now(),
    ).order_by("-created_at", "-pk")


def recent_files(user: User, contest: Contest) -> QuerySet[GeneratedFile]:
    return files_of(user, contest)[:RECENT_FILES]


def export_kind_name(kind: str) -> str:
    """What organisers call a generated file's kind (its exporter's name when it has one)."""
    try:
        return str(exporter_class(kind).name)
    except NotFound:
        return kind

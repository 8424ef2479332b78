"""Running exports: straight into a response when small, into a generated file otherwise."""

from django.utils.translation import get_language

from contest.models import Contest, User
from reports import conf
from reports.exporters.base import Exporter
from reports.exporters.writers import WRITERS
from reports.models import GeneratedFile
from reports.selectors.exports import access_exporter, check_format, export_filters
from reports.services.generated_files import generated_file_create, generated_file_produce


def export_build(*, user: User, contest: Contest, key: str, params: dict) -> Exporter:
    """The exporter `key` for the contest with the filters in `params` ({"round": id,
    "category": id}), if the user may run it. Bad filters raise ValidationFailed."""
    cls = access_exporter(user, contest, key)
    filters = export_filters(
        contest, round_id=params.get("round"), category_id=params.get("category")
    )
    return cls(contest, filters)


def export_is_small(exporter: Exporter) -> bool:
    """Small enough to be written while the organiser's request waits."""
    return exporter.count() <= conf.stream_row_limit()


def export_start(
    *, user: User, contest: Contest, key: str, params: dict, format: str
) -> GeneratedFile:
    """Queue an export into a generated file (checked first, so a bad request fails now)."""
    from reports.tasks import run_export

    check_format(format)
    exporter = export_build(user=user, contest=contest, key=key, params=params)
    return generated_file_create(
        contest=contest,
        kind=key,
        format=format,
        created_by=user,
        params=_params(exporter),
        language=get_language() or "",
        enqueue=run_export.enqueue,
    )


def _params(exporter: Exporter) -> dict:
    return {
        "round": exporter.round.pk if exporter.round else None,
        "category": exporter.category.pk if exporter.category else None,
    }


def export_produce(*, generated_file_id: int) -> GeneratedFile | None:
    """Write a queued export file. Its creator must still be allowed to run the export."""
    generated = (
        GeneratedFile.objects.select_related("contest", "created_by")
        .filter(pk=generated_file_id)
        .first()
    )
    if generated is None:
        return None
    write = WRITERS[generated.format]

    def produce(out, progress) -> int:
        exporter = export_build(
            user=generated.created_by,
            contest=generated.contest,
            key=generated.kind,
            params=generated.params,
        )
        return write(exporter, out, progress)

    return generated_file_produce(generated_file_id=generated.pk, write=produce)

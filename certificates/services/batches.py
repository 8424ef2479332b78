"""Batches of certificate files for organisers: a ZIP of PDFs and one merged PDF, each made in
the background into a generated file (reports.GeneratedFile) with progress and an expiry."""

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from certificates.models import Certificate
from certificates.selectors import BATCH_KIND
from certificates.services.rendering import write_merged, write_zip
from certificates.tasks import make_certificate_file
from contest.errors import Conflict
from contest.models import Contest, User
from reports.models import GeneratedFile
from reports.services.generated_files import generated_file_create, generated_file_produce

FORMATS = {"zip": write_zip, "pdf": write_merged}


def batch_ids(contest_id: int) -> list[int]:
    """The issued certificates of a contest, in number order (revoked ones are left out)."""
    return list(
        Certificate.objects.filter(contest_id=contest_id, state=Certificate.State.ISSUED)
        .order_by("seq")
        .values_list("pk", flat=True)
    )


@transaction.atomic
def certificate_batch_start(*, contest: Contest, actor: User) -> list[GeneratedFile]:
    """Queue a ZIP and a merged PDF of the contest's issued certificates (Conflict if none)."""
    if not Certificate.objects.filter(contest=contest, state=Certificate.State.ISSUED).exists():
        raise Conflict(_("Issue certificates first: there is none to put in a file."))
    return [
        generated_file_create(
            contest=contest,
            kind=BATCH_KIND,
            format=fmt,
            created_by=actor,
            language=translation.get_language() or "",
            enqueue=make_certificate_file.enqueue,
        )
        for fmt in FORMATS
    ]


def certificate_file_produce(*, generated_file_id: int) -> GeneratedFile | None:
    """Write a queued batch file (called by the task)."""
    generated = GeneratedFile.objects.filter(pk=generated_file_id, kind=BATCH_KIND).first()
    if generated is None:
        return None
    write = FORMATS[generated.format]
    contest_id = generated.contest_id
    return generated_file_produce(
        generated_file_id=generated_file_id,
        write=lambda out, progress: write(batch_ids(contest_id), out, progress),
    )

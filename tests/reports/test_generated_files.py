"""The generated-file life cycle: queued → running → done | failed, expiry and clean-up."""

import datetime as dt

import pytest
from django.utils import timezone, translation

from contest.errors import ValidationFailed
from contest.storage import private_path, private_root
from reports.models import GeneratedFile
from reports.services import generated_files as services

pytestmark = pytest.mark.django_db


def _queued(contest, organiser, **fields):
    return services.generated_file_create(
        contest=contest, kind="works", format="csv", created_by=organiser, **fields
    )


def test_produce_writes_the_file_and_reaches_100(contest, organiser):
    generated = _queued(contest, organiser)
    seen = []

    def write(out, progress):
        for done in range(1, 11):
            out.write(b"row\n")
            progress(done, 10)
            seen.append(GeneratedFile.objects.get(pk=generated.pk).progress)
        return 10

    services.generated_file_produce(generated_file_id=generated.pk, write=write)
    generated.refresh_from_db()
    assert generated.state == GeneratedFile.State.DONE
    assert generated.progress == 100 and generated.rows == 10
    assert max(seen) == 99  # 100 only once the file is in place
    assert private_path(generated.file).read_bytes() == b"row\n" * 10
    assert generated.size == 40
    assert generated.expires_at > timezone.now() + dt.timedelta(hours=1)


def test_produce_runs_a_file_once(contest, organiser):
    generated = _queued(contest, organiser)
    services.generated_file_produce(generated_file_id=generated.pk, write=lambda out, p: 0)
    again = services.generated_file_produce(generated_file_id=generated.pk, write=lambda o, p: 1)
    assert again is None


def test_a_failing_writer_leaves_no_bytes_and_a_message_in_the_language(contest, organiser):
    generated = _queued(contest, organiser, language="en")

    def write(out, progress):
        out.write(b"half")
        raise ValidationFailed("The round has no frozen results.")

    services.generated_file_produce(generated_file_id=generated.pk, write=write)
    generated.refresh_from_db()
    assert generated.state == GeneratedFile.State.FAILED
    assert generated.error == "The round has no frozen results."
    assert generated.file == ""
    assert not list(private_root().rglob(".*.partial"))


def test_an_unexpected_error_gets_a_generic_message(contest, organiser):
    generated = _queued(contest, organiser, language="en")

    def write(out, progress):
        raise RuntimeError("disk on fire")

    with translation.override("zh-hans"):
        services.generated_file_produce(generated_file_id=generated.pk, write=write)
    generated.refresh_from_db()
    assert generated.error == "The file could not be made."


def test_clean_removes_expired_files_and_fails_abandoned_ones(contest, organiser):
    done = _queued(contest, organiser)
    services.generated_file_produce(generated_file_id=done.pk, write=lambda o, p: o.write(b"x"))
    done.refresh_from_db()
    path = private_path(done.file)
    GeneratedFile.objects.filter(pk=done.pk).update(expires_at=timezone.now())
    stuck = _queued(contest, organiser)
    GeneratedFile.objects.filter(pk=stuck.pk).update(
        created_at=timezone.now() - dt.timedelta(days=1)
    )
    fresh = _queued(contest, organiser)

    assert services.generated_files_clean() == (1, 1)
    assert not GeneratedFile.objects.filter(pk=done.pk).exists()
    assert not path.exists()
    assert GeneratedFile.objects.get(pk=stuck.pk).state == GeneratedFile.State.FAILED
    assert GeneratedFile.objects.get(pk=fresh.pk).state == GeneratedFile.State.QUEUED


def test_create_enqueues_on_commit(contest, organiser, django_capture_on_commit_callbacks):
    queued = []
    with django_capture_on_commit_callbacks(execute=True):
        generated = _queued(contest, organiser, enqueue=queued.append)
    assert queued == [generated.pk]


def test_the_task_writes_the_export_in_the_requesters_language(
    contest, organiser, django_capture_on_commit_callbacks
):
    import io

    from openpyxl import load_workbook

    from reports.tasks import run_export

    generated = _queued(contest, organiser, language="en")
    GeneratedFile.objects.filter(pk=generated.pk).update(format="xlsx")
    with translation.override("zh-hans"), django_capture_on_commit_callbacks(execute=True):
        run_export.enqueue(generated.pk)  # tests run tasks inline, once committed
    generated.refresh_from_db()
    assert (generated.state, generated.progress) == ("done", 100)
    book = load_workbook(io.BytesIO(private_path(generated.file).read_bytes()))
    assert book.worksheets[0]["A1"].value == "Anonymous code"


def test_the_task_fails_clearly_when_the_creator_lost_the_right(
    contest, organiser, django_capture_on_commit_callbacks
):
    from reports.tasks import run_export

    generated = _queued(contest, organiser, language="en")
    contest.roles.filter(user=organiser).delete()
    with django_capture_on_commit_callbacks(execute=True):
        run_export.enqueue(generated.pk)
    generated.refresh_from_db()
    assert generated.state == "failed"
    assert generated.error == "You do not have permission to do this."


def test_the_periodic_clean_up_removes_expired_files(contest, organiser):
    from reports.tasks import remove_expired_files

    generated = _queued(contest, organiser)
    GeneratedFile.objects.filter(pk=generated.pk).update(expires_at=timezone.now())
    remove_expired_files.call_local()
    assert not GeneratedFile.objects.filter(pk=generated.pk).exists()

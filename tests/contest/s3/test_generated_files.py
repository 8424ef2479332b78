"""Generated files and certificate images in the bucket: made by workers, downloaded through
presigned URLs after the same permission checks, deleted with their rows."""

import datetime as dt
import zipfile
from io import BytesIO
from pathlib import Path

import pytest
import requests
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone

from certificates.models import CertificateKind
from certificates.services.issuing import certificates_issue
from certificates.services.templates import layout_of, template_clear_image, template_set_image
from contest.media.store import new_name, store
from reports.models import GeneratedFile
from reports.services.generated_files import generated_files_clean
from tests import factories
from tests.certificates_factories import awarded_work, image_upload, template
from tests.s3_endpoint import keys

pytestmark = pytest.mark.django_db


@pytest.fixture
def contest(s3):
    return factories.ContestFactory(phase="results", slug="c20", year=2014, title="全国微课大赛")


@pytest.fixture
def organiser(contest):
    return factories.OrganiserFactory(contest=contest).user


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_certificate_batch_is_made_into_the_bucket_and_downloaded_from_it(s3, contest, organiser):
    awarded_work(contest, entrant_name="刘䶮", co_authors=("欧阳燚",))
    template(contest, CertificateKind.WORK_AWARD)
    certificates_issue(contest=contest, actor=organiser)
    client = signed_in(organiser)
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(reverse("certificate_batch", args=["c20"]))
    files = {f.format: f for f in GeneratedFile.objects.filter(kind="certificates")}
    assert {f.state for f in files.values()} == {"done"}
    assert keys(s3) == sorted(f.file for f in files.values())
    assert files["zip"].size == store().size(files["zip"].file)

    response = client.get(reverse("certificate_file_download", args=[files["zip"].pk]))
    assert response.status_code == 302
    got = requests.get(response["Location"], timeout=10)
    assert got.headers["Content-Type"] == "application/zip"
    name = files["zip"].download_name
    assert got.headers["Content-Disposition"] == f'attachment; filename="{name}"'
    assert len(zipfile.ZipFile(BytesIO(got.content)).namelist()) == 2

    other = signed_in(factories.OrganiserFactory().user)
    url = reverse("certificate_file_download", args=[files["zip"].pk])
    assert other.get(url).status_code == 404


def test_expired_generated_files_leave_the_bucket(s3, contest, organiser):
    generated = GeneratedFile.objects.create(
        contest=contest,
        kind="certificates",
        format="zip",
        created_by=organiser,
        state=GeneratedFile.State.DONE,
        file=new_name("generated", ".zip"),
        expires_at=timezone.now() - dt.timedelta(minutes=1),
    )
    store().put_bytes(generated.file, b"PK\x05\x06" + b"\x00" * 18)
    assert generated_files_clean() == (1, 0)
    assert keys(s3) == []


def test_certificate_images_live_in_the_bucket_and_are_drawn_from_a_local_copy(s3, contest):
    made = template(contest, CertificateKind.WORK_AWARD)
    template_set_image(template=made, slot="seal", upload=image_upload())
    made.refresh_from_db()
    assert keys(s3) == [made.seal]
    drawn = Path(layout_of(made).images[0].path)
    assert drawn.read_bytes() == s3.get_object(Bucket=s3.bucket, Key=made.seal)["Body"].read()

    with TestCase.captureOnCommitCallbacks(execute=True):
        template_clear_image(template=made, slot="seal")
    assert keys(s3) == []

"""Organisers' certificate pages, the entrant's downloads, and who may reach them."""

import zipfile
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from certificates.models import Certificate, CertificateTemplate
from certificates.services.issuing import certificate_revoke, certificates_issue
from reports.models import GeneratedFile
from tests import factories
from tests.certificates.pdfcheck import pdf_text, qr_codes
from tests.certificates_factories import awarded_work, image_upload, template


def test_overview_lists_kinds_templates_and_certificates(
    client, organiser, issued, django_assert_max_num_queries
):
    client.force_login(organiser)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("certificate_overview", args=["c20"]))
    assert response.status_code == 200
    page = response.content.decode()
    assert issued[0].number in page and "刘䶮" in page and "欧阳燚" in page


def test_overview_query_count_does_not_grow_with_certificates(client, contest, organiser, issued):
    client.force_login(organiser)
    url = reverse("certificate_overview", args=["c20"])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for name in ("李珺", "张堃", "陈淼"):
        awarded_work(contest, entrant_name=name, co_authors=("王喆",))
    certificates_issue(contest=contest, actor=organiser)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_overview_reports_names_the_font_cannot_draw(client, contest, organiser, issued):
    awarded_work(contest, entrant_name="王𠈌", co_authors=())
    client.force_login(organiser)
    url = reverse("certificate_overview", args=["c20"])
    assert "王𠈌" not in client.get(url).content.decode()  # the check runs on request
    page = client.get(url, {"check": "1"}).content.decode()
    assert "王𠈌" in page and "U+2020C" in page
    response = client.post(reverse("certificate_issue", args=["c20"]))
    assert response.url.endswith("?check=1")


@pytest.mark.parametrize("who", ["anonymous", "judge", "entrant", "other_organiser"])
def test_only_organisers_reach_the_organiser_pages(client, contest, judge, work, issued, who):
    user = {
        "anonymous": None,
        "judge": judge,
        "entrant": work.entrant,
        "other_organiser": factories.OrganiserFactory().user,
    }[who]
    if user:
        client.force_login(user)
    template_ = CertificateTemplate.objects.get()
    urls = [
        reverse("certificate_overview", args=["c20"]),
        reverse("certificate_template", args=["c20", "work_award"]),
        reverse("certificate_template_preview", args=[template_.pk]),
        reverse("certificate_detail", args=[issued[0].pk]),
        reverse("certificate_download", args=[issued[0].pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code in (302, 403, 404), url
        if user is not None:
            assert response.status_code in (403, 404), url
            assert "刘䶮".encode() not in response.content
    response = client.post(reverse("certificate_revoke", args=[issued[0].pk]), {"reason": "x"})
    assert response.status_code in (302, 404)
    assert not Certificate.objects.filter(state="revoked").exists()


def test_template_form_creates_and_validates(client, contest, organiser):
    client.force_login(organiser)
    client.cookies["lang"] = "en"
    url = reverse("certificate_template", args=["c20", "supervisor"])
    page = client.get(url)
    assert page.status_code == 200 and "{co_authors}" in page.content.decode()
    data = {
        "name": "指导教师证书",
        "page_size": "A4",
        "orientation": "landscape",
        "per_author": "on",
        "numbering": "{year}-{contest}-{seq:05d}",
        "qr_x": "20",
        "qr_y": "158",
        "qr_size": "25",
        "seal_x": "215",
        "seal_y": "140",
        "seal_size": "40",
        "signature_x": "150",
        "signature_y": "160",
        "signature_width": "40",
        "blocks_json": '[{"text": "{name} {nickname}", "x": 10, "y": 20}]',
    }
    response = client.post(url, data)
    assert response.status_code == 200 and "unknown fields {nickname}" in response.content.decode()
    assert not CertificateTemplate.objects.exists()
    response = client.post(url, {**data, "numbering": "no-seq"})
    assert "Use {seq} once" in response.content.decode()
    response = client.post(url, {**data, "blocks_json": "[{"})
    assert "Not valid JSON" in response.content.decode()
    response = client.post(
        url, {**data, "blocks_json": '[{"text": "{name} 老师", "x": 148, "y": 80}]'}
    )
    assert response.status_code == 302
    created = CertificateTemplate.objects.get(kind="supervisor")
    assert created.blocks[0]["align"] == "center" and created.name == "指导教师证书"


def test_images_are_checked_and_the_preview_shows_them(client, contest, organiser):
    client.force_login(organiser)
    client.cookies["lang"] = "en"
    created = template(contest)
    url = reverse("certificate_template_image", args=[created.pk, "seal"])
    not_an_image = SimpleUploadedFile("seal.png", b"not an image", content_type="image/png")
    response = client.post(url, {"image": not_an_image})
    assert "Upload a PNG or JPEG image." in response.content.decode()
    assert client.post(url, {"image": image_upload()}).status_code == 302
    bg = reverse("certificate_template_image", args=[created.pk, "background"])
    assert client.post(bg, {"image": image_upload("PNG", (300, 200), "bg.png")}).status_code == 302
    created.refresh_from_db()
    # The background is re-encoded as JPEG (embedded as it is), the seal stays a PNG.
    assert created.seal.endswith(".png") and created.background.endswith(".jpg")
    preview = client.get(reverse("certificate_template_preview", args=[created.pk]))
    assert preview["Content-Type"] == "application/pdf"
    assert preview["Content-Disposition"].startswith("inline")
    text = pdf_text(preview.content)[0]
    assert "刘䶮" in text and "荣誉证书" in text
    assert qr_codes(preview.content) == ["http://testserver/verify/SAMPLE/"] or qr_codes(
        preview.content
    )


def factories_text_file():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("seal.png", b"not an image at all", content_type="image/png")


def test_issue_revoke_and_reissue_from_the_pages(client, contest, organiser, work):
    template(contest)
    client.force_login(organiser)
    client.cookies["lang"] = "en"
    response = client.post(reverse("certificate_issue", args=["c20"]), follow=True)
    assert "2 certificates issued" in response.content.decode()
    first = Certificate.objects.order_by("seq").first()
    response = client.post(reverse("certificate_revoke", args=[first.pk]), {"reason": ""})
    assert response.status_code == 200 and "This field is required." in response.content.decode()
    client.post(reverse("certificate_revoke", args=[first.pk]), {"reason": "名字有误"})
    first.refresh_from_db()
    assert first.is_revoked
    response = client.post(reverse("certificate_reissue", args=[first.pk]), {"reason": "改正"})
    new = Certificate.objects.get(replaces=first)
    assert response.url == reverse("certificate_detail", args=[new.pk])
    page = client.get(response.url).content.decode()
    assert first.number in page


def test_batch_makes_a_zip_and_a_merged_pdf(
    client, contest, organiser, issued, django_capture_on_commit_callbacks
):
    client.force_login(organiser)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("certificate_batch", args=["c20"]))
    files = {f.format: f for f in GeneratedFile.objects.filter(kind="certificates")}
    assert {f.state for f in files.values()} == {"done"} and files["zip"].rows == 2
    response = client.get(reverse("certificate_file_download", args=[files["zip"].pk]))
    archive = zipfile.ZipFile(BytesIO(b"".join(response.streaming_content)))
    names = sorted(archive.namelist())
    assert names == sorted(f"{c.number}.pdf" for c in issued)
    assert "刘䶮" in pdf_text(archive.read(f"{issued[0].number}.pdf"))[0]
    merged = b"".join(
        client.get(reverse("certificate_file_download", args=[files["pdf"].pk])).streaming_content
    )
    texts = pdf_text(merged)
    assert len(texts) == 2 and "刘䶮" in texts[0] and "欧阳燚" in texts[1]
    state = client.get(reverse("certificate_file", args=[files["pdf"].pk])).content.decode()
    assert reverse("certificate_file_download", args=[files["pdf"].pk]) in state
    other = factories.OrganiserFactory().user
    client.force_login(other)
    assert (
        client.get(reverse("certificate_file_download", args=[files["zip"].pk])).status_code == 404
    )


def test_entrant_downloads_own_certificates_and_nobody_elses(client, contest, work, issued):
    client.force_login(work.entrant)
    page = client.get(reverse("my_certificates")).content.decode()
    assert issued[0].number in page and issued[1].number in page
    response = client.get(reverse("my_certificate_download", args=[issued[0].pk]))
    assert response.status_code == 200
    text = pdf_text(response.content)[0]
    assert "刘䶮" in text and issued[0].number in text and issued[0].code in text
    co_author = client.get(reverse("my_certificate_download", args=[issued[1].pk]))
    assert "欧阳燚" in pdf_text(co_author.content)[0]
    assert qr_codes(response.content) == [f"http://127.0.0.1:8000/verify/{issued[0].code}/"]
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert reverse("my_certificates") in dashboard

    other = awarded_work(contest, entrant_name="李珺", co_authors=())
    client.force_login(other.entrant)
    assert client.get(reverse("my_certificate_download", args=[issued[0].pk])).status_code == 404
    assert issued[0].number not in client.get(reverse("my_certificates")).content.decode()


def test_chinese_numbers_download_with_an_encoded_file_name(client, contest, organiser, work):
    template(contest, numbering="证字第{seq:03d}号")
    certificates_issue(contest=contest, actor=organiser)
    certificate = Certificate.objects.order_by("seq").first()
    assert certificate.number == "证字第001号"
    client.force_login(work.entrant)
    response = client.get(reverse("my_certificate_download", args=[certificate.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''%E8%AF%81%E5%AD%97%E7%AC%AC001%E5%8F%B7.pdf"
    )


def test_revoked_certificates_are_not_downloadable_by_the_entrant(client, organiser, work, issued):
    certificate_revoke(certificate=issued[0], actor=organiser, reason="错误")
    client.force_login(work.entrant)
    assert client.get(reverse("my_certificate_download", args=[issued[0].pk])).status_code == 404


def test_judges_reach_no_certificate(client, judge, work, issued):
    client.force_login(judge)
    assert client.get(reverse("my_certificate_download", args=[issued[0].pk])).status_code == 404
    assert "刘䶮" not in client.get(reverse("my_certificates")).content.decode()
    assert client.get(reverse("certificate_overview", args=["c20"])).status_code == 403

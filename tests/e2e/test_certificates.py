"""An organiser issues certificates and downloads the ZIP, an entrant downloads theirs from the
dashboard, and a visitor follows the QR code to the verification page."""

import re
import zipfile

import pytest
from django.urls import reverse

from certificates.models import Certificate, CertificateKind
from tests import factories
from tests.certificates.pdfcheck import pdf_text, qr_codes
from tests.certificates_factories import awarded_work, template
from tests.e2e.test_judge_scoring import log_in


@pytest.fixture
def the(transactional_db, live_server, settings):
    settings.SITE_URL = live_server.url  # the QR code then points at this server
    contest = factories.ContestFactory(
        phase="results", slug="c20", year=2014, title="全国中小学教师微课大赛"
    )
    organiser = factories.OrganiserFactory(contest=contest).user
    work = awarded_work(contest, entrant_name="刘䶮", co_authors=("欧阳燚",))
    template(contest, CertificateKind.WORK_AWARD)
    return contest, organiser, work


def test_issue_download_and_verify(browser, page, live_server, the, tmp_path, screenshot):
    _contest, organiser, work = the
    log_in(page, live_server, organiser)
    page.goto(f"{live_server.url}/contests/c20/certificates/")
    page.get_by_role("button", name="Issue certificates").click()
    assert "2 certificates issued" in page.locator("main").inner_text()
    page.get_by_role("button", name="Make ZIP and merged PDF").click()
    link = page.locator("a[data-file-format=zip]")
    link.wait_for()
    screenshot("certificates-01-organiser")
    with page.expect_download() as download:
        link.click()
    path = tmp_path / "certificates.zip"
    download.value.save_as(path)
    numbers = sorted(Certificate.objects.values_list("number", flat=True))
    assert sorted(zipfile.ZipFile(path).namelist()) == [f"{n}.pdf" for n in numbers]

    entrant = browser.new_context(locale="en-US").new_page()
    log_in(entrant, live_server, work.entrant)
    entrant.goto(live_server.url + reverse("dashboard"))
    entrant.get_by_role("link", name="My certificates").click()
    entrant.wait_for_url(re.compile(r"/certificates/mine/$"))
    assert "欧阳燚" in entrant.locator("main").inner_text()
    with entrant.expect_download() as download:
        entrant.get_by_role("link", name="Download PDF").first.click()
    mine = tmp_path / "mine.pdf"
    download.value.save_as(mine)
    data = mine.read_bytes()
    assert "刘䶮" in pdf_text(data)[0]
    (url,) = qr_codes(data)
    entrant.context.close()

    visitor = browser.new_context(locale="en-US").new_page()
    # Pages are Chinese unless the visitor picks English (the language cookie).
    visitor.context.add_cookies([{"name": "lang", "value": "en", "url": live_server.url}])
    visitor.goto(url)
    text = visitor.locator("main").inner_text()
    assert "This certificate is valid." in text and "刘䶮" in text and "一等奖" in text
    assert work.entrant.email not in text
    visitor.get_by_label("Certificate number").fill(numbers[0])
    visitor.get_by_label("Verification code").fill("not-the-code")
    visitor.get_by_role("button", name="Verify").click()
    assert "No certificate with this number" in visitor.locator("main").inner_text()
    visitor.context.close()

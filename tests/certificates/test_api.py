"""The certificates API: allowed and forbidden for every endpoint, list query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from certificates.models import Certificate, CertificateTemplate
from certificates.services.issuing import certificates_issue
from reports.models import GeneratedFile
from tests import factories
from tests.certificates.pdfcheck import pdf_text
from tests.certificates_factories import awarded_work, image_upload, template


@pytest.fixture
def api():
    client = APIClient()
    client.cookies["lang"] = "en"
    return client


def test_templates_crud(api, contest, organiser):
    api.force_authenticate(organiser)
    url = reverse("api-certificate-templates", args=["c20"])
    created = api.post(url, {"kind": "work_award", "per_author": False}, format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["per_author"] is False and body["blocks"] and body["qr_size"] == 25
    assert api.post(url, {"kind": "work_award"}, format="json").status_code == 409
    bad = api.post(url, {"kind": "supervisor", "numbering": "{year}"}, format="json")
    assert bad.status_code == 400 and "numbering" in bad.json()["fields"]
    one = reverse("api-certificate-template", args=[body["id"]])
    changed = api.patch(one, {"blocks": [{"text": "{name}", "x": 10, "y": 10}]}, format="json")
    assert changed.status_code == 200 and changed.json()["blocks"][0]["size"] == 16
    wrong = api.patch(one, {"blocks": [{"text": "{nick}", "x": 10, "y": 900}]}, format="json")
    assert wrong.status_code == 400 and len(wrong.json()["fields"]["blocks"]) == 2
    image = reverse("api-certificate-template-image", args=[body["id"], "seal"])
    uploaded = api.put(image, {"image": image_upload()}, format="multipart")
    assert uploaded.status_code == 200 and uploaded.json()["images"]["seal"] is True
    assert api.delete(image).status_code == 204
    assert api.get(url).json()[0]["images"] == {
        "background": False,
        "seal": False,
        "signature": False,
    }
    assert api.delete(one).status_code == 204
    assert not CertificateTemplate.objects.exists()


def test_a_template_with_certificates_cannot_be_deleted(api, organiser, issued):
    api.force_authenticate(organiser)
    template_ = CertificateTemplate.objects.get()
    response = api.delete(reverse("api-certificate-template", args=[template_.pk]))
    assert response.status_code == 409


@pytest.mark.parametrize("who", ["judge", "entrant", "other_organiser"])
def test_organiser_endpoints_refuse_everyone_else(api, contest, judge, work, issued, who):
    user = {
        "judge": judge,
        "entrant": work.entrant,
        "other_organiser": factories.OrganiserFactory().user,
    }[who]
    api.force_authenticate(user)
    template_ = CertificateTemplate.objects.get()
    certificate = issued[0]
    reads = [
        reverse("api-certificate-templates", args=["c20"]),
        reverse("api-certificates", args=["c20"]),
        reverse("api-certificates-check", args=["c20"]),
        reverse("api-certificate-template", args=[template_.pk]),
        reverse("api-certificate", args=[certificate.pk]),
    ]
    for url in reads:
        response = api.get(url)
        assert response.status_code in (403, 404), url
        assert "刘䶮" not in response.content.decode()
    writes = [
        reverse("api-certificates-issue", args=["c20"]),
        reverse("api-certificate-batch", args=["c20"]),
        reverse("api-certificate-revoke", args=[certificate.pk]),
        reverse("api-certificate-reissue", args=[certificate.pk]),
    ]
    for url in writes:
        assert api.post(url, {"reason": "x"}, format="json").status_code in (403, 404), url
    assert (
        api.patch(reverse("api-certificate-template", args=[template_.pk]), {}).status_code == 404
    )
    assert not GeneratedFile.objects.exists()
    assert not Certificate.objects.filter(state="revoked").exists()


def test_anonymous_gets_401(api, issued):
    assert api.get(reverse("api-certificates", args=["c20"])).status_code == 401
    assert api.get(reverse("api-my-certificates")).status_code == 401


def test_issue_check_list_revoke_reissue(api, contest, organiser, work):
    template(contest)
    awarded_work(contest, entrant_name="王𠈌", co_authors=())
    api.force_authenticate(organiser)
    check = api.get(reverse("api-certificates-check", args=["c20"]))
    assert [p["holder"] for p in check.json()] == ["王𠈌"]
    report = api.post(reverse("api-certificates-issue", args=["c20"])).json()
    assert report["created"] == 2 and report["problems"][0]["characters"] == ["𠈌"]
    listing = api.get(reverse("api-certificates", args=["c20"]), {"search": "欧阳"}).json()
    assert [c["holder"] for c in listing["results"]] == ["欧阳燚"]
    pk = listing["results"][0]["id"]
    refused = api.post(reverse("api-certificate-revoke", args=[pk]), {}, format="json")
    assert refused.status_code == 400 and "reason" in refused.json()["fields"]
    revoked = api.post(
        reverse("api-certificate-revoke", args=[pk]), {"reason": "错"}, format="json"
    )
    assert revoked.json()["state"] == "revoked"
    again = api.post(reverse("api-certificate-revoke", args=[pk]), {"reason": "错"}, format="json")
    assert again.status_code == 409
    new = api.post(reverse("api-certificate-reissue", args=[pk]), {"reason": "改"}, format="json")
    assert new.status_code == 201 and new.json()["replaces"] == revoked.json()["number"]
    assert (
        api.get(reverse("api-certificate", args=[pk])).json()["replaced_by"] == new.json()["number"]
    )


def test_list_query_count_does_not_grow(api, contest, organiser, issued):
    api.force_authenticate(organiser)
    url = reverse("api-certificates", args=["c20"])
    api.get(url)  # the user's roles are cached on the (forced) user object after this
    with CaptureQueriesContext(connection) as few:
        assert api.get(url).status_code == 200
    for name in ("李珺", "张堃"):
        awarded_work(contest, entrant_name=name)
    certificates_issue(contest=contest, actor=organiser)
    with CaptureQueriesContext(connection) as many:
        assert len(api.get(url).json()["results"]) == 6
    assert len(many) == len(few), [q["sql"][:120] for q in many.captured_queries]


def test_batch_needs_issued_certificates(api, contest, organiser):
    api.force_authenticate(organiser)
    response = api.post(reverse("api-certificate-batch", args=["c20"]))
    assert response.status_code == 409 and "Issue certificates first" in response.json()["message"]
    assert not GeneratedFile.objects.exists()


def test_batch_and_progress(api, organiser, issued, django_capture_on_commit_callbacks):
    api.force_authenticate(organiser)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(reverse("api-certificate-batch", args=["c20"]))
    assert response.status_code == 202 and {f["format"] for f in response.json()} == {"zip", "pdf"}
    merged = next(f for f in response.json() if f["format"] == "pdf")
    state = api.get(reverse("api-certificate-file", args=[merged["id"]])).json()
    assert state["state"] == "done" and state["progress"] == 100 and state["rows"] == 2
    api.force_login(organiser)  # downloads are pages (session), not API views
    download = api.get(state["download_url"])
    assert len(pdf_text(b"".join(download.streaming_content))) == 2
    api.force_authenticate(factories.OrganiserFactory().user)
    assert api.get(reverse("api-certificate-file", args=[merged["id"]])).status_code == 404


def test_entrants_list_their_own(api, contest, work, issued, judge, django_assert_num_queries):
    api.force_authenticate(work.entrant)
    with django_assert_num_queries(2):
        body = api.get(reverse("api-my-certificates")).json()
    assert [c["number"] for c in body["results"]] == sorted(c.number for c in issued)
    api.force_login(work.entrant)
    assert api.get(body["results"][0]["download_url"]).status_code == 200
    api.force_authenticate(judge)
    assert api.get(reverse("api-my-certificates")).json()["results"] == []
